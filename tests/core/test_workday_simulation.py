"""Whole simulated workdays (and a week) driven the way the UI driver drives the core.

A seeded random user sits, wanders off for short and long spells, locks the
screen for lunch and answers prompts in every possible way. The driver wakes
only at ``next_deadline()`` or at the adaptive idle-poll time, exactly as the
real one does. After every call an :class:`Audit` checks the invariants, and
sitting time is compared with an independent oracle computed from the user's
own timeline.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import ALL_KINDS, Event
from desktop_app.core.schedule import BreakScheduler, Stage
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock

MIN = 60.0
#: Events that answer an open prompt.
ANSWERS = {ev.SNOOZED, ev.SKIPPED, ev.ROUTINE_STARTED, ev.STANDING_STARTED, ev.PROMPT_UNANSWERED}


class Audit:
    """Checks the scheduler's invariants after every call. Shared with the state-machine test."""

    def __init__(self, clock: FakeClock, sched: BreakScheduler) -> None:
        self.clock = clock
        self.sched = sched
        self.open = False
        self.shown = 0
        self.last_reset = clock.monotonic()  # no later than the real start of the current stretch
        self.quiet_until = 0.0  # no automatic prompt before this (a return from away, a restart)
        self.returned()
        self.counts: dict[str, int] = {}
        #: Driver wake-ups spent while a due prompt waited for a pause in typing (counted by simulate()).
        self.lull_wakeups = 0

    def feed(self, events: list[Event], idle: float = 0.0, quitting: bool = False) -> None:
        """Check a batch returned by one call; ``idle`` is the idle reading that call was given."""
        now = self.clock.monotonic()
        for event in events:
            assert event.kind in ALL_KINDS
            json.dumps(event.data)  # must be storable as JSON
            self.counts[event.kind] = self.counts.get(event.kind, 0) + 1
            if event.kind == ev.PROMPT_SHOWN:
                reason = event.data["reason"]
                if reason == "repeat":
                    assert self.open, "a repeat of a prompt that is not open"
                elif reason in ("due", "deferred_end"):
                    assert not self.open, "prompts stacked"
                if reason != "break_now":
                    assert now >= self.quiet_until - 1e-6, "a prompt came first after a return"
                    status = self.sched.status()
                    assert status.away_reason is None and status.paused_until is None
                    assert status.routine_id is None
                self.open = True
                self.shown += 1
            elif event.kind in ANSWERS:
                if event.kind == ev.PROMPT_UNANSWERED:
                    assert self.open, "unanswered recorded for no open prompt"
                self.open = False
            elif event.kind in (ev.NATURAL_BREAK, ev.ROUTINE_COMPLETED) or (
                event.kind == ev.ROUTINE_ABANDONED and event.data["counted_as_break"]
            ):
                self.last_reset = now - idle
            if event.kind == ev.AWAY_ENDED and self.sched.status().routine_id is None:
                self.returned(now - idle)
        self.check(quitting)

    def check(self, quitting: bool = False) -> None:
        now = self.clock.monotonic()
        status = self.sched.status()
        assert status.sitting_seconds >= 0
        assert status.sitting_seconds <= now - self.last_reset + 1e-6
        if self.open:
            assert status.stage is Stage.DUE
        if status.stage is Stage.DUE:
            assert self.open or status.deferred_reason is not None
            assert status.prompt_kind in ("hourly", "daily")
        if status.stage is Stage.AWAY:
            assert status.away_reason in ("idle", "lock", "suspend")
        if status.stage is Stage.PAUSED:
            assert status.paused_until is not None
        if status.stage is Stage.SNOOZED:
            assert status.snoozed_until is not None
        if status.stage is Stage.IN_ROUTINE:
            assert status.routine_id is not None
        deadline = self.sched.next_deadline()
        if not quitting:  # after quit's close_open_prompt a due prompt would simply come again
            assert deadline is None or deadline > now, "next_deadline() would make the driver spin"

    def returned(self, at: float | None = None) -> None:
        """The user came back (or the app restarted) at ``at``: the first thing must not be a prompt."""
        at = self.clock.monotonic() if at is None else at
        self.quiet_until = at + self.sched.settings.reprompt_minutes * MIN

    def finish(self) -> None:
        """Quit: every prompt shown must now be answered or recorded as unanswered."""
        self.feed(self.sched.close_open_prompt("quit"), quitting=True)
        assert not self.open


