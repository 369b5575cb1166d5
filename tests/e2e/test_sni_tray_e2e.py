"""The installed ``hipbreak`` with a StatusNotifierItem tray, and the middle click in both tray kinds.

Why these tests exist: Qt 6 has two tray protocols. When a StatusNotifierWatcher
with a registered host is on the session bus at start (KDE, Xfce's panel,
GNOME with AppIndicator), Qt exports a StatusNotifierItem and the menu over
D-Bus (com.canonical.dbusmenu), and the *host* draws both; otherwise it docks
an XEmbed icon (trayer, test_tray_e2e.py). In SNI mode nothing of the app is
an X window, so everything a panel does is done here over D-Bus, as a panel
does it: read the item's properties, call ``Activate`` (left click),
``SecondaryActivate`` (middle click), ``AboutToShow`` + ``GetLayout`` to draw
the menu and ``Event(id, "clicked")`` when the user picks an item.

The watcher is tests/e2e/fake_sni_watcher.py (the real interface, on the
private test bus). D-Bus calls from the test go through ``busctl --json``,
which decodes every D-Bus type (the icon's ``a(iiay)`` too).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.program import week_of_routine
from desktop_app.core.settings import PAUSE_OPTIONS, SNOOZE_OPTIONS
from desktop_app.locale_format import format_time
from desktop_app.storage.settings_file import load_settings
from desktop_app.ui.tray_menu import format_minutes
from tests.e2e.conftest import wait_embedded, wait_until
from tests.e2e.fake_sni_watcher import WatcherProcess
from tests.e2e.helpers import Desktop, desktop
from tests.support.desktop import need

pytestmark = [pytest.mark.e2e, pytest.mark.display]

ITEM_PATH = "/StatusNotifierItem"
ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
WATCHER = ("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher")


# --- talking D-Bus as a panel does ----------------------------------------------------------
def busctl(desk: Desktop, *args: str) -> Any:
    """``busctl --user --json=short ARGS`` on the desktop's bus; the decoded ``data`` of the reply."""
    need("busctl")
    result = desk.tool(["busctl", "--user", "--json=short", *args], timeout=15)
    assert result.returncode == 0, f"busctl {' '.join(args)}: {result.stderr.strip()}"
    if not result.stdout.strip():
        return None
    return json.loads(result.stdout)["data"]


@dataclass
class MenuEntry:
    """One dbusmenu item as a host sees it (GetLayout), with its children."""

    id: int
    label: str
    enabled: bool
    visible: bool
    separator: bool
    children: list[MenuEntry] = field(default_factory=list)

    def child(self, label: str) -> MenuEntry:
        found = [c for c in self.children if c.label == label]
        assert found, f"no item {label!r} under {self.label!r}; there are {[c.label for c in self.children]}"
        return found[0]

    def shown(self) -> list[MenuEntry]:
        """The visible children that are not separators, in order."""
        return [c for c in self.children if c.visible and not c.separator]


def displayed_label(label: str) -> str:
    """A dbusmenu label as a host draws it: ``_x`` marks a mnemonic, ``__`` is a literal underscore.

    Qt turns the first ``&`` of a QAction text into ``_``, so "About && safety"
    is exported as "About _& safety" and drawn as "About & safety".
    """
    out: list[str] = []
    i = 0
    while i < len(label):
        if label[i] == "_" and i + 1 < len(label):
            out.append(label[i + 1])
            i += 2
            continue
        out.append(label[i])
        i += 1
    return "".join(out)


def _entry(node: list[Any]) -> MenuEntry:
    """An ``(ia{sv}av)`` layout node from busctl's JSON (children are variants holding nodes)."""
    ident, props, children = node
    value = {key: item["data"] for key, item in props.items()}
    return MenuEntry(id=int(ident), label=displayed_label(str(value.get("label", ""))),
                     enabled=bool(value.get("enabled", True)), visible=bool(value.get("visible", True)),
                     separator=value.get("type") == "separator",
                     children=[_entry(child["data"]) for child in children])


