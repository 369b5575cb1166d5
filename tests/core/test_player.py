"""RoutinePlayer on a FakeClock: segment layout, sides, reps, timing exactness and controls."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.localized import LocalizedText
from desktop_app.core.player import (
    FINISHED,
    PAUSED,
    PLAYING,
    READY,
    PlayerEvent,
    RoutinePlayer,
    SegmentKind,
    build_segments,
)
from desktop_app.core.routine import Exercise, Routine, Step
from tests.support.fakeclock import FakeClock

L = LocalizedText.of


def sample_routine() -> Routine:
    """Two exercises: a sided 30 s hold, then reps (4 x 2 s), a 10 s rest and a 20 s hold."""
    lunge = Exercise(
        id="lunge", title=L("Lunge", de="Ausfallschritt"),
        instructions=(L("Step forward.", de="Schritt nach vorn."), L("Lean in.")),
        steps=(Step("hold", 30, None, None, sided=True),),
        illustration=Path("/pictures/lunge.svg"), pose="kneeling-lunge", safety=L("Pad the knee."),
        side_labels=(L("Left leg forward", de="Linkes Bein vorn"),
                     L("Right leg forward", de="Rechtes Bein vorn")),
    )
    bridge = Exercise(
        id="bridge", title=L("Bridge"), instructions=(L("Lift the hips."),),
        steps=(Step("reps", None, 4, 2.0, label=L("Set 1", de="Satz 1")), Step("rest", 10, None, None),
               Step("hold", 20, None, None)),
        part=L("Strengthen", de="Kräftigen"), note=L("Breathe."),
    )
    return Routine(id="sample", title=L("Sample"), summary=L("For tests."), position="floor",
                   exercises=(lunge, bridge))


def play_to_end(player: RoutinePlayer, clock: FakeClock) -> list[PlayerEvent]:
    events = player.start() if player.state == READY else []
    while player.state == PLAYING:
        deadline = player.next_deadline()
        assert deadline is not None
        clock.advance_to(deadline)
        events += player.update()
    return events


def test_segment_order_sides_and_seconds(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock, prep_seconds=5, switch_seconds=4)
    layout = [(s.kind, s.side, s.seconds, s.exercise_index, s.step_index) for s in player.segments]
    assert layout == [
        (SegmentKind.PREP, "left", 5.0, 0, 0),  # get ready, into the left side
        (SegmentKind.HOLD, "left", 30.0, 0, 0),
        (SegmentKind.SWITCH, "right", 4.0, 0, 0),
        (SegmentKind.HOLD, "right", 30.0, 0, 0),
        (SegmentKind.PREP, None, 5.0, 1, 0),
        (SegmentKind.REPS, None, 8.0, 1, 0),
        (SegmentKind.REST, None, 10.0, 1, 1),
        (SegmentKind.HOLD, None, 20.0, 1, 2),
    ]
    offsets = [s.start_offset for s in player.segments]
    assert offsets == [0, 5, 35, 39, 69, 74, 82, 92]
    assert player.total_seconds == 112 == sample_routine().estimated_seconds(5, 4)


def test_zero_prep_and_switch_leave_those_segments_out(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock, prep_seconds=0, switch_seconds=0)
    kinds = [s.kind for s in player.segments]
    assert SegmentKind.PREP not in kinds and SegmentKind.SWITCH not in kinds
    assert [s.side for s in player.segments[:2]] == ["left", "right"]
    assert player.total_seconds == 98 == sample_routine().estimated_seconds(0, 0)


def test_segment_texts_are_resolved_to_the_language(clock: FakeClock) -> None:
    de = build_segments(sample_routine(), lang="de")
    en = build_segments(sample_routine(), lang="en")
    assert (de[1].title, de[1].side_label, de[1].instructions) == (
        "Ausfallschritt", "Linkes Bein vorn", ("Schritt nach vorn.", "Lean in."))
    assert (de[3].side_label, de[2].side_label) == ("Rechtes Bein vorn", "Rechtes Bein vorn")
    assert (en[1].side_label, en[3].side_label) == ("Left leg forward", "Right leg forward")
    assert (de[5].label, de[5].part, en[5].part) == ("Satz 1", "Kräftigen", "Strengthen")
    assert en[5].note == "Breathe."
    assert en[1].safety == "Pad the knee." and en[5].safety is None
    assert en[0].label is None and en[6].side_label is None
    assert [s.mirrored for s in en[:4]] == [False, False, True, True]
    assert (en[1].pose, en[1].illustration) == ("kneeling-lunge", Path("/pictures/lunge.svg"))


def test_ready_state_does_nothing_until_started(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    assert (player.state, player.index, player.remaining(), player.next_deadline()) == (READY, 0, 5.0, None)
    clock.advance(100)
    assert player.update() == [] and player.remaining() == 5.0
    assert player.progress().elapsed_active == 0
    assert player.start() == [PlayerEvent("segment_started", 0)]
    assert player.start() == []  # a second start is ignored
    assert player.next_deadline() == clock.monotonic() + 5


def test_plays_through_with_events_in_order(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    t0 = clock.monotonic()
    events = play_to_end(player, clock)
    n = len(player.segments)
    assert events == [PlayerEvent("segment_started", i) for i in range(n)] + [PlayerEvent("finished", n - 1)]
    assert clock.monotonic() - t0 == player.total_seconds
    progress = player.progress()
    assert (progress.state, progress.fraction_done, progress.routine_remaining, progress.remaining) == (
        FINISHED, 1.0, 0.0, 0.0)
    assert progress.elapsed_active == player.total_seconds
    assert progress.exercises_done == 2 and progress.next_segment is None
    assert player.next_deadline() is None and player.update() == []


def test_late_update_never_stretches_a_hold(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock, prep_seconds=5, switch_seconds=5)
    t0 = clock.monotonic()
    player.start()
    clock.advance(5 + 30 + 2)  # the timer fires 2 s after the left hold ended
    assert player.remaining() == 0  # never negative while waiting for update()
    assert player.update() == [PlayerEvent("segment_started", 1), PlayerEvent("segment_started", 2)]
    assert player.index == 2  # switch sides started at t0 + 35, not at the late call
    assert player.remaining() == pytest.approx(3.0)
    assert player.next_deadline() == pytest.approx(t0 + 40)


def test_routine_ends_on_plan_however_late_every_update_is(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    t0 = clock.monotonic()
    player.start()
    finished_at = None
    while player.state == PLAYING:
        deadline = player.next_deadline()
        assert deadline is not None
        clock.advance_to(deadline + 0.7)  # every timer 700 ms late
        events = player.update()
        if PlayerEvent("finished", len(player.segments) - 1) in events:
            finished_at = clock.monotonic()
    assert finished_at is not None
    # the total counted is the plan, not the plan plus the accumulated lateness
    assert player.elapsed_active() == pytest.approx(player.total_seconds)
    assert finished_at - t0 < player.total_seconds + 1


def test_one_very_late_update_plays_out_several_segments_and_can_finish(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    clock.advance(10_000)
    events = player.update()
    n = len(player.segments)
    started = [PlayerEvent("segment_started", i) for i in range(1, n)]
    assert events == [*started, PlayerEvent("finished", n - 1)]
    assert player.elapsed_active() == player.total_seconds  # stops at the planned end


def test_pause_and_resume_are_exact(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    clock.advance(5 + 12.25)
    assert player.pause() == [PlayerEvent("segment_started", 1)]  # due work is played out first
    assert player.state == PAUSED and player.next_deadline() is None
    assert player.remaining() == pytest.approx(17.75)
    clock.advance(3600)
    assert player.update() == []
    assert player.remaining() == pytest.approx(17.75)
    assert player.progress().elapsed_active == pytest.approx(17.25)
    assert player.pause() == []
    assert player.resume() == []
    assert player.state == PLAYING
    assert player.next_deadline() == pytest.approx(clock.monotonic() + 17.75)
    clock.advance(17.75)
    assert player.update() == [PlayerEvent("segment_started", 2)]
    assert player.progress().elapsed_active == pytest.approx(35.0)
    assert player.resume() == []


def test_skip_moves_on_now_and_finishes_on_the_last_segment(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    clock.advance(2)
    assert player.skip() == [PlayerEvent("segment_started", 1)]
    assert player.remaining() == 30.0
    assert player.next_deadline() == clock.monotonic() + 30
    n = len(player.segments)
    while player.index < n - 1:
        assert player.skip() == [PlayerEvent("segment_started", player.index)]
    assert player.skip() == [PlayerEvent("finished", n - 1)]
    assert player.state == FINISHED
    assert player.skip() == [] and player.back() == [] and player.pause() == []


def test_skip_and_back_while_paused_stay_paused(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    clock.advance(7)
    player.pause()
    assert player.skip() == [PlayerEvent("segment_started", 2)]
    assert (player.state, player.remaining()) == (PAUSED, 5.0)
    assert player.back() == [PlayerEvent("segment_started", 1)]
    assert (player.state, player.remaining()) == (PAUSED, 30.0)
    clock.advance(50)
    assert player.remaining() == 30.0
    player.resume()
    assert player.next_deadline() == clock.monotonic() + 30


def test_skipping_the_last_segment_while_paused_finishes(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    n = len(player.segments)
    for _ in range(n - 1):
        player.skip()
    player.pause()
    assert player.skip() == [PlayerEvent("finished", n - 1)]
    assert player.state == FINISHED


def test_back_goes_to_the_start_of_the_previous_segment(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    clock.advance(3)
    assert player.back() == [PlayerEvent("segment_started", 0)]  # first segment: start it over
    assert player.remaining() == 5.0
    clock.advance(5 + 10)
    assert player.back() == [PlayerEvent("segment_started", 1), PlayerEvent("segment_started", 0)]
    assert (player.index, player.remaining()) == (0, 5.0)


def test_skip_and_back_before_start_only_move_the_cursor(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    assert player.skip() == [] and player.index == 1 and player.state == READY
    assert player.remaining() == 30.0
    assert player.back() == [] and player.back() == [] and player.index == 0
    for _ in range(20):
        player.skip()
    assert player.index == len(player.segments) - 1 and player.state == READY


def test_restart_from_any_state(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    play_to_end(player, clock)
    assert player.restart() == [PlayerEvent("segment_started", 0)]
    progress = player.progress()
    assert (progress.state, progress.index) == (PLAYING, 0)
    assert (progress.elapsed_active, progress.exercises_done) == (0, 0)
    assert progress.fraction_done == 0.0
    clock.advance(20)
    player.pause()
    assert player.restart() == [PlayerEvent("segment_started", 0)]
    assert player.state == PLAYING and player.remaining() == 5.0


def test_rep_counter_follows_the_tempo(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock, prep_seconds=5, switch_seconds=5)
    player.start()
    clock.advance(5 + 30 + 5 + 30 + 5)
    player.update()
    start = (player.next_deadline() or 0) - 8  # 4 reps x 2 s
    seen = []
    for elapsed in (0.0, 1.0, 1.999, 2.0, 3.5, 4.0, 6.0, 7.99):
        clock.advance_to(start + elapsed)
        progress = player.progress()
        assert progress.segment.kind == SegmentKind.REPS
        seen.append((progress.current_rep, round(progress.rep_phase or 0, 3)))
    assert seen == [(1, 0.0), (1, 0.5), (1, 1.0), (2, 0.0), (2, 0.75), (3, 0.0), (4, 0.0), (4, 0.995)]
    clock.advance_to(player.next_deadline() or 0)
    progress = player.progress()  # at the deadline, before update(): the set is complete
    assert (progress.current_rep, progress.rep_phase) == (4, 1.0)
    player.update()
    assert player.progress().current_rep is None  # the rest has no reps


def test_progress_reports_next_segment_exercise_and_fractions(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    clock.advance(5 + 10)
    player.update()
    progress = player.progress()
    assert progress.segment.kind == SegmentKind.HOLD and progress.segment.side == "left"
    assert progress.next_segment is not None and progress.next_segment.kind == SegmentKind.SWITCH
    assert (progress.exercise_number, progress.exercise_count) == (1, 2)
    assert progress.segment_elapsed == pytest.approx(10)
    assert progress.fraction_done == pytest.approx(15 / player.total_seconds)
    assert progress.routine_remaining == pytest.approx(player.total_seconds - 15)
    assert progress.current_rep is None
    for _ in range(3):  # switch, right hold, then get ready for the second exercise
        player.skip()
    assert player.progress().segment.kind == SegmentKind.PREP
    assert player.progress().exercise_number == 2


def test_exercises_done_counts_only_segments_that_ran_out(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    clock.advance(5 + 30)
    player.update()  # left hold ran out
    player.skip()  # skip the switch
    player.skip()  # skip the right hold
    assert player.exercises_done() == 0
    play_to_end(player, clock)
    assert player.exercises_done() == 1  # the bridge ran fully; the lunge's right side was skipped


def test_next_display_tick_follows_whole_seconds_and_reps(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    assert player.next_display_tick() is None
    player.start()
    t0 = clock.monotonic()
    assert player.next_display_tick() == pytest.approx(t0 + 1)  # 5 -> 4
    clock.advance(0.3)
    assert player.next_display_tick() == pytest.approx(t0 + 1)
    clock.advance(0.7)
    assert player.next_display_tick() == pytest.approx(t0 + 2)
    clock.advance(4)
    player.update()
    # the hold: label changes every whole second down to the deadline
    clock.advance(29.5)
    assert player.next_display_tick() == pytest.approx(t0 + 35)
    for _ in range(4):  # switch, right hold, get ready, then the reps (4 x 2 s) start at this instant
        player.skip()
    start = clock.monotonic()
    assert player.segments[player.index].kind == SegmentKind.REPS
    clock.advance(0.5)
    assert player.next_display_tick() == pytest.approx(start + 1)
    clock.advance(1.0)
    assert player.next_display_tick() == pytest.approx(start + 2)
    player.pause()
    assert player.next_display_tick() is None


def test_empty_routine_is_refused(clock: FakeClock) -> None:
    empty = Routine(id="empty", title=L("Empty"), summary=L("None"), position="floor", exercises=())
    with pytest.raises(ValueError, match="no segments"):
        RoutinePlayer(empty, clock)
