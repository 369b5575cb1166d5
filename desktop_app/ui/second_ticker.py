"""Whole-second countdown timing: one precise single-shot timer per displayed second.

Why not a 1000 ms repeating timer: a repeating timer drifts against the
countdown's deadline and, being a few milliseconds early or late, makes the label
show a number twice or skip one. Instead the remaining time is always computed
from the monotonic deadline, and the one timer is re-armed for the exact moment
the displayed number (``ceil(remaining)``) next changes. A tick that arrives late
(a busy machine) still shows the right number; one that arrives a hair early
shows nothing new and re-arms for the rest, so no number is ever shown twice.
A tick late by less than a second never skips a number.

Extra *marks* (remaining-time values, e.g. rep boundaries at a 2.5 s tempo) add
wakeups where something else on screen changes between whole seconds. The
ticker costs nothing when stopped: the timer is inactive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from desktop_app.application.player_presenter import BOUNDARY_SLACK, displayed_seconds
from desktop_app.core.clock import Clock

#: The countdown's rounding is the presenter's (no Qt), so the window and the ticker agree.
__all__ = ["BOUNDARY_SLACK", "SecondTicker", "displayed_seconds"]


class SecondTicker(QObject):
    """Drives a countdown display at whole-second boundaries of a monotonic deadline.

    ``ticked(shown, new_second)`` fires on every wakeup: ``shown`` is the whole
    seconds to display and ``new_second`` is True when it differs from the last
    one emitted (play a tick sound only then). ``deadline_reached`` fires once
    when the remaining time reaches zero; the ticker is then stopped.
    """

    ticked = Signal(int, bool)
    deadline_reached = Signal()

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._deadline: float | None = None
        self._marks: tuple[float, ...] = ()
        self._shown: int | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("second_ticker_timer")
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.tick)

    @property
    def timer(self) -> QTimer:
        """The one timer (exposed so tests can check that nothing runs while hidden)."""
        return self._timer

    @property
    def deadline(self) -> float | None:
        return self._deadline

    @property
    def shown(self) -> int | None:
        """The last whole-second value emitted, or None before the first tick."""
        return self._shown

    def is_active(self) -> bool:
        return self._deadline is not None

    def start(self, deadline: float, marks: Iterable[float] = ()) -> None:
        """Count down to ``deadline`` (monotonic seconds); ``marks`` are extra remaining-time wakeups."""
        self._deadline = deadline
        self._marks = tuple(sorted({m for m in marks if m > 0}, reverse=True))
        self._shown = None
        self.tick()

    def stop(self) -> None:
        """Stop counting; the timer is inactive afterwards."""
        self._timer.stop()
        self._deadline = None

    def tick(self) -> None:
        """Show the current second and arm the timer for the next change (safe to call any time)."""
        if self._deadline is None:
            return
        remaining = max(0.0, self._deadline - self._clock.monotonic())
        shown = displayed_seconds(remaining)
        new_second = shown != self._shown
        self._shown = shown
        if remaining <= 0.0:
            self._timer.stop()
            self._deadline = None
            self.ticked.emit(shown, new_second)
            self.deadline_reached.emit()
            return
        self._arm(remaining, shown)
        self.ticked.emit(shown, new_second)

    def _arm(self, remaining: float, shown: int) -> None:
        """Arm the single-shot timer for the next moment the display or a mark changes."""
        # The display changes to shown-1 once remaining <= shown-1 + slack; the last
        # wakeup is the deadline itself, so whoever listens sees the segment really over.
        target = (shown - 1) + BOUNDARY_SLACK if shown > 1 else 0.0
        for mark in self._marks:
            if mark < remaining - BOUNDARY_SLACK:
                target = max(target, mark)
                break
        delay_ms = max(0, math.ceil((remaining - target) * 1000.0))
        self._timer.start(delay_ms)
