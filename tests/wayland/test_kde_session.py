"""The installed ``hipbreak`` in a real KDE Plasma 5.27 Wayland session (KWin + plasmashell, headless).

One session for the whole module (tests/support/kde_session.py): KWin's virtual backend, XWayland,
plasmashell as panel, tray host and notification server, kded5's StatusNotifierWatcher.
HipBreak is started as a user would, without ``QT_QPA_PLATFORM``, so it picks its own prompt mode
(XWayland is there, so its windows are X11 clients of KWin).

What cannot be done here: KWin offers no way for an ordinary client to inject keys or pointer
motion, so nobody *types*; focus is checked by which window KWin says is active, and the Wayland
idle ``resumed`` event is caused with KDE's ``org_kde_kwin_idle`` ``simulate_user_activity``
request ("behaves just like real user activity on the seat").
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.desktop import wait_for
from tests.support.kde_session import HEIGHT, WIDTH, KdeSession, kde_session
from tests.wayland.conftest import SessionApp, write_settings

pytestmark = [pytest.mark.wayland]

PROMPT_TITLE = "Time for a break"
TYPING_TITLE = "Notes - typing here"
TYPING_APP = Path(__file__).with_name("typing_app.py")


@pytest.fixture(scope="module")
def kde(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KdeSession]:
    with kde_session(tmp_path_factory.mktemp("kde")) as session:
        yield session


def _app_env(kde: KdeSession, profile: Path) -> dict[str, str]:
    env = {k: v for k, v in kde.env.items() if k != "QT_QPA_PLATFORM"}  # the app picks its own mode
    env["HIPBREAK_PROFILE_DIR"] = str(profile)
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env["LANG"] = "C.UTF-8"
    env["LANGUAGE"] = "en"
    return env


@pytest.fixture(scope="module")
def demo(kde: KdeSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionApp]:
    """``hipbreak --demo``: a 10-minute interval is 10 s, the 2-minute repeat 2 s; nobody types, so the
    natural break is set long (45 min = 45 real s of no input) to stay out of the way."""
    profile = tmp_path_factory.mktemp("kde-demo")
    write_settings(profile, break_interval_minutes=10, reprompt_minutes=2, snooze_minutes=10,
                   natural_break_minutes=45, sound_enabled=False)
    app = SessionApp(env=_app_env(kde, profile), profile=profile)
    app.start("--demo")
    try:
        app.wait_status("the demo to answer", timeout=60)
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def typing_window(kde: KdeSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Wayland-native Qt window (the app the person works in), made the active window."""
    import subprocess

    folder = tmp_path_factory.mktemp("kde-typing")
    proc = subprocess.Popen([sys.executable, str(TYPING_APP), str(folder / "typed.txt"), TYPING_TITLE],
                            env=dict(kde.env, QT_QPA_PLATFORM="wayland"), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().split() == ["platform", "wayland"]
    try:
        wait_for(lambda: _window(kde, TYPING_TITLE), timeout=30, interval=0.5, what="the typing app's window")
        _activate(kde, TYPING_TITLE)
        yield TYPING_TITLE
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _window(kde: KdeSession, title_part: str) -> dict[str, Any] | None:
    for window in kde.windows()["windows"]:
        if title_part in window["caption"]:
            return dict(window)
    return None


def _active_caption(kde: KdeSession) -> str:
    active = kde.windows()["active"]
    return str(active["caption"]) if active else ""


def _activate(kde: KdeSession, title_part: str) -> None:
    """What a click into that window does: KWin makes it the active window."""
    kde.kwin_script(f"""
var all = workspace.clientList();
for (var i = 0; i < all.length; i++)
    if (String(all[i].caption).indexOf({json.dumps(title_part)}) >= 0) workspace.activeClient = all[i];
print("MARKER" + (workspace.activeClient ? workspace.activeClient.caption : ""));
""")
    wait_for(lambda: title_part in _active_caption(kde), timeout=10, what=f"{title_part!r} to be active")


def _stack_index(kde: KdeSession, title_part: str) -> int:
    return max(i for i, caption in enumerate(kde.windows()["stacking"]) if title_part in caption)


def _crop(screen: Path, window: dict[str, Any], out: Path, pad: int = 16) -> None:
    """The window (KWin's frame geometry) with a margin, cut from a full-screen shot."""
    from PySide6.QtGui import QImage

    image = QImage(str(screen))
    assert not image.isNull(), f"spectacle wrote no readable PNG: {screen}"
    x, y = max(0, window["x"] - pad), max(0, window["y"] - pad)
    w = min(image.width() - x, window["width"] + 2 * pad)
    h = min(image.height() - y, window["height"] + 2 * pad)
    assert image.copy(x, y, w, h).save(str(out))


def _registered_items(kde: KdeSession) -> str:
    return kde.watcher_property("RegisteredStatusNotifierItems")


def _assert_prompt_seen_without_focus(kde: KdeSession, typing: str) -> dict[str, Any]:
    prompt = wait_for(lambda: _window(kde, PROMPT_TITLE), timeout=15, interval=0.3,
                      what="the prompt in KWin's window list")
    time.sleep(1.0)  # give a focus-stealing window every chance to take the focus
    assert typing in _active_caption(kde), f"the prompt took the active window: {_active_caption(kde)!r}"
    prompt = _window(kde, PROMPT_TITLE)
    assert prompt is not None and not prompt["minimized"]
    assert prompt["keepAbove"], "KWin does not keep the prompt above other windows"
    assert _stack_index(kde, PROMPT_TITLE) > _stack_index(kde, typing), "the prompt is under the typing app"
    x, y, w, h = prompt["x"], prompt["y"], prompt["width"], prompt["height"]
    assert x >= 0 and y >= 0 and x + w <= WIDTH and y + h <= HEIGHT, f"the prompt is off screen: {prompt}"
    return prompt


def test_tray_icon_registers_with_plasma_and_the_wayland_idle_backend_is_used(
        kde: KdeSession, demo: SessionApp) -> None:
    status = demo.wait_status("the tray view", view="tray", timeout=30)
    items = wait_for(lambda: (r := _registered_items(kde)) and "StatusNotifierItem" in r and r, timeout=20,
                     interval=0.5, what="HipBreak's item in the watcher's RegisteredStatusNotifierItems")
    assert "/StatusNotifierItem" in items  # KDE keeps items as <unique name>/<path>
    assert status["idle_backend"] == "wayland", status["idle_backend"]
    log = demo.log()
    assert "ext-idle-notify-v1" in log
    assert "tray host watch: sni" in log


def _item_tooltip(kde: KdeSession) -> str:
    """The ToolTip title of HipBreak's item, as plasmashell reads it (Properties.Get on the item)."""
    found = re.search(r"'([^']+?)(/StatusNotifierItem)'", _registered_items(kde))
    assert found, _registered_items(kde)
    out = kde.gdbus("--dest", found.group(1), "--object-path", found.group(2), "--method",
                    "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierItem", "ToolTip")
    titles = re.findall(r"'((?:[^'\\]|\\.)*)'", out)
    assert len(titles) >= 2, out  # (icon name, pixmaps, title, body)
    return titles[1]


def test_plasma_reads_a_tooltip_that_names_moments(kde: KdeSession, demo: SessionApp) -> None:
    """Issue 13: the item's tooltip names moments, so plasmashell's cached copy stays true without a
    push every minute. In the demo (60x) three real seconds are three minutes: the words stay."""
    steady = re.compile(r"HipBreak · Sitting since \d\d:\d\d · break at \d\d:\d\d")
    demo.run("skip", timeout=30)  # whatever the earlier tests left open: a fresh interval (10 s here)
    first = wait_for(lambda: (t := _item_tooltip(kde)) and steady.fullmatch(t) and t, timeout=20, interval=0.5,
                     what="the working tooltip on HipBreak's item")
    time.sleep(3)
    status = demo.wait_status("the status", timeout=30)
    if status["state"] == "working":
        assert _item_tooltip(kde) == first, "the tooltip changed while the stage stayed the same"
    since = datetime.fromisoformat(status["sitting_since"]).strftime("%H:%M")
    assert f"since {since} " in first, (first, status)


def test_doctor_tells_the_truth_in_kde_wayland(kde: KdeSession, demo: SessionApp) -> None:
    result = demo.run("doctor", "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    idle = checks["idle"]
    assert idle["status"] == "ok", idle
    assert "wayland" in idle["detail"] and "ext-idle-notify-v1" in idle["detail"]
    # KWin refuses the D-Bus idle call on Wayland; the report says so rather than hiding it
    assert "freedesktop" not in idle["detail"] or "not supported" in idle["detail"] or "not used" not in idle["detail"]
    assert "GNOME, KDE or X11" not in json.dumps(checks), "doctor advises a KDE user to use KDE"
    assert checks["tray"]["status"] == "ok", checks["tray"]
    assert "StatusNotifierHost" in checks["tray host"]["detail"], checks["tray host"]
    assert checks["prompt"]["status"] == "ok" and checks["prompt"]["detail"], checks["prompt"]


def test_prompts_and_repeats_never_take_the_active_window_and_stay_on_top(
        kde: KdeSession, demo: SessionApp, typing_window: str, wayland_shots: Path) -> None:
    assert typing_window in _active_caption(kde)
    due = wait_for(lambda: (s := demo.status()) and s["state"] == "due" and s["prompt_visible"] and s,
                   timeout=60, interval=0.3, what="the scheduled prompt")
    assert due
    prompt = _assert_prompt_seen_without_focus(kde, typing_window)
    screen = kde.screenshot(wayland_shots / "wayland-kde-prompt-screen.png")
    _crop(screen, prompt, wayland_shots / "wayland-kde-prompt.png")

    # the person clicks into their own window again: the prompt stays above it
    _activate(kde, typing_window)
    assert _stack_index(kde, PROMPT_TITLE) > _stack_index(kde, typing_window), "one click buried the prompt"

    # unanswered, it repeats: still no focus taken, still on top
    count = len(demo.events("prompt_shown"))
    wait_for(lambda: len(demo.events("prompt_shown")) > count, timeout=60, interval=0.3, what="the repeat prompt")
    assert demo.events("prompt_shown")[-1][1].get("reason") == "repeat"
    prompt = _assert_prompt_seen_without_focus(kde, typing_window)
    screen = kde.screenshot(wayland_shots / "kde-repeat-screen.png")  # only the crop is kept
    _crop(screen, prompt, wayland_shots / "wayland-kde-prompt-repeat.png")
    status = demo.status()
    assert status is not None and status["state"] == "due"
    assert not demo.events("skipped", "snoozed", "routine_started")


def test_forced_wayland_plugin_gives_a_notification_prompt_with_buttons_and_no_window(
        kde: KdeSession, demo: SessionApp, typing_window: str, tmp_path: Path, wayland_shots: Path) -> None:
    """With ``QT_QPA_PLATFORM=wayland`` (as a person may set it) the prompt is a plasmashell notification
    with Start routine / Snooze / Skip; nothing takes the active window. (Its buttons cannot be clicked
    here: no input can be injected into KWin.)"""
    import subprocess

    profile = tmp_path / "profile"
    write_settings(profile, break_interval_minutes=240, reprompt_minutes=3, snooze_minutes=10,
                   natural_break_minutes=30, sound_enabled=False)
    app = SessionApp(env=dict(_app_env(kde, profile), QT_QPA_PLATFORM="wayland"), profile=profile)
    monitor_log = tmp_path / "notify.log"
    with open(monitor_log, "wb") as out:
        monitor = subprocess.Popen(["dbus-monitor", "--session", "interface='org.freedesktop.Notifications',"
                                    "member='Notify'"], env=kde.env, stdout=out, stderr=subprocess.STDOUT)
    demo.run("snooze", "60")  # the other app's window prompt out of the way (60 min = 60 s in the demo)
    wait_for(lambda: _window(kde, PROMPT_TITLE) is None, timeout=10, what="the demo's prompt to close")
    app.start("--demo")
    try:
        app.wait_status("the app to answer", timeout=60)
        assert "prompt mode: notification" in app.log()
        _activate(kde, typing_window)
        assert app.run("break-now").returncode == 0
        app.wait_status("the prompt to be due", timeout=20, state="due")
        wait_for(lambda: "Snooze 10 min" in monitor_log.read_text(errors="replace"), timeout=20, interval=0.3,
                 what="the Notify call with the prompt's buttons")
        sent = monitor_log.read_text(errors="replace")
        assert "Time to stand up and stretch" in sent and "Start routine" in sent and "Skip" in sent
        time.sleep(1.5)
        assert typing_window in _active_caption(kde), "the notification prompt took the active window"
        assert app.proc is not None
        ours = [w for w in kde.windows()["windows"] if w["pid"] == app.proc.pid]
        assert not ours, f"a window opened although nobody asked for one: {ours}"
        kde.screenshot(wayland_shots / "wayland-kde-notification-screen.png")
    finally:
        app.stop()
        monitor.terminate()
        monitor.wait(timeout=10)


def test_losing_plasmashell_brings_up_a_window_and_its_return_the_tray(
        kde: KdeSession, demo: SessionApp, wayland_shots: Path) -> None:
    demo.wait_status("the tray view", view="tray", timeout=30)
    assert "true" in kde.watcher_property("IsStatusNotifierHostRegistered")
    kde.stop_plasmashell()
    gone = time.monotonic()
    window = wait_for(lambda: _window(kde, "Status"), timeout=15, interval=0.2,
                      what="HipBreak's status window after plasmashell died")
    took = time.monotonic() - gone
    assert took <= 5.0, f"the status window took {took:.1f} s"
    # kded5's watcher still claims a host: exactly the case the host-name watch is for
    assert "true" in kde.watcher_property("IsStatusNotifierHostRegistered")
    assert window["width"] > 0 and not window["minimized"]
    assert demo.status()["view"] == "window"  # type: ignore[index]
    kde.screenshot(wayland_shots / "wayland-kde-tray-lost-screen.png")
    kde.start_plasmashell()
    demo.wait_status("the app back in the tray", view="tray", timeout=30)
    wait_for(lambda: _window(kde, "Status") is None, timeout=10, what="the status window to go")
    wait_for(lambda: "/StatusNotifierItem" in _registered_items(kde), timeout=20, interval=0.5,
             what="the item registered again")


def test_the_app_sees_a_natural_break_through_the_wayland_idle_protocol(kde: KdeSession, demo: SessionApp) -> None:
    """Nobody has touched the seat for the demo's 45 s natural break: KWin's ``idled`` makes the app count
    the person as away; activity on the seat (``resumed``) ends the break and it is written to history."""
    away = demo.wait_status("the app to count the person as away", timeout=90, state="away")
    assert away["idle_backend"] == "wayland"
    poker = _Poker(str(Path(kde.env["XDG_RUNTIME_DIR"]) / kde.socket))
    try:
        poker.poke()
        back = wait_for(lambda: (s := demo.status()) and s["state"] != "away" and s, timeout=20, interval=0.3,
                        what="the app to notice the person is back (resumed)")
        assert back["sitting_seconds"] < 10 * 60, back  # sitting time starts again after the break (was 30+ min)
        breaks = wait_for(lambda: demo.events("natural_break"), timeout=10, what="the natural break in history")
        assert breaks[-1][1]["seconds"] >= 45 * 60  # demo: 45 real seconds are 45 minutes
    finally:
        poker.close()


# -- the Wayland idle backend, in this test process, against KWin ------------------------------------
class _Poker:
    """A second Wayland client whose org_kde_kwin_idle timer can fake user activity on the seat."""

    def __init__(self, display: str) -> None:
        from pywayland.protocol.wayland import WlSeat

        from desktop_app.platform.idle.kde_idle_protocol import OrgKdeKwinIdle
        from desktop_app.platform.idle.wayland import _Connection

        self.conn = _Connection(display, 5.0)
        seat = self.conn.bind("wl_seat", WlSeat, 1)
        manager = self.conn.bind("org_kde_kwin_idle", OrgKdeKwinIdle, 1)
        self.timer = manager.get_idle_timeout(seat, 3_600_000)
        self.conn.display.flush()

    def poke(self) -> None:
        self.timer.simulate_user_activity()
        self.conn.display.flush()

    def close(self) -> None:
        self.timer.release()
        self.conn.display.flush()
        self.conn.close()


@pytest.mark.parametrize("protocol", ["ext-idle-notify-v1", "org_kde_kwin_idle"])
def test_wayland_idle_fires_at_the_threshold_and_resumes_on_activity(kde: KdeSession, qtbot: Any,
                                                                     protocol: str) -> None:
    from desktop_app.platform.idle import IdleUnavailable
    from desktop_app.platform.idle.wayland import WaylandIdleMonitor

    display = str(Path(kde.env["XDG_RUNTIME_DIR"]) / kde.socket)
    poker = _Poker(display)
    monitor = WaylandIdleMonitor(display, protocols=(protocol,))
    events: list[tuple[str, float]] = []
    try:
        assert monitor.protocol == protocol and monitor.supports_push
        poker.poke()  # the seat counts as just used, so the threshold is measured from here
        started = time.monotonic()
        monitor.start_watch(1.5, lambda idle: events.append(("idle", time.monotonic() - started)),
                            lambda: events.append(("active", time.monotonic() - started)))
        with pytest.raises(IdleUnavailable):
            monitor.idle_seconds()  # no reading before the threshold: the protocol has none
        qtbot.waitUntil(lambda: bool(events), timeout=10_000)
        assert events[0][0] == "idle"
        assert events[0][1] >= 1.4, f"idled came before the 1.5 s threshold: {events}"
        assert monitor.idle_seconds() >= 1.5
        poker.poke()
        qtbot.waitUntil(lambda: len(events) >= 2, timeout=10_000)
        assert events[1][0] == "active"
        with pytest.raises(IdleUnavailable):
            monitor.idle_seconds()
        qtbot.waitUntil(lambda: len(events) >= 3, timeout=10_000)  # idle again after another quiet 1.5 s
        assert events[2][0] == "idle" and events[2][1] - events[1][1] >= 1.4
        monitor.stop_watch()
        assert not monitor.watching
    finally:
        monitor.close()
        poker.close()
