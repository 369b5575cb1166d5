"""Key poses for a rep set: where the figure stands at each moment of a rep, and when that next changes.

Why not a film: the player used to repaint the figure ten times a second during a
rep set, and each repaint wakes the GUI thread and the X connection (bench/RESULTS.md,
"Rep sets with sound"). A rep's rhythm reads as well from a few key poses: the figure
rests at each end position, passes through the middle and rests again, and how long it
rests shows the tempo. So a movement is cut into a few *levels* (0 = start position,
1 = end position); the figure shows the level nearest to where the eased movement really
is, and changes only when the movement crosses halfway between two levels. The eased
movement is slow at its turns and fast in the middle, so the frames fall where the limb
moves fast and none fall while it turns at an end position.

The poses run a little behind the movement (by the first such crossing, 1/6 of a 1 s rep),
so that the figure reaches its end position exactly half a rep in and its start position
exactly at the rep boundary: together with the rep counter, and in the same wakeup as the
player's rep tick (one wakeup a rep fewer).

Pure Python, no clock: callers pass the phase of the rep (0..1) and get phases back.
"""

from __future__ import annotations

import math

#: At most this many pose changes a second on average, except that every rep shows at
#: least its start, middle and end positions (4 changes per out-and-back rep).
MAX_CHANGES_PER_SECOND = 3.0
#: Fewest levels of an out-and-back movement (start, middle, end) and of a circle (4 points).
MIN_LEVELS = 2
MIN_LOOP_POINTS = 4


def eased_motion(rep_phase: float) -> float:
    """Out and back in one rep, easing at both turns: 0 at phase 0, 1 at phase 0.5, 0 at phase 1."""
    return 0.5 - 0.5 * math.cos(2.0 * math.pi * rep_phase)


def key_levels(tempo_seconds: float, loop: bool) -> int:
    """How many steps a rep of ``tempo_seconds`` is cut into.

    Out and back, a rep changes pose ``2 * levels`` times; round a circle, ``levels`` times.
    """
    tempo = max(0.0, tempo_seconds)
    if loop:
        return max(MIN_LOOP_POINTS, math.floor(MAX_CHANGES_PER_SECOND * tempo))
    return max(MIN_LEVELS, math.floor(MAX_CHANGES_PER_SECOND * tempo / 2.0))


def pose_lag(levels: int, loop: bool) -> float:
    """How far (in reps) the shown pose runs behind the movement: the movement's first change."""
    if loop:
        return 0.5 / levels
    return math.acos(1.0 - 1.0 / levels) / (2.0 * math.pi)


def key_motion(rep_phase: float, levels: int, loop: bool) -> float:
    """The position shown at ``rep_phase`` (0..1): the level nearest the movement ``pose_lag`` earlier.

    Round a circle the position is the phase itself (0 and 1 meet), rounded to
    ``levels`` points; out and back it is the eased movement rounded to ``levels`` steps.
    Exactly at a change the result may be either side; callers look a hair ahead.
    """
    phase = rep_phase - pose_lag(levels, loop)
    if loop:
        return (round((phase % 1.0) * levels) % levels) / levels
    return round(eased_motion(phase) * levels) / levels


def _change_phases(levels: int, loop: bool) -> list[float]:
    """The phases within one rep [0, 1) where the shown position changes, in order (0 is one)."""
    if loop:
        return [step / levels for step in range(levels)]
    # the eased movement crosses (step + 0.5) / levels once on the way out and once on the way back
    out = [math.acos(1.0 - 2.0 * (step + 0.5) / levels) / (2.0 * math.pi) for step in range(levels)]
    lag = pose_lag(levels, loop)
    shifted = [(phase + lag) % 1.0 for phase in [*out, *(1.0 - p for p in out)]]
    # the last change lands on the rep boundary; floating point may leave it a hair short of 1
    return sorted(0.0 if phase > 1.0 - 1e-9 else phase for phase in shifted)


def next_change(rep_phase: float, levels: int, loop: bool) -> float:
    """The first phase after ``rep_phase`` where the shown position changes.

    May lie beyond 1 (in the next rep); always greater than ``rep_phase``.
    """
    rep = math.floor(rep_phase)
    changes = _change_phases(levels, loop)
    for phase in changes:
        if rep + phase > rep_phase:  # compared as sums: rep + phase may round onto rep_phase
            return rep + phase
    return rep + 1.0 + changes[0]
