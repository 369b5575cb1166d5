"""RoutinePlayer rules that single-point faults (bench/mutation) showed no test pinned down.

The display tick decides when the player window repaints, so it is both what the user sees
(a countdown that never skips a second, a rep counter that moves on the rep) and what the
player costs in wakeups: it must be the exact next change, no sooner and no later.
"""

from __future__ import annotations

import dataclasses

import pytest

from desktop_app.core.localized import LocalizedText
from desktop_app.core.player import PLAYING, Progress, RoutinePlayer, SegmentKind, build_segments
from desktop_app.core.routine import Exercise, Routine, Step
from tests.support.fakeclock import FakeClock

L = LocalizedText.of


def routine(*exercises: Exercise) -> Routine:
    return Routine(id="r", title=L("R"), summary=L("For tests."), position="floor", exercises=exercises)


def exercise(ident: str, *steps: Step) -> Exercise:
    return Exercise(id=ident, title=L(ident.title()), instructions=(L("Do it."),), steps=steps)


def hold(seconds: int, sided: bool = False) -> Step:
    return Step("hold", seconds, None, None, sided=sided)


def reps(count: int, tempo: float) -> Step:
    return Step("reps", None, count, tempo)


def exactly(value: float) -> object:
    return pytest.approx(value, rel=0, abs=1e-9)


def test_get_ready_and_switch_sides_last_five_seconds_by_default() -> None:
    segments = build_segments(routine(exercise("lunge", hold(30, sided=True))))
    assert [(s.kind, s.seconds) for s in segments] == [
        (SegmentKind.PREP, 5.0), (SegmentKind.HOLD, 30.0), (SegmentKind.SWITCH, 5.0), (SegmentKind.HOLD, 30.0)]


def test_a_one_second_get_ready_and_switch_are_still_there() -> None:
    segments = build_segments(routine(exercise("lunge", hold(30, sided=True))), prep_seconds=1, switch_seconds=1)
    assert [(s.kind, s.seconds) for s in segments] == [
        (SegmentKind.PREP, 1.0), (SegmentKind.HOLD, 30.0), (SegmentKind.SWITCH, 1.0), (SegmentKind.HOLD, 30.0)]


def test_next_names_the_last_segment_while_the_one_before_it_plays(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", hold(10)), exercise("b", hold(10))), clock, prep_seconds=0)
    player.start()
    assert player.progress().next_segment == player.segments[1]
    clock.advance(10)
    player.update()
    assert player.index == 1 and player.progress().next_segment is None


def test_the_display_ticks_on_whole_seconds_of_what_is_left(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", hold(30))), clock, prep_seconds=0)
    start = clock.monotonic()
    player.start()
    assert player.next_display_tick() == exactly(start + 1)
    clock.advance(0.25)
    assert player.next_display_tick() == exactly(start + 1)
    clock.advance(1.0)  # 28.75 s left: the label shows 29 until 28 s are left
    assert player.next_display_tick() == exactly(start + 2)


def test_the_display_ticks_on_each_rep_when_that_comes_before_the_next_second(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", reps(4, 2.5))), clock, prep_seconds=0)
    start = clock.monotonic()
    player.start()
    clock.advance(2.2)
    assert player.progress().current_rep == 1
    assert player.next_display_tick() == exactly(start + 2.5)  # rep 2 begins; the next second is at 3
    clock.advance(0.3)
    assert player.progress().current_rep == 2
    assert player.next_display_tick() == exactly(start + 3)


def test_the_display_tick_is_the_end_in_the_last_moments(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", hold(10)), exercise("b", hold(10))), clock, prep_seconds=0)
    start = clock.monotonic()
    player.start()
    clock.advance(9.6)
    assert player.next_display_tick() == exactly(start + 10)


def test_a_progress_snapshot_cannot_be_changed_by_the_window(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", hold(10))), clock)
    progress = player.progress()
    assert isinstance(progress, Progress)
    with pytest.raises(dataclasses.FrozenInstanceError):
        progress.remaining = 0.0  # type: ignore[misc]


def test_exercises_done_counts_only_those_played_to_the_end(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", hold(10)), exercise("b", hold(10)), exercise("c", hold(10))),
                           clock, prep_seconds=0)
    player.start()
    clock.advance(10)
    player.update()  # the first exercise ran to its end
    clock.advance(3)
    player.skip()  # the second is skipped
    assert player.state == PLAYING
    assert player.exercises_done() == 1
    clock.advance(10)
    player.update()
    assert player.exercises_done() == 2  # "a" and "c", not the skipped "b"


def test_skipping_past_the_last_segment_leaves_nothing_to_count_down(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", hold(30))), clock, prep_seconds=0)
    player.start()
    clock.advance(4)
    player.skip()
    assert player.remaining() == 0.0
    assert player.next_display_tick() is None
    assert player.progress().fraction_done == 1.0


def test_elapsed_active_excludes_the_pause(clock: FakeClock) -> None:
    player = RoutinePlayer(routine(exercise("a", hold(30))), clock, prep_seconds=0)
    player.start()
    clock.advance(4)
    player.pause()
    clock.advance(100)
    assert player.elapsed_active() == exactly(4)
    player.resume()
    clock.advance(2)
    assert player.elapsed_active() == exactly(6)
