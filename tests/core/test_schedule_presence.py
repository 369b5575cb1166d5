"""BreakScheduler presence rules: idle gaps, natural breaks, lock, suspend and wall-clock jumps."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.schedule import AWAY_POLL_MAX_SECONDS, AWAY_POLL_SECONDS, BreakScheduler, Stage
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock

MIN = 60.0


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def first(events: list[Event], kind: str) -> Event:
    return next(e for e in events if e.kind == kind)


def make(clock: FakeClock, **changes: Any) -> BreakScheduler:
    return BreakScheduler(clock, Settings().replace(**changes))


# ----------------------------------------------------------------- idle
def test_short_idle_gaps_count_as_sitting(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    for _ in range(10):
        clock.minutes(4)
        assert sched.on_idle(4 * MIN - 1) == []
    assert sched.status().sitting_seconds == pytest.approx(40 * MIN)
    assert sched.status().stage is Stage.WORKING


def test_natural_break_resets_sitting_and_records_the_stretch(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    start = clock.time()
    clock.minutes(30)  # 30 min at the desk...
    clock.minutes(7)  # ...then 7 min away; the poll happens to come late
    out = sched.on_idle(7 * MIN)
    assert kinds(out) == [ev.AWAY_STARTED, ev.SITTING_STRETCH]
    assert first(out, ev.AWAY_STARTED).data == {"reason": "idle", "since": pytest.approx(start + 30 * MIN)}
    stretch = first(out, ev.SITTING_STRETCH).data
    assert stretch["start"] == start
    assert stretch["end"] == pytest.approx(start + 30 * MIN)
    assert stretch["seconds"] == pytest.approx(30 * MIN)
    status = sched.status()
    assert status.stage is Stage.AWAY
    assert status.away_reason == "idle"
    assert status.sitting_seconds == 0


def test_return_moment_is_now_minus_idle_not_the_poll_time(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(10)
    sched.on_idle(6 * MIN)  # left 6 min ago
    clock.minutes(20)
    out = sched.on_idle(25)  # came back 25 s before this poll
    assert kinds(out) == [ev.AWAY_ENDED, ev.NATURAL_BREAK]
    natural = first(out, ev.NATURAL_BREAK).data
    assert natural["returned_at"] == pytest.approx(clock.time() - 25)
    assert natural["seconds"] == pytest.approx(26 * MIN - 25)
    assert sched.status().sitting_seconds == pytest.approx(25)
    assert sched.status().sitting_since == pytest.approx(clock.time() - 25)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() - 25 + 60 * MIN)


def test_natural_break_closes_an_open_prompt_as_unanswered(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(60)
    sched.update()
    out = sched.on_idle(5 * MIN)
    assert first(out, ev.PROMPT_UNANSWERED).data["why"] == "natural_break"
    assert sched.status().stage is Stage.AWAY


def test_idle_poll_delay_is_adaptive(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    # just started: earlier idle is not trusted, so no busy polling on a large first reading
    assert sched.idle_poll_delay(3600) == 5 * MIN
    clock.minutes(10)
    assert sched.idle_poll_delay(0) == 5 * MIN
    assert sched.idle_poll_delay(4 * MIN) == 1 * MIN
    assert sched.idle_poll_delay(5 * MIN - 0.2) == 1.0  # never busier than once a second
    sched.on_idle(5 * MIN)
    assert sched.idle_poll_delay(5 * MIN) == AWAY_POLL_SECONDS
    assert sched.idle_poll_delay(6 * MIN) == pytest.approx(36.0)
    # a long absence backs off to at most two minutes between readings
    assert sched.idle_poll_delay(10 * MIN) == pytest.approx(60.0)
    assert sched.idle_poll_delay(90 * MIN) == AWAY_POLL_MAX_SECONDS


def test_idle_from_before_the_app_started_is_not_trusted(clock: FakeClock) -> None:
    sched = make(clock)
    assert sched.on_idle(3600) == []  # the reading predates us; nothing to say about it yet
    clock.minutes(5)
    assert ev.AWAY_STARTED in kinds(sched.on_idle(3600 + 5 * MIN))


# ----------------------------------------------------------------- lock
def test_short_lock_is_away_but_not_a_break(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5, reprompt_minutes=10)
    clock.minutes(58)
    out = sched.set_locked(True)
    assert kinds(out) == [ev.AWAY_STARTED]
    assert sched.status().stage is Stage.AWAY
    assert sched.status().away_reason == "lock"
    clock.minutes(3)
    assert sched.update() == []  # the interval ran out while locked: no prompt to a locked screen
    out = sched.set_locked(False)
    assert kinds(out) == [ev.AWAY_ENDED]
    assert out[0].data == {"reason": "lock", "seconds": 3 * MIN}
    assert sched.status().sitting_seconds == pytest.approx(61 * MIN)
    # the first thing after coming back is not a prompt
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 10 * MIN)


def test_long_lock_is_a_natural_break_from_the_moment_it_began(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(20)
    lock_wall = clock.time()
    sched.set_locked(True)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 5 * MIN)
    clock.minutes(5)
    out = sched.update()
    assert kinds(out) == [ev.SITTING_STRETCH]
    assert out[0].data["end"] == pytest.approx(lock_wall)
    assert out[0].data["seconds"] == pytest.approx(20 * MIN)
    assert sched.status().sitting_seconds == 0
    clock.minutes(40)
    out = sched.set_locked(False)
    assert kinds(out) == [ev.AWAY_ENDED, ev.NATURAL_BREAK]
    assert first(out, ev.NATURAL_BREAK).data["seconds"] == pytest.approx(45 * MIN)
    assert sched.status().sitting_seconds == 0
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN)


def test_idle_then_lock_is_one_away_spell_starting_at_the_first_sign(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(30)
    left = clock.time()
    clock.minutes(3)
    sched.on_idle(3 * MIN)
    sched.set_locked(True)  # the screen locker kicks in after 3 min
    clock.minutes(2)
    out = sched.on_idle(5 * MIN)
    assert kinds(out) == [ev.SITTING_STRETCH]
    assert out[0].data["end"] == pytest.approx(left)
    clock.minutes(10)
    assert ev.AWAY_ENDED not in kinds(sched.set_locked(False))  # idle still says away
    out = sched.on_idle(4)
    assert kinds(out) == [ev.AWAY_ENDED, ev.NATURAL_BREAK]
    assert first(out, ev.AWAY_ENDED).data["seconds"] == pytest.approx(3 * MIN + 12 * MIN - 4)


# ----------------------------------------------------------------- suspend
def test_suspend_signals_count_as_away_and_reset_after_a_long_sleep(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(50)
    out = sched.on_suspend()
    assert kinds(out) == [ev.AWAY_STARTED]
    assert out[0].data["reason"] == "suspend"
    assert sched.status().away_reason == "suspend"
    clock.suspend(2 * 3600)
    out = sched.on_resume()
    assert kinds(out) == [ev.SITTING_STRETCH, ev.AWAY_ENDED, ev.NATURAL_BREAK]
    assert first(out, ev.AWAY_ENDED).data["seconds"] == pytest.approx(2 * 3600)
    assert sched.status().sitting_seconds == 0
    assert sched.status().stage is Stage.WORKING


def test_suspend_is_also_seen_by_the_clock_gap_without_any_signal(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(70)  # prompt due at 60 min, but the machine was asleep before the timer fired...
    clock.suspend(3 * 3600)
    out = sched.update()  # ...so the late timer fires after wake-up
    # away first, and no prompt at all: the first thing after wake-up is not a break prompt
    assert kinds(out) == [ev.AWAY_STARTED, ev.SITTING_STRETCH, ev.AWAY_ENDED, ev.NATURAL_BREAK]
    assert first(out, ev.AWAY_STARTED).data["since"] == pytest.approx(clock.time() - 3 * 3600)
    assert first(out, ev.AWAY_ENDED).data["seconds"] == pytest.approx(3 * 3600)
    assert first(out, ev.SITTING_STRETCH).data["seconds"] == pytest.approx(70 * MIN)
    assert sched.status().sitting_seconds == 0


def test_short_suspend_keeps_sitting_time_but_no_prompt_comes_first(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5, reprompt_minutes=10)
    clock.minutes(61)
    clock.suspend(2 * MIN)
    out = sched.update()
    assert kinds(out) == [ev.AWAY_STARTED, ev.AWAY_ENDED]
    assert sched.status().sitting_seconds == pytest.approx(61 * MIN)
    assert sched.status().stage is Stage.WORKING
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 10 * MIN)


def test_signal_and_clock_gap_together_give_one_away_spell(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(10)
    sched.on_suspend()
    clock.suspend(3600)
    out = sched.update()  # the driver's timer noticed the gap before logind said "resumed"
    assert kinds(out).count(ev.AWAY_ENDED) == 1
    assert sched.on_resume() == []


def test_small_boottime_lead_is_not_a_suspend(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(5)
    clock.suspend(20)  # below the 30 s noise threshold
    assert sched.update() == []


# ----------------------------------------------------------------- wall-clock jumps
@pytest.mark.parametrize("jump", [2 * 3600, -2 * 3600])
def test_wall_jump_during_a_snooze_does_not_move_the_prompt(clock: FakeClock, jump: float) -> None:
    sched = make(clock)
    clock.minutes(60)
    sched.update()
    sched.snooze(10)
    expected = clock.monotonic() + 10 * MIN
    clock.minutes(3)
    clock.jump_wall(jump)
    assert sched.update() == []  # not a suspend, nothing due
    assert sched.next_deadline() == pytest.approx(expected)
    assert sched.status().snoozed_until == pytest.approx(clock.time() + 7 * MIN)
    clock.advance_to(expected - 1)
    assert sched.update() == []
    clock.advance_to(expected)
    assert kinds(sched.update()) == [ev.PROMPT_SHOWN]


@pytest.mark.parametrize("jump", [2 * 3600, -2 * 3600])
def test_wall_jump_does_not_change_sitting_time(clock: FakeClock, jump: float) -> None:
    sched = make(clock)
    clock.minutes(20)
    clock.jump_wall(jump)
    sched.update()
    clock.minutes(10)
    assert sched.status().sitting_seconds == pytest.approx(30 * MIN)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 30 * MIN)


def test_push_watch_reporting_the_threshold_with_rounding_starts_away(clock: FakeClock) -> None:
    sched = make(clock, natural_break_minutes=5)
    clock.minutes(20)
    real_threshold = 5 * MIN / 60.0  # --demo: the driver converts real seconds back with factor 60
    out = sched.on_idle(real_threshold * 60.0 - 1e-9)
    assert kinds(out) == [ev.AWAY_STARTED, ev.SITTING_STRETCH]
