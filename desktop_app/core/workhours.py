"""Calendar arithmetic for the scheduler: working hours, "tomorrow" and the daily session.

These are the only scheduling rules that follow the wall clock, because they
are about the user's day ("09:00 to 17:30 on weekdays"), not about durations.
They take an aware local ``datetime`` and return aware datetimes; the
scheduler turns those into monotonic deadlines each time it is asked, so a
wall-clock jump (DST, NTP, a user changing the time) is corrected at the next
call instead of being baked into a stored deadline.

Pure functions, no clock reads: easy to test at any date, including DST days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from desktop_app.core.settings import DAY_NAMES, Settings

#: How many days ahead a search for the next working day or boundary looks.
#: A week plus one covers every pattern of working days.
_SEARCH_DAYS = 8


def parse_hhmm(text: str) -> time:
    """``"17:30"`` → ``time(17, 30)``. Settings are validated, so this only sees good input."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def day_name(day: date) -> str:
    """The settings name of a weekday: ``"mon"`` … ``"sun"``."""
    return DAY_NAMES[day.weekday()]


def at_local(day: date, clock_time: time, like: datetime) -> datetime:
    """``day`` at ``clock_time`` in the same time zone as ``like``."""
    return datetime.combine(day, clock_time, tzinfo=like.tzinfo)


def is_working_day(day: date, settings: Settings) -> bool:
    """True when prompts may be shown on ``day``.

    Working days only restrict anything while working hours are switched on;
    otherwise every day is a working day.
    """
    if not settings.working_hours_enabled:
        return True
    return day_name(day) in settings.working_days


def _windows(now: datetime, settings: Settings) -> list[tuple[datetime, datetime]]:
    """Working-hours windows from the day before ``now`` to about a week after.

    A window that ends at or before its start runs past midnight (a night
    shift); equal start and end mean the whole day. Each window belongs to the
    day it starts on, so a Friday night shift ends on Saturday morning.
    """
    start_t = parse_hhmm(settings.work_start)
    end_t = parse_hhmm(settings.work_end)
    windows: list[tuple[datetime, datetime]] = []
    for offset in range(-1, _SEARCH_DAYS):
        day = now.date() + timedelta(days=offset)
        if day_name(day) not in settings.working_days:
            continue
        start = at_local(day, start_t, now)
        end_day = day if end_t > start_t else day + timedelta(days=1)
        end = at_local(end_day, end_t, now)
        windows.append((start, end))
    return windows


def in_working_hours(now: datetime, settings: Settings) -> bool:
    """True when prompts may be shown at ``now`` (always true with working hours off)."""
    if not settings.working_hours_enabled:
        return True
    return any(start <= now < end for start, end in _windows(now, settings))


def next_hours_boundary(now: datetime, settings: Settings) -> datetime | None:
    """The next moment working hours begin or end, or None when that never happens."""
    if not settings.working_hours_enabled:
        return None
    later = [edge for window in _windows(now, settings) for edge in window if edge > now]
    return min(later) if later else None


def next_day_start(now: datetime, settings: Settings) -> datetime:
    """Where "pause until tomorrow" ends.

    With working hours on: the start of the next working day's hours (so a
    pause on Friday evening lasts the weekend). Otherwise: the next local
    midnight.
    """
    tomorrow = now.date() + timedelta(days=1)
    if settings.working_hours_enabled and settings.working_days:
        start_t = parse_hhmm(settings.work_start)
        for offset in range(_SEARCH_DAYS):
            day = tomorrow + timedelta(days=offset)
            if day_name(day) in settings.working_days:
                return at_local(day, start_t, now)
    return at_local(tomorrow, time(0, 0), now)


def daily_session_candidates(now: datetime, settings: Settings) -> list[datetime]:
    """The daily session times from today on, for the days it may be offered at all."""
    if not settings.daily_session_enabled:
        return []
    session_t = parse_hhmm(settings.daily_session_time)
    result = []
    for offset in range(_SEARCH_DAYS):
        day = now.date() + timedelta(days=offset)
        if is_working_day(day, settings):
            result.append(at_local(day, session_t, now))
    return result
