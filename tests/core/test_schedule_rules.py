"""Scheduler rules that single-point faults showed were not pinned down by any test.

Each test here was written for a fault that ``bench/mutation`` planted in
``core/schedule.py`` (one comparison, operator, constant or ``not`` flipped)
and that every other test let through. The tests state the rule, not the fault.

Wall-clock figures are compared *exactly* (to a microsecond): ``pytest.approx``
on an epoch like 1.76e9 has a default tolerance of about 30 minutes, which is how
a 61-minute default pause passed a test that asked for 60.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.schedule import (
    AWAY_POLL_MAX_SECONDS,
    DEFAULT_PAUSE_MINUTES,
    BreakScheduler,
    Stage,
)
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock

MIN = 60.0
UTC = ZoneInfo("UTC")
WORK = {"working_hours_enabled": True, "work_start": "09:00", "work_end": "17:30"}
DAILY = {"daily_session_enabled": True, "daily_session_time": "17:30"}


def exactly(value: float) -> Any:
    """Equal to a microsecond, whatever the size of the number (epochs included)."""
    return pytest.approx(value, rel=0, abs=1e-6)


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def make(clock: FakeClock, **changes: Any) -> BreakScheduler:
    return BreakScheduler(clock, Settings().replace(**changes))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday 2026-11-23, UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def to_deadline(clock: FakeClock, sched: BreakScheduler) -> list[Event]:
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)
    return sched.update()


def shown(clock: FakeClock, sched: BreakScheduler) -> None:
    """Run to the hourly prompt."""
    out = to_deadline(clock, sched)
    assert kinds(out) == [ev.PROMPT_SHOWN]


# ----------------------------------------------------------------- the four the issue named
def test_the_update_at_the_end_of_working_hours_itself_closes_the_hourly_prompt(clock: FakeClock) -> None:
    clock.set_local(at(23, 16, 0))
    sched = make(clock, **WORK, reprompt_minutes=45)
    shown(clock, sched)  # at 17:00; its repeat would be at 17:45, but the hours end first
    out = to_deadline(clock, sched)
    assert clock.now() == at(23, 17, 30)
    assert [(e.kind, e.data.get("why")) for e in out] == [(ev.PROMPT_UNANSWERED, "off_hours")]
    assert sched.status().stage is Stage.OFF_HOURS
    assert sched.status().prompt_kind is None


def test_a_prompt_asked_for_after_hours_stays_open(clock: FakeClock) -> None:
    """Hours ending closes the hourly prompt once; a break the user asks for later is theirs."""
    clock.set_local(at(23, 19, 0))
    sched = make(clock, **WORK)
    assert sched.status().stage is Stage.OFF_HOURS
    assert kinds(sched.break_now()) == [ev.PROMPT_SHOWN]
    clock.minutes(1)
    assert sched.update() == []
    assert sched.status().stage is Stage.DUE


def test_the_daily_reminder_repeats_once_then_keeps_quiet(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 0))
    sched = make(clock, **DAILY, reprompt_minutes=10)
    clock.set_local(at(23, 17, 30))
    out = sched.update()
    assert [e.data for e in out] == [{"routine_id": "full-hip-program", "reason": "daily", "kind": "daily"}]
    clock.minutes(10)
    assert [e.data["reason"] for e in sched.update()] == ["repeat"]
    # the one reminder is spent: no more deadlines for it, and no more showings all evening
    for _ in range(6):
        clock.minutes(10)
        assert sched.update() == []
    assert sched.status().prompt_kind == "daily"


def test_an_unanswered_hourly_prompt_keeps_repeating(clock: FakeClock) -> None:
    """The once-only rule is the daily session's; the hourly prompt repeats every period."""
    sched = make(clock, reprompt_minutes=10)
    shown(clock, sched)
    reasons = [e.data["reason"] for _ in range(4) for e in to_deadline(clock, sched)]
    assert reasons == ["repeat"] * 4


def test_a_routine_closed_too_early_owes_the_break_after_the_grace_not_at_once(clock: FakeClock) -> None:
    sched = make(clock, early_close_break_seconds=120, reprompt_minutes=7)
    shown(clock, sched)
    sched.routine_started("hip-flexor-reset")
    clock.advance(30)
    out = sched.routine_finished("hip-flexor-reset", completed=False, seconds_done=30)
    assert out[0].data["counted_as_break"] is False
    assert sched.status().stage is Stage.WORKING
    assert sched.next_deadline() == exactly(clock.monotonic() + 7 * MIN)
    clock.minutes(6.9)
    assert sched.update() == []
    clock.minutes(0.1)
    assert [e.data["reason"] for e in sched.update()] == ["due"]


