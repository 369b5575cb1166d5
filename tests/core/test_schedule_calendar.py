"""BreakScheduler calendar rules: working hours, pause until tomorrow, the daily session, do-not-disturb."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desktop_app.core import events as ev
from desktop_app.core import workhours
from desktop_app.core.events import Event
from desktop_app.core.schedule import DND_RECHECK_SECONDS, BreakScheduler, Stage
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock

MIN = 60.0
UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
WORK = {"working_hours_enabled": True, "work_start": "09:00", "work_end": "17:30"}
DAILY = {"daily_session_enabled": True, "daily_session_time": "17:30"}


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def make(clock: FakeClock, **changes: Any) -> BreakScheduler:
    return BreakScheduler(clock, Settings().replace(**changes))


def at(day: int, hour: int, minute: int = 0, tz: ZoneInfo = UTC) -> datetime:
    """A moment in the week of Monday 2026-11-23."""
    return datetime(2026, 11, day, hour, minute, tzinfo=tz)


def run_until(clock: FakeClock, sched: BreakScheduler, until: float, answer: str = "skip") -> list[Event]:
    """Drive the scheduler like the UI driver does, answering every prompt, until ``until`` (monotonic)."""
    out: list[Event] = []
    while True:
        deadline = sched.next_deadline()
        if deadline is None or deadline > until:
            clock.advance_to(until)
            out += sched.update()
            return out
        clock.advance_to(deadline)
        got = sched.update()
        out += got
        if ev.PROMPT_SHOWN in kinds(got) and answer == "skip":
            out += sched.skip()


# ----------------------------------------------------------------- working hours
def test_workhours_windows_including_night_shifts() -> None:
    day = Settings().replace(**WORK)
    assert not workhours.in_working_hours(at(23, 8, 59), day)
    assert workhours.in_working_hours(at(23, 9, 0), day)
    assert not workhours.in_working_hours(at(23, 17, 30), day)
    assert not workhours.in_working_hours(at(28, 12, 0), day)  # Saturday
    assert workhours.next_hours_boundary(at(27, 18, 0), day) == at(30, 9, 0)  # Friday evening → Monday
    night = day.replace(work_start="22:00", work_end="06:00")
    assert workhours.in_working_hours(at(27, 23, 0), night)  # Friday's shift...
    assert workhours.in_working_hours(at(28, 5, 59), night)  # ...runs into Saturday morning
    assert not workhours.in_working_hours(at(28, 23, 0), night)
    assert workhours.next_hours_boundary(at(28, 5, 0), night) == at(28, 6, 0)
    assert workhours.next_hours_boundary(at(23, 12, 0), Settings()) is None


def test_no_prompts_outside_working_hours(clock: FakeClock) -> None:
    clock.set_local(at(23, 7, 30))
    sched = make(clock, **WORK)
    assert sched.status().stage is Stage.OFF_HOURS
    assert sched.status().next_prompt_in_seconds is None
    # the next thing to do is the start of working hours, not the 08:30 interval
    nine = clock.monotonic() + 90 * MIN
    assert sched.next_deadline() == pytest.approx(nine)
    clock.advance_to(nine - 1)
    assert sched.update() == []
    clock.advance_to(nine)
    out = sched.update()
    assert kinds(out) == [ev.PROMPT_SHOWN]  # 90 min of sitting: due the moment work starts
    assert sched.status().stage is Stage.DUE


def test_end_of_working_hours_closes_an_hourly_prompt(clock: FakeClock) -> None:
    clock.set_local(at(23, 16, 0))
    sched = make(clock, **WORK)
    out = run_until(clock, sched, clock.monotonic() + 90 * MIN, answer="none")
    assert kinds(out)[0] == ev.PROMPT_SHOWN
    assert out[-1].kind == ev.PROMPT_UNANSWERED
    assert out[-1].data["why"] == "off_hours"
    assert clock.now() == at(23, 17, 30)
    assert sched.status().stage is Stage.OFF_HOURS


def test_weekend_is_off_hours_all_day(clock: FakeClock) -> None:
    clock.set_local(at(28, 10, 0))
    sched = make(clock, **WORK)
    out = run_until(clock, sched, clock.monotonic() + 10 * 3600)
    assert ev.PROMPT_SHOWN not in kinds(out)
    assert sched.status().stage is Stage.OFF_HOURS


def test_pause_until_tomorrow_with_working_hours_lasts_until_the_next_working_day(clock: FakeClock) -> None:
    clock.set_local(at(27, 15, 0))  # Friday
    sched = make(clock, **WORK)
    out = sched.pause(until_tomorrow=True)
    assert out[-1].data["until"] == at(30, 9, 0).timestamp()
    assert sched.status().paused_until == at(30, 9, 0).timestamp()


# ----------------------------------------------------------------- daily session
def test_daily_session_is_offered_at_its_time_with_a_distinct_prompt(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 0))
    sched = make(clock, **DAILY)
    clock.minutes(29)
    assert sched.update() == []
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 1 * MIN)
    clock.minutes(1)
    out = sched.update()
    assert kinds(out) == [ev.PROMPT_SHOWN]
    assert out[0].data == {"routine_id": "full-hip-program", "reason": "daily", "kind": "daily"}
    status = sched.status()
    assert status.stage is Stage.DUE
    assert status.prompt_kind == "daily"
    assert status.prompt_routine_id == "full-hip-program"


def test_daily_session_is_not_offered_when_done_today(clock: FakeClock) -> None:
    clock.set_local(at(23, 12, 0))
    sched = make(clock, **DAILY)
    sched.routine_started("full-hip-program")
    clock.minutes(14)
    sched.routine_finished("full-hip-program", completed=True, seconds_done=840, exercises=12)
    out = run_until(clock, sched, clock.monotonic() + 8 * 3600)
    assert [e.data["reason"] for e in out if e.kind == ev.PROMPT_SHOWN].count("daily") == 0
    out = run_until(clock, sched, clock.monotonic() + 24 * 3600)  # but again the next day
    assert [e.data["reason"] for e in out if e.kind == ev.PROMPT_SHOWN].count("daily") == 1


def test_daily_session_honours_working_days(clock: FakeClock) -> None:
    clock.set_local(at(28, 12, 0))  # Saturday
    sched = make(clock, **DAILY, **WORK)
    out = run_until(clock, sched, clock.monotonic() + 8 * 3600)
    assert ev.PROMPT_SHOWN not in kinds(out)
    # outside working *hours* but on a working day it is offered: it has its own time
    clock.set_local(at(30, 17, 0))
    sched = make(clock, **DAILY, **WORK)
    out = run_until(clock, sched, clock.monotonic() + 3600, answer="none")
    assert [e.data["reason"] for e in out if e.kind == ev.PROMPT_SHOWN] == ["daily", "repeat"]
    assert sched.status().stage is Stage.DUE


def test_daily_session_waits_for_a_pause_to_end(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 0))
    sched = make(clock, **DAILY)
    sched.pause(60)
    clock.minutes(45)
    assert sched.update() == []
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 15 * MIN)
    clock.minutes(15)
    out = sched.update()
    assert kinds(out) == [ev.RESUMED, ev.PROMPT_SHOWN]
    assert out[1].data["reason"] == "daily"


def test_missed_daily_session_gets_one_reminder_and_no_more(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 0))
    sched = make(clock, **DAILY, reprompt_minutes=10)
    out = run_until(clock, sched, clock.monotonic() + 6 * 3600, answer="none")
    daily_shows = [e.data["reason"] for e in out if e.kind == ev.PROMPT_SHOWN]
    assert daily_shows == ["daily", "repeat"]
    assert sched.status().prompt_kind == "daily"  # still open, just not nagging


def test_daily_session_interrupted_by_a_break_is_offered_once_more(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 0))
    sched = make(clock, **DAILY, reprompt_minutes=10)
    clock.minutes(30)
    assert kinds(sched.update()) == [ev.PROMPT_SHOWN]
    clock.minutes(6)
    assert ev.PROMPT_UNANSWERED in kinds(sched.on_idle(6 * MIN))
    clock.minutes(20)
    sched.on_idle(1)
    out = run_until(clock, sched, clock.monotonic() + 4 * 3600, answer="none")
    assert [e.data["reason"] for e in out if e.kind == ev.PROMPT_SHOWN] == ["daily"]


def test_daily_session_takes_over_an_open_hourly_prompt(clock: FakeClock) -> None:
    clock.set_local(at(23, 16, 25))
    sched = make(clock, **DAILY)
    clock.minutes(60)
    assert [e.data["reason"] for e in sched.update()] == ["due"]
    clock.minutes(5)
    out = sched.update()
    assert [e.data["reason"] for e in out] == ["daily"]
    assert sched.status().prompt_kind == "daily"
    assert kinds(sched.skip()) == [ev.SKIPPED]
    assert sched.status().stage is Stage.WORKING


def test_snoozed_daily_session_comes_back_as_the_daily_prompt(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 30))
    sched = make(clock, **DAILY)
    clock.minutes(10)
    sched.update()
    assert sched.snooze(15)[0].data["kind"] == "daily"
    assert sched.status().prompt_routine_id == "full-hip-program"
    clock.minutes(15)
    out = sched.update()
    assert out[0].data == {"routine_id": "full-hip-program", "reason": "daily", "kind": "daily"}


def test_daily_session_time_follows_local_time_across_dst() -> None:
    clock = FakeClock(datetime(2026, 3, 29, 0, 30), tz=BERLIN)  # at 02:00 the clocks go forward
    sched = BreakScheduler(clock, Settings().replace(break_interval_minutes=240, **DAILY))
    out = run_until(clock, sched, clock.monotonic() + 24 * 3600)
    daily = [e for e in out if e.kind == ev.PROMPT_SHOWN and e.data["reason"] == "daily"]
    assert len(daily) == 1
    assert datetime.fromtimestamp(daily[0].at, BERLIN) == datetime(2026, 3, 29, 17, 30, tzinfo=BERLIN)


# ----------------------------------------------------------------- do not disturb
def test_due_prompt_is_held_during_do_not_disturb_and_shown_when_it_ends(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(59)
    sched.set_do_not_disturb("fullscreen")
    clock.minutes(1)
    assert sched.needs_dnd_check()
    out = sched.update()
    assert kinds(out) == [ev.PROMPT_DEFERRED]
    assert out[0].data == {"reason": "fullscreen", "kind": "hourly"}
    status = sched.status()
    assert status.stage is Stage.DUE
    assert status.deferred_reason == "fullscreen"
    # re-check the sources soon, cheaply
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + DND_RECHECK_SECONDS)
    clock.advance(DND_RECHECK_SECONDS)
    assert sched.set_do_not_disturb("microphone") == []  # still held; deferred once, not per check
    assert sched.status().deferred_reason == "microphone"
    clock.minutes(20)
    out = sched.set_do_not_disturb(None)
    assert kinds(out) == [ev.PROMPT_SHOWN]
    assert out[0].data["reason"] == "deferred_end"
    assert sched.status().deferred_reason is None


def test_prompt_held_too_long_becomes_a_quiet_notification(clock: FakeClock) -> None:
    sched = make(clock, max_defer_minutes=30)
    sched.set_do_not_disturb("notifications inhibited")
    out = run_until(clock, sched, clock.monotonic() + 90 * MIN + 1)
    assert kinds(out) == [ev.PROMPT_DEFERRED, ev.PROMPT_QUIET]
    quiet = out[1]
    assert quiet.at == pytest.approx(clock.time() - 1)  # exactly 60 + 30 min after the start
    assert quiet.data["reason"] == "notifications inhibited"
    assert sched.status().stage is Stage.WORKING
    assert sched.status().sitting_seconds == pytest.approx(90 * MIN + 1)
    assert sched.next_deadline() is not None


def test_do_not_disturb_costs_nothing_when_nothing_is_due(clock: FakeClock) -> None:
    sched = make(clock)
    assert sched.set_do_not_disturb("fullscreen") == []
    assert sched.status().deferred_reason is None
    assert not sched.needs_dnd_check()
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN)


def test_daily_session_is_held_by_do_not_disturb_too(clock: FakeClock) -> None:
    clock.set_local(at(23, 17, 20))
    sched = make(clock, **DAILY)
    sched.set_do_not_disturb("microphone")
    clock.minutes(10)
    out = sched.update()
    assert out[0].data == {"reason": "microphone", "kind": "daily"}
    out = sched.set_do_not_disturb(None)
    assert out[0].data == {"routine_id": "full-hip-program", "reason": "deferred_end", "kind": "daily"}
