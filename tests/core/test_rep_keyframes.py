"""Key poses of a rep set (core/rep_keyframes.py): few pose changes, none at the turns, the tempo intact."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desktop_app.core.rep_keyframes import (
    MAX_CHANGES_PER_SECOND,
    eased_motion,
    key_levels,
    key_motion,
    next_change,
)


def changes_in_one_rep(levels: int, loop: bool, samples: int = 20_000) -> list[tuple[float, float]]:
    """(phase, new position) wherever the shown position changes, sampled finely over one rep
    (from a quarter rep in to a quarter into the next, so the change at the rep boundary is inside)."""
    found = []
    shown = key_motion(0.25, levels, loop)
    for step in range(1, samples + 1):
        phase = 0.25 + step / samples
        now = key_motion(phase, levels, loop)
        if now != shown:
            found.append((phase, now))
            shown = now
    return found


@pytest.mark.parametrize("tempo", [1.0, 2.0, 3.0, 4.0])
def test_a_rep_out_and_back_shows_start_middle_and_end_and_stays_within_the_frame_budget(tempo: float) -> None:
    levels = key_levels(tempo, loop=False)
    changes = changes_in_one_rep(levels, loop=False)
    positions = {position for _phase, position in changes}
    assert {0.0, 1.0} <= positions and any(0.0 < p < 1.0 for p in positions)
    assert len(changes) == 2 * levels
    # at most MAX_CHANGES_PER_SECOND on average, except the minimum of start-middle-end-middle
    assert len(changes) / tempo <= max(MAX_CHANGES_PER_SECOND, 4.0 / tempo) + 1e-9


def test_the_figure_rests_longest_at_the_end_positions() -> None:
    """The eased movement turns slowly: the start and end poses are held longer than a middle one."""
    levels = key_levels(3.0, loop=False)
    changes = changes_in_one_rep(levels, loop=False)
    held: dict[float, float] = {}
    for (start, position), (end, _next) in zip(changes, [*changes[1:], (changes[0][0] + 1.0, 0.0)], strict=True):
        held[position] = held.get(position, 0.0) + end - start
    middle = [seconds for position, seconds in held.items() if 0.0 < position < 1.0]
    assert held[1.0] > max(middle) / 2  # a middle level is passed twice a rep, an end once
    assert held[0.0] > max(middle) / 2
    assert held[1.0] == pytest.approx(held[0.0], rel=1e-3)


@pytest.mark.parametrize("tempo", [1.0, 2.0, 2.5, 3.0, 4.0])
def test_the_end_position_arrives_at_half_a_rep_and_the_start_position_at_the_rep_boundary(tempo: float) -> None:
    """So the figure starts each rep together with the rep counter (and the player's rep tick)."""
    levels = key_levels(tempo, loop=False)
    changes = changes_in_one_rep(levels, loop=False)
    arrivals = {position: phase % 1.0 for phase, position in changes}
    assert arrivals[1.0] == pytest.approx(0.5, abs=1e-3)
    assert min(arrivals[0.0], 1.0 - arrivals[0.0]) == pytest.approx(0.0, abs=1e-3)
    assert key_motion(0.001, levels, loop=False) == 0.0 and key_motion(0.501, levels, loop=False) == 1.0
    # a change falls on the boundary itself: next_change from just before it is the boundary
    assert next_change(0.999, levels, loop=False) == pytest.approx(1.0)


def test_a_circle_goes_round_through_evenly_spaced_points() -> None:
    levels = key_levels(3.0, loop=True)
    changes = changes_in_one_rep(levels, loop=True)
    assert len(changes) == levels
    positions = [position for _phase, position in changes]
    start = positions.index(0.0)
    assert positions[start:] + positions[:start] == [step / levels for step in range(levels)]  # forward
    assert len(set(positions)) == levels
    assert min(phase % 1.0 for phase, position in changes if position == 0.0) == pytest.approx(0.0, abs=1e-3) \
        or max(phase % 1.0 for phase, position in changes if position == 0.0) == pytest.approx(1.0, abs=1e-3)


@given(st.floats(min_value=0.0, max_value=50.0, allow_nan=False), st.integers(min_value=2, max_value=12),
       st.booleans())
@example(1.5, 11, False)  # a change exactly half a rep in: 1 + 0.5000000000000001 rounds to 1.5
def test_next_change_is_where_the_shown_position_first_changes(phase: float, levels: int, loop: bool) -> None:
    change = next_change(phase, levels, loop)
    assert change > phase
    shown = key_motion(phase + 1e-9, levels, loop)  # exactly at a change either side is fine
    # just before the change nothing has changed yet; just after, it has
    before, after = change - 1e-7, change + 1e-7
    if before > phase + 1e-9:
        assert key_motion(before, levels, loop) == shown
    assert key_motion(after, levels, loop) != key_motion(before, levels, loop)


def test_the_eased_movement_goes_out_and_back() -> None:
    assert eased_motion(0.0) == pytest.approx(0.0)
    assert eased_motion(0.5) == pytest.approx(1.0)
    assert eased_motion(0.25) == pytest.approx(0.5)
    assert eased_motion(1.0) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("tempo", "loop", "changes_per_rep"),
                         [(1.0, False, 4), (2.0, False, 6), (3.0, False, 8), (4.0, False, 12),
                          (1.0, True, 4), (3.0, True, 9)])
def test_the_frame_budget_in_plain_numbers(tempo: float, loop: bool, changes_per_rep: int) -> None:
    """The budget the wakeup figures in bench/RESULTS.md rest on, written out rather than read from the
    module: about three pose changes a second, but never fewer than start-middle-end-middle (or four
    points round a circle). A larger budget would silently bring the repaints back."""
    changes = changes_in_one_rep(key_levels(tempo, loop=loop), loop=loop)
    assert len(changes) == changes_per_rep
    assert len(changes) <= max(3.0 * tempo, 4)