@dataclass
class Absence:
    start: float
    end: float
    lock: bool


@dataclass
class SimUser:
    """A seeded user with a timeline of absences and a habit of answering prompts."""

    rng: random.Random
    absences: list[Absence] = field(default_factory=list)
    routine_until: float | None = None
    routine_completes: bool = True
    answer_at: float | None = None
    last_input: float = 0.0
    #: Monotonic moments where sitting time should restart (the oracle).
    resets: list[float] = field(default_factory=list)

    def plan(self, start: float, hours: float, natural: float) -> None:
        t = start
        end = start + hours * 3600
        lunch = start + 4 * 3600
        while t < end:
            t += self.rng.uniform(3, 50) * MIN
            if lunch <= t < lunch + 3600 and not any(a.lock for a in self.absences):
                length, lock = self.rng.uniform(25, 45) * MIN, True
            elif self.rng.random() < 0.5:
                length, lock = self.rng.uniform(0.2, natural / MIN - 0.2) * MIN, False  # short: still sitting
            else:
                length, lock = self.rng.uniform(natural / MIN, 25) * MIN, self.rng.random() < 0.3
            self.absences.append(Absence(t, t + length, lock))
            t += length

    def absence_at(self, t: float) -> Absence | None:
        return next((a for a in self.absences if a.start <= t < a.end), None)

    def idle_at(self, t: float) -> float:
        absence = self.absence_at(t)
        if absence is not None:
            return t - max(absence.start, self.last_input)  # a routine may have ended inside it
        if self.routine_until is not None:
            return t - self.last_input  # on the floor, no keyboard
        self.last_input = t
        return 0.0


def simulate(seed: int, days: float = 1.0, push: bool = False, **changes: object) -> tuple[Audit, int]:
    """Run ``days`` of 8-hour workdays; returns the audit and the number of driver wake-ups."""
    rng = random.Random(seed)
    clock = FakeClock()
    settings = Settings().replace(**changes)
    sched = BreakScheduler(clock, settings)
    audit = Audit(clock, sched)
    natural = settings.natural_break_minutes * MIN
    wakeups = 0
    for day in range(int(days)):
        if day:
            clock.advance(5 * MIN)
            clock.suspend(16 * 3600)  # the evening and night: the laptop sleeps
            audit.feed(sched.update())
        user = SimUser(rng, last_input=clock.monotonic())
        start = clock.monotonic()
        end = start + 8 * 3600
        user.plan(start, 8, natural)
        locked = False
        while clock.monotonic() < end:
            now = clock.monotonic()
            candidates = [end, now + sched.idle_poll_delay(user.idle_at(now))]
            deadline = sched.next_deadline()
            if deadline is not None:
                candidates.append(deadline)
            for a in user.absences:
                candidates += [t for t in (a.start, a.end) if t > now]
            for t in (user.answer_at, user.routine_until):
                if t is not None and t > now:
                    candidates.append(t)
            clock.advance_to(min(candidates))
            now = clock.monotonic()
            wakeups += 1
            if sched.waiting_for_lull():
                audit.lull_wakeups += 1
            absence = user.absence_at(now)
            if absence is not None and absence.lock and not locked:
                locked = True
                audit.feed(sched.set_locked(True))
            if absence is None and locked:
                locked = False
                audit.feed(sched.set_locked(False))
            if user.routine_until is not None and now >= user.routine_until:
                done = (user.routine_until - (user.answer_at or now)) if user.routine_completes else 30.0
                user.routine_until = None
                audit.feed(sched.routine_finished("hip-flexor-reset", user.routine_completes, done, 5))
                if user.routine_completes:
                    user.resets.append(now)
                user.last_input = now
            if user.answer_at is not None and now >= user.answer_at and user.routine_until is None:
                user.answer_at = None
                if sched.status().stage is Stage.DUE and absence is None:
                    choice = rng.choice(["snooze", "skip", "routine", "routine", "ignore"])
                    if choice == "snooze":
                        audit.feed(sched.snooze(rng.choice([5, 10, 15])))
                    elif choice == "skip":
                        audit.feed(sched.skip())
                    elif choice == "routine":
                        audit.feed(sched.routine_started("hip-flexor-reset"))
                        user.routine_completes = rng.random() < 0.8
                        user.routine_until = now + (270 if user.routine_completes else 30)
                        user.answer_at = now
            idle = user.idle_at(now)
            if push and idle == 0 and sched.status().away_reason == "idle":
                got = sched.on_activity()
            else:
                got = sched.on_idle(idle)
            audit.feed(got, idle=idle)
            if ev.PROMPT_SHOWN in [e.kind for e in got] and user.answer_at is None:
                user.answer_at = now + rng.uniform(5, 180)
            check_oracle(sched, user, clock.monotonic(), natural, exact=push)
    audit.finish()
    return audit, wakeups


