"""``hipbreak --demo`` for real: idle at demo speed, the prompt and its notification, snooze, routine.

The profile sets a 10-minute interval (the shortest allowed), so at 60x the
prompt comes after 10 real seconds instead of 60 and the test stays short;
everything else is the demo as a new user sees it. While waiting, the test
moves the mouse a little every second, as a user at work would: in the demo
5 real seconds without input are a natural break.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from tests.e2e.conftest import wait_embedded, wait_until, write_settings
from tests.e2e.helpers import Desktop
from tests.e2e.test_tray_e2e import _prompt_button, _prompt_id, _union

pytestmark = [pytest.mark.e2e, pytest.mark.display]

App = tuple[Desktop, "subprocess.Popen[bytes]"]


@pytest.fixture(scope="module")
def demo(module_desktop: Desktop) -> Iterator[App]:
    write_settings(module_desktop.profile, break_interval_minutes=10, snooze_minutes=10,
                   natural_break_minutes=5)
    proc = module_desktop.launch("--demo")
    yield module_desktop, proc
    module_desktop.stop_app(proc)


def _state(desk: Desktop, state: str, what: str, timeout: float, jiggle: bool = True) -> dict[str, Any]:
    found = wait_until(lambda: (s := desk.status()) and s["state"] == state and s, timeout, what,
                       interval=0.5, during=desk.jiggle if jiggle else None)
    assert isinstance(found, dict)
    return found


def test_demo_runs_on_simulated_time(demo: App) -> None:
    desk, proc = demo
    wait_embedded(desk)
    status = wait_until(desk.status, 10, "the demo to answer")
    assert status["demo"] is True
    time.sleep(2)
    later = desk.status()
    assert later is not None
    simulated = (datetime.fromisoformat(later["now"]) - datetime.fromisoformat(status["now"])).total_seconds()
    assert simulated > 60  # two real seconds are two simulated minutes
    assert proc.poll() is None


def test_a_few_seconds_without_input_are_a_natural_break(demo: App) -> None:
    desk, _proc = demo
    desk.jiggle()
    away = _state(desk, "away", "6 real seconds without input to count as a natural break", 15, jiggle=False)
    assert away["away_reason"] == "idle"
    back = _state(desk, "working", "input to end the natural break", 10)
    assert back["sitting_seconds"] < 5 * 60  # the break reset sitting time


def test_demo_reaches_the_prompt_and_notifies(demo: App) -> None:
    desk, _proc = demo
    due = _state(desk, "due", "the demo prompt", 25)
    assert due["sitting_seconds"] >= 9 * 60
    wid = wait_until(lambda: _prompt_id(desk), 10, "the prompt window")
    wait_until(lambda: any(n["summary"] == "Time for a break" for n in desk.notifications()), 10,
               "the notification to reach dunst")
    time.sleep(0.5)
    x, y, w, h = desk.geometry(wid)
    icon = wait_embedded(desk)
    icon_box = (icon.x, icon.y, icon.width, icon.height)
    desk.screenshot("prompt-demo.png", _union((x, y - 24, w, h + 24), icon_box))


def test_snooze_then_start_the_routine(demo: App) -> None:
    desk, _proc = demo
    wid = wait_until(lambda: _prompt_id(desk), 10, "the prompt window")
    desk.click(*_prompt_button(desk, wid, 1))
    snoozed = _state(desk, "snoozed", "the Snooze button", 10)
    left = datetime.fromisoformat(snoozed["snoozed_until"]) - datetime.fromisoformat(snoozed["now"])
    assert 8 * 60 < left.total_seconds() <= 10 * 60  # simulated minutes
    _state(desk, "due", "the snoozed prompt to come back", 25)
    wid = wait_until(lambda: _prompt_id(desk), 10, "the prompt window again")
    time.sleep(0.3)
    desk.click(*_prompt_button(desk, wid, 0))
    status = _state(desk, "in_routine", "Start routine to open the routine", 10)
    assert status["routine_id"] == "hip-flexor-reset"
    assert status["player_open"] is True
    assert _prompt_id(desk) is None


def test_quit_ends_the_demo_with_exit_0(demo: App) -> None:
    desk, proc = demo
    assert desk.run("quit").returncode == 0
    assert proc.wait(timeout=15) == 0