@dataclass
class SniApp:
    desk: Desktop
    proc: subprocess.Popen[bytes]
    watcher: WatcherProcess
    item: str

    def prop(self, name: str) -> Any:
        return busctl(self.desk, "get-property", self.item, ITEM_PATH, ITEM_IFACE, name)

    def click(self, method: str, x: int = 1200, y: int = 12) -> None:
        """``Activate`` / ``SecondaryActivate`` / ``ContextMenu`` with the screen point a panel passes."""
        busctl(self.desk, "call", "--", self.item, ITEM_PATH, ITEM_IFACE, method, "ii", str(x), str(y))

    def menu_path(self) -> str:
        path = self.prop("Menu")
        assert isinstance(path, str) and path.startswith("/")
        return path

    def open_menu(self) -> MenuEntry:
        """What a host does to draw the menu: AboutToShow(0), then GetLayout of the whole tree."""
        path = self.menu_path()
        busctl(self.desk, "call", "--", self.item, path, MENU_IFACE, "AboutToShow", "i", "0")
        return self.layout()

    def layout(self) -> MenuEntry:
        """GetLayout(0, -1, []) without AboutToShow: what a host that cached the menu would show."""
        _revision, root = busctl(self.desk, "call", "--", self.item, self.menu_path(), MENU_IFACE, "GetLayout",
                                 "iias", "0", "-1", "0")
        return _entry(root)

    def menu_event(self, entry: MenuEntry, event: str = "clicked") -> None:
        busctl(self.desk, "call", "--", self.item, self.menu_path(), MENU_IFACE, "Event", "isvu",
               str(entry.id), event, "s", "", str(int(time.time())))

    def close_menu(self) -> None:
        busctl(self.desk, "call", "--", self.item, self.menu_path(), MENU_IFACE, "Event", "isvu",
               "0", "closed", "s", "", str(int(time.time())))

    def icon(self) -> dict[int, bytes]:
        """IconPixmap: {size: ARGB32 bytes (network order)} for each size Qt exported."""
        return {int(w): bytes(data) for w, _h, data in self.prop("IconPixmap")}


def _status(desk: Desktop) -> dict[str, Any]:
    status = wait_until(desk.status, 10, "hipbreak status --json to answer")
    assert isinstance(status, dict)
    return status


def _wait_state(desk: Desktop, state: str, what: str, timeout: float = 10) -> dict[str, Any]:
    found = wait_until(lambda: (s := desk.status()) and s["state"] == state and s, timeout, what)
    assert isinstance(found, dict)
    return found


def _steady_text(status: dict[str, Any]) -> str:
    """The tooltip's words for a working status (``tray_status_line``), from the status JSON's moments."""
    assert status["state"] == "working", status
    since = format_time(datetime.fromisoformat(status["sitting_since"]), "C")  # the desktop runs LANG=C.UTF-8
    at = format_time(datetime.fromisoformat(status["next_prompt_at"]), "C")
    return f"Sitting since {since} · break at {at}"


def _close_player(desk: Desktop) -> None:
    """Esc in the player window, as a user stops a routine early."""
    wid = wait_until(lambda: desk.find_windows("^HipBreak: "), 10, "the player window")[0]
    desk.xdotool("windowactivate", "--sync", wid)
    desk.key("Escape")
    wait_until(lambda: (s := desk.status()) and not s["player_open"], 10, "the player to close")


def _routine_titles(desk: Desktop) -> list[str]:
    """The titles the menu should list: every valid routine the CLI lists, but of the twelve
    program weeks only the one the daily session offers (the others stay startable by id)."""
    listed = desk.run("routines", "--json", check=True)
    data = json.loads(listed.stdout)
    routines = data["routines"] if isinstance(data, dict) else data
    daily = load_settings(desk.profile / "config" / "settings.json").settings.daily_routine
    return [str(r["title"]) for r in routines
            if r.get("valid", True) and (week_of_routine(str(r["id"])) is None or r["id"] == daily)]


@pytest.fixture(scope="module")
def sni(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SniApp]:
    """Xvfb + openbox + dunst, no XEmbed tray, the fake watcher (with a host): then ``hipbreak``."""
    workdir = tmp_path_factory.mktemp("sni")
    with desktop(workdir, with_tray=False) as desk:
        watcher = WatcherProcess(desk.bus, host=True, log_path=workdir / "watcher.log")
        try:
            proc = desk.launch()
            try:
                line = watcher.wait_line("registered ")
            except AssertionError:
                pytest.fail(f"the app never registered a StatusNotifierItem; app log:\n{desk.log()[-3000:]}")
            yield SniApp(desk, proc, watcher, line.split(" ", 1)[1])
            desk.stop_app(proc)
        finally:
            watcher.stop()


