"""BreakScheduler.to_state() and restoring it: an app restart keeps the user's situation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop_app.core import events as ev
from desktop_app.core.schedule import STATE_VERSION, BreakScheduler, Stage
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock

MIN = 60.0


def restart(
    clock: FakeClock, sched: BreakScheduler, gap: float = 0.0, reboot: bool = False
) -> BreakScheduler:
    """Save the state through JSON (as the state file does), let ``gap`` seconds pass, start again."""
    state = json.loads(json.dumps(sched.to_state()))
    if reboot:
        clock.suspend(gap)  # machine off: wall time moves, this boot's monotonic time does not
    else:
        clock.advance(gap)
    return BreakScheduler(clock, sched.settings, state)


def test_state_is_plain_json_with_a_version(clock: FakeClock) -> None:
    sched = BreakScheduler(clock, Settings())
    state = sched.to_state()
    assert state["version"] == STATE_VERSION
    assert json.loads(json.dumps(state)) == state
    assert state["last_break_at"] == clock.time()


def test_quick_restart_keeps_sitting_time_and_the_next_prompt(clock: FakeClock) -> None:
    sched = BreakScheduler(clock, Settings())
    start = clock.time()
    clock.minutes(40)
    again = restart(clock, sched, gap=30)
    status = again.status()
    assert status.sitting_seconds == pytest.approx(40 * MIN + 30)
    assert status.sitting_since == start
    assert again.next_deadline() == pytest.approx(clock.monotonic() + 20 * MIN - 30)


def test_restart_after_the_machine_was_off_starts_sitting_fresh(clock: FakeClock) -> None:
    sched = BreakScheduler(clock, Settings())
    start = clock.time()
    clock.minutes(40)
    saved_at = clock.time()
    again = restart(clock, sched, gap=10 * 3600, reboot=True)
    assert again.status().sitting_seconds == 0
    assert again.status().stage is Stage.WORKING
    assert again.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN)
    # the stretch that ended when the app stopped is still recorded, once
    out = again.update()
    assert [e.kind for e in out] == [ev.SITTING_STRETCH]
    assert out[0].data == {"start": start, "end": saved_at, "seconds": pytest.approx(40 * MIN)}
    assert again.update() == []


def test_restart_keeps_a_snooze_and_no_prompt_comes_first(clock: FakeClock) -> None:
    sched = BreakScheduler(clock, Settings().replace(reprompt_minutes=10))
    clock.minutes(60)
    sched.update()
    sched.snooze(15)
    again = restart(clock, sched, gap=60)
    status = again.status()
    assert status.stage is Stage.SNOOZED
    assert status.snoozed_until == pytest.approx(clock.time() + 14 * MIN)
    assert again.next_deadline() == pytest.approx(clock.monotonic() + 14 * MIN)


def test_restart_keeps_a_pause_even_across_a_long_gap(clock: FakeClock) -> None:
    sched = BreakScheduler(clock, Settings())
    sched.pause(until_tomorrow=True)
    until = sched.status().paused_until
    again = restart(clock, sched, gap=3 * 3600, reboot=True)
    assert again.status().stage is Stage.PAUSED
    assert again.status().paused_until == until
    sched = BreakScheduler(clock, Settings())
    sched.pause(30)
    again = restart(clock, sched, gap=10 * MIN)
    assert again.status().paused_until == pytest.approx(clock.time() + 20 * MIN)
    assert again.next_deadline() == pytest.approx(clock.monotonic() + 20 * MIN)


def test_restart_keeps_standing_with_its_frozen_time(clock: FakeClock) -> None:
    sched = BreakScheduler(clock, Settings())
    clock.minutes(25)
    sched.set_standing(True)
    clock.minutes(30)
    again = restart(clock, sched, gap=60)
    status = again.status()
    assert status.stage is Stage.STANDING
    assert status.sitting_seconds == pytest.approx(25 * MIN)
    assert status.next_prompt_in_seconds == pytest.approx(35 * MIN)


def test_restart_remembers_the_daily_session_was_done(clock: FakeClock) -> None:
    settings = Settings().replace(daily_session_enabled=True, daily_session_time="17:30")
    sched = BreakScheduler(clock, settings)
    sched.routine_started("full-hip-program")
    clock.minutes(14)
    sched.routine_finished("full-hip-program", completed=True, seconds_done=840)
    state = sched.to_state()
    assert state["daily_done_day"] == clock.now().date().isoformat()
    again = BreakScheduler(clock, settings, state)
    clock.set_local(clock.now().replace(hour=18))
    shown = [e.data["kind"] for e in again.update() if e.kind == ev.PROMPT_SHOWN]
    assert shown == ["hourly"]  # the hourly prompt, but not the daily session


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"version": 1, "saved_at": "yesterday", "last_break_at": None},
        {"saved_at": 1e30, "last_break_at": -5, "sitting_seconds": float("nan"),
         "next_prompt_in_seconds": []},
        {"snoozed_until": "soon", "snooze_kind": 3, "paused_until": True, "daily_done_day": "32/13"},
        {"version": 99, "standing": "yes", "daily_offered_day": 20261123},
    ],
)
def test_bad_state_never_crashes_and_starts_fresh(clock: FakeClock, state: dict[str, Any]) -> None:
    sched = BreakScheduler(clock, Settings(), state)
    status = sched.status()
    assert status.stage is Stage.WORKING
    assert status.sitting_seconds == 0
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN)
