"""Do not disturb, end to end: a real fullscreen window holds the break prompt back.

The installed ``hipbreak --demo`` runs under Xvfb with openbox (which sets
``_NET_ACTIVE_WINDOW`` and ``_NET_WM_STATE_FULLSCREEN`` as a desktop does),
trayer and dunst on a private D-Bus session. A real Qt window in a child
process goes fullscreen; the test keeps the mouse moving so the user counts
as present, and lets the break come due the natural way (no ``break-now``,
which is the user asking and is not held back).

Each test gets its own desktop and profile: the settings differ, and a fresh
app means the history holds only what this test caused.

Demo timing (60x): the profile's 10-minute interval is 10 real seconds, the
start-up grace (the reprompt time, 10 minutes) also 10 s, a natural break
5 s without input, and a held prompt is re-checked every 30 simulated
seconds, that is twice a real second.
"""

from __future__ import annotations

import re
import subprocess
import sys
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

FULLSCREEN_REASON = "a fullscreen window is active"
PROMPT_TITLE = "Time for a break"  # the prompt window's title and the notification's summary
QUIET_BODY = "A break was due while you were busy"
WINDOW_SCRIPT = ROOT / "tests" / "platform" / "fake_services" / "fullscreen_window.py"


# -- helpers ---------------------------------------------------------------------------------------

@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desktop]:
    with desktop(tmp_path / "desk") as running:
        yield running


def _start_demo(desk: Desktop, **settings: Any) -> subprocess.Popen[bytes]:
    write_settings(desk.profile, break_interval_minutes=10, natural_break_minutes=5, **settings)
    proc = desk.launch("--demo")
    wait_embedded(desk)
    status = wait_until(desk.status, 15, "the demo app to answer hipbreak status --json", interval=0.2)
    assert status["demo"] is True
    assert status["state"] == "working"
    return proc


def _fullscreen_active(desk: Desktop) -> bool:
    """Ask xprop (not the app) whether the active window is fullscreen right now."""
    root = desk.tool(["xprop", "-root", "_NET_ACTIVE_WINDOW"]).stdout
    match = re.search(r"# (0x[0-9a-f]+)", root)
    if match is None or int(match.group(1), 16) == 0:
        return False
    state = desk.tool(["xprop", "-id", match.group(1), "_NET_WM_STATE"]).stdout
    return "_NET_WM_STATE_FULLSCREEN" in state


