"""RoutinePlayer: plays a routine as a list of timed segments, without Qt and without sleeping.

The routine is expanded once into segments: *get ready* before each exercise,
then every step; a sided step becomes left, *switch sides*, right. The UI asks
:meth:`RoutinePlayer.next_deadline` (or :meth:`~RoutinePlayer.next_display_tick`)
when to call :meth:`~RoutinePlayer.update` next, and redraws from
:meth:`~RoutinePlayer.progress`.

Why deadlines and not counting down: every segment has a planned end on the
monotonic clock, and the next segment starts *at that planned end*, not when
``update()`` happens to run. A late timer therefore never stretches a hold,
and the whole routine lasts exactly its planned time however the event loop
jitters. Pause stores the exact time left; resume sets a fresh deadline from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from desktop_app.core.clock import Clock
from desktop_app.core.routine import Exercise, Routine, Step

READY = "ready"
PLAYING = "playing"
PAUSED = "paused"
FINISHED = "finished"

SEGMENT_STARTED = "segment_started"
PLAYER_FINISHED = "finished"


class SegmentKind(str, Enum):
    PREP = "prep"  # get ready: get into position for the next exercise
    HOLD = "hold"
    REPS = "reps"
    REST = "rest"
    SWITCH = "switch"  # switch sides between the left and right half of a sided step


_STEP_SEGMENT_KIND = {"hold": SegmentKind.HOLD, "reps": SegmentKind.REPS, "rest": SegmentKind.REST}
_WORK_KINDS = (SegmentKind.HOLD, SegmentKind.REPS, SegmentKind.REST)


@dataclass(frozen=True)
class Segment:
    """One timed piece of the routine, with its texts already in the player's language."""

    kind: SegmentKind
    seconds: float
    exercise_index: int
    step_index: int  # the step this segment belongs to (PREP: the exercise's first step)
    side: str | None  # "left" | "right" | None; PREP/SWITCH: the side about to be done
    reps: int | None
    tempo_seconds: float | None
    title: str  # the exercise title
    side_label: str | None  # e.g. "Left leg forward" when ``side`` is set
    label: str | None  # the step's own label, e.g. "Reach forward"
    instructions: tuple[str, ...]
    safety: str | None
    note: str | None
    part: str | None  # e.g. "Warm-up"
    pose: str | None
    illustration: Path | None
    start_offset: float  # planned seconds from the routine's start to this segment's start
    feel_it: str | None = None  # where the stretch or the work should be felt

    @property
    def mirrored(self) -> bool:
        """Figures are drawn for the left side; the right side shows them mirrored."""
        return self.side == "right"


@dataclass(frozen=True)
class PlayerEvent:
    """``segment_started``: the current segment is now ``index`` (also after skip/back while paused).
    ``finished``: the last segment has ended (``index`` is the last segment)."""

    kind: str
    index: int


@dataclass(frozen=True)
class Progress:
    """Everything the player window shows, computed at one instant."""

    state: str
    index: int
    segment: Segment
    next_segment: Segment | None  # for "Next: ..."; None on the last segment and when finished
    exercise_number: int  # 1-based
    exercise_count: int
    remaining: float  # seconds left in the current segment
    segment_elapsed: float
    fraction_done: float  # 0..1 of the whole routine's planned time
    routine_remaining: float  # planned seconds left in the whole routine
    current_rep: int | None  # 1-based rep being done, REPS segments only
    rep_phase: float | None  # 0..1 through the current rep, for animating the figure
    elapsed_active: float  # real seconds spent playing (pauses excluded), since start/restart
    exercises_done: int  # exercises whose every hold/rep/rest segment ran to its end


def build_segments(routine: Routine, prep_seconds: float = 5, switch_seconds: float = 5,
                   lang: str = "en") -> list[Segment]:
    """Lay a routine out as segments. ``Routine.estimated_seconds`` counts the same way."""
    segments: list[Segment] = []
    offset = 0.0

    def add(exercise_index: int, exercise: Exercise, kind: SegmentKind, seconds: float, step_index: int,
            step: Step | None, side: str | None) -> None:
        nonlocal offset
        side_label = None
        if side is not None:
            side_label = exercise.side_labels[0 if side == "left" else 1].get(lang)
        is_reps = kind == SegmentKind.REPS and step is not None
        shown = step if step is not None else exercise.steps[step_index]  # PREP shows the first step's figure
        segments.append(Segment(
            kind=kind, seconds=float(seconds), exercise_index=exercise_index, step_index=step_index,
            side=side,
            reps=step.reps if is_reps and step else None,
            tempo_seconds=step.tempo_seconds if is_reps and step else None,
            title=exercise.title.get(lang), side_label=side_label,
            label=step.label.get(lang) if step is not None and step.label is not None else None,
            instructions=tuple(line.get(lang) for line in exercise.instructions),
            safety=exercise.safety.get(lang) if exercise.safety else None,
            note=exercise.note.get(lang) if exercise.note else None,
            part=exercise.part.get(lang) if exercise.part else None,
            pose=shown.pose or exercise.pose, illustration=shown.illustration or exercise.illustration,
            start_offset=offset, feel_it=exercise.feel_it.get(lang) if exercise.feel_it else None,
        ))
        offset += float(seconds)

    for ei, exercise in enumerate(routine.exercises):
        if prep_seconds > 0:
            first = exercise.steps[0]
            add(ei, exercise, SegmentKind.PREP, prep_seconds, 0, None, "left" if first.sided else None)
        for si, step in enumerate(exercise.steps):
            kind = _STEP_SEGMENT_KIND[step.kind]
            if step.sided:
                add(ei, exercise, kind, step.duration_seconds, si, step, "left")
                if switch_seconds > 0:
                    add(ei, exercise, SegmentKind.SWITCH, switch_seconds, si, None, "right")
                add(ei, exercise, kind, step.duration_seconds, si, step, "right")
            else:
                add(ei, exercise, kind, step.duration_seconds, si, step, None)
    return segments