# --- SNI mode -------------------------------------------------------------------------------
def test_the_app_registers_a_status_notifier_item(sni: SniApp) -> None:
    desk = sni.desk
    registered = busctl(desk, "get-property", *WATCHER, "RegisteredStatusNotifierItems")
    assert sni.item in registered
    status = _status(desk)
    assert status["view"] == "tray", "with an SNI host the app must use the tray, not the status window"
    assert not desk.find_windows("^Status$"), "the no-tray status window is showing"
    assert sni.prop("Title") == "HipBreak"
    assert sni.prop("Status") in ("Active", "Passive", "NeedsAttention")
    assert sni.prop("Category") == "ApplicationStatus"
    _icon_name, _icon, tip_title, _tip_body = sni.prop("ToolTip")
    assert tip_title == "HipBreak · " + _steady_text(status)
    # the exported menu is filled in before any host has asked (AboutToShow) for it
    first = sni.layout().shown()
    assert first[0].label == status["status_text"]
    assert not {e.label: e.enabled for e in first}["Skip this break"]


def test_the_icon_is_painted_at_several_sizes_and_follows_the_state(sni: SniApp) -> None:
    desk = sni.desk
    before = sni.icon()
    assert before, "IconPixmap is empty"
    for size, argb in before.items():
        assert len(argb) == size * size * 4
        alphas = argb[0::4]
        assert any(alphas) and not all(a == 255 for a in alphas), f"{size} px icon is blank or a full square"
    assert any(16 <= size <= 24 for size in before), f"no panel-sized icon among {sorted(before)}"
    assert desk.run("pause", "30").returncode == 0
    _wait_state(desk, "paused", "hipbreak pause 30")
    paused = wait_until(lambda: (icon := sni.icon()) != before and icon, 10, "the icon to change when paused")
    assert set(paused) == set(before)
    tip = sni.prop("ToolTip")[2]
    assert "Paused until" in tip
    assert desk.run("resume").returncode == 0
    _wait_state(desk, "working", "hipbreak resume")
    wait_until(lambda: sni.icon() != paused, 10, "the icon to change back after resume")


def test_left_click_activate_opens_the_routine_chooser(sni: SniApp) -> None:
    desk = sni.desk
    assert not desk.find_windows("Start a routine")
    sni.click("Activate")
    chooser = wait_until(lambda: desk.find_windows("Start a routine"), 10, "Activate to open the routine chooser")
    desk.xdotool("windowactivate", "--sync", chooser[0])
    desk.key("Escape")
    wait_until(lambda: not desk.find_windows("Start a routine"), 10, "Esc to close the chooser")
    assert _status(desk)["state"] == "working"


def test_left_click_activate_while_a_break_is_due_brings_the_prompt(sni: SniApp) -> None:
    """A user hid the prompt (minimized it, or "show desktop"), then clicks the tray icon to get it back."""
    desk = sni.desk
    desk.run("break-now", check=True)
    wid = wait_until(lambda: desk.find_windows("Time for a break"), 10, "the prompt")
    desk.xdotool("windowminimize", "--sync", wid[0])
    wait_until(lambda: not desk.find_windows("Time for a break"), 10, "the prompt to be minimized")
    try:
        sni.click("Activate")
        wait_until(lambda: desk.find_windows("Time for a break"), 10, "Activate to bring the prompt back")
        assert not desk.find_windows("Start a routine"), "a due break should bring the prompt, not the chooser"
    finally:
        assert desk.run("skip").returncode == 0
        _wait_state(desk, "working", "skip")


def test_a_break_prompt_notification_goes_to_the_notification_daemon(sni: SniApp) -> None:
    desk = sni.desk
    summaries = [n["summary"] for n in desk.notifications()]
    assert "Time for a break" in summaries  # from the break-now of the previous test


def test_middle_click_secondary_activate_starts_the_default_routine(sni: SniApp) -> None:
    desk = sni.desk
    default = _status(desk)["prompt_routine_id"]
    sni.click("SecondaryActivate")
    status = _wait_state(desk, "in_routine", "SecondaryActivate to start the default routine")
    assert status["routine_id"] == default
    assert status["player_open"] is True
    _close_player(desk)
    assert _status(desk)["state"] == "working"


def test_the_menu_is_exported_with_the_tray_menu_items(sni: SniApp) -> None:
    desk = sni.desk
    root = sni.open_menu()
    status = _status(desk)
    shown = root.shown()
    labels = [e.label for e in shown]
    assert labels[0] == status["status_text"], "the status line is not live in the exported menu"
    assert not shown[0].enabled
    expected = ["Start routine", "All routines", "Take a break now", "Snooze", "Skip this break", "Pause",
                "Resume", "I'm standing", "Statistics…", "Settings…", "About & safety", "Welcome and setup…", "Quit"]
    assert labels[1].startswith("Start “") and labels[1].endswith("”")
    assert labels[2:] == expected[1:], labels
    assert [c.label for c in root.child("All routines").shown()] == _routine_titles(desk)
    assert [c.label for c in root.child("Snooze").shown()] == [f"{m} min" for m in SNOOZE_OPTIONS]
    assert [c.label for c in root.child("Pause").shown()] == (
        [format_minutes(m * 60) for m in PAUSE_OPTIONS] + ["Until tomorrow"])
    enabled = {e.label: e.enabled for e in shown}
    assert status["state"] == "working"
    assert enabled["Take a break now"] and enabled["Pause"] and enabled["I'm standing"]
    assert enabled["Welcome and setup…"]  # the welcome window can be opened again at any time
    assert not enabled["Snooze"] and not enabled["Skip this break"] and not enabled["Resume"]
    sni.close_menu()