def check_oracle(sched: BreakScheduler, user: SimUser, now: float, natural: float, exact: bool) -> None:
    """Sitting time must match the user's own timeline: time since the last real break."""
    status = sched.status()
    if status.stage in (Stage.IN_ROUTINE, Stage.AWAY) or user.routine_until is not None:
        return
    def left(a: Absence) -> float:  # a routine that ended during the absence moves its start
        return max([a.start, *(r for r in user.resets if a.start <= r <= a.end)])

    breaks = [a.end for a in user.absences if a.end <= now and a.end - left(a) >= natural]
    last_break = max([*breaks, *user.resets, 0.0])
    if last_break == 0.0:
        return
    expected = now - last_break
    slack = 1e-6 if exact else 30.0 + 1e-6  # a polled return is noticed within one away poll
    assert status.sitting_seconds <= expected + 1e-6
    assert status.sitting_seconds >= expected - slack - 1e-6


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("push", [False, True], ids=["polled", "push"])
def test_simulated_workday_keeps_every_invariant(seed: int, push: bool) -> None:
    audit, _ = simulate(seed, push=push)
    assert audit.shown > 0, "the day should have had prompts to check"
    assert audit.counts.get(ev.NATURAL_BREAK, 0) > 0
    # every away spell ended, except perhaps one still running when the day's simulation stopped
    assert audit.counts.get(ev.AWAY_STARTED, 0) - audit.counts.get(ev.AWAY_ENDED, 0) in (0, 1)


def test_simulated_workday_with_other_settings() -> None:
    audit, _ = simulate(42, break_interval_minutes=20, natural_break_minutes=3, reprompt_minutes=2,
                        snooze_minutes=5)
    assert audit.shown > 5


def test_simulated_week_needs_few_wakeups() -> None:
    """Nothing polls every second: a week of work needs only a handful of wake-ups per hour."""
    began = time.perf_counter()
    audit, wakeups = simulate(7, days=7)
    elapsed = time.perf_counter() - began
    print(f"\nsimulated week: {wakeups} driver wake-ups, {elapsed * 1000:.0f} ms")  # a figure, not a check
    assert audit.counts.get(ev.PROMPT_SHOWN, 0) > 7
    # This user types without a pause whenever present, so every due prompt waits the longest time
    # for one (docs/scheduling.md), with an idle reading each lull_seconds: that cost is bounded per prompt.
    waits = audit.counts.get(ev.PROMPT_DEFERRED, 0)
    settings = Settings()
    per_wait = settings.lull_max_wait_minutes * MIN / settings.lull_seconds + 2
    assert audit.lull_wakeups <= waits * per_wait
    assert wakeups - audit.lull_wakeups < 7 * 8 * 60, "more than one wake-up a minute means something is polling"
