"""CSV export of the history: one row per day, or one row per raw event.

Why two files: the per-day CSV is what most people want in a spreadsheet
(sitting time and breaks per day), while the raw-event CSV keeps everything,
so a user can leave HipBreak and take their whole history with them, or
check a figure by hand. Both formats are documented in ``docs/export-format.md``
and are *stable*: columns are only ever added at the end, never renamed,
reordered or removed, so scripts written against an old export keep working.

Pure Python (no Qt): the statistics window and ``hipbreak stats --csv`` both
use it. Files are written atomically, so an export interrupted half way never
leaves a torn file under the chosen name.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

from desktop_app.atomic_files import atomic_write_text
from desktop_app.core.events import Event
from desktop_app.core.stats import DAY_COLUMNS, DayTotals

#: Columns of the raw-event CSV, in order (stable; new columns only at the end).
EVENT_COLUMNS: tuple[str, ...] = ("at", "local_time", "kind", "data")

#: Per-day columns holding seconds: written as whole seconds (what a spreadsheet wants).
_SECONDS_COLUMNS = frozenset({"sitting_seconds", "longest_sitting_seconds"})


def day_record(row: DayTotals) -> dict[str, str]:
    """One per-day row as CSV text cells, keyed by :data:`DAY_COLUMNS`.

    Seconds are rounded to whole seconds; the day is ISO ``YYYY-MM-DD``.
    """
    data = row.to_dict()
    out: dict[str, str] = {}
    for name in DAY_COLUMNS:
        value = data[name]
        if name in _SECONDS_COLUMNS:
            out[name] = str(round(float(value)))
        else:
            out[name] = str(value)
    return out


def write_days_csv(rows: Iterable[DayTotals], out: TextIO) -> int:
    """Write the per-day CSV (header first) to ``out``; returns the number of data rows."""
    writer = csv.DictWriter(out, fieldnames=list(DAY_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(day_record(row))
        count += 1
    return count


def event_record(event: Event, tz: tzinfo) -> dict[str, str]:
    """One event as CSV text cells, keyed by :data:`EVENT_COLUMNS`.

    ``at`` is the exact POSIX timestamp (``repr`` of the float, so it reads
    back bit for bit); ``local_time`` is the same instant as ISO-8601 with the
    UTC offset, for people; ``data`` is the event's details as compact JSON.
    """
    data = event.data if isinstance(event.data, dict) else {}
    return {
        "at": repr(float(event.at)),
        "local_time": datetime.fromtimestamp(event.at, tz).isoformat(timespec="seconds"),
        "kind": event.kind,
        "data": json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str),
    }


def write_events_csv(events: Iterable[Event], out: TextIO, tz: tzinfo) -> int:
    """Write the raw-event CSV (header first) to ``out``; returns the number of data rows."""
    writer = csv.DictWriter(out, fieldnames=list(EVENT_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for event in events:
        writer.writerow(event_record(event, tz))
        count += 1
    return count


def days_csv_text(rows: Iterable[DayTotals]) -> str:
    """The whole per-day CSV as text (what ``hipbreak stats --csv`` prints)."""
    buffer = io.StringIO(newline="")
    write_days_csv(rows, buffer)
    return buffer.getvalue()


def export_days(path: Path | str, rows: Iterable[DayTotals]) -> int:
    """Write the per-day CSV to ``path`` atomically; returns the row count.

    Raises :class:`desktop_app.atomic_files.StorageError` with a plain message.
    """
    buffer = io.StringIO(newline="")
    count = write_days_csv(rows, buffer)
    atomic_write_text(path, buffer.getvalue(), what=str(path))
    return count


def export_events(path: Path | str, events: Iterable[Event], tz: tzinfo) -> int:
    """Write the raw-event CSV to ``path`` atomically; returns the row count.

    Raises :class:`desktop_app.atomic_files.StorageError` with a plain message.
    """
    buffer = io.StringIO(newline="")
    count = write_events_csv(events, buffer, tz)
    atomic_write_text(path, buffer.getvalue(), what=str(path))
    return count


# --- reading back (for tests and for anyone checking an export) -------------------------------------


def read_days_csv(source: TextIO) -> list[DayTotals]:
    """Parse a per-day CSV written by :func:`write_days_csv` back into rows.

    Unknown extra columns (from a newer HipBreak) are ignored; a missing
    column or a bad cell raises ValueError naming the line and the column.
    """
    reader = csv.DictReader(source)
    missing = [c for c in DAY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError("missing column(s): " + ", ".join(missing))
    rows: list[DayTotals] = []
    for record in reader:
        values: dict[str, Any] = {}
        for name in DAY_COLUMNS:
            cell = record[name]
            try:
                if name == "day":
                    values[name] = date.fromisoformat(cell)
                elif name in _SECONDS_COLUMNS:
                    values[name] = float(cell)
                else:
                    values[name] = int(cell)
            except (TypeError, ValueError):
                raise ValueError(f"line {reader.line_num}: {name}: not a valid value: {cell!r}") from None
        rows.append(DayTotals(**values))
    return rows


def read_events_csv(source: TextIO) -> list[Event]:
    """Parse a raw-event CSV written by :func:`write_events_csv` back into events."""
    reader = csv.DictReader(source)
    missing = [c for c in EVENT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError("missing column(s): " + ", ".join(missing))
    events: list[Event] = []
    for record in reader:
        try:
            data = json.loads(record["data"])
            at = float(record["at"])
        except (TypeError, ValueError):
            raise ValueError(f"line {reader.line_num}: not a valid event row") from None
        if not isinstance(data, dict):
            raise ValueError(f"line {reader.line_num}: data: must be a JSON object")
        events.append(Event(record["kind"], at, data))
    return events


__all__ = [
    "DAY_COLUMNS",
    "EVENT_COLUMNS",
    "day_record",
    "days_csv_text",
    "event_record",
    "export_days",
    "export_events",
    "read_days_csv",
    "read_events_csv",
    "write_days_csv",
    "write_events_csv",
]
