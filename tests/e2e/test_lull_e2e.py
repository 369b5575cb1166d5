"""A natural pause, end to end: the hourly prompt waits while the person types, and the welcome window.

The installed ``hipbreak --demo`` runs under Xvfb with openbox, trayer and
dunst; idle time comes from the real XScreenSaver extension. A real Qt text
editor (``typing_window.py``) is the active window and xdotool types into it
while the break falls due, the way a person keeps writing.

Demo timing (60x): the 10-minute interval and the 10-minute start-up grace
pass in 10 real seconds; the lull is 3 *real* seconds (it follows the
person's typing, not the schedule); the longest wait is schedule time, so
``lull_max_wait_minutes=5`` is 5 real seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.storage.history import open_history_readonly
from tests.e2e.conftest import wait_embedded, wait_until, write_settings
from tests.e2e.helpers import ROOT, Desktop, desktop

pytestmark = [pytest.mark.e2e, pytest.mark.display, pytest.mark.timeout(150)]

PROMPT_TITLE = "Time for a break"
EDITOR = ROOT / "tests" / "e2e" / "typing_window.py"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desktop]:
    with desktop(tmp_path / "desk") as running:
        yield running


@contextmanager
def _editor(desk: Desktop) -> Iterator[subprocess.Popen[str]]:
    window = subprocess.Popen([sys.executable, str(EDITOR)], env=desk.env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert window.stdin is not None and window.stdout is not None
    try:
        assert window.stdout.readline().strip() == "ready"
        wid = wait_until(lambda: desk.find_windows("HipBreak typing test window"), 10, "the editor window")[0]
        desk.xdotool("windowactivate", "--sync", wid)
        yield window
    finally:
        if window.poll() is None:
            window.stdin.write("quit\n")
            window.stdin.flush()
            try:
                window.wait(timeout=10)
            except subprocess.TimeoutExpired:
                window.kill()
                window.wait(timeout=5)


def _typed(window: subprocess.Popen[str]) -> int:
    assert window.stdin is not None and window.stdout is not None
    window.stdin.write("count\n")
    window.stdin.flush()
    return int(window.stdout.readline().split()[1])


class _Typist:
    """Types into the active window word by word (one short ``xdotool type`` each) until stopped.

    Each word's xdotool ends by itself: killing a running ``xdotool type`` can leave a key
    held down, and the X server's autorepeat then keeps "typing" for ever (which once made
    this test wait for a pause that never came).
    """

    def __init__(self, desk: Desktop, delay_ms: int) -> None:
        self._desk = desk
        self._delay = str(delay_ms)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.words = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            subprocess.run(["xdotool", "type", "--delay", self._delay, "lorem ipsum "], env=self._desk.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10, check=False)
            self.words += 1

    def start(self) -> None:
        self._thread.start()

    def typing(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Let the current word finish, then stop; returns when no key is down any more."""
        self._stop.set()
        self._thread.join(timeout=15)
        assert not self._thread.is_alive()


@contextmanager
def _typing(desk: Desktop, delay_ms: int = 150) -> Iterator[_Typist]:
    typist = _Typist(desk, delay_ms)
    typist.start()
    try:
        yield typist
    finally:
        typist.stop()


def _start_demo(desk: Desktop, **settings: Any) -> subprocess.Popen[bytes]:
    write_settings(desk.profile, break_interval_minutes=10, natural_break_minutes=5, **settings)
    proc = desk.launch("--demo")
    wait_embedded(desk)
    status = wait_until(desk.status, 15, "the demo app to answer hipbreak status --json", interval=0.2)
    assert status["demo"] is True and status["idle_backend"] != "none", status
    return proc


def _history(desk: Desktop) -> list[Event]:
    """Prompt events from the profile's real SQLite history (--demo uses HIPBREAK_PROFILE_DIR when set)."""
    opened = open_history_readonly(desk.profile / "data" / "history.sqlite3")
    try:
        return opened.store.events(kinds=[ev.PROMPT_DEFERRED, ev.PROMPT_SHOWN])
    finally:
        opened.store.close()


