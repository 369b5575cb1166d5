"""The installed ``hipbreak`` in a real tray: embedding, menu, prompt, CLI, single instance, IPC abuse, quit.

One app instance runs for the whole module (start-up is part of what the
first test checks); the tests run in file order, and the last one quits it.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_app.ui.prompt import ACCENT_WIDTH, BUTTON_HEIGHT, MARGIN, SPACING
from tests.e2e.conftest import wait_embedded, wait_until, write_settings
from tests.e2e.helpers import TRAYER_ARGS, Desktop, XWindow, desktop
from tests.support.desktop import process

pytestmark = [pytest.mark.e2e, pytest.mark.display]

App = tuple[Desktop, "subprocess.Popen[bytes]"]


@pytest.fixture(scope="module")
def app(module_desktop: Desktop) -> Iterator[App]:
    write_settings(module_desktop.profile, snooze_minutes=10)
    proc = module_desktop.launch()
    yield module_desktop, proc
    module_desktop.stop_app(proc)


def _status(desk: Desktop) -> dict[str, Any]:
    status = wait_until(desk.status, 10, "hipbreak status --json to answer")
    assert isinstance(status, dict)
    return status


def wait_state(desk: Desktop, state: str, what: str, timeout: float = 10) -> dict[str, Any]:
    """Until ``hipbreak status --json`` reports ``state``; returns that status."""
    found = wait_until(lambda: (s := desk.status()) and s["state"] == state and s, timeout, what)
    assert isinstance(found, dict)
    return found


def _menu_window(desk: Desktop, before: set[str]) -> XWindow | None:
    for win in desk.windows():
        if win.wid not in before and '"hipbreak"' in win.wm_class and win.width > 100 and win.height > 100:
            return win
    return None


def _prompt_id(desk: Desktop) -> str | None:
    ids = desk.find_windows("Time for a break")
    return ids[0] if ids else None


def _prompt_button(desk: Desktop, wid: str, which: int) -> tuple[int, int]:
    """Screen point of prompt button ``which`` (0 start, 1 snooze, 2 skip), from the prompt's fixed layout."""
    x, y, w, h = desk.geometry(wid)
    left = x + MARGIN + ACCENT_WIDTH + SPACING
    right = x + w - MARGIN
    third = (right - left) / 3
    cx = left + third * which + third / 2 - (8 if which == 1 else 0)  # snooze: the face, not the arrow
    cy = y + h - MARGIN - BUTTON_HEIGHT // 2
    return round(cx), round(cy)


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return x0, y0, x1 - x0, y1 - y0


def test_icon_is_embedded_in_the_tray(app: App) -> None:
    desk, proc = app
    icon = wait_embedded(desk)
    assert icon.width >= 16 and icon.height >= 16
    assert proc.poll() is None
    status = _status(desk)
    assert status["state"] == "working"
    assert status["view"] == "tray"
    assert status["idle_backend"] == "x11"
    assert status["demo"] is False


def test_right_click_opens_the_menu_and_pause_works(app: App) -> None:
    desk, _proc = app
    icon = wait_embedded(desk)
    before = {w.wid for w in desk.windows()}
    desk.click(*icon.centre, button=3)
    menu = wait_until(lambda: _menu_window(desk, before), 10, "the tray menu to open")
    time.sleep(0.3)
    shot = _union((menu.x, menu.y, menu.width, menu.height), (icon.x, icon.y, icon.width, icon.height))
    desk.screenshot("tray-menu.png", shot)
    # keyboard through the menu as a user would: Start, All routines, Take a break now, Pause ▸ 30 min
    desk.key("Down", "Down", "Down", "Down", "Right")
    time.sleep(0.3)
    desk.screenshot("tray-menu-pause.png", (shot[0] - 160, shot[1], shot[2] + 160, shot[3]))
    desk.key("Return")
    status = wait_state(desk, "paused", "the app to be paused")
    until = datetime.fromisoformat(status["paused_until"])
    assert 29 * 60 < (until - datetime.fromisoformat(status["now"])).total_seconds() <= 30 * 60
    wait_until(lambda: _menu_window(desk, before) is None, 5, "the menu to close")
    assert menu.width > 100
    resumed = desk.run("resume", check=True)
    assert resumed.returncode == 0
    assert _status(desk)["state"] == "working"