class RoutinePlayer:
    """Plays one routine on a monotonic clock. Every control returns the events it caused.

    States: ``ready`` (not started) → ``playing`` ⇄ ``paused`` → ``finished``.
    ``restart()`` works from any state. ``finished`` ignores skip and back.
    """

    def __init__(self, routine: Routine, clock: Clock, prep_seconds: float = 5, switch_seconds: float = 5,
                 lang: str = "en") -> None:
        self.routine = routine
        self.clock = clock
        self.lang = lang
        self.segments: list[Segment] = build_segments(routine, prep_seconds, switch_seconds, lang)
        if not self.segments:
            raise ValueError(f"routine {routine.id!r} has no segments to play")
        self.total_seconds = self.segments[-1].start_offset + self.segments[-1].seconds
        self.index = 0
        self.state = READY
        self._deadline: float | None = None  # monotonic end of the current segment while playing
        self._paused_remaining = 0.0
        self._active_total = 0.0
        self._active_since: float | None = None
        self._completed: set[int] = set()

    # ---------------------------------------------------------------- controls

    def start(self) -> list[PlayerEvent]:
        """Begin playing from the current segment (normally the first)."""
        if self.state != READY:
            return []
        now = self.clock.monotonic()
        self.state = PLAYING
        self._active_since = now
        return [self._begin(self.index, now)]

    def pause(self) -> list[PlayerEvent]:
        """Freeze the countdown exactly where it is now (segments already due are played out first)."""
        if self.state != PLAYING:
            return []
        events = self.update()
        if self.state != PLAYING:
            return events
        now = self.clock.monotonic()
        assert self._deadline is not None
        self._paused_remaining = self._clamp(self._deadline - now)
        self._deadline = None
        self._stop_active(now)
        self.state = PAUSED
        return events

    def resume(self) -> list[PlayerEvent]:
        """Continue with exactly the time that was left at pause()."""
        if self.state != PAUSED:
            return []
        now = self.clock.monotonic()
        self._deadline = now + self._paused_remaining
        self._active_since = now
        self.state = PLAYING
        return []

    def skip(self) -> list[PlayerEvent]:
        """Go to the next segment now (finishes the routine when on the last one)."""
        if self.state == FINISHED:
            return []
        if self.state == READY:
            self.index = min(self.index + 1, len(self.segments) - 1)
            return []
        events = self.update()
        if self.state == FINISHED:
            return events
        now = self.clock.monotonic()
        if self.index == len(self.segments) - 1:
            return events + self._finish(now)
        return [*events, self._move_to(self.index + 1, now)]

    def back(self) -> list[PlayerEvent]:
        """Go to the start of the previous segment (on the first one: start it over)."""
        if self.state == FINISHED:
            return []
        if self.state == READY:
            self.index = max(self.index - 1, 0)
            return []
        events = self.update()
        if self.state == FINISHED:
            return events
        return [*events, self._move_to(max(self.index - 1, 0), self.clock.monotonic())]

    def restart(self) -> list[PlayerEvent]:
        """Play the whole routine again from the first segment, from any state."""
        now = self.clock.monotonic()
        self._completed.clear()
        self._active_total = 0.0
        self._active_since = now
        self.state = PLAYING
        return [self._begin(0, now)]

    def update(self) -> list[PlayerEvent]:
        """Play out every segment whose deadline has passed.

        Each following segment starts at the previous deadline, so when this is
        called late the overrun is carried forward instead of stretching time.
        """
        if self.state != PLAYING:
            return []
        now = self.clock.monotonic()
        events: list[PlayerEvent] = []
        assert self._deadline is not None
        while now >= self._deadline:
            ended_at = self._deadline
            self._completed.add(self.index)
            if self.index == len(self.segments) - 1:
                events += self._finish(ended_at)
                break
            events.append(self._begin(self.index + 1, ended_at))
        return events

    # ---------------------------------------------------------------- queries

    def next_deadline(self) -> float | None:
        """Monotonic time the current segment ends; None when not playing."""
        return self._deadline if self.state == PLAYING else None

    def next_display_tick(self) -> float | None:
        """Monotonic time the display next changes: the whole-second countdown label
        (shown as ``ceil(remaining)``), the rep counter, or the segment end. None when not playing."""
        if self.state != PLAYING or self._deadline is None:
            return None
        now = self.clock.monotonic()
        left = self._deadline - now
        if left <= 0:
            return self._deadline
        tick = self._deadline - (math.ceil(left) - 1)
        segment = self.segments[self.index]
        if segment.kind == SegmentKind.REPS and segment.tempo_seconds:
            start = self._deadline - segment.seconds
            done_reps = math.floor((now - start) / segment.tempo_seconds)
            tick = min(tick, start + (done_reps + 1) * segment.tempo_seconds)
        return min(tick, self._deadline)

    def remaining(self) -> float:
        """Seconds left in the current segment, from its monotonic deadline (never below 0)."""
        if self.state == READY:
            return self.segments[self.index].seconds
        if self.state == PAUSED:
            return self._paused_remaining
        if self.state == FINISHED or self._deadline is None:
            return 0.0
        return self._clamp(self._deadline - self.clock.monotonic())

    def elapsed_active(self) -> float:
        """Real seconds spent playing since start/restart, pauses excluded."""
        running = 0.0
        if self.state == PLAYING and self._active_since is not None:
            running = self.clock.monotonic() - self._active_since
        return self._active_total + running

    def exercises_done(self) -> int:
        """Exercises whose every hold, rep and rest segment ran to its end (skipped ones do not count)."""
        done = 0
        for ei in range(len(self.routine.exercises)):
            work = [i for i, s in enumerate(self.segments)
                    if s.exercise_index == ei and s.kind in _WORK_KINDS]
            if work and all(i in self._completed for i in work):
                done += 1
        return done

    def progress(self) -> Progress:
        """A snapshot of where the routine stands now."""
        segment = self.segments[self.index]
        remaining = self.remaining()
        elapsed = segment.seconds - remaining
        finished = self.state == FINISHED
        next_segment = None
        if not finished and self.index + 1 < len(self.segments):
            next_segment = self.segments[self.index + 1]
        current_rep = rep_phase = None
        if segment.kind == SegmentKind.REPS and segment.reps and segment.tempo_seconds:
            if remaining <= 0:
                current_rep, rep_phase = segment.reps, 1.0
            else:
                reps_done = math.floor(elapsed / segment.tempo_seconds)
                current_rep = min(segment.reps, reps_done + 1)
                rep_phase = min(1.0, max(0.0, elapsed / segment.tempo_seconds - (current_rep - 1)))
        done_seconds = self.total_seconds if finished else segment.start_offset + elapsed
        fraction = min(1.0, max(0.0, done_seconds / self.total_seconds)) if self.total_seconds > 0 else 1.0
        return Progress(
            state=self.state, index=self.index, segment=segment, next_segment=next_segment,
            exercise_number=segment.exercise_index + 1, exercise_count=len(self.routine.exercises),
            remaining=remaining, segment_elapsed=elapsed, fraction_done=fraction,
            routine_remaining=max(0.0, self.total_seconds - done_seconds), current_rep=current_rep,
            rep_phase=rep_phase, elapsed_active=self.elapsed_active(), exercises_done=self.exercises_done(),
        )

    # ---------------------------------------------------------------- internals

    def _clamp(self, left: float) -> float:
        return min(self.segments[self.index].seconds, max(0.0, left))

    def _begin(self, index: int, at: float) -> PlayerEvent:
        """Make ``index`` the current, playing segment, started at monotonic time ``at``."""
        self.index = index
        self._deadline = at + self.segments[index].seconds
        return PlayerEvent(SEGMENT_STARTED, index)

    def _move_to(self, index: int, now: float) -> PlayerEvent:
        """Jump to ``index`` from its beginning, keeping the playing/paused state."""
        if self.state == PAUSED:
            self.index = index
            self._paused_remaining = self.segments[index].seconds
            return PlayerEvent(SEGMENT_STARTED, index)
        return self._begin(index, now)

    def _finish(self, at: float) -> list[PlayerEvent]:
        self._stop_active(at)
        self._deadline = None
        self.state = FINISHED
        self.index = len(self.segments) - 1
        return [PlayerEvent(PLAYER_FINISHED, self.index)]

    def _stop_active(self, at: float) -> None:
        if self._active_since is not None:
            self._active_total += max(0.0, at - self._active_since)
            self._active_since = None
