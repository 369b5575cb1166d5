"""A hypothesis state machine drives RoutinePlayer with random controls and random (late) timing.

Invariants checked after every step: remaining time within [0, segment
seconds]; index in range; the progress fraction never decreases unless the
user went back or restarted; finished only at the last segment; after
update() nothing overdue is left; active time never exceeds the time that
actually passed while playing.
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from desktop_app.core.player import FINISHED, PAUSED, PLAYING, READY, PlayerEvent, RoutinePlayer
from tests.core.test_player import sample_routine
from tests.support.fakeclock import FakeClock

EPS = 1e-9


class PlayerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.player: RoutinePlayer | None = None
        self.last_fraction = 0.0
        self.played_time = 0.0  # an upper bound for elapsed_active: time passed while playing

    @initialize(prep=st.sampled_from([0, 3, 5]), switch=st.sampled_from([0, 2, 5]))
    def make(self, prep: int, switch: int) -> None:
        self.player = RoutinePlayer(sample_routine(), self.clock, prep_seconds=prep, switch_seconds=switch)

    @property
    def p(self) -> RoutinePlayer:
        assert self.player is not None
        return self.player

    def check_events(self, events: list[PlayerEvent]) -> None:
        last = len(self.p.segments) - 1
        for event in events:
            assert event.kind in ("segment_started", "finished")
            assert 0 <= event.index <= last
            if event.kind == "finished":
                assert event.index == last and event is events[-1]
                assert self.p.state == FINISHED

    @rule()
    def start(self) -> None:
        was = self.p.state
        events = self.p.start()
        assert (events != []) == (was == READY)
        self.check_events(events)

    @rule(seconds=st.one_of(st.floats(0, 3), st.floats(0, 40), st.sampled_from([0.0, 1.0, 5.0, 30.0])))
    def advance(self, seconds: float) -> None:
        if self.p.state == PLAYING:
            self.played_time += seconds
        self.clock.advance(seconds)

    @rule()
    def advance_to_deadline(self) -> None:
        deadline = self.p.next_deadline()
        if deadline is not None:
            self.played_time += max(0.0, deadline - self.clock.monotonic())
            self.clock.advance_to(deadline)

    @rule()
    def update(self) -> None:
        events = self.p.update()
        self.check_events(events)
        if self.p.state == PLAYING:
            deadline = self.p.next_deadline()
            assert deadline is not None and deadline > self.clock.monotonic()

    @rule()
    def pause(self) -> None:
        was = self.p.state
        events = self.p.pause()
        self.check_events(events)
        if was == PLAYING:
            assert self.p.state in (PAUSED, FINISHED)
        else:
            assert self.p.state == was and events == []

    @rule()
    def resume(self) -> None:
        was = self.p.state
        left = self.p.remaining()
        assert self.p.resume() == []
        if was == PAUSED:
            assert self.p.state == PLAYING
            assert self.p.remaining() == pytest.approx(left)

    @rule()
    def skip(self) -> None:
        self.check_events(self.p.skip())

    @rule()
    def back(self) -> None:
        self.check_events(self.p.back())
        self.last_fraction = self.p.progress().fraction_done  # going back may lower the fraction

    @rule()
    def restart(self) -> None:
        assert self.p.restart() == [PlayerEvent("segment_started", 0)]
        assert self.p.state == PLAYING and self.p.index == 0
        self.last_fraction = 0.0
        self.played_time = 0.0

    @invariant()
    def consistent(self) -> None:
        if self.player is None:
            return
        p = self.player
        assert p.state in (READY, PLAYING, PAUSED, FINISHED)
        assert 0 <= p.index < len(p.segments)
        segment = p.segments[p.index]
        remaining = p.remaining()
        assert 0.0 <= remaining <= segment.seconds
        progress = p.progress()
        assert 0.0 <= progress.fraction_done <= 1.0
        assert progress.fraction_done >= self.last_fraction - EPS
        self.last_fraction = progress.fraction_done
        expected_left = p.total_seconds * (1 - progress.fraction_done)
        assert progress.routine_remaining == pytest.approx(expected_left, abs=1e-6)
        assert progress.elapsed_active <= self.played_time + 1e-6
        assert 1 <= progress.exercise_number <= progress.exercise_count
        if progress.current_rep is not None:
            assert segment.reps is not None and 1 <= progress.current_rep <= segment.reps
        if p.state == FINISHED:
            assert p.index == len(p.segments) - 1
            assert remaining == 0.0 and progress.fraction_done == 1.0 and progress.next_segment is None
        if p.state == PLAYING:
            assert p.next_deadline() is not None
        else:
            assert p.next_deadline() is None
        assert p.exercises_done() <= len(p.routine.exercises)


PlayerMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestPlayerMachine = PlayerMachine.TestCase