def test_the_default_pause_is_exactly_an_hour(clock: FakeClock) -> None:
    assert DEFAULT_PAUSE_MINUTES == 60
    sched = make(clock, break_interval_minutes=120)
    start_wall, start_mono = clock.time(), clock.monotonic()
    out = sched.pause()
    assert out[-1].data == {"until": exactly(start_wall + 3600), "until_tomorrow": False}
    assert sched.status().paused_until == exactly(start_wall + 3600)
    assert sched.next_deadline() == exactly(start_mono + 3600)
    clock.minutes(59.99)
    assert sched.update() == []
    clock.minutes(0.01)
    assert kinds(sched.update()) == [ev.RESUMED]


# ----------------------------------------------------------------- status and snooze
def test_status_while_snoozed_counts_down_to_the_snooze_end(clock: FakeClock) -> None:
    sched = make(clock)
    shown(clock, sched)
    sched.snooze(7)
    clock.minutes(2)
    status = sched.status()
    assert status.stage is Stage.SNOOZED
    assert status.next_prompt_in_seconds == exactly(5 * MIN)
    assert status.next_prompt_at == exactly(clock.time() + 5 * MIN)
    assert status.snoozed_until == exactly(clock.time() + 5 * MIN)


def test_a_status_snapshot_cannot_be_changed_by_a_view(clock: FakeClock) -> None:
    status = make(clock).status()
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.stage = Stage.DUE  # type: ignore[misc]


def test_changing_settings_keeps_an_hourly_snooze(clock: FakeClock) -> None:
    """Only daily items go when the daily session is turned off; an hourly snooze stays."""
    sched = make(clock)
    shown(clock, sched)
    sched.snooze(15)
    sched.apply_settings(sched.settings.replace(volume_percent=20))
    assert sched.status().stage is Stage.SNOOZED
    assert sched.status().snoozed_until == exactly(clock.time() + 15 * MIN)


def test_turning_the_daily_session_off_drops_its_snooze(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 30))
    sched = make(clock, **DAILY)
    clock.minutes(15)
    sched.update()
    assert sched.status().prompt_kind == "daily"
    sched.snooze(10)
    sched.apply_settings(sched.settings.replace(daily_session_enabled=False))
    assert sched.status().stage is Stage.WORKING
    assert sched.status().snoozed_until is None


