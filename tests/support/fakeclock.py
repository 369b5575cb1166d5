"""A controllable clock for core tests: time moves only when the test says so."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo


class FakeClock:
    """Implements desktop_app.core.clock.Clock.

    ``advance()`` moves all three clocks together (the machine is awake);
    ``suspend()`` moves wall and boot time but not monotonic time, exactly as a
    real suspend does on Linux; ``jump_wall()`` moves only the wall clock
    (NTP correction, the user changing the time).
    """

    def __init__(self, start: datetime | None = None, tz: tzinfo | None = None) -> None:
        self.tz = tz or timezone.utc
        start = start or datetime(2026, 11, 23, 9, 0, tzinfo=self.tz)  # a Monday
        if start.tzinfo is None:
            start = start.replace(tzinfo=self.tz)
        self._wall = start.timestamp()
        self._mono = 1000.0
        self._boot = 1000.0

    def monotonic(self) -> float:
        return self._mono

    def boottime(self) -> float:
        return self._boot

    def time(self) -> float:
        return self._wall

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._wall, self.tz)

    def advance(self, seconds: float) -> None:
        assert seconds >= 0, "time does not run backwards"
        self._mono += seconds
        self._boot += seconds
        self._wall += seconds

    def advance_to(self, monotonic: float) -> None:
        """Advance to a monotonic deadline (no-op if it is already past)."""
        if monotonic > self._mono:
            self.advance(monotonic - self._mono)

    def suspend(self, seconds: float) -> None:
        self._boot += seconds
        self._wall += seconds

    def jump_wall(self, seconds: float) -> None:
        self._wall += seconds

    def set_local(self, when: datetime) -> None:
        """Move wall time to ``when`` (and the other clocks by the same amount, if forwards)."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=self.tz)
        delta = when.timestamp() - self._wall
        if delta >= 0:
            self.advance(delta)
        else:
            self.jump_wall(delta)

    def minutes(self, m: float) -> None:
        self.advance(timedelta(minutes=m).total_seconds())
