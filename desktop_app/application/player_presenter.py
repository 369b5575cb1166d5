"""What the routine player window shows and plays, decided without Qt.

Why apart from the window: the words, numbers and cues of a routine are
rules ("tick 3-2-1 before a timed segment ends, but not on rep sets", "a
switch of sides gets its own sound and is announced assertively") that are
worth testing without a display, and ``ui/player_window.py`` is big enough
with its widgets, timers and window events. The window asks this module for
one :class:`PlayerFrame` per refresh and for the :class:`SegmentCues` of a
segment that starts, and only paints and plays what it gets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_app.core.player import FINISHED, PAUSED, PLAYING, READY, Progress, Segment, SegmentKind
from desktop_app.i18n import _, ngettext

#: A hold eases the figure into the stretch over this share of the hold (at most HOLD_EASE_MAX_S).
HOLD_EASE_SHARE = 0.4
HOLD_EASE_MAX_S = 8.0
#: Timed segments tick 3-2-1 before they end.
TICK_SECONDS = (3, 2, 1)
#: Remaining times within this many seconds above a whole number already show that number.
#: It absorbs float noise at the boundary so a tick on time never needs a 0 ms follow-up.
BOUNDARY_SLACK = 0.001


def displayed_seconds(remaining: float) -> int:
    """The whole number a countdown shows for ``remaining`` seconds (ceil; never negative)."""
    if remaining <= BOUNDARY_SLACK:
        return 0
    return math.ceil(remaining - BOUNDARY_SLACK)


def format_seconds(seconds: int) -> str:
    """"45" below a minute, "1:30" from a minute up (what a countdown usually shows)."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return str(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def smoothstep(x: float) -> float:
    """Ease-in-out on 0..1, so the figure starts and stops moving gently."""
    x = min(1.0, max(0.0, x))
    return x * x * (3.0 - 2.0 * x)


