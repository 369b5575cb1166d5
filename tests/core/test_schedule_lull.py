"""The hourly prompt waits for a natural pause in the user's input (docs/scheduling.md, "A natural pause").

Every rule is driven with the FakeClock and idle readings, as the driver would
give them: a reading of 0 means "typing right now".
"""

from __future__ import annotations

import pytest

from desktop_app.core import events as ev
from desktop_app.core.clock import ScaledClock
from desktop_app.core.events import Event
from desktop_app.core.schedule import BUSY, BreakScheduler, Stage, busy_reason
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock

MIN = 60.0


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def shown(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind == ev.PROMPT_SHOWN]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(clock: FakeClock, **changes: object) -> BreakScheduler:
    return BreakScheduler(clock, Settings().replace(**changes))


def type_until_due(clock: FakeClock, sched: BreakScheduler) -> list[Event]:
    """Type steadily (a reading every minute) until the hourly prompt falls due; return that call's events."""
    deadline = sched.next_deadline()
    assert deadline is not None
    while clock.monotonic() + MIN < deadline:
        clock.minutes(1)
        assert not shown(sched.on_idle(0.0))
    clock.advance_to(deadline)
    return sched.on_idle(0.5)  # input half a second ago, as a poll at the deadline finds it


def demo_at_deadline() -> tuple[FakeClock, ScaledClock, BreakScheduler]:
    """A --demo scheduler (60 schedule seconds per real second) whose hourly prompt has just fallen due.

    Returns the real clock the test advances, the scaled clock the scheduler reads, and the scheduler.
    """
    base = FakeClock()
    clock = ScaledClock(base, 60.0)
    sched = BreakScheduler(clock, Settings())
    deadline = sched.next_deadline()
    assert deadline is not None
    base.advance((deadline - clock.monotonic()) / 60.0)
    return base, clock, sched


def test_a_break_that_falls_due_while_typing_waits_and_says_why(clock: FakeClock) -> None:
    sched = make(clock)
    events = type_until_due(clock, sched)
    assert not shown(events)
    deferred = [e for e in events if e.kind == ev.PROMPT_DEFERRED]
    assert deferred and deferred[0].data == {"reason": BUSY, "kind": "hourly"}
    status = sched.status()
    assert status.stage is Stage.DUE
    assert status.deferred_reason == busy_reason()
    assert status.prompt_kind == "hourly"
    assert sched.waiting_for_lull()
    # the next look is when 3 s without input would be complete: input was 0.5 s ago
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 2.5)
    assert not sched.needs_dnd_check()  # do-not-disturb is only asked as a deadline comes near


def test_the_prompt_shows_at_the_first_pause_of_three_seconds(clock: FakeClock) -> None:
    sched = make(clock)
    type_until_due(clock, sched)
    clock.advance(2.0)
    assert not shown(sched.on_idle(0.2))  # still typing: a pause of 0.2 s is not enough
    clock.advance(2.9)
    assert not shown(sched.on_idle(3.0 - 0.2))
    clock.advance(0.2)
    events = sched.on_idle(3.0)
    assert [e.data["reason"] for e in shown(events)] == ["lull"]
    status = sched.status()
    assert status.stage is Stage.DUE and status.deferred_reason is None
    assert not sched.waiting_for_lull()


def test_the_prompt_shows_anyway_after_the_longest_wait(clock: FakeClock) -> None:
    sched = make(clock)
    type_until_due(clock, sched)
    started = clock.monotonic()
    seen: list[Event] = []
    while clock.monotonic() < started + 5 * MIN - 1:
        deadline = sched.next_deadline()
        assert deadline is not None and deadline > clock.monotonic(), "the driver would spin"
        clock.advance_to(deadline)
        seen += sched.on_idle(0.1)  # the person never stops typing
        if shown(seen):
            break
    assert clock.monotonic() >= started + 5 * MIN - 1e-3
    assert [e.data["reason"] for e in shown(seen)] == ["lull_timeout"]


def test_no_input_lately_shows_the_prompt_at_once(clock: FakeClock) -> None:
    sched = make(clock)
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)
    events = sched.on_idle(20.0)  # reading a document: no input for 20 s
    assert [e.data["reason"] for e in shown(events)] == ["due"]
    assert ev.PROMPT_DEFERRED not in kinds(events)


def test_without_idle_data_the_prompt_never_waits(clock: FakeClock) -> None:
    """A desktop that gives no idle time (the Null monitor): nothing to wait for."""
    sched = make(clock)
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)
    assert [e.data["reason"] for e in shown(sched.update())] == ["due"]


def test_lull_zero_turns_the_rule_off(clock: FakeClock) -> None:
    sched = make(clock, lull_seconds=0)
    events = type_until_due(clock, sched)
    assert [e.data["reason"] for e in shown(events)] == ["due"]


def test_turning_the_rule_off_while_waiting_shows_the_prompt(clock: FakeClock) -> None:
    sched = make(clock)
    type_until_due(clock, sched)
    events = sched.apply_settings(sched.settings.replace(lull_seconds=0))
    assert [e.data["reason"] for e in shown(events)] == ["lull"]


