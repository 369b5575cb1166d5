"""Statistics rules that single-point faults (bench/mutation) showed no test pinned down."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.stats import daily_rows, day_totals, load_snapshot, self_checks

BERLIN = ZoneInfo("Europe/Berlin")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> float:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN).timestamp()


class ListSource:
    """An in-memory history answering the same queries as the SQLite store."""

    def __init__(self, events: list[Event]) -> None:
        self.all = events

    def events(self, since: float | None = None, until: float | None = None,
               kinds: Collection[str] | None = None) -> list[Event]:
        return [e for e in self.all if (since is None or e.at >= since) and (until is None or e.at < until)
                and (kinds is None or e.kind in kinds)]


def test_the_snapshot_covers_thirty_days_unless_told_otherwise() -> None:
    today = date(2026, 11, 24)
    snap = load_snapshot(ListSource([]), today, BERLIN)
    assert len(snap.rows) == 30
    assert snap.rows[0].day == date(2026, 10, 26) and snap.rows[-1].day == today


def test_a_snapshot_cannot_be_changed_by_the_window() -> None:
    snap = load_snapshot(ListSource([]), date(2026, 11, 24), BERLIN)
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.rows = []  # type: ignore[misc]


def test_a_short_stretch_whose_wall_clock_went_back_still_counts() -> None:
    """With the wall clock set back by the whole stretch only its end is known; even half a second counts."""
    end = at(2026, 11, 24, 15, 0)
    collapsed = Event(ev.SITTING_STRETCH, end, {"start": end, "end": end, "seconds": 0.5})
    row = day_totals([collapsed], date(2026, 11, 24), BERLIN)
    assert row.sitting_seconds == 0.5
    assert row.longest_sitting_seconds == 0.5


def test_a_stretch_that_ended_at_the_first_midnight_of_the_range_is_not_counted() -> None:
    before = Event(ev.SITTING_STRETCH, at(2026, 11, 24), {"start": at(2026, 11, 23, 23), "end": at(2026, 11, 24),
                                                           "seconds": 3600.0})
    assert day_totals([before], date(2026, 11, 24), BERLIN).sitting_seconds == 0.0
    assert day_totals([before], date(2026, 11, 23), BERLIN).sitting_seconds == 3600.0


def test_a_collapsed_stretch_ending_exactly_at_midnight_belongs_to_the_new_day() -> None:
    midnight = at(2026, 11, 24)
    collapsed = Event(ev.SITTING_STRETCH, midnight, {"start": midnight, "end": midnight, "seconds": 600.0})
    assert day_totals([collapsed], date(2026, 11, 24), BERLIN).sitting_seconds == 600.0
    assert day_totals([collapsed], date(2026, 11, 23), BERLIN).sitting_seconds == 0.0


def test_a_collapsed_stretch_is_counted_on_its_own_day_of_a_longer_range() -> None:
    end = at(2026, 11, 24, 15, 0)
    collapsed = Event(ev.SITTING_STRETCH, end, {"start": end, "end": end, "seconds": 1200.0})
    rows = daily_rows([collapsed], date(2026, 11, 23), date(2026, 11, 25), BERLIN)
    assert [row.sitting_seconds for row in rows] == [0.0, 1200.0, 0.0]


@pytest.mark.parametrize(("counted", "breaks"), [(True, 1), (False, 0)])
def test_a_routine_closed_early_is_a_break_only_when_it_counted_as_one(counted: bool, breaks: int) -> None:
    closed = Event(ev.ROUTINE_ABANDONED, at(2026, 11, 24, 11), {"routine_id": "desk-break", "seconds_done": 90,
                                                                "counted_as_break": counted, "exercises": 1})
    assert day_totals([closed], date(2026, 11, 24), BERLIN).breaks_taken == breaks


def test_self_checks_on_one_day_are_listed_in_time_order() -> None:
    events = [Event(ev.SELF_CHECK, at(2026, 11, 24, 18), {"result": "no_room"}),
              Event(ev.SELF_CHECK, at(2026, 11, 24, 8), {"result": "whole_hand"})]
    assert self_checks(events, BERLIN) == [(date(2026, 11, 24), "whole_hand"), (date(2026, 11, 24), "no_room")]
