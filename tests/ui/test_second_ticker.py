"""SecondTicker: whole-second countdown display from a monotonic deadline.

Time is driven by FakeClock and the tick slot is called by hand, the way a
real timer would call it: on time, late, or a hair early.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.ui.second_ticker import SecondTicker, displayed_seconds
from tests.support.fakeclock import FakeClock


class Recorder:
    def __init__(self, ticker: SecondTicker) -> None:
        self.shown: list[int] = []
        self.all: list[tuple[int, bool]] = []
        self.deadlines = 0
        ticker.ticked.connect(self.on_ticked)
        ticker.deadline_reached.connect(self.on_deadline)

    def on_ticked(self, shown: int, new: bool) -> None:
        self.all.append((shown, new))
        if new:
            self.shown.append(shown)

    def on_deadline(self) -> None:
        self.deadlines += 1


def run_to_deadline(ticker: SecondTicker, clock: FakeClock, lateness: list[float]) -> None:
    """Fire the armed timer like Qt would, each time ``lateness[i]`` seconds after it was due."""
    i = 0
    while ticker.is_active():
        assert ticker.timer.isActive(), "an active ticker always has its timer armed"
        due = clock.monotonic() + ticker.timer.interval() / 1000.0
        clock.advance_to(due + lateness[i % len(lateness)])
        i += 1
        ticker.tick()
        assert i < 10_000


def test_displayed_seconds_is_ceil_with_boundary_slack() -> None:
    assert displayed_seconds(30.0) == 30
    assert displayed_seconds(29.2) == 30
    assert displayed_seconds(29.0004) == 29  # float noise at the boundary shows the new number
    assert displayed_seconds(0.5) == 1
    assert displayed_seconds(0.0) == 0
    assert displayed_seconds(-3.0) == 0


def test_counts_every_number_once_when_on_time(qapp: object, clock: FakeClock) -> None:
    ticker = SecondTicker(clock)
    rec = Recorder(ticker)
    ticker.start(clock.monotonic() + 10)
    run_to_deadline(ticker, clock, [0.0])
    assert rec.shown == list(range(10, -1, -1))
    assert rec.deadlines == 1
    assert not ticker.timer.isActive()


def test_first_wakeup_is_at_the_next_boundary_not_a_full_second(qapp: object, clock: FakeClock) -> None:
    ticker = SecondTicker(clock)
    ticker.start(clock.monotonic() + 7.25)
    assert ticker.shown == 8
    assert ticker.timer.interval() == 249  # 7.25 -> 7.001 (the 1 ms boundary slack)


def test_late_ticks_never_skip_or_repeat(qapp: object, clock: FakeClock) -> None:
    rng = random.Random(4)
    ticker = SecondTicker(clock)
    rec = Recorder(ticker)
    ticker.start(clock.monotonic() + 30.4)
    run_to_deadline(ticker, clock, [rng.uniform(0, 0.9) for _ in range(100)])
    assert rec.shown == list(range(31, -1, -1))
    assert rec.deadlines == 1


def test_early_tick_shows_nothing_new_and_rearms(qapp: object, clock: FakeClock) -> None:
    ticker = SecondTicker(clock)
    rec = Recorder(ticker)
    ticker.start(clock.monotonic() + 5)
    clock.advance(0.990)  # 10 ms early for the 5 -> 4 change
    ticker.tick()
    assert rec.shown == [5]
    assert rec.all[-1] == (5, False)
    assert ticker.timer.interval() == 9  # re-armed for the rest: 4.010 -> 4.001
    clock.advance(0.010)
    ticker.tick()
    assert rec.shown == [5, 4]


def test_last_wakeup_is_the_deadline_itself(qapp: object, clock: FakeClock) -> None:
    ticker = SecondTicker(clock)
    rec = Recorder(ticker)
    deadline = clock.monotonic() + 1.5
    ticker.start(deadline)
    clock.advance(0.5)
    ticker.tick()
    assert rec.shown == [2, 1]
    assert ticker.timer.interval() == 1000  # not 999: the deadline must really have passed
    clock.advance_to(deadline)
    ticker.tick()
    assert rec.deadlines == 1
    assert rec.shown[-1] == 0


def test_marks_add_wakeups_between_seconds(qapp: object, clock: FakeClock) -> None:
    ticker = SecondTicker(clock)
    start = clock.monotonic()
    ticker.start(start + 5, marks=[2.5])
    remaining_at_wakeup = [5.0]
    while ticker.is_active():
        clock.advance(ticker.timer.interval() / 1000)
        remaining_at_wakeup.append(round(start + 5 - clock.monotonic(), 2))
        ticker.tick()
    # 5 -> 4 -> 3 -> [2.5 mark] -> 2 -> 1 -> 0: one extra wakeup for the mark, none wasted
    assert remaining_at_wakeup == [5.0, 4.0, 3.0, 2.5, 2.0, 1.0, 0.0]


def test_stop_leaves_no_timer_running(qapp: object, clock: FakeClock) -> None:
    ticker = SecondTicker(clock)
    ticker.start(clock.monotonic() + 60)
    assert ticker.timer.isActive()
    ticker.stop()
    assert not ticker.timer.isActive()
    assert not ticker.is_active()
    ticker.tick()  # harmless when stopped
    assert not ticker.timer.isActive()


@settings(max_examples=60, deadline=None)
@given(
    length=st.floats(min_value=0.5, max_value=40.0),
    lateness=st.lists(st.floats(min_value=0.0, max_value=0.95), min_size=1, max_size=50),
)
def test_sequence_property(qapp: object, length: float, lateness: list[float]) -> None:
    clock = FakeClock()
    ticker = SecondTicker(clock)
    rec = Recorder(ticker)
    ticker.start(clock.monotonic() + length)
    run_to_deadline(ticker, clock, lateness)
    first = displayed_seconds(length)
    assert rec.shown == list(range(first, -1, -1))
    assert rec.deadlines == 1