def test_break_now_shows_at_once_while_typing(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(10)
    sched.on_idle(0.0)
    events = sched.break_now()
    assert [e.data["reason"] for e in shown(events)] == ["break_now"]


def test_break_now_while_waiting_shows_at_once(clock: FakeClock) -> None:
    sched = make(clock)
    type_until_due(clock, sched)
    events = sched.break_now()
    assert [e.data["reason"] for e in shown(events)] == ["break_now"]
    assert sched.status().deferred_reason is None


def test_the_daily_session_shows_at_once_while_typing(clock: FakeClock) -> None:
    sched = make(clock, daily_session_enabled=True, daily_session_time="09:30")
    clock.minutes(29)
    sched.on_idle(0.0)
    clock.minutes(1)
    events = sched.on_idle(0.0)
    assert [(e.data["kind"], e.data["reason"]) for e in shown(events)] == [("daily", "daily")]


def test_the_daily_session_takes_over_a_waiting_hourly_prompt(clock: FakeClock) -> None:
    sched = make(clock, daily_session_enabled=True, daily_session_time="10:01")
    type_until_due(clock, sched)  # hourly due at 10:00, waiting
    assert sched.waiting_for_lull()
    clock.minutes(1)
    events = sched.on_idle(0.0)
    assert [(e.data["kind"], e.data["reason"]) for e in shown(events)] == [("daily", "daily")]
    assert sched.status().prompt_kind == "daily"


def test_do_not_disturb_while_waiting_holds_it_for_that_reason(clock: FakeClock) -> None:
    sched = make(clock)
    type_until_due(clock, sched)
    events = sched.set_do_not_disturb("a fullscreen window is active")
    assert [e.data for e in events if e.kind == ev.PROMPT_DEFERRED] == [
        {"reason": "a fullscreen window is active", "kind": "hourly"}]
    assert sched.status().deferred_reason == "a fullscreen window is active"
    assert not sched.waiting_for_lull()
    # when it ends, the prompt shows at once, typing or not: the end of a call or a video is a break itself
    sched.note_input(0.1)
    events = sched.set_do_not_disturb(None)
    assert [e.data["reason"] for e in shown(events)] == ["deferred_end"]


def test_snooze_and_skip_work_while_waiting(clock: FakeClock) -> None:
    sched = make(clock)
    type_until_due(clock, sched)
    sched.snooze(5)
    assert sched.status().stage is Stage.SNOOZED
    clock.minutes(5)
    events = sched.on_idle(0.0)  # the snooze ends while typing: it waits again
    assert not shown(events) and sched.waiting_for_lull()
    sched.skip()
    assert sched.status().stage is Stage.WORKING


def test_going_away_while_waiting_drops_it(clock: FakeClock) -> None:
    sched = make(clock)
    type_until_due(clock, sched)
    sched.set_locked(True)
    assert sched.status().stage is Stage.AWAY
    assert sched.status().deferred_reason is None


def test_in_demo_the_lull_is_real_seconds_and_the_longest_wait_is_schedule_time() -> None:
    """--demo: 60 schedule seconds per real second. Idle readings arrive in schedule seconds."""
    base, clock, sched = demo_at_deadline()
    events = sched.on_idle(0.5 * 60)  # input half a real second ago
    assert not shown(events) and sched.waiting_for_lull()
    # 3 real seconds of no input are needed: 2.5 more real seconds (150 schedule s)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 2.5 * 60)
    base.advance(2.0)
    assert not shown(sched.on_idle(2.5 * 60))  # 2.5 real s idle: not yet
    base.advance(0.5)
    assert [e.data["reason"] for e in shown(sched.on_idle(3.0 * 60))] == ["lull"]


def test_in_demo_the_longest_wait_is_five_schedule_minutes() -> None:
    base, clock, sched = demo_at_deadline()
    sched.on_idle(0.0)
    started = clock.monotonic()
    seen: list[Event] = []
    while not shown(seen):
        base.advance(1.0)  # a real second: the person is still typing
        seen += sched.on_idle(0.2 * 60)
    assert clock.monotonic() - started == pytest.approx(5 * MIN, abs=60.0)  # 5 real seconds
    assert shown(seen)[0].data["reason"] == "lull_timeout"


def test_the_settings_have_the_documented_defaults_and_bounds() -> None:
    s = Settings()
    assert (s.lull_seconds, s.lull_max_wait_minutes) == (3, 5)
    with pytest.raises(ValueError, match="lull_seconds"):
        s.replace(lull_seconds=31)
    with pytest.raises(ValueError, match="lull_max_wait_minutes"):
        s.replace(lull_max_wait_minutes=0)


def test_a_reading_noted_first_counts_when_another_call_offers_the_prompt(clock: FakeClock) -> None:
    """The driver notes the idle reading before asking do-not-disturb, which already runs due work."""
    sched = make(clock)
    sched.on_idle(0.0)
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)  # the last reading is an hour old: on its own it says "no input lately"
    sched.note_input(0.2)
    assert sched.set_do_not_disturb(None) and sched.waiting_for_lull()
    assert not shown(sched.update())


def test_an_old_reading_alone_does_not_hold_the_prompt(clock: FakeClock) -> None:
    sched = make(clock)
    sched.on_idle(0.0)
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)
    assert [e.data["reason"] for e in shown(sched.update())] == ["due"]