def test_a_menu_click_over_dbus_works_and_the_menu_follows(sni: SniApp) -> None:
    desk = sni.desk
    root = sni.open_menu()
    sni.menu_event(root.child("Pause").child(format_minutes(PAUSE_OPTIONS[0] * 60)))
    sni.close_menu()
    status = _wait_state(desk, "paused", "the Pause menu item (clicked over D-Bus)")
    until = datetime.fromisoformat(status["paused_until"]) - datetime.fromisoformat(status["now"])
    assert (PAUSE_OPTIONS[0] - 1) * 60 < until.total_seconds() <= PAUSE_OPTIONS[0] * 60
    # a host may draw the menu from its copy of the layout: it must already be right, without AboutToShow
    cached = {e.label: e.enabled for e in sni.layout().shown()}
    assert cached["Resume"], "Resume stays disabled in the exported menu while paused"
    assert cached["Pause"]  # still offered while paused: the user may change how long
    root = sni.open_menu()
    sni.menu_event(root.child("Resume"))
    sni.close_menu()
    _wait_state(desk, "working", "the Resume menu item (clicked over D-Bus)")
    cached = {e.label: e.enabled for e in sni.layout().shown()}
    assert not cached["Resume"]


def test_a_restarted_panel_gets_the_item_again(sni: SniApp) -> None:
    """The panel (and its watcher) restarts, as plasmashell does after a crash: Qt registers again."""
    sni.watcher.stop()
    sni.watcher = WatcherProcess(sni.desk.bus, host=True, log_path=sni.desk.workdir / "watcher2.log")
    line = sni.watcher.wait_line("registered ")
    sni.item = line.split(" ", 1)[1]
    assert sni.prop("Title") == "HipBreak"
    assert _status(sni.desk)["view"] == "tray"
    sni.click("Activate")
    chooser = wait_until(lambda: sni.desk.find_windows("Start a routine"), 10, "Activate after the restart")
    sni.desk.xdotool("windowactivate", "--sync", chooser[0])
    sni.desk.key("Escape")
    wait_until(lambda: not sni.desk.find_windows("Start a routine"), 10, "Esc to close the chooser")


def test_quit_from_the_menu_leaves_the_bus(sni: SniApp) -> None:
    desk = sni.desk
    root = sni.open_menu()
    sni.menu_event(root.child("Quit"))
    assert sni.proc.wait(timeout=15) == 0
    sni.watcher.wait_line(f"unregistered {sni.item}")
    assert sni.item not in busctl(desk, "get-property", *WATCHER, "RegisteredStatusNotifierItems")
    assert "Traceback" not in desk.log()


def test_a_watcher_without_a_host_gets_the_status_window(tmp_path: Path) -> None:
    """Qt 6.12 decides on the watcher alone (IsStatusNotifierHostRegistered is not asked), so with a
    watcher but no panel drawing items (KDE's kded watcher while plasmashell is down) its icon would be
    exported and shown by nobody, even with an XEmbed tray running. HipBreak's tray host watch
    (platform/tray_host) asks the watcher, so the app shows its status window instead.
    """
    with desktop(tmp_path / "nohost") as desk:
        watcher = WatcherProcess(desk.bus, host=False, log_path=tmp_path / "watcher.log")
        try:
            assert busctl(desk, "get-property", *WATCHER, "IsStatusNotifierHostRegistered") is False
            proc = desk.launch()
            wait_until(lambda: desk.find_windows("^Status$"), 20, "the status window (no host draws icons)")
            assert _status(desk)["view"] == "window"
            time.sleep(1.0)
            assert desk.tray_icon() is None, "an XEmbed icon was docked as well"
            assert busctl(desk, "get-property", *WATCHER, "RegisteredStatusNotifierItems") == []
            assert desk.run("quit").returncode == 0
            assert proc.wait(timeout=15) == 0
        finally:
            watcher.stop()