@contextmanager
def _fullscreen_window(desk: Desktop) -> Iterator[subprocess.Popen[str]]:
    """A real Qt window, made fullscreen and active; the caller may close it early with _close()."""
    window = subprocess.Popen([sys.executable, str(WINDOW_SCRIPT)], env=desk.env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert window.stdin is not None and window.stdout is not None
    try:
        assert window.stdout.readline().strip() == "ready"
        window.stdin.write("fullscreen\n")
        window.stdin.flush()
        assert window.stdout.readline().strip() == "done fullscreen"
        wait_until(lambda: _fullscreen_active(desk), 10, "openbox to show the test window fullscreen and active")
        yield window
    finally:
        _close(window)


def _close(window: subprocess.Popen[str]) -> None:
    if window.poll() is not None:
        return
    try:
        assert window.stdin is not None
        window.stdin.write("quit\n")
        window.stdin.flush()
        window.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        window.kill()
        window.wait(timeout=5)


def _wait_status(desk: Desktop, check: Any, timeout: float, what: str) -> dict[str, Any]:
    """Until ``status --json`` satisfies ``check``, moving the mouse meanwhile (a user at the desk)."""
    found = wait_until(lambda: (s := desk.status()) is not None and check(s) and s, timeout, what,
                       interval=0.3, during=desk.jiggle)
    assert isinstance(found, dict)
    return found


def _prompt_windows(desk: Desktop) -> list[str]:
    return desk.find_windows(PROMPT_TITLE)


def _break_notifications(desk: Desktop) -> list[dict[str, str]]:
    """Every notification about a break that reached the bus or dunst (dbus-monitor records each Notify)."""
    return [n for n in desk.notifications() if n["summary"] == PROMPT_TITLE]


def _notify_calls(desk: Desktop) -> list[str]:
    """The raw ``Notify`` method calls dbus-monitor recorded, one text chunk each (with its hints)."""
    log = desk.workdir / "dbus-monitor.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return ["member=Notify" + chunk for chunk in text.split("member=Notify")[1:]]


def _history(desk: Desktop, *kinds: str) -> list[Event]:
    """Events from the profile's real SQLite history, read the way ``hipbreak stats`` reads it."""
    opened = open_history_readonly(desk.profile / "data" / "history.sqlite3")
    try:
        return opened.store.events(kinds=kinds or None)
    finally:
        opened.store.close()


def _prompt_kinds(desk: Desktop) -> list[str]:
    return [e.kind for e in _history(desk, ev.PROMPT_SHOWN, ev.PROMPT_DEFERRED, ev.PROMPT_QUIET)]


def _assert_held(desk: Desktop, status: dict[str, Any]) -> None:
    """Due but held back: no prompt window, no notification, and the history says why."""
    assert status["state"] == "due"
    assert status["deferred_reason"] == FULLSCREEN_REASON
    assert status["prompt_visible"] is False
    assert _prompt_windows(desk) == [], "a prompt window is mapped over the fullscreen window"
    assert _break_notifications(desk) == [], "a break notification was sent during fullscreen"
    deferred = _history(desk, ev.PROMPT_DEFERRED)
    assert [e.data.get("reason") for e in deferred] == [FULLSCREEN_REASON]
    assert _history(desk, ev.PROMPT_SHOWN) == []


# -- tests -----------------------------------------------------------------------------------------

def test_prompt_waits_for_fullscreen_and_comes_when_it_closes(desk: Desktop) -> None:
    with _fullscreen_window(desk) as window:
        _start_demo(desk)
        assert _fullscreen_active(desk), "starting the app took the fullscreen window's place"
        held = _wait_status(desk, lambda s: s["state"] == "due", 30, "the break to come due (10 s in the demo)")
        assert held["sitting_seconds"] >= 9 * 60
        _assert_held(desk, held)
        # it stays held: a few more real seconds are minutes of fullscreen video in the demo,
        # each re-checked twice a second
        until = time.monotonic() + 3
        while time.monotonic() < until:
            desk.jiggle()
            status = desk.status()
            assert status is not None
            assert _fullscreen_active(desk), "the test window lost fullscreen by itself"
            _assert_held(desk, status)
            time.sleep(0.3)
        # the fullscreen window closes, so the held prompt comes at once
        closed_at = time.monotonic()
        _close(window)
        shown = _wait_status(desk, lambda s: s["prompt_visible"], 10, "the held prompt once fullscreen ended")
        waited = time.monotonic() - closed_at
    assert shown["state"] == "due"
    assert shown["deferred_reason"] is None
    assert wait_until(lambda: _prompt_windows(desk), 5, "the prompt window to be mapped")
    notes = wait_until(lambda: _break_notifications(desk), 10, "the break notification to reach dunst")
    assert notes[0]["body"].startswith("You have been sitting for")
    assert _prompt_kinds(desk) == [ev.PROMPT_DEFERRED, ev.PROMPT_SHOWN]
    assert _history(desk, ev.PROMPT_SHOWN)[0].data.get("reason") == "deferred_end"
    print(f"prompt shown {waited:.2f} real s after the fullscreen window closed")


def test_prompt_held_past_max_defer_becomes_a_quiet_notification(desk: Desktop) -> None:
    with _fullscreen_window(desk):
        _start_demo(desk, max_defer_minutes=5)
        held = _wait_status(desk, lambda s: s["state"] == "due", 30, "the break to come due (10 s in the demo)")
        _assert_held(desk, held)
        # 5 simulated minutes held (5 real s): the prompt turns into a quiet notification
        after = _wait_status(desk, lambda s: s["state"] != "due", 20, "the held prompt to give up (max_defer)")
        assert after["state"] == "working"
        assert after["deferred_reason"] is None
        assert after["prompt_visible"] is False
        assert _prompt_windows(desk) == []
        assert _fullscreen_active(desk)
        quiet = wait_until(lambda: [n for n in _break_notifications(desk) if n["body"].startswith(QUIET_BODY)],
                           10, "the quiet notification to reach dunst")
        assert len(quiet) == 1
        calls = [c for c in _notify_calls(desk) if QUIET_BODY in c]
        assert calls, "dbus-monitor saw no Notify call with the quiet body"
        # low urgency: the hint {"urgency": byte 0}
        assert re.search(r'string "urgency"\s+variant\s+byte 0\b', calls[0]), calls[0][:800]
        # the interval starts again: the next break is a full interval away, not right now
        assert after["next_prompt_in_seconds"] is not None and after["next_prompt_in_seconds"] > 5 * 60
        # read while still fullscreen: the next interval's prompt would be held (and, once the
        # window closes, shown) again, which is not what this test is about
        kinds = _prompt_kinds(desk)
        quiet_event = _history(desk, ev.PROMPT_QUIET)[0]
        deferred_event = _history(desk, ev.PROMPT_DEFERRED)[0]
    assert kinds[:2] == [ev.PROMPT_DEFERRED, ev.PROMPT_QUIET]
    assert ev.PROMPT_SHOWN not in kinds
    assert quiet_event.data.get("reason") == FULLSCREEN_REASON
    # never before max_defer: wall times on the schedule (demo) clock, so simulated minutes
    held_minutes = (quiet_event.at - deferred_event.at) / 60
    assert held_minutes >= 5 - 0.1, f"gave up after {held_minutes:.2f} simulated min, max_defer is 5"
    print(f"held {held_minutes:.2f} simulated minutes before the quiet notification")
