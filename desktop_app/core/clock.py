"""Time sources for the core.

The core never calls ``time.time()`` or ``time.sleep()``. It is handed a
:class:`Clock`, so tests can drive a whole simulated week in milliseconds with a
fake clock, and ``--demo`` can run the schedule 60 times faster.

Three readings are offered because they answer different questions:

* ``monotonic()`` never jumps. Deadlines and countdowns are measured on it.
* ``time()`` / ``now()`` are wall time. They are used for history timestamps,
  working hours, "until tomorrow" and the daily session time.
* ``boottime()`` is monotonic but keeps counting while the machine sleeps
  (Linux ``CLOCK_BOOTTIME``). The gap between it and ``monotonic()`` is how a
  suspend is recognised without being fooled by NTP or a user changing the
  wall clock. Where the OS has no such clock it falls back to wall time, which
  is the classic wall/monotonic jump check.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    """What the core needs to know about time. Implementations must be cheap."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (may stop during suspend)."""

    def boottime(self) -> float:
        """Seconds on a clock that never goes backwards and keeps running during suspend."""

    def time(self) -> float:
        """Wall time as a POSIX timestamp. May jump (NTP, manual changes)."""

    def now(self) -> datetime:
        """Wall time as a timezone-aware local datetime."""


def _boottime_reader() -> tuple[object, bool]:
    """Pick the best suspend-aware clock this OS offers, once at import."""
    clock_id = getattr(time, "CLOCK_BOOTTIME", None)
    if clock_id is not None:
        try:
            time.clock_gettime(clock_id)
            return clock_id, True
        except OSError:
            pass
    return None, False


_BOOT_ID, _HAS_BOOTTIME = _boottime_reader()


class SystemClock:
    """The real clock of the machine."""

    #: True when ``boottime()`` is a real suspend-aware clock rather than wall time.
    has_boottime: bool = _HAS_BOOTTIME

    def monotonic(self) -> float:
        return time.monotonic()

    def boottime(self) -> float:
        if _HAS_BOOTTIME:
            return time.clock_gettime(_BOOT_ID)  # type: ignore[arg-type]
        return time.time()

    def time(self) -> float:
        return time.time()

    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone()


class ScaledClock:
    """A clock that runs ``factor`` times faster than ``base`` from the moment it is made.

    ``--demo`` uses it so that a whole hour of sitting passes in a minute. Wall
    time starts at the real "now" and then runs fast, so working hours and the
    history still look plausible.
    """

    def __init__(self, base: Clock, factor: float) -> None:
        if factor <= 0:
            raise ValueError(f"factor must be positive, got {factor}")
        self._base = base
        self.factor = factor
        self._mono0 = base.monotonic()
        self._boot0 = base.boottime()
        self._wall0 = base.time()

    def monotonic(self) -> float:
        return self._mono0 + (self._base.monotonic() - self._mono0) * self.factor

    def boottime(self) -> float:
        return self._boot0 + (self._base.boottime() - self._boot0) * self.factor

    def time(self) -> float:
        return self._wall0 + (self._base.time() - self._wall0) * self.factor

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), timezone.utc).astimezone()

    def to_real_seconds(self, scaled_seconds: float) -> float:
        """How long a span of scaled time lasts on the base clock (for arming Qt timers)."""
        return scaled_seconds / self.factor
