"""Statistics computed from the raw event history (pure: no Qt, no SQLite, no clock).

Why from raw events: the history is append-only, so every figure here can be
recomputed at any time, a better formula later applies to old data too, and
the stats window, ``hipbreak stats`` and the CSV export can never disagree.

Definitions (the same words as the UI):

* **sitting time** of a day: the seconds of every ``sitting_stretch`` that fall
  inside that local day. A stretch across midnight is split between the two
  days in proportion to the wall time on each side. The stretch's own
  ``seconds`` (measured on the monotonic clock by the scheduler) is what gets
  split, not ``end - start``: it is smaller when standing mode froze part of
  the stretch, and larger when the wall clock was set back during it.
* **longest sitting stretch** of a day: the largest such share, so it never
  exceeds the day's sitting time.
* **breaks taken**: completed routines plus routines closed early that counted
  as a break. **Natural breaks** are counted separately.
* **prompts**: prompts shown, not counting repeats of an unanswered prompt.
* Days are local calendar days in the time zone given; a day is whatever length
  the zone says (23 or 25 hours on DST changes).

Bad rows (missing or non-numeric fields) are skipped, never fatal.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple, Protocol

from desktop_app.core.events import (
    NATURAL_BREAK,
    PROMPT_SHOWN,
    ROUTINE_ABANDONED,
    ROUTINE_COMPLETED,
    SELF_CHECK,
    SITTING_STRETCH,
    SKIPPED,
    SNOOZED,
    Event,
)

SELF_CHECK_RESULTS: tuple[str, ...] = ("whole_hand", "half_hand", "no_room")


@dataclass
class DayTotals:
    """The figures for one local day."""

    day: date
    sitting_seconds: float = 0.0
    longest_sitting_seconds: float = 0.0
    breaks_taken: int = 0
    natural_breaks: int = 0
    snoozed: int = 0
    skipped: int = 0
    routines_completed: int = 0
    prompts: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the day as ISO text (for ``hipbreak stats --json``)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["day"] = self.day.isoformat()
        return data


#: Column order of the per-day CSV export; stable, add columns only at the end.
DAY_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(DayTotals))


@dataclass(frozen=True)
class LiveStretch:
    """The sitting stretch still running now (not yet in the history).

    ``seconds`` defaults to ``end - start``; pass the scheduler's
    ``sitting_seconds`` when standing mode froze part of it.
    """

    start: float
    end: float
    seconds: float | None = None

    def as_event(self) -> Event:
        secs = self.end - self.start if self.seconds is None else self.seconds
        return Event(SITTING_STRETCH, self.end, {"start": self.start, "end": self.end, "seconds": secs})


def live_from_status(status: Any, now: float) -> LiveStretch | None:
    """The live stretch from a scheduler ``Status`` (duck-typed: ``sitting_since``, ``sitting_seconds``)."""
    since = getattr(status, "sitting_since", None)
    seconds = getattr(status, "sitting_seconds", None)
    if since is None or not isinstance(seconds, (int, float)) or seconds <= 0 or now <= since:
        return None
    return LiveStretch(float(since), float(now), float(seconds))


class Streaks(NamedTuple):
    """Runs of consecutive days with at least one completed routine."""

    current: int
    best: int


class GridDay(NamedTuple):
    """One cell of the consistency grid."""

    day: date
    done: bool
    in_future: bool


def local_midnight(day: date, tz: tzinfo) -> float:
    """The epoch of 00:00 local time on ``day`` (the first instant of that day)."""
    return datetime.combine(day, time(0), tzinfo=tz).timestamp()


def local_day(at: float, tz: tzinfo) -> date:
    return datetime.fromtimestamp(at, tz).date()


def _num(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _stretch_bounds(event: Event) -> tuple[float, float, float] | None:
    """(start, end, seconds) of a sitting stretch, or None if the row is unusable."""
    data = event.data if isinstance(event.data, dict) else {}
    end = _num(data, "end")
    if end is None:
        end = float(event.at)
    start = _num(data, "start")
    seconds = _num(data, "seconds")
    if start is None:
        if seconds is None:
            return None
        start = end - seconds
    if end < start:
        return None
    if seconds is None or seconds < 0:
        seconds = end - start
    return start, end, seconds


def daily_rows(
    events: Iterable[Event],
    first_day: date,
    last_day: date,
    tz: tzinfo,
    live: LiveStretch | None = None,
) -> list[DayTotals]:
    """One :class:`DayTotals` per local day from ``first_day`` to ``last_day`` inclusive, in one pass.

    Events may come in any order; those outside the range are ignored cheaply.
    """
    if last_day < first_day:
        return []
    count = (last_day - first_day).days + 1
    days = [first_day + timedelta(days=i) for i in range(count)]
    rows = [DayTotals(d) for d in days]
    # bounds[i] is the first instant of days[i]; bounds[count] the end of the range
    bounds = [local_midnight(d, tz) for d in days]
    bounds.append(local_midnight(last_day + timedelta(days=1), tz))
    lo, hi = bounds[0], bounds[-1]

    stream: Iterable[Event] = events if live is None else _chain(events, live.as_event())
    for event in stream:
        kind = event.kind
        if kind == SITTING_STRETCH:
            span = _stretch_bounds(event)
            if span is None:
                continue
            start, end, seconds = span
            wall = end - start
            if wall <= 0:
                # The wall clock was set back by the whole stretch: only its end is known.
                if seconds > 0 and lo <= end < hi:
                    row = rows[bisect_right(bounds, end) - 1]
                    row.sitting_seconds += seconds
                    row.longest_sitting_seconds = max(row.longest_sitting_seconds, seconds)
                continue
            if end <= lo or start >= hi:
                continue
            i = max(bisect_right(bounds, start) - 1, 0)
            while i < count and bounds[i] < end:
                overlap = min(end, bounds[i + 1]) - max(start, bounds[i])
                if overlap > 0:
                    share = seconds * overlap / wall
                    row = rows[i]
                    row.sitting_seconds += share
                    if share > row.longest_sitting_seconds:
                        row.longest_sitting_seconds = share
                i += 1
            continue
        at = event.at
        if not lo <= at < hi:
            continue
        if kind == ROUTINE_COMPLETED:
            row = rows[bisect_right(bounds, at) - 1]
            row.routines_completed += 1
            row.breaks_taken += 1
        elif kind == ROUTINE_ABANDONED:
            if isinstance(event.data, dict) and event.data.get("counted_as_break") is True:
                rows[bisect_right(bounds, at) - 1].breaks_taken += 1
        elif kind == NATURAL_BREAK:
            rows[bisect_right(bounds, at) - 1].natural_breaks += 1
        elif kind == SNOOZED:
            rows[bisect_right(bounds, at) - 1].snoozed += 1
        elif kind == SKIPPED:
            rows[bisect_right(bounds, at) - 1].skipped += 1
        elif kind == PROMPT_SHOWN and not _is_repeat(event):
            rows[bisect_right(bounds, at) - 1].prompts += 1
    return rows


def _is_repeat(event: Event) -> bool:
    return isinstance(event.data, dict) and event.data.get("reason") == "repeat"


def _chain(events: Iterable[Event], extra: Event) -> Iterable[Event]:
    yield from events
    yield extra


def day_totals(events: Iterable[Event], day: date, tz: tzinfo, live: LiveStretch | None = None) -> DayTotals:
    """The figures for one local day (``live`` adds the stretch still running, for "today")."""
    return daily_rows(events, day, day, tz, live)[0]


def completed_days(events: Iterable[Event], tz: tzinfo) -> set[date]:
    """Local days with at least one completed routine."""
    return {local_day(e.at, tz) for e in events if e.kind == ROUTINE_COMPLETED}


def streaks(events: Iterable[Event], today: date, tz: tzinfo) -> Streaks:
    """Current and best run of consecutive days with a completed routine.

    Today not done yet does not break the current streak (the day is not over):
    it then counts the run up to yesterday. Days after ``today`` are ignored.
    """
    done = {d for d in completed_days(events, tz) if d <= today}
    if not done:
        return Streaks(0, 0)
    best = 0
    for d in done:
        if d - timedelta(days=1) in done:
            continue  # not the start of a run
        length = 1
        while d + timedelta(days=length) in done:
            length += 1
        best = max(best, length)
    cursor = today if today in done else today - timedelta(days=1)
    current = 0
    while cursor in done:
        current += 1
        cursor -= timedelta(days=1)
    return Streaks(current, best)


def consistency_grid(
    events: Iterable[Event], today: date, tz: tzinfo, weeks: int = 12
) -> list[list[GridDay]]:
    """``weeks`` rows of Monday..Sunday, oldest first; the last row holds ``today``."""
    done = completed_days(events, tz)
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=max(weeks, 1) - 1)
    grid: list[list[GridDay]] = []
    for w in range(max(weeks, 1)):
        row = []
        for d in range(7):
            day = first_monday + timedelta(days=7 * w + d)
            row.append(GridDay(day, day in done, day > today))
        grid.append(row)
    return grid


def self_checks(events: Iterable[Event], tz: tzinfo) -> list[tuple[date, str]]:
    """The pelvic-tilt self-check log: (local day, result) in time order; unknown results skipped."""
    entries: list[tuple[float, date, str]] = []
    for e in events:
        if e.kind != SELF_CHECK or not isinstance(e.data, dict):
            continue
        result = e.data.get("result")
        if result in SELF_CHECK_RESULTS:
            entries.append((e.at, local_day(e.at, tz), str(result)))
    entries.sort(key=lambda entry: entry[0])
    return [(d, r) for _at, d, r in entries]


#: The kinds the per-day figures are made of (the stats window need not load the rest).
DAY_KINDS: frozenset[str] = frozenset(
    {SITTING_STRETCH, ROUTINE_COMPLETED, ROUTINE_ABANDONED, NATURAL_BREAK, SNOOZED, SKIPPED, PROMPT_SHOWN}
)


class EventSource(Protocol):
    """Anything that answers time-range queries for events (the history store)."""

    def events(
        self, since: float | None = None, until: float | None = None, kinds: Collection[str] | None = None
    ) -> list[Event]: ...


@dataclass(frozen=True)
class StatsSnapshot:
    """Everything the statistics window and ``hipbreak stats`` show, computed in one go."""

    today: DayTotals
    #: ``days`` rows, oldest first, the last one being today.
    rows: list[DayTotals]
    streaks: Streaks
    grid: list[list[GridDay]]
    self_checks: list[tuple[date, str]]


def load_snapshot(
    source: EventSource,
    today: date,
    tz: tzinfo,
    days: int = 30,
    weeks: int = 12,
    live: LiveStretch | None = None,
) -> StatsSnapshot:
    """Query the history twice (only the rows needed) and compute every figure.

    One query brings the per-day kinds for the chart range; streaks, the grid and
    the self-check log need only completed routines and self-checks, but from
    all time, which the (kind, at) index makes cheap.
    """
    days = max(days, 1)
    first_day = today - timedelta(days=days - 1)
    recent = source.events(since=local_midnight(first_day, tz), kinds=DAY_KINDS)
    rows = daily_rows(recent, first_day, today, tz, live)
    rare = source.events(kinds=(ROUTINE_COMPLETED, SELF_CHECK))
    return StatsSnapshot(
        today=rows[-1],
        rows=rows,
        streaks=streaks(rare, today, tz),
        grid=consistency_grid(rare, today, tz, weeks),
        self_checks=self_checks(rare, tz),
    )


__all__ = [
    "DAY_COLUMNS",
    "DAY_KINDS",
    "SELF_CHECK_RESULTS",
    "DayTotals",
    "EventSource",
    "GridDay",
    "LiveStretch",
    "StatsSnapshot",
    "Streaks",
    "completed_days",
    "consistency_grid",
    "daily_rows",
    "day_totals",
    "live_from_status",
    "load_snapshot",
    "local_day",
    "local_midnight",
    "self_checks",
    "streaks",
]