def test_a_prompt_that_falls_due_while_typing_waits_for_a_pause(desk: Desktop) -> None:
    proc = _start_demo(desk, lull_max_wait_minutes=30)  # 30 real seconds at most: the pause decides here
    with _editor(desk) as editor, _typing(desk) as typist:
        waiting = wait_until(lambda: (s := desk.status()) and s["state"] == "due" and s, 25,
                             "the break to fall due while typing", interval=0.2)
        assert waiting["prompt_visible"] is False
        assert waiting["deferred_reason"] and "typing" in waiting["deferred_reason"]
        # keep typing for a while: the prompt keeps waiting
        for _i in range(8):
            time.sleep(0.5)
            status = desk.status()
            assert status is not None and status["state"] == "due" and status["prompt_visible"] is False, status
            assert not desk.find_windows(PROMPT_TITLE)
            assert typist.typing(), "xdotool stopped typing early"
        typist.stop()
        stopped = time.monotonic()
        seen: list[str] = []

        def visible() -> dict[str, Any] | None:
            status = desk.status()
            if status is not None:
                seen.append(f"{time.monotonic() - stopped:.1f}s {status['state']} {status['prompt_visible']}")
            return status if status is not None and status["prompt_visible"] else None

        try:
            shown = wait_until(visible, 10, "the prompt to show at the pause", interval=0.1)
        except BaseException:
            print("\n".join(seen[-40:]), "\n", desk.log()[-4000:], _history(desk))
            raise
        waited = time.monotonic() - stopped
        assert shown["deferred_reason"] is None
        assert waited >= 2.0, f"shown {waited:.1f} s after the last key: sooner than a 3 s pause"
        assert desk.find_windows(PROMPT_TITLE)
        assert _typed(editor) > 20, "the keys went into the editor"
        desk.screenshot("lull-prompt-after-pause.png")
    reasons = [(e.kind, e.data.get("reason")) for e in _history(desk)]
    assert (ev.PROMPT_DEFERRED, "busy") in reasons
    assert reasons[-1] == (ev.PROMPT_SHOWN, "lull"), reasons
    desk.stop_app(proc)


def test_the_prompt_shows_anyway_after_the_longest_wait(desk: Desktop) -> None:
    proc = _start_demo(desk)  # lull_max_wait_minutes 5: five real seconds in the demo
    with _editor(desk), _typing(desk) as typist:
        wait_until(lambda: (s := desk.status()) and s["state"] == "due", 25, "the break to fall due while typing",
                   interval=0.2)
        began = time.monotonic()
        wait_until(lambda: (s := desk.status()) and s["prompt_visible"], 15,
                   "the prompt to show after the longest wait", interval=0.2)
        assert typist.typing(), "still typing when it showed"
        assert 3.0 <= time.monotonic() - began <= 10.0
    assert [(e.kind, e.data.get("reason")) for e in _history(desk)][-1] == (ev.PROMPT_SHOWN, "lull_timeout")
    desk.stop_app(proc)


def test_break_now_shows_at_once_while_typing(desk: Desktop) -> None:
    proc = _start_demo(desk)
    with _editor(desk), _typing(desk):
        time.sleep(1.0)
        desk.run("break-now", check=True)
        status = wait_until(lambda: (s := desk.status()) and s["prompt_visible"] and s, 3,
                            "break-now to show the prompt at once", interval=0.1)
        assert status["deferred_reason"] is None
    desk.stop_app(proc)


def test_the_welcome_window_on_a_first_start(tmp_path: Path) -> None:
    with desktop(tmp_path / "desk", welcome=True) as desk:
        desk.env["XDG_CONFIG_HOME"] = str(tmp_path / "desk" / ".config")  # start-at-login writes here
        proc = desk.launch()  # not --demo: a first start
        wids = wait_until(lambda: desk.find_windows("Welcome to HipBreak"), 20, "the welcome window")
        x, y, w, h = desk.geometry(wids[0])
        assert w >= 400 and h >= 400
        desk.screenshot("welcome-first-start.png", around=(x, y, w, h))
        desk.xdotool("windowactivate", "--sync", wids[0])
        desk.xdotool("key", "--window", wids[0], "Return")  # Enter: "Start using HipBreak"
        wait_until(lambda: not desk.find_windows("Welcome to HipBreak"), 10, "the welcome window to close")
        settings = json.loads((desk.profile / "config" / "settings.json").read_text(encoding="utf-8"))
        assert settings["daily_session_enabled"] is True
        assert settings["prompt_routine"] == "desk-break"
        assert settings["daily_routine"] == "program-week-01"
        assert (desk.profile / "config" / "welcome.json").exists()
        autostart = tmp_path / "desk" / ".config" / "autostart"
        assert any(autostart.glob("*.desktop")), "start at login was switched on"
        status = desk.status()
        assert status is not None and status["state"] in ("working", "off_hours")
        desk.stop_app(proc)
        # shown once
        proc = desk.launch(log_name="app2.log")
        wait_until(desk.status, 15, "the app to answer again")
        time.sleep(1.0)
        assert not desk.find_windows("Welcome to HipBreak")
        desk.stop_app(proc)
