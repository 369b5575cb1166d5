"""Bookkeeping for "is the user at the desk?": instants, away spells and suspend detection.

Kept apart from the scheduler's prompt rules because presence is measured on
three clocks at once, and mixing that arithmetic into the prompt logic makes
both harder to read:

* monotonic time measures sitting time and every countdown. It stops while
  the machine sleeps, which is right: nobody sits at a sleeping computer.
* boot time keeps running through a suspend, so the length of an away spell
  that contains a suspend is measured on it.
* wall time is only recorded, for the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.clock import Clock

#: A boot-time lead over monotonic time larger than this, between two calls,
#: is taken as a suspend. Smaller gaps are scheduling noise.
SUSPEND_GAP_SECONDS = 30.0


@dataclass(frozen=True)
class Moment:
    """One instant read on all three clocks."""

    mono: float
    boot: float
    wall: float

    @classmethod
    def of(cls, clock: Clock) -> Moment:
        return cls(clock.monotonic(), clock.boottime(), clock.time())

    def minus(self, seconds: float) -> Moment:
        """The instant ``seconds`` earlier on every clock (for "idle since now - idle")."""
        return Moment(self.mono - seconds, self.boot - seconds, self.wall - seconds)


@dataclass
class AwaySpell:
    """One continuous time away from the desk, possibly for several overlapping reasons.

    A lock that turns into a suspend, or an idle spell that the screen locker
    then locks, is one spell: it began at the earliest sign of absence and
    ends when the last reason clears.
    """

    started_reason: str
    since: Moment
    reasons: set[str] = field(default_factory=set)
    #: Set once the spell has lasted a natural break: sitting time was reset.
    is_break: bool = False

    def current_reason(self) -> str:
        """The reason to show: suspend beats lock beats idle (the most specific wins)."""
        for reason in ("suspend", "lock", "idle"):
            if reason in self.reasons:
                return reason
        return self.started_reason

    def seconds_at(self, now: Moment) -> float:
        """How long the spell has lasted, suspend included."""
        return max(0.0, now.boot - self.since.boot)


class SuspendDetector:
    """Notices a suspend between two calls: boot time ran on while monotonic time stood still.

    Used as the fallback for the logind signal, and on platforms without one.
    On systems without a suspend-aware clock ``boottime()`` is wall time, so a
    large manual clock change forwards may also read as a suspend; that is
    harmless (it counts as time away) and the best such systems allow.
    """

    def __init__(self, clock: Clock, threshold: float = SUSPEND_GAP_SECONDS) -> None:
        self._clock = clock
        self._threshold = threshold
        self._mono = clock.monotonic()
        self._boot = clock.boottime()

    def check(self) -> float | None:
        """Seconds slept since the previous check, or None when the machine stayed awake."""
        mono, boot = self._clock.monotonic(), self._clock.boottime()
        gap = (boot - self._boot) - (mono - self._mono)
        self._mono, self._boot = mono, boot
        return gap if gap > self._threshold else None
