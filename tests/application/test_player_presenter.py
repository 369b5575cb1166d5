"""The player presenter (no Qt): the frame the window paints and the cues it plays, on a FakeClock."""

from __future__ import annotations

from desktop_app.application.player_presenter import (
    displayed_seconds,
    format_seconds,
    player_frame,
    segment_cues,
    wants_tick,
)
from desktop_app.core.player import PAUSED, PLAYING, RoutinePlayer, SegmentKind
from tests.core.test_player import sample_routine
from tests.support.fakeclock import FakeClock


def test_the_countdown_rounds_up_and_reads_as_a_clock_from_a_minute() -> None:
    assert [displayed_seconds(s) for s in (30.0, 29.2, 29.0004, 0.0005, -1.0)] == [30, 30, 29, 0, 0]
    assert [format_seconds(s) for s in (45, 60, 90, -3)] == ["45", "1:00", "1:30", "0"]


def test_a_hold_counts_down_and_eases_the_figure_in(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock, prep_seconds=5, switch_seconds=4)
    player.start()
    clock.advance(5.0)
    player.update()  # prep over: the left-side hold starts
    clock.advance(10.0)
    frame = player_frame(player.progress())
    assert (frame.big, frame.kind, frame.caption, frame.pause_label) == ("20", "hold", "seconds", "Pause")
    assert frame.compact_label == "Left leg forward"
    assert frame.progress_text.startswith("Exercise 1/2")
    assert 0.0 < frame.motion <= 1.0 and abs(frame.fraction - 20 / 30) < 1e-9


def test_a_paused_player_says_why(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock)
    player.start()
    player.pause()
    assert player.state == PAUSED
    assert player_frame(player.progress()).caption == "Paused"
    away = player_frame(player.progress(), away_paused=True)
    assert (away.caption, away.compact_label, away.pause_label, away.kind) == (
        "Away: paused", "Paused", "Resume", "paused")


def test_cues_switch_sides_loud_and_tick_only_on_timed_segments(clock: FakeClock) -> None:
    player = RoutinePlayer(sample_routine(), clock, prep_seconds=5, switch_seconds=4)
    by_kind = {segment.kind: segment for segment in player.segments}
    switch, hold, reps = by_kind[SegmentKind.SWITCH], by_kind[SegmentKind.HOLD], by_kind[SegmentKind.REPS]
    assert (segment_cues(switch).sound, segment_cues(switch).assertive) == ("switch", True)
    assert (segment_cues(hold).sound, segment_cues(hold).assertive) == ("chime", False)
    assert segment_cues(hold).spoken.startswith("Hold for")
    assert wants_tick(hold, 3, True, PLAYING)
    assert not wants_tick(hold, 3, False, PLAYING)      # the same second again
    assert not wants_tick(hold, 4, True, PLAYING)       # only 3-2-1
    assert not wants_tick(hold, 3, True, PAUSED)
    assert not wants_tick(reps, 3, True, PLAYING)       # reps keep their own rhythm
