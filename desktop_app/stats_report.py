"""``hipbreak stats [--json | --csv] [--days N]``: the statistics, without a display.

Why it looks like this:

* It must work on a headless machine, over ssh, and while the tray app is
  running and writing. So it imports no Qt, opens the history with SQLite's
  read-only mode (:func:`open_history_readonly`; WAL readers never block the
  writer and never see half a transaction) and never creates, repairs or moves
  anything.
* It computes everything with :func:`desktop_app.core.stats.load_snapshot`,
  exactly as the statistics window does, so the two can never disagree.
* The sitting stretch still running in the app is not in the history yet; it
  is counted once it ends (a break, a lock, quitting the app). The window,
  which lives inside the app, adds it live.

Exit codes: 0 figures printed (also when no history exists yet: all zeros and
a note on stderr), 1 the history exists but cannot be read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO, TypeVar

from desktop_app.application.status_text import format_duration
from desktop_app.core.stats import StatsSnapshot, load_snapshot
from desktop_app.export import days_csv_text
from desktop_app.i18n import _, ngettext
from desktop_app.locale_format import format_date, format_number, format_weekday_date
from desktop_app.platform.paths import AppPaths
from desktop_app.storage.history import History, HistoryError, NullHistory, open_history_readonly

EXIT_OK = 0
EXIT_UNREADABLE = 1

T = TypeVar("T")

#: Version of the ``--json`` layout (bumped only if a key changes meaning; keys are only added).
JSON_FORMAT = 1


def local_tz() -> tzinfo:
    """The local time zone now (the same reading the app's clock gives)."""
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


def snapshot_json(snapshot: StatsSnapshot, generated_at: datetime) -> dict[str, Any]:
    """The ``--json`` document (also useful to scripts reading the app's figures)."""
    return {
        "format": JSON_FORMAT,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "today": snapshot.today.to_dict(),
        "streaks": {"current": snapshot.streaks.current, "best": snapshot.streaks.best},
        "days": [row.to_dict() for row in snapshot.rows],
        "self_checks": [{"day": day.isoformat(), "result": result} for day, result in snapshot.self_checks],
    }


def write_text(snapshot: StatsSnapshot, out: TextIO) -> None:
    """A short table for people: today, the streaks, then one line per day (newest first)."""
    t = snapshot.today
    out.write(_("Today ({day})").format(day=format_date(t.day)) + "\n")
    pairs = [
        (_("Sitting time"), format_duration(t.sitting_seconds)),
        (_("Longest unbroken sitting"), format_duration(t.longest_sitting_seconds)),
        (_("Breaks taken"), format_number(t.breaks_taken)),
        (_("Natural breaks"), format_number(t.natural_breaks)),
        (_("Snoozed"), format_number(t.snoozed)),
        (_("Skipped"), format_number(t.skipped)),
        (_("Routines completed"), format_number(t.routines_completed)),
    ]
    width = max(len(label) for label, _value in pairs)
    for label, value in pairs:
        out.write(f"  {label.ljust(width)}  {value}\n")
    out.write(ngettext("Streak: {current} day now, best {best}", "Streak: {current} days now, best {best}",
                       snapshot.streaks.current).format(
        current=snapshot.streaks.current, best=snapshot.streaks.best) + "\n\n")
    headers = (_("Day"), _("Sitting"), _("Longest"), _("Breaks"), _("Natural"), _("Snoozed"), _("Skipped"),
               _("Routines"))
    lines = [headers]
    for row in reversed(snapshot.rows):
        lines.append((
            format_weekday_date(row.day),
            format_duration(row.sitting_seconds),
            format_duration(row.longest_sitting_seconds),
            str(row.breaks_taken),
            str(row.natural_breaks),
            str(row.snoozed),
            str(row.skipped),
            str(row.routines_completed),
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers))]
    for line in lines:
        cells = [line[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(line) if i]
        out.write("  ".join(cells).rstrip() + "\n")
    out.write("\n" + _("The sitting stretch running now is counted once it ends.") + "\n")


def main(fmt: str, days: int, paths: AppPaths, today: date | None = None, tz: tzinfo | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the statistics of the last ``days`` days in ``fmt`` ("text", "json" or "csv").

    ``today``, ``tz``, ``out`` and ``err`` exist for tests; the CLI passes only the first three.
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    zone = local_tz() if tz is None else tz
    now = datetime.now(zone)
    day = now.date() if today is None else today
    path = Path(paths.history_file)
    opened = open_history_readonly(path)
    store = opened.store
    if isinstance(store, NullHistory):
        warning = opened.warning or ""
        if warning:
            print(warning, file=err)
        if warning and not _nothing_recorded(path, warning):
            return EXIT_UNREADABLE
    snapshot = read_then_close(store, lambda s: load_snapshot(s, day, zone, days=max(1, days)), err)
    if snapshot is None:
        return EXIT_UNREADABLE
    if fmt == "json":
        json.dump(snapshot_json(snapshot, now), out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        out.write(days_csv_text(snapshot.rows))
    else:
        write_text(snapshot, out)
    return EXIT_OK


def read_then_close(store: History | NullHistory, read: Callable[[History | NullHistory], T], err: TextIO) -> T | None:
    """``read(store)``, then close the store: a report opens the history read-only for this one read.

    A history that cannot be read is told on ``err`` in its plain sentence and gives None, for the caller
    to exit with :data:`EXIT_UNREADABLE`. ``hipbreak program`` reads its days practised the same way.
    """
    try:
        return read(store)
    except HistoryError as exc:
        print(str(exc), file=err)
        return None
    finally:
        if isinstance(store, History):
            store.close()


def _nothing_recorded(path: Path, warning: str) -> bool:
    """True when the Null store means "no history yet" (no file, or no table), not "cannot read"."""
    return not path.is_file() or warning == _("No history has been recorded yet.")


__all__ = ["EXIT_OK", "EXIT_UNREADABLE", "format_duration", "main", "read_then_close", "snapshot_json", "write_text"]
