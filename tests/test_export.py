"""CSV export: round-trips through the csv module, columns match docs/export-format.md, and a
failed export leaves no partial file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.atomic_files import StorageError
from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.stats import DAY_COLUMNS, DayTotals
from desktop_app.export import (
    EVENT_COLUMNS,
    days_csv_text,
    export_days,
    export_events,
    read_days_csv,
    read_events_csv,
    write_events_csv,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "export-format.md"
BERLIN = ZoneInfo("Europe/Berlin")


def doc_table(heading: str) -> list[str]:
    """The first column (backticked names) of the first table after ``heading`` in the doc."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1]
    names: list[str] = []
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z_]+)` \|", line)
        if match:
            names.append(match.group(1))
        elif names and not line.startswith("|"):
            break
    return names


def test_documented_columns_are_the_exported_columns() -> None:
    assert doc_table("## Per-day CSV") == list(DAY_COLUMNS)
    assert doc_table("## Raw-event CSV") == list(EVENT_COLUMNS)
    kinds = doc_table("Kinds and their `data` keys:")
    assert set(kinds) == set(ev.ALL_KINDS), "every event kind is documented"


def rows_sample() -> list[DayTotals]:
    return [
        DayTotals(date(2026, 3, 28), 5400, 3000, 3, 2, 1, 0, 2, 6),
        DayTotals(date(2026, 3, 29), 0, 0, 0, 0, 0, 0, 0, 0),   # the spring DST day
        DayTotals(date(2026, 3, 30), 28800, 7200, 7, 4, 5, 2, 6, 9),
    ]


def test_days_csv_round_trips_through_the_csv_module(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    assert export_days(path, rows_sample()) == 3
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    assert records[0] == list(DAY_COLUMNS)
    assert records[1] == ["2026-03-28", "5400", "3000", "3", "2", "1", "0", "2", "6"]
    with open(path, newline="", encoding="utf-8") as fh:
        assert read_days_csv(fh) == rows_sample()
    assert path.read_bytes().count(b"\r\n") == 4


def test_days_csv_rounds_seconds_to_whole_seconds() -> None:
    row = DayTotals(date(2026, 1, 5), 1234.6, 99.4)
    text = days_csv_text([row])
    parsed = read_days_csv(io.StringIO(text, newline=""))
    assert parsed[0].sitting_seconds == 1235 and parsed[0].longest_sitting_seconds == 99


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9) | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(st.tuples(
    st.sampled_from(sorted(ev.ALL_KINDS)),
    st.floats(min_value=0, max_value=4e9, allow_nan=False),
    st.dictionaries(st.text(max_size=10), json_values, max_size=4),
), max_size=20))
def test_events_csv_round_trips_exactly(items: list[tuple[str, float, dict[str, object]]]) -> None:
    events = [Event(kind, at, data) for kind, at, data in items]
    buffer = io.StringIO(newline="")
    assert write_events_csv(events, buffer, BERLIN) == len(events)
    buffer.seek(0)
    assert read_events_csv(buffer) == events


def test_events_csv_columns_and_local_time(tmp_path: Path) -> None:
    when = datetime(2026, 11, 25, 9, 35, tzinfo=BERLIN)
    events = [
        Event(ev.ROUTINE_COMPLETED, when.timestamp(), {"routine_id": "hip-flexor-reset", "seconds": 270}),
        Event(ev.SELF_CHECK, (when + timedelta(days=200)).timestamp(), {"result": "half_hand"}),
        Event(ev.APP_STOPPED, when.timestamp() + 0.125, {}),
    ]
    path = tmp_path / "events.csv"
    assert export_events(path, events, BERLIN) == 3
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    assert records[0] == {
        "at": repr(when.timestamp()),
        "local_time": "2026-11-25T09:35:00+01:00",
        "kind": "routine_completed",
        "data": '{"routine_id":"hip-flexor-reset","seconds":270}',
    }
    assert records[1]["local_time"] == "2027-06-13T09:35:00+02:00"  # summer time
    assert records[2]["data"] == "{}"


def test_a_failed_export_raises_a_plain_error_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError) as info:
        export_days(blocker / "days.csv", rows_sample())
    assert str(info.value).startswith("Cannot save")
    assert blocker.read_text() == "not a folder"


def test_an_existing_export_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_text("old content that is much longer than needed " * 100, encoding="utf-8")
    export_days(path, rows_sample()[:1])
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(DAY_COLUMNS)
    assert "old content" not in path.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["days.csv"]


def test_reading_a_csv_with_a_missing_column_names_it() -> None:
    with pytest.raises(ValueError, match="missing column"):
        read_days_csv(io.StringIO("day,sitting_seconds\r\n2026-01-01,5\r\n"))