def test_prompt_does_not_steal_focus_and_its_buttons_work(app: App) -> None:
    desk, _proc = app
    typing = subprocess.Popen(["xmessage", "-center", "Someone is typing here"], env=desk.env)
    try:
        wait_until(lambda: desk.find_windows("xmessage"), 10, "a window the user types in")
        editor = wait_until(lambda: (a := desk.active_window()) in desk.find_windows("xmessage") and a, 10,
                            "that window to have focus")
        desk.run("break-now", check=True)
        wid = wait_until(lambda: _prompt_id(desk), 10, "the prompt window")
        time.sleep(0.5)
        assert desk.active_window() == editor, "the prompt took the keyboard from the user's window"
        px, py, pw, ph = desk.geometry(wid)
        icon = wait_embedded(desk)
        assert abs(py - (icon.y + icon.height)) < 200, "the prompt is not near the tray"
        icon_box = (icon.x, icon.y, icon.width, icon.height)
        desk.screenshot("prompt.png", _union((px, py - 24, pw, ph + 24), icon_box))
        # the Snooze button (its face: the default snooze)
        desk.click(*_prompt_button(desk, wid, 1))
        status = wait_state(desk, "snoozed", "the Snooze button to snooze")
        snoozed = datetime.fromisoformat(status["snoozed_until"]) - datetime.fromisoformat(status["now"])
        assert 9 * 60 < snoozed.total_seconds() <= 10 * 60
        wait_until(lambda: _prompt_id(desk) is None, 5, "the prompt to close")
        # again, and Skip
        desk.run("break-now", check=True)
        wid = wait_until(lambda: _prompt_id(desk), 10, "the prompt window")
        time.sleep(0.3)
        desk.click(*_prompt_button(desk, wid, 2))
        wait_state(desk, "working", "the Skip button to skip")
        # and the keyboard after a click on the prompt: Esc snoozes
        desk.run("break-now", check=True)
        wid = wait_until(lambda: _prompt_id(desk), 10, "the prompt window")
        time.sleep(0.3)
        desk.click(px + pw // 2, py + MARGIN + 8)  # on the heading: gives the prompt focus
        time.sleep(0.3)
        desk.key("Escape")
        wait_state(desk, "snoozed", "Esc to snooze")
        assert pw < 600 and ph < 300  # small
    finally:
        typing.kill()
        typing.wait(5)


def test_prompt_notification_reaches_the_daemon(app: App) -> None:
    desk, _proc = app
    summaries = [n["summary"] for n in desk.notifications()]
    assert "Time for a break" in summaries


def test_snooze_and_skip_from_the_command_line(app: App) -> None:
    desk, _proc = app
    desk.run("skip")  # whatever is pending from earlier tests
    assert desk.run("break-now").returncode == 0
    wait_until(lambda: _prompt_id(desk), 10, "the prompt window")
    snoozed = desk.run("snooze", "5")
    assert snoozed.returncode == 0, snoozed.stderr
    status = _status(desk)
    assert status["state"] == "snoozed"
    left = datetime.fromisoformat(status["snoozed_until"]) - datetime.fromisoformat(status["now"])
    assert 4 * 60 < left.total_seconds() <= 5 * 60
    wait_until(lambda: _prompt_id(desk) is None, 5, "the prompt to close")
    assert desk.run("skip").returncode == 0
    assert _status(desk)["state"] == "working"
    refused = desk.run("skip")
    assert refused.returncode != 0
    assert refused.stderr.strip() and "Traceback" not in refused.stderr


def test_second_launch_shows_the_first_and_exits_0(app: App) -> None:
    desk, proc = app
    second = desk.tool([desk.hipbreak_command()], timeout=20)
    assert second.returncode == 0, second.stderr
    chooser = wait_until(lambda: desk.find_windows("Start a routine"), 10,
                         "the first instance to show its routine chooser")
    assert chooser
    assert proc.poll() is None
    desk.xdotool("windowactivate", "--sync", chooser[0])
    desk.key("Escape")
    wait_until(lambda: not desk.find_windows("Start a routine"), 10, "Esc to close the routine chooser")


def test_garbage_on_the_socket_is_survived(app: App) -> None:
    desk, proc = app
    from desktop_app.ipc import socket_path
    from desktop_app.platform.paths import resolve_paths

    path = socket_path(resolve_paths({"HIPBREAK_PROFILE_DIR": str(desk.profile)}).socket_name)
    replies = []
    for junk in (b"\x00\xff\xfe garbage\n", b"{not json}\n", json.dumps({"cmd": "rm -rf /"}).encode() + b"\n",
                 json.dumps({"cmd": "snooze", "minutes": "x" * 100}).encode() + b"\n",
                 b"[" * 70_000, b"half a message without newline"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(path)
            try:
                s.sendall(junk)
                s.shutdown(socket.SHUT_WR)
                replies.append(s.recv(65536))
            except OSError:
                replies.append(b"")
    answered = [json.loads(r) for r in replies if r.strip()]
    assert answered and all(r["ok"] is False and r["error"] for r in answered)
    assert proc.poll() is None
    assert _status(desk)["state"] in ("working", "snoozed", "due")


def test_quit_exits_cleanly(app: App) -> None:
    desk, proc = app
    result = desk.run("quit")
    assert result.returncode == 0, result.stderr
    assert proc.wait(timeout=15) == 0
    assert desk.run("status").returncode == 3
    log = (desk.profile / "log" / "hipbreak.log").read_text()
    assert "Traceback" not in log
    assert "stopped (exit 0)" in log


def test_without_a_tray_a_status_window_shows_until_a_tray_appears(tmp_path: Path) -> None:
    with desktop(tmp_path / "notray", with_tray=False) as desk:
        proc = desk.launch()
        window = wait_until(lambda: desk.find_windows("Status"), 20, "the no-tray status window")
        status = _status(desk)
        assert status["view"] == "window"
        time.sleep(0.5)
        desk.screenshot("tray-none-status-window.png", desk.geometry(window[0]))
        with process(["trayer", *TRAYER_ARGS], desk.env, tmp_path / "trayer.log"):
            icon = wait_embedded(desk, timeout=30)
            assert icon.width >= 16
            assert _status(desk)["view"] == "tray"
            assert not desk.find_windows("Status")
            assert desk.run("quit").returncode == 0
            assert proc.wait(timeout=15) == 0


def test_a_broken_settings_file_is_set_aside_and_the_user_told_once(tmp_path: Path) -> None:
    with desktop(tmp_path / "badsettings") as desk:
        config = desk.profile / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "settings.json").write_text("{this is not json", encoding="utf-8")
        proc = desk.launch()
        wait_embedded(desk)
        assert _status(desk)["state"] == "working"  # started with defaults
        kept = list(config.glob("settings.json.bad-*"))
        assert kept and kept[0].read_text() == "{this is not json"  # moved aside, never deleted
        told = wait_until(lambda: [n for n in desk.notifications() if "settings" in n["body"].lower()], 10,
                          "a notification about the settings file")
        assert len(told) == 1
        assert desk.run("quit").returncode == 0
        assert proc.wait(timeout=15) == 0


def test_sigterm_quits_cleanly_and_records_the_stop(tmp_path: Path) -> None:
    with desktop(tmp_path / "sigterm", with_dunst=False) as desk:
        proc = desk.launch()
        wait_embedded(desk)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        from desktop_app.storage.history import open_history_readonly

        opened = open_history_readonly(desk.profile / "data" / "history.sqlite3")
        try:
            kinds = [e.kind for e in opened.store.events()]
        finally:
            opened.store.close()
        assert kinds[0] == "app_started" and kinds[-1] == "app_stopped"
        assert (desk.profile / "data" / "state.json").exists()
