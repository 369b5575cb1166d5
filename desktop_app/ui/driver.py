"""The one place where Qt timers drive the core.

Why one single-shot timer and no tick: the scheduler can say when it next
needs to run (``next_deadline()``) and when the idle monitor is next worth
asking (``idle_poll_delay()``). The driver arms one timer for the earliest of
those moments and sleeps in between, so an app sitting in the tray wakes a
few times an hour instead of every second (measured by ``bench/wakeups.py``).

On every wake it: asks the do-not-disturb sources only if a prompt is due
or held back (the core says when: ``needs_dnd_check()``; while a prompt is
held its ``next_deadline()`` includes the re-check), reads the idle monitor
(when polling), runs ``scheduler.update()``, hands the returned events to
the controller, and arms the timer again.

Why do-not-disturb comes first: every scheduler call runs due work, and
``on_idle`` is one of them. Asked after the idle reading, a prompt that had
just come due was offered before the core knew about the fullscreen window
(found by tests/e2e/test_dnd_e2e.py with the X11 idle backend). For the same
reason the sources are asked a little *before* a deadline too
(``DND_LOOKAHEAD_SECONDS``): a timer may fire a fraction of a millisecond
early, and the prompt must not come due between the check and the core call.

A natural pause: an hourly prompt that falls due while the person types
waits for a few seconds without input (docs/scheduling.md). The core says
when such a pause would be complete (a "core" deadline); at that wake the idle
monitor is read again. With push watches (Mutter) idle is read only as a
prompt falls due and while it waits, so nothing is polled while the app sits
in the tray. The pause is counted in real seconds also in ``--demo``: the core
knows the clock's factor.

User actions call :meth:`CoreDriver.wake` so the timer always matches the
scheduler's latest plan.

Time scales: the schedule runs on its own clock, which in ``--demo`` is a
:class:`~desktop_app.core.clock.ScaledClock` 60 times faster than real time.
Deadlines are in schedule seconds and are divided by the clock's ``factor``
to get real milliseconds for Qt; idle readings (real seconds without input)
are multiplied by it, so 5 real seconds of no input is a 5-minute natural
break in the demo.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer

from desktop_app.core.clock import Clock
from desktop_app.core.events import Event

log = logging.getLogger(__name__)

#: Never arm a timer further out than this (real seconds). A wake every quarter
#: hour costs nothing and bounds the damage of a wall-clock jump nobody reported.
MAX_SLEEP_SECONDS = 15 * 60.0
#: When the idle monitor cannot answer, try again after this long (real seconds).
IDLE_RETRY_SECONDS = 5 * 60.0
#: Deadlines closer than this (real seconds) are run at once instead of arming a timer.
_NOW_SLACK = 0.001
#: Ask do-not-disturb when the core's next deadline is this close (real seconds), so a prompt
#: coming due during this wake (a timer that fired a hair early, a slow idle reading) is covered.
DND_LOOKAHEAD_SECONDS = 1.0
#: Timers longer than this (real ms) may be coarse: Qt may shift them by up to 5%,
#: which is harmless for idle polls. Core deadlines always use a precise timer.
_COARSE_FROM_MS = 20_000


class SchedulerLike(Protocol):
    """The part of ``BreakScheduler`` the driver uses."""

    def update(self) -> list[Event]: ...
    def on_idle(self, idle_seconds: float) -> list[Event]: ...
    def on_activity(self) -> list[Event]: ...
    def set_do_not_disturb(self, reason: str | None) -> list[Event]: ...
    def next_deadline(self) -> float | None: ...
    def needs_dnd_check(self) -> bool: ...
    def idle_poll_delay(self, idle_seconds: float) -> float: ...
    def status(self) -> object: ...


class IdleMonitorLike(Protocol):
    """The part of ``platform.idle.IdleMonitor`` the driver uses."""

    name: str

    def idle_seconds(self) -> float: ...

    @property
    def supports_push(self) -> bool: ...


class DndLike(Protocol):
    """``platform.dnd.DndWatcher``: why prompts should wait right now, or None."""

    def reason(self) -> str | None: ...


def clock_factor(clock: Clock) -> float:
    """How many schedule seconds pass per real second (60 in ``--demo``, else 1)."""
    factor = getattr(clock, "factor", 1.0)
    return float(factor) if isinstance(factor, (int, float)) and factor > 0 else 1.0


class CoreDriver(QObject):
    """Runs the scheduler on one single-shot QTimer.

    ``sink`` receives every list of events the scheduler returns, in order; the
    controller writes them to the history and refreshes the UI.
    """

    def __init__(
        self,
        scheduler: SchedulerLike,
        schedule_clock: Clock,
        idle_monitor: IdleMonitorLike | None,
        dnd: DndLike | None,
        sink: Callable[[list[Event]], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._scheduler = scheduler
        self._clock = schedule_clock
        self._factor = clock_factor(schedule_clock)
        # the Null monitor ("none") never answers: polling it would only cost wakeups
        self._idle = None if getattr(idle_monitor, "name", "") == "none" else idle_monitor
        self._dnd = dnd
        self._sink = sink
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._running = False
        self._push = False
        #: The idle source can push "a pause began" (start_lull_watch), and that watch is set now.
        self._lull_push = False
        self._lull_armed = False
        self._idle_failed = False
        self._dnd_asked = False
        self._last_idle: float | None = None
        self._zero_streak = 0
        #: What the timer is armed for: "core", "idle" or "retry" (for tests and logs).
        self.armed_for: str | None = None
        #: The real delay the timer was last armed with, in ms (None when idle).
        self.armed_ms: int | None = None
        #: How many times the timer has fired (for bench and tests).
        self.wakeups = 0

    # --- lifecycle -----------------------------------------------------------------
    @property
    def factor(self) -> float:
        """Schedule seconds per real second."""
        return self._factor

    def start(self) -> None:
        """Start driving: use push idle watches when offered, then run once and arm the timer."""
        self._running = True
        self._push = self._start_push_watch()
        self._lull_push = self._push and callable(getattr(self._idle, "start_lull_watch", None))
        if self._lull_push and hasattr(self._scheduler, "lull_by_push"):
            self._scheduler.lull_by_push = True
        self.wake()

    def stop(self) -> None:
        """Stop the timer (on quit). The scheduler is left as it is for ``to_state()``."""
        self._running = False
        self._timer.stop()
        self._set_lull_watch(False)
        self.armed_for = None
        self.armed_ms = None

    def is_active(self) -> bool:
        """True while a timer is armed."""
        return self._timer.isActive()

    # --- waking --------------------------------------------------------------------
    def wake(self) -> None:
        """Run the scheduler now and re-arm. Call after anything that may change its plan."""
        if not self._running:
            return
        reading = not self._push or self._lull_reading_wanted()
        idle = self.read_idle_seconds() if reading else None
        if reading:
            self._last_idle = idle
        note = getattr(self._scheduler, "note_input", None)
        if idle is not None and callable(note):
            note(idle)  # before the do-not-disturb call, which may already offer a prompt that is falling due
        events = self._check_dnd()  # first of the calls that run due work: a prompt must know about DND
        if idle is not None:
            events += self._scheduler.on_idle(idle)
        events += self._scheduler.update()
        self._deliver(events)
        self._sync_lull_watch()
        self._rearm()

    def deliver(self, events: list[Event]) -> None:
        """Events from a user action or a platform signal: pass them on, then re-plan."""
        self._deliver(events)
        if self._running:
            self.wake()

    def _deliver(self, events: list[Event]) -> None:
        if events:
            self._sink(events)

    def _on_timer_timeout(self) -> None:
        self.wakeups += 1
        self.wake()

    # --- idle ----------------------------------------------------------------------
    def _start_push_watch(self) -> bool:
        monitor = self._idle
        if monitor is None or not getattr(monitor, "supports_push", False):
            return False
        threshold = self._natural_break_seconds() / self._factor
        try:
            monitor.start_watch(threshold, self._on_push_idle, self._on_push_active)  # type: ignore[attr-defined]
        except Exception as exc:  # a broken push backend must not stop the app; fall back to polling
            log.warning("idle push watch failed (%s); polling instead", exc)
            return False
        log.info("idle: push watches from %s (threshold %.0f s real)",
                 getattr(monitor, "name", "?"), threshold)
        return True

    def _natural_break_seconds(self) -> float:
        settings = getattr(self._scheduler, "settings", None)
        minutes = getattr(settings, "natural_break_minutes", 5)
        return float(minutes) * 60.0

    def _on_push_idle(self, *args: object) -> None:
        """The push backend says: idle past the threshold (its reading, if it gives one, in real s)."""
        idle = float(args[0]) if args and isinstance(args[0], (int, float)) else (
            self._natural_break_seconds() / self._factor)
        self.deliver(self._scheduler.on_idle(idle * self._factor))

    def _on_push_active(self, *_args: object) -> None:
        self.deliver(self._scheduler.on_activity())

    def read_idle_seconds(self) -> float | None:
        """The monitor's idle reading converted to schedule seconds, or None if it cannot answer."""
        if self._idle is None:
            return None
        try:
            real = float(self._idle.idle_seconds())
        except Exception as exc:  # IdleUnavailable or a backend error: no reading this time
            if not self._idle_failed:
                log.warning("idle monitor %s gave no reading (%s)", getattr(self._idle, "name", "?"), exc)
            self._idle_failed = True
            return None
        self._idle_failed = False
        return max(0.0, real) * self._factor

    def _lull_reading_wanted(self) -> bool:
        """With push watches, read idle only as a prompt falls due or while it waits for a pause in typing.

        The push watches say when a natural break starts and ends, but not
        whether the person typed a second ago; the natural-pause rule needs
        that, and only at those moments (docs/scheduling.md).
        """
        if self._waiting_for_lull():
            return not self._lull_push  # a pushed pause needs no readings while it waits
        deadline = self._scheduler.next_deadline()
        return deadline is not None and (deadline - self._clock.monotonic()) / self._factor <= DND_LOOKAHEAD_SECONDS

    def _waiting_for_lull(self) -> bool:
        waiting = getattr(self._scheduler, "waiting_for_lull", None)
        return bool(callable(waiting) and waiting())

    def _sync_lull_watch(self) -> None:
        """Have the pause watch set exactly while a prompt waits for a pause (push sources only)."""
        if self._lull_push:
            self._set_lull_watch(self._waiting_for_lull())

    def _set_lull_watch(self, wanted: bool) -> None:
        monitor: Any = self._idle
        if wanted == self._lull_armed or monitor is None:
            return
        try:
            if wanted:
                settings = getattr(self._scheduler, "settings", None)
                monitor.start_lull_watch(float(getattr(settings, "lull_seconds", 3)), self._on_push_lull)
            else:
                monitor.stop_lull_watch()
            self._lull_armed = wanted
        except Exception as exc:  # a broken watch must not keep the prompt away: read idle instead
            log.warning("idle pause watch failed (%s); reading idle while a prompt waits", exc)
            self._lull_push = False
            self._lull_armed = False
            if hasattr(self._scheduler, "lull_by_push"):
                self._scheduler.lull_by_push = False

    def _on_push_lull(self, *args: object) -> None:
        """The push source says: a pause began (its idle reading in real seconds).

        The waiting prompt is about to show, so do-not-disturb is asked first, as
        at a wake: a fullscreen video started during the wait is such a pause,
        and the prompt must be held for it, not shown over it. The pause's
        deadline is not in ``next_deadline()`` (``lull_by_push``), so the
        driver's usual "a deadline is near" test would not ask.
        """
        idle = (float(args[0]) if args and isinstance(args[0], (int, float)) else 0.0) * self._factor
        note = getattr(self._scheduler, "note_input", None)
        if callable(note):
            note(idle)
        events = self._check_dnd(force=True)
        events += self._scheduler.on_idle(idle)
        self.deliver(events)

    # --- do not disturb ------------------------------------------------------------
    def _check_dnd(self, force: bool = False) -> list[Event]:
        """Ask the do-not-disturb sources, but only when a prompt is about to show or is held."""
        self._dnd_asked = False
        if self._dnd is None or not (force or self._dnd_wanted()):
            return []
        self._dnd_asked = True
        try:
            reason = self._dnd.reason()
        except Exception as exc:  # a broken source must never keep the prompt away for good
            log.warning("do-not-disturb check failed (%s); not holding the prompt", exc)
            reason = None
        return self._scheduler.set_do_not_disturb(reason)

    def _dnd_wanted(self) -> bool:
        """A prompt is due or held now, or the core's next deadline is less than a moment away."""
        if self._scheduler.needs_dnd_check():
            return True
        deadline = self._scheduler.next_deadline()
        if deadline is None:
            return False
        return (deadline - self._clock.monotonic()) / self._factor <= DND_LOOKAHEAD_SECONDS

    # --- arming --------------------------------------------------------------------
    def next_wake(self) -> tuple[float, str] | None:
        """The next wake in real seconds from now and what it is for, or None when nothing is pending."""
        candidates: list[tuple[float, str]] = []
        deadline = self._scheduler.next_deadline()
        if deadline is not None:
            candidates.append(((deadline - self._clock.monotonic()) / self._factor, "core"))
        if not self._push and self._idle is not None:
            idle = self._last_idle
            if idle is None:
                candidates.append((IDLE_RETRY_SECONDS, "retry"))
            else:
                candidates.append((self._scheduler.idle_poll_delay(idle) / self._factor, "idle"))
        if not candidates:
            return None
        seconds, what = min(candidates, key=lambda c: c[0])
        return max(0.0, min(seconds, MAX_SLEEP_SECONDS)), what

    def _rearm(self) -> None:
        plan = self.next_wake()
        self._timer.stop()
        if plan is None:
            self.armed_for = None
            self.armed_ms = None
            return
        seconds, what = plan
        ms = max(0, round(seconds * 1000))
        # a deadline the scheduler keeps reporting as past would spin the CPU; after a few
        # immediate wakes in a row, slow down to one a second and say so once
        self._zero_streak = self._zero_streak + 1 if ms == 0 else 0
        if self._zero_streak > 3:
            if self._zero_streak == 4:
                log.warning("scheduler keeps asking to run at once (%s); slowing to 1 s", what)
            ms = 1000
        precise = what == "core" or ms < _COARSE_FROM_MS
        self._timer.setTimerType(Qt.TimerType.PreciseTimer if precise else Qt.TimerType.CoarseTimer)
        self._timer.start(ms)
        self.armed_for = what
        self.armed_ms = ms
        log.debug("driver: next wake in %.1f s (%s)", seconds, what)