# ----------------------------------------------------------------- standing
def test_sitting_down_when_not_standing_changes_nothing(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(10)
    assert sched.set_standing(False) == []
    assert sched.status().stage is Stage.WORKING


def test_standing_twice_starts_standing_once(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(10)
    assert kinds(sched.set_standing(True)) == [ev.STANDING_STARTED]
    clock.minutes(5)
    assert sched.set_standing(True) == []
    clock.minutes(5)
    sched.set_standing(False)
    assert sched.status().sitting_seconds == exactly(10 * MIN)  # both standing spells' minutes frozen


# ----------------------------------------------------------------- routines
@pytest.mark.parametrize("done", [-5.0, math.inf, math.nan])
def test_an_impossible_seconds_done_counts_as_nothing(clock: FakeClock, done: float) -> None:
    sched = make(clock, early_close_break_seconds=60)
    sched.routine_started("desk-break")
    clock.minutes(3)
    out = sched.routine_finished("desk-break", completed=False, seconds_done=done)
    assert out[0].kind == ev.ROUTINE_ABANDONED
    assert out[0].data["seconds_done"] == 0.0
    assert out[0].data["counted_as_break"] is False


def test_seconds_in_routine_events_are_kept_to_the_millisecond(clock: FakeClock) -> None:
    sched = make(clock)
    sched.routine_started("desk-break")
    clock.advance(130)
    out = sched.routine_finished("desk-break", completed=True, seconds_done=123.456789, exercises=3)
    assert out[0].data == {"routine_id": "desk-break", "seconds": 123.457, "exercises": 3}


# ----------------------------------------------------------------- presence
def test_asking_for_a_break_while_idle_away_ends_the_away_spell_first(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(20)
    clock.minutes(6)
    sched.on_idle(6 * MIN)
    assert sched.status().stage is Stage.AWAY
    out = sched.break_now()
    assert kinds(out)[:2] == [ev.AWAY_ENDED, ev.NATURAL_BREAK]
    assert kinds(out)[-1] == ev.PROMPT_SHOWN
    assert sched.status().away_reason is None


def test_away_polling_backs_off_to_two_minutes_at_most(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(6)
    sched.on_idle(6 * MIN)
    assert sched.idle_poll_delay(6 * MIN) == 36.0  # a tenth of the time away, at least 30 s
    assert sched.idle_poll_delay(10 * 3600) == AWAY_POLL_MAX_SECONDS == 120.0


@pytest.mark.parametrize("reading", [math.inf, math.nan, -3.0])
def test_an_impossible_idle_reading_is_taken_as_present(clock: FakeClock, reading: float) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(2)
    assert sched.idle_poll_delay(reading) == 5 * MIN


def test_a_fraction_of_a_second_idle_counts(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(2)
    assert sched.idle_poll_delay(0.5) == 5 * MIN - 0.5


# ----------------------------------------------------------------- do not disturb
def test_a_held_prompt_goes_quiet_exactly_at_the_longest_hold(clock: FakeClock) -> None:
    """The hold limit is its own deadline, not whenever the do-not-disturb recheck happens to come."""
    sched = make(clock, max_defer_minutes=20)
    sched.set_do_not_disturb("fullscreen")
    out = to_deadline(clock, sched)
    assert kinds(out) == [ev.PROMPT_DEFERRED]
    held_at = clock.monotonic()
    clock.advance(7)  # a reading off the recheck grid moves the rechecks by 7 s
    sched.on_idle(1.0)
    while True:
        out = to_deadline(clock, sched)
        if ev.PROMPT_QUIET in kinds(out):
            break
        assert clock.monotonic() < held_at + 20 * MIN
    assert clock.monotonic() == exactly(held_at + 20 * MIN)


# ----------------------------------------------------------------- restart
def test_a_pause_until_tomorrow_is_still_one_after_a_restart(clock: FakeClock) -> None:
    sched = make(clock)
    sched.pause(until_tomorrow=True)
    state = sched.to_state()
    assert state["paused_until_tomorrow"] is True
    clock.minutes(1)
    again = BreakScheduler(clock, Settings(), state)
    assert again.status().stage is Stage.PAUSED
    assert again.to_state()["paused_until_tomorrow"] is True
    assert again.status().paused_until == exactly(at(24, 0).timestamp())


def test_away_with_a_snooze_pending_shows_no_countdown(clock: FakeClock) -> None:
    """While away nobody is at the desk to be prompted: the status has no "next prompt in"."""
    sched = make(clock)
    shown(clock, sched)
    sched.snooze(10)
    sched.set_locked(True)
    status = sched.status()
    assert status.stage is Stage.AWAY
    assert status.next_prompt_in_seconds is None and status.next_prompt_at is None


def test_half_a_second_of_a_routine_is_recorded_as_half_a_second(clock: FakeClock) -> None:
    sched = make(clock)
    sched.routine_started("desk-break")
    clock.advance(1)
    out = sched.routine_finished("desk-break", completed=False, seconds_done=0.5)
    assert out[0].data["seconds_done"] == 0.5


def test_the_end_of_working_hours_drops_an_hourly_snooze(clock: FakeClock) -> None:
    clock.set_local(at(23, 16, 20))
    sched = make(clock, **WORK)
    shown(clock, sched)  # 17:20
    sched.snooze(30)  # would come back at 17:50, after hours
    clock.set_local(at(23, 17, 30))
    sched.update()
    status = sched.status()
    assert status.stage is Stage.OFF_HOURS
    assert status.snoozed_until is None
    clock.set_local(at(23, 17, 55))
    assert sched.update() == []


def test_a_prompt_waiting_for_a_pause_in_typing_shows_exactly_at_the_longest_wait(clock: FakeClock) -> None:
    sched = make(clock, lull_seconds=3, lull_max_wait_minutes=5)
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)
    assert kinds(sched.on_idle(0.1)) == [ev.PROMPT_DEFERRED]  # typing as it falls due
    held_at = clock.monotonic()
    while True:
        step = sched.next_deadline()
        assert step is not None and step > clock.monotonic()
        clock.advance_to(step)
        out = sched.on_idle(0.1)  # the person never stops typing
        if ev.PROMPT_SHOWN in kinds(out):
            break
    assert [e.data["reason"] for e in out if e.kind == ev.PROMPT_SHOWN] == ["lull_timeout"]
    assert clock.monotonic() == exactly(held_at + 5 * MIN)


def test_an_hourly_prompt_repeats_even_after_the_daily_reminder_was_used_up(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 0))
    sched = make(clock, **DAILY, reprompt_minutes=10)
    clock.set_local(at(23, 17, 30))
    assert [e.data["reason"] for e in sched.update()] == ["daily"]
    clock.minutes(10)
    assert [e.data["reason"] for e in sched.update()] == ["repeat"]  # the daily session's one reminder
    sched.skip()
    out = to_deadline(clock, sched)  # the next hourly prompt
    assert [(e.data["kind"], e.data["reason"]) for e in out] == [("hourly", "due")]
    assert sched.next_deadline() == exactly(clock.monotonic() + 10 * MIN)
    assert [e.data["reason"] for e in to_deadline(clock, sched)] == ["repeat"]


def test_skip_records_sitting_time_to_the_millisecond(clock: FakeClock) -> None:
    sched = make(clock)
    shown(clock, sched)
    clock.advance(0.123456)
    out = sched.skip()
    assert out[0].data["sitting_seconds"] == 3600.123