def format_duration(seconds: float) -> str:
    """"4 min 05 s" / "45 s", for the summary."""
    total = max(0, round(seconds))
    if total < 60:
        return _("{s} s").format(s=total)
    return _("{m} min {s:02d} s").format(m=total // 60, s=total % 60)


def kind_name(kind: SegmentKind) -> str:
    """The word shown for a segment kind."""
    return {
        SegmentKind.PREP: _("Get ready"),
        SegmentKind.HOLD: _("Hold"),
        SegmentKind.REPS: _("Reps"),
        SegmentKind.REST: _("Rest"),
        SegmentKind.SWITCH: _("Switch sides"),
    }[kind]


def segment_status(segment: Segment) -> str:
    """One line under the title: what to do now, e.g. "Hold · Left leg forward"."""
    parts = [kind_name(segment.kind)]
    if segment.label and segment.kind not in (SegmentKind.PREP, SegmentKind.SWITCH):
        parts = [segment.label]
    if segment.side_label:
        if segment.kind == SegmentKind.SWITCH:
            parts.append(_("next: {side}").format(side=segment.side_label))
        else:
            parts.append(segment.side_label)
    return " · ".join(parts)


def next_text(current: Segment, following: Segment | None) -> str:
    """The "Next: …" line."""
    if following is None:
        return _("Next: done")
    if following.exercise_index != current.exercise_index:
        return _("Next: {title}").format(title=following.title)
    what = kind_name(following.kind)
    if following.label and following.kind not in (SegmentKind.PREP, SegmentKind.SWITCH):
        what = following.label
    if following.side_label and following.kind != SegmentKind.SWITCH:
        what = f"{what} · {following.side_label}"
    return _("Next: {what}").format(what=what)


def spoken_guidance(segment: Segment) -> str:
    """What the voice says when ``segment`` starts."""
    if segment.kind == SegmentKind.PREP:
        text = _("Get ready. {title}.").format(title=segment.title)
        if segment.side_label:
            text += " " + _("{side}.").format(side=segment.side_label)
        return text
    if segment.kind == SegmentKind.SWITCH:
        return _("Switch sides. {side}.").format(side=segment.side_label or "")
    if segment.kind == SegmentKind.REPS:
        return ngettext("{reps} rep.", "{reps} reps.", segment.reps or 0).format(reps=segment.reps or 0)
    if segment.kind == SegmentKind.REST:
        return _("Rest.")
    return ngettext("Hold for {seconds} second.", "Hold for {seconds} seconds.", round(segment.seconds)).format(
        seconds=round(segment.seconds))


def rep_motion(rep_phase: float) -> float:
    """The figure's position in a rep: 0 at rest, 1 at the far point, back to 0."""
    return 0.5 - 0.5 * math.cos(2.0 * math.pi * rep_phase)


# --------------------------------------------------------------------------- cue policy


@dataclass(frozen=True)
class SegmentCues:
    """What plays when a segment starts: a sound, the spoken guidance, and how urgently to announce it."""

    sound: str
    spoken: str
    assertive: bool


def segment_cues(segment: Segment) -> SegmentCues:
    """A switch of sides has its own sound and is announced at once; every other start chimes."""
    switch = segment.kind == SegmentKind.SWITCH
    return SegmentCues("switch" if switch else "chime", spoken_guidance(segment), switch)


FINISHED_SOUND = "end"


def finished_words() -> str:
    """What the voice and the status line say at the end."""
    return _("Routine finished. Well done.")


def wants_tick(segment: Segment, shown: int, new_second: bool, state: str) -> bool:
    """The 3-2-1 tick: on a new whole second of a timed segment that lasts longer than that, while playing.

    Rep sets never tick: their rhythm is the reps, and a tick would fight it.
    """
    return (new_second and shown in TICK_SECONDS and segment.kind != SegmentKind.REPS
            and segment.seconds > shown and state == PLAYING)


# --------------------------------------------------------------------------- what the window shows


@dataclass(frozen=True)
class PlayerFrame:
    """Everything the playing page shows at one moment (the summary page is apart)."""

    progress_text: str
    fraction_done: float
    big: str
    fraction: float
    caption: str
    kind: str
    compact_label: str
    pause_label: str
    motion: float


def player_frame(progress: Progress, away_paused: bool = False) -> PlayerFrame:
    """The frame for ``progress`` (not FINISHED): the countdown, captions, buttons and figure motion."""
    segment = progress.segment
    paused = progress.state == PAUSED
    left_s = displayed_seconds(progress.routine_remaining)
    left = f"{left_s // 60}:{left_s % 60:02d}"
    progress_text = _("Exercise {n}/{count} · {left} left").format(
        n=progress.exercise_number, count=progress.exercise_count, left=left)
    shown = displayed_seconds(progress.remaining)
    fraction = progress.remaining / segment.seconds if segment.seconds > 0 else 0.0
    kind = "paused" if paused else segment.kind.value
    counting_reps = segment.kind == SegmentKind.REPS and progress.current_rep is not None
    if counting_reps:
        big = str(progress.current_rep)
        caption = _("rep of {reps}").format(reps=segment.reps)
    else:
        big = format_seconds(shown)
        caption = kind_name(segment.kind) if segment.kind != SegmentKind.HOLD else _("seconds")
    if paused:
        caption = _("Away: paused") if away_paused else _("Paused")
    compact_label = segment.side_label or kind_name(segment.kind)
    if counting_reps:
        compact_label = _("Rep {n} of {reps}").format(n=progress.current_rep, reps=segment.reps)
    if paused:
        compact_label = _("Paused")
    pause_label = _("Resume") if paused or progress.state == READY else _("Pause")
    if segment.kind == SegmentKind.HOLD:
        ease_over = min(HOLD_EASE_MAX_S, max(1.0, segment.seconds * HOLD_EASE_SHARE))
        motion = smoothstep(progress.segment_elapsed / ease_over)
    elif segment.kind == SegmentKind.REPS and progress.rep_phase is not None:
        motion = rep_motion(progress.rep_phase)
    else:
        motion = 0.0
    return PlayerFrame(progress_text, progress.fraction_done, big, fraction, caption, kind, compact_label,
                       pause_label, motion)


def is_finished(progress: Progress) -> bool:
    return progress.state == FINISHED
