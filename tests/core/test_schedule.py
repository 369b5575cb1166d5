"""BreakScheduler rules: prompts, snooze, skip, repeats, pause, standing, routines, settings.

Presence (idle, lock, suspend, clock jumps) is in test_schedule_presence.py;
calendar rules (working hours, daily session, do-not-disturb) in
test_schedule_calendar.py; persistence in test_schedule_state.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.schedule import BreakScheduler, Stage
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock

MIN = 60.0


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def make(clock: FakeClock, **changes: Any) -> BreakScheduler:
    return BreakScheduler(clock, Settings().replace(**changes))


def run_to_deadline(clock: FakeClock, sched: BreakScheduler) -> list[Event]:
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)
    return sched.update()


# ----------------------------------------------------------------- the prompt
def test_prompt_is_due_one_interval_after_the_last_break(clock: FakeClock) -> None:
    sched = make(clock, break_interval_minutes=45)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 45 * MIN)
    clock.minutes(44.9)
    assert sched.update() == []
    assert sched.status().stage is Stage.WORKING
    clock.minutes(0.1)
    out = sched.update()
    assert kinds(out) == [ev.PROMPT_SHOWN]
    assert out[0].data == {"routine_id": "hip-flexor-reset", "reason": "due", "kind": "hourly"}
    status = sched.status()
    assert status.stage is Stage.DUE
    assert status.prompt_kind == "hourly"
    assert status.sitting_seconds == pytest.approx(45 * MIN)


def test_status_counts_down_to_the_prompt(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(20)
    status = sched.status()
    assert status.next_prompt_in_seconds == pytest.approx(40 * MIN)
    assert status.next_prompt_at == pytest.approx(clock.time() + 40 * MIN)
    assert status.sitting_seconds == pytest.approx(20 * MIN)
    assert status.interval_seconds == 60 * MIN


def test_snooze_delays_the_prompt_by_the_default_or_given_minutes(clock: FakeClock) -> None:
    sched = make(clock, snooze_minutes=7)
    run_to_deadline(clock, sched)
    out = sched.snooze()
    assert kinds(out) == [ev.SNOOZED]
    assert out[0].data["minutes"] == 7
    assert out[0].data["until"] == pytest.approx(clock.time() + 7 * MIN)
    assert sched.status().stage is Stage.SNOOZED
    assert sched.status().snoozed_until == pytest.approx(clock.time() + 7 * MIN)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 7 * MIN)
    out = run_to_deadline(clock, sched)
    assert kinds(out) == [ev.PROMPT_SHOWN]
    sched.snooze(15)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 15 * MIN)


def test_snooze_with_nothing_open_does_nothing(clock: FakeClock) -> None:
    sched = make(clock)
    assert sched.snooze(5) == []
    assert sched.status().stage is Stage.WORKING


@pytest.mark.parametrize("bad", [0, -5, 241, 2.5, True, "10"])
def test_bad_snooze_or_pause_minutes_are_refused_in_plain_words(clock: FakeClock, bad: object) -> None:
    sched = make(clock)
    with pytest.raises(ValueError, match="snooze minutes must be a whole number"):
        sched.snooze(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pause minutes must be a whole number"):
        sched.pause(bad if bad != 241 else 100000)  # type: ignore[arg-type]
    assert sched.status().stage is Stage.WORKING


def test_skip_restarts_the_interval_but_not_sitting_time(clock: FakeClock) -> None:
    sched = make(clock)
    run_to_deadline(clock, sched)
    out = sched.skip()
    assert kinds(out) == [ev.SKIPPED]
    assert out[0].data["sitting_seconds"] == pytest.approx(60 * MIN)
    status = sched.status()
    assert status.stage is Stage.WORKING
    assert status.sitting_seconds == pytest.approx(60 * MIN)  # honest: the user did not get up
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN)
    clock.minutes(30)
    assert sched.status().sitting_seconds == pytest.approx(90 * MIN)


def test_unanswered_prompt_repeats_once_per_period_and_never_stacks(clock: FakeClock) -> None:
    sched = make(clock, reprompt_minutes=10)
    run_to_deadline(clock, sched)
    shown_at = clock.monotonic()
    assert sched.next_deadline() == pytest.approx(shown_at + 10 * MIN)
    clock.minutes(5)
    assert sched.update() == []  # no repeat before the period
    clock.minutes(5)
    out = sched.update()
    assert kinds(out) == [ev.PROMPT_SHOWN]
    assert out[0].data["reason"] == "repeat"
    assert sched.update() == []  # once per period
    out = run_to_deadline(clock, sched)
    assert [e.data["reason"] for e in out] == ["repeat"]
    assert clock.monotonic() == pytest.approx(shown_at + 20 * MIN)


def test_break_now_shows_the_prompt_at_once(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(3)
    out = sched.break_now()
    assert kinds(out) == [ev.PROMPT_SHOWN]
    assert out[0].data["reason"] == "break_now"
    assert sched.status().stage is Stage.DUE
    # asking again re-raises the same prompt, it does not open a second one
    assert [e.data["reason"] for e in sched.break_now()] == ["break_now"]
    sched.skip()
    assert sched.status().stage is Stage.WORKING


def test_close_open_prompt_records_it_as_unanswered(clock: FakeClock) -> None:
    sched = make(clock)
    run_to_deadline(clock, sched)
    out = sched.close_open_prompt("quit")
    assert kinds(out) == [ev.PROMPT_UNANSWERED]
    assert out[0].data["why"] == "quit"
    assert sched.close_open_prompt("quit") == []


# ----------------------------------------------------------------- pause
def test_pause_closes_the_prompt_and_holds_prompts_while_sitting_is_tracked(clock: FakeClock) -> None:
    sched = make(clock)
    run_to_deadline(clock, sched)
    out = sched.pause(30)
    assert kinds(out) == [ev.PROMPT_UNANSWERED, ev.PAUSED]
    assert out[0].data["why"] == "paused"
    assert out[1].data == {"until": pytest.approx(clock.time() + 30 * MIN), "until_tomorrow": False}
    status = sched.status()
    assert status.stage is Stage.PAUSED
    assert status.paused_until == pytest.approx(clock.time() + 30 * MIN)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 30 * MIN)
    clock.minutes(29)
    assert sched.update() == []
    assert sched.status().sitting_seconds == pytest.approx(89 * MIN)
    clock.minutes(1)
    out = sched.update()
    # the pause ends; the break is long overdue, so the prompt comes at once
    assert kinds(out) == [ev.RESUMED, ev.PROMPT_SHOWN]


def test_pause_without_minutes_lasts_an_hour_and_resume_ends_it(clock: FakeClock) -> None:
    sched = make(clock)
    sched.pause()
    assert sched.status().paused_until == pytest.approx(clock.time() + 60 * MIN)
    clock.minutes(5)
    assert kinds(sched.resume()) == [ev.RESUMED]
    assert sched.status().stage is Stage.WORKING
    assert sched.resume() == []


def test_pause_until_tomorrow_ends_at_local_midnight(clock: FakeClock) -> None:
    sched = make(clock)
    out = sched.pause(until_tomorrow=True)
    midnight = clock.now().replace(day=24, hour=0, minute=0).timestamp()
    assert out[-1].data == {"until": midnight, "until_tomorrow": True}
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + (midnight - clock.time()))
    clock.advance_to(sched.next_deadline() or 0)
    assert ev.RESUMED in kinds(sched.update())


# ----------------------------------------------------------------- standing
def test_standing_freezes_sitting_time_and_the_countdown(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(20)
    assert kinds(sched.set_standing(True)) == [ev.STANDING_STARTED]
    clock.minutes(90)
    status = sched.status()
    assert status.stage is Stage.STANDING
    assert status.sitting_seconds == pytest.approx(20 * MIN)
    assert status.next_prompt_in_seconds == pytest.approx(40 * MIN)
    assert sched.update() == []  # no prompt while standing
    out = sched.set_standing(False)
    assert kinds(out) == [ev.STANDING_ENDED]
    assert out[0].data["reason"] == "user"
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 40 * MIN)
    clock.minutes(10)
    assert sched.status().sitting_seconds == pytest.approx(30 * MIN)


def test_standing_answers_an_open_prompt(clock: FakeClock) -> None:
    sched = make(clock)
    run_to_deadline(clock, sched)
    assert kinds(sched.set_standing(True)) == [ev.STANDING_STARTED]
    assert sched.status().stage is Stage.STANDING


def test_natural_break_ends_standing(clock: FakeClock) -> None:
    sched = make(clock)
    sched.set_standing(True)
    clock.minutes(30)
    out = sched.on_idle(6 * MIN)
    assert ev.STANDING_ENDED in kinds(out)
    assert out[kinds(out).index(ev.STANDING_ENDED)].data["reason"] == "natural_break"
    sched.on_activity()
    assert sched.status().stage is Stage.WORKING


# ----------------------------------------------------------------- routines
def test_completed_routine_resets_sitting_time(clock: FakeClock) -> None:
    sched = make(clock)
    run_to_deadline(clock, sched)
    out = sched.routine_started("hip-flexor-reset")
    assert kinds(out) == [ev.ROUTINE_STARTED]
    assert sched.status().stage is Stage.IN_ROUTINE
    assert sched.status().routine_id == "hip-flexor-reset"
    clock.minutes(5)
    out = sched.routine_finished("hip-flexor-reset", completed=True, seconds_done=290, exercises=5)
    assert kinds(out) == [ev.ROUTINE_COMPLETED, ev.SITTING_STRETCH]
    assert out[0].data == {"routine_id": "hip-flexor-reset", "seconds": 290, "exercises": 5}
    assert out[1].data["seconds"] == pytest.approx(60 * MIN)
    status = sched.status()
    assert status.stage is Stage.WORKING
    assert status.sitting_seconds == 0
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN)


@pytest.mark.parametrize(("done", "counted"), [(59.0, False), (60.0, True), (200.0, True)])
def test_routine_closed_early_counts_only_past_the_threshold(
    clock: FakeClock, done: float, counted: bool
) -> None:
    sched = make(clock, early_close_break_seconds=60, reprompt_minutes=10)
    run_to_deadline(clock, sched)
    sched.routine_started("hip-flexor-reset")
    clock.advance(done)
    out = sched.routine_finished("hip-flexor-reset", completed=False, seconds_done=done)
    assert out[0].kind == ev.ROUTINE_ABANDONED
    assert out[0].data["counted_as_break"] is counted
    status = sched.status()
    if counted:
        assert status.sitting_seconds == 0
        assert sched.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN)
    else:
        assert status.sitting_seconds == pytest.approx(60 * MIN + done)
        # the break is still owed, but not straight away
        assert sched.next_deadline() == pytest.approx(clock.monotonic() + 10 * MIN)


def test_idle_during_a_routine_never_aborts_it(clock: FakeClock) -> None:
    sched = make(clock)
    sched.routine_started("full-hip-program")
    clock.minutes(12)
    assert sched.on_idle(12 * MIN) == []
    status = sched.status()
    assert status.stage is Stage.IN_ROUTINE
    assert status.away_reason is None


def test_lock_during_a_routine_is_reported_without_ending_it(clock: FakeClock) -> None:
    sched = make(clock)
    sched.routine_started("hip-flexor-reset")
    out = sched.set_locked(True)
    assert kinds(out) == [ev.AWAY_STARTED]
    status = sched.status()
    assert status.stage is Stage.IN_ROUTINE
    assert status.away_reason == "lock"  # the app pauses the player on this
    clock.minutes(20)
    assert ev.SITTING_STRETCH not in kinds(sched.update())  # no natural break inside a routine
    assert kinds(sched.set_locked(False)) == [ev.AWAY_ENDED]
    assert sched.status().away_reason is None
    assert sched.status().stage is Stage.IN_ROUTINE


# ----------------------------------------------------------------- settings
def test_new_interval_reschedules_at_once(clock: FakeClock) -> None:
    sched = make(clock)
    clock.minutes(20)
    assert sched.apply_settings(sched.settings.replace(break_interval_minutes=30)) == []
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 10 * MIN)
    out = sched.apply_settings(sched.settings.replace(break_interval_minutes=15))
    assert kinds(out) == [ev.PROMPT_SHOWN]  # already past the new interval


def test_longer_interval_closes_a_prompt_that_is_no_longer_due(clock: FakeClock) -> None:
    sched = make(clock)
    run_to_deadline(clock, sched)
    out = sched.apply_settings(sched.settings.replace(break_interval_minutes=90))
    assert kinds(out) == [ev.PROMPT_UNANSWERED]
    assert out[0].data["why"] == "settings"
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 30 * MIN)


def test_prompt_offers_the_chosen_routine(clock: FakeClock) -> None:
    sched = make(clock, prompt_routine="desk-side-quick-break")
    out = run_to_deadline(clock, sched)
    assert out[0].data["routine_id"] == "desk-side-quick-break"
    assert sched.status().prompt_routine_id == "desk-side-quick-break"


def test_next_deadline_is_always_in_the_future_after_a_call(clock: FakeClock) -> None:
    sched = make(clock)
    for _ in range(50):
        deadline = sched.next_deadline()
        assert deadline is not None
        clock.advance_to(deadline)
        sched.update()
        after = sched.next_deadline()
        assert after is None or after > clock.monotonic()
