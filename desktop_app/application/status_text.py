"""The words for the app's state: the one-line status and plain durations (pure Python, no Qt).

The menu's first line, the status window, the prompt, the notifications and
``hipbreak status`` all say the state in these words, so they are written once
here, in the application layer, where the service that builds the status JSON
can use them without importing Qt.

The tray tooltip says the same state with clock times instead of running
minutes (:func:`tray_status_line`: "Sitting since 09:12 · break at 10:12"),
because a tooltip is read from a copy: a StatusNotifierItem panel such as
plasmashell caches it and reads every property again, icon pixmaps included,
after each change, and whoever reads it later (a hover, a screen reader through
the panel) gets that copy, however old. Words that stay true until the stage
changes cost one update per stage change instead of one a minute
(bench/RESULTS.md, issue 13).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop_app.core.schedule import Status
from desktop_app.i18n import _
from desktop_app.locale_format import format_time, weekday_abbreviation


def format_minutes(seconds: float) -> str:
    """A duration in plain words: "42 min", "1 h 5 min", "less than a minute"."""
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return _("less than a minute")
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return _("{m} min").format(m=minutes)
    if rest == 0:
        return _("{h} h").format(h=hours)
    return _("{h} h {m} min").format(h=hours, m=rest)


def format_duration(seconds: float) -> str:
    """``5400`` → ``"1 h 30 min"``; under an hour ``"25 min"``; rounded to whole minutes.

    For totals (statistics window, ``hipbreak stats``), where "0 min" is a fair answer.
    """
    minutes = round(max(0.0, seconds) / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("{h} h {m} min").format(h=hours, m=minutes)
    return _("{m} min").format(m=minutes)


def format_clock(epoch: float, now: datetime) -> str:
    """A wall time as "14:20" (or "2:20 PM" in en_US), "tomorrow 09:00" when it is not today (local
    time of ``now``); the clock follows the locale (desktop_app.locale_format)."""
    when = datetime.fromtimestamp(epoch, now.tzinfo)
    hhmm = format_time(when)
    if when.date() == now.date():
        return hhmm
    if when.date() == (now + timedelta(days=1)).date():
        return _("tomorrow {time}").format(time=hhmm)
    return f"{weekday_abbreviation(when.date())} {hhmm}"


def _since(epoch: float, now: datetime) -> str:
    """A past wall time: "09:12" today, "Fri 23:40" on an earlier day (never "tomorrow")."""
    return format_clock(min(epoch, now.timestamp()), now)


def tray_status_line(status: Status, now: datetime) -> str:
    """The state in words that stay true until the stage changes: the tray tooltip.

    Where :func:`status_line` counts ("Sitting 42 min · break in 18 min"), this names
    the moments ("Sitting since 09:12 · break at 10:12"), so the text is the same at
    every reading until something happens: a stage change, a snooze, a break that
    starts the count again. The only other change is the calendar day ("tomorrow
    09:00" becomes "09:00" at midnight, "09:12" becomes "Fri 09:12"), which the tray
    follows with one refresh at midnight. Stages whose :func:`status_line` does not
    count already are said the same way in both.
    """
    stage = status.stage.value
    since = status.sitting_since
    if stage == "due" and not status.deferred_reason and status.prompt_kind != "daily":
        if since is None:
            return _("Time for a break")
        return _("Time for a break · sitting since {time}").format(time=_since(since, now))
    if stage != "working":
        return status_line(status, now)
    at = status.next_prompt_at
    if since is None:
        return _("Next break {when}").format(when=format_clock(at, now)) if at is not None else status_line(status, now)
    if at is None:
        return _("Sitting since {time}").format(time=_since(since, now))
    if datetime.fromtimestamp(at, now.tzinfo).date() != now.date():  # "break at tomorrow 00:40" reads badly
        return _("Sitting since {since} · next break {when}").format(since=_since(since, now),
                                                                     when=format_clock(at, now))
    return _("Sitting since {since} · break at {at}").format(since=_since(since, now), at=format_clock(at, now))


def status_line(status: Status, now: datetime) -> str:
    """The one-line state shown in the tooltip, the menu's first line and the status window.

    ``now`` is the schedule clock's local time (simulated time in ``--demo``).
    """
    stage = status.stage.value
    sitting = status.sitting_seconds
    if stage == "due":
        if status.deferred_reason:
            return _("Break due · held back ({reason})").format(reason=status.deferred_reason)
        if status.prompt_kind == "daily":
            return _("Time for your daily session")
        return _("Time for a break · sitting {t}").format(t=format_minutes(sitting))
    if stage == "snoozed":
        if status.snoozed_until:
            return _("Snoozed until {time}").format(time=format_clock(status.snoozed_until, now))
        return _("Snoozed")
    if stage == "paused":
        until = status.paused_until
        if until is None:
            return _("Paused")
        when = datetime.fromtimestamp(until, now.tzinfo)
        if when.date() == (now + timedelta(days=1)).date() and when.hour < 12:
            return _("Paused until tomorrow")
        return _("Paused until {time}").format(time=format_clock(until, now))
    if stage == "in_routine":
        return _("Routine in progress")
    if stage == "away":
        words = {"lock": _("screen locked"), "suspend": _("computer asleep"), "idle": _("no input")}
        return _("Away ({why})").format(why=words.get(str(status.away_reason), _("no input")))
    if stage == "standing":
        return _("Standing · reminders wait until you sit again")
    if stage == "off_hours":
        return _("Outside working hours")
    next_in = status.next_prompt_in_seconds
    if next_in is None:
        return _("Sitting {t}").format(t=format_minutes(sitting))
    # "break in" rounds up, so it never says "0 min" while a minute is left
    return _("Sitting {t} · break in {n}").format(t=format_minutes(sitting), n=format_minutes(next_in + 59))