def test_the_status_window_moves_to_an_sni_tray_that_appears_later(tmp_path: Path) -> None:
    """At login the app can start before the panel: it must not stay in the status window.

    No tray at start gives the status window; once a watcher appears, the
    app's periodic tray check (TRAY_CHECK_SECONDS) moves it to an SNI item.
    Qt 6.12 asks the bus again at each check, not only once at start.
    """
    from desktop_app.ui.tray import TRAY_CHECK_SECONDS

    with desktop(tmp_path / "late", with_tray=False, with_dunst=False) as desk:
        proc = desk.launch()
        wait_until(lambda: desk.find_windows("^Status$"), 20, "the no-tray status window")
        assert _status(desk)["view"] == "window"
        watcher = WatcherProcess(desk.bus, host=True, log_path=tmp_path / "watcher.log")
        try:
            item = watcher.wait_line("registered ", timeout=TRAY_CHECK_SECONDS + 15).split(" ", 1)[1]
            assert busctl(desk, "get-property", item, ITEM_PATH, ITEM_IFACE, "Title") == "HipBreak"
            wait_until(lambda: (s := desk.status()) and s["view"] == "tray", 10, "the app to say it is in the tray")
            wait_until(lambda: not desk.find_windows("^Status$"), 10, "the status window to go away")
            assert desk.run("quit").returncode == 0
            assert proc.wait(timeout=15) == 0
        finally:
            watcher.stop()


def test_a_caching_host_reads_the_item_only_at_ring_steps(tmp_path: Path) -> None:
    """Issue 13: with a host that re-reads every property after each change signal, as plasmashell
    does (bench/sni_host.py), 20 simulated minutes of sitting (``--demo``: 60x) cost two reads, for
    the ring's 10-minute steps; the tooltip's words, pushed once, are still true and unchanged.
    Before, the tooltip's running minutes changed every minute: about 20 reads here."""
    root = Path(__file__).resolve().parents[2]
    with desktop(tmp_path / "sni-host", with_tray=False) as desk:
        watcher = WatcherProcess(desk.bus, host=True, log_path=tmp_path / "watcher.log")
        host_log = tmp_path / "host.log"
        host: subprocess.Popen[str] | None = None
        try:
            proc = desk.launch("--demo")
            item = watcher.wait_line("registered ").split(" ", 1)[1]
            with open(host_log, "w") as out:
                host = subprocess.Popen([sys.executable, str(root / "bench" / "sni_host.py"), item],
                                        env={**desk.env, "QT_QPA_PLATFORM": "offscreen"},
                                        stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, text=True)
            wait_until(lambda: "ready" in host_log.read_text(), 15, "the host to read the item once")
            app = SniApp(desk, proc, watcher, item)
            status = _status(desk)
            if status["sitting_seconds"] > 8 * 60:  # a slow start ate into the first ring step; wait it out
                time.sleep(3)
            status = _status(desk)
            tip = app.prop("ToolTip")[2]
            reads_before = host_log.read_text().count("getall")
            start = status["sitting_seconds"]
            end = time.monotonic() + 20.0
            while time.monotonic() < end:  # a person at the desk: no natural break
                desk.jiggle()
                time.sleep(1.0)
            status = _status(desk)
            reads = host_log.read_text().count("getall") - reads_before
            assert status["state"] == "working", status
            sat = (status["sitting_seconds"] - start) / 60
            steps = int(status["sitting_seconds"] // 600) - int(start // 600)  # ring steps passed
            assert sat >= 15, f"only {sat:.0f} simulated minutes passed"
            # (a step that falls in the last simulated seconds may not have been read yet)
            assert steps - 1 <= reads <= steps, (
                f"{reads} reads of the item in {sat:.0f} simulated minutes; {steps} ring steps")
            assert app.prop("ToolTip")[2] == tip == "HipBreak · " + _steady_text(status)
        finally:
            if host is not None:
                host.communicate("quit\n", timeout=10)
            watcher.stop()


# --- XEmbed mode (trayer) -------------------------------------------------------------------
def test_xembed_middle_click_starts_the_default_routine(tmp_path: Path) -> None:
    with desktop(tmp_path / "xembed") as desk:
        proc = desk.launch()
        icon = wait_embedded(desk)
        default = _status(desk)["prompt_routine_id"]
        desk.click(*icon.centre, button=2)
        status = _wait_state(desk, "in_routine", "a middle click on the tray icon to start the default routine")
        assert status["routine_id"] == default
        assert status["player_open"] is True
        assert not desk.find_windows("Start a routine"), "a middle click should not open the chooser"
        _close_player(desk)
        assert desk.run("quit").returncode == 0
        assert proc.wait(timeout=15) == 0
