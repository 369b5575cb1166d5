"""Stats from hand-built event lists, with exact expected numbers worked out by hand."""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.stats import (
    DAY_COLUMNS,
    DayTotals,
    GridDay,
    LiveStretch,
    Streaks,
    consistency_grid,
    daily_rows,
    day_totals,
    live_from_status,
    load_snapshot,
    self_checks,
    streaks,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> float:
    """Epoch of a Berlin wall-clock time."""
    return datetime(y, mo, d, h, mi, s, tzinfo=BERLIN).timestamp()


def stretch(start: float, end: float, seconds: float | None = None) -> Event:
    return Event(ev.SITTING_STRETCH, end, {"start": start, "end": end,
                                           "seconds": end - start if seconds is None else seconds})


def routine_done(when: float) -> Event:
    data = {"routine_id": "hip-flexor-reset", "seconds": 270, "exercises": 5}
    return Event(ev.ROUTINE_COMPLETED, when, data)


def a_working_day() -> list[Event]:
    d = (2026, 11, 24)
    return [
        stretch(at(*d, 9, 0), at(*d, 10, 0)),                       # 3600
        Event(ev.PROMPT_SHOWN, at(*d, 10, 0), {"reason": "due"}),
        Event(ev.SNOOZED, at(*d, 10, 1), {"minutes": 10}),
        Event(ev.PROMPT_SHOWN, at(*d, 10, 11), {"reason": "due"}),
        Event(ev.PROMPT_SHOWN, at(*d, 10, 21), {"reason": "repeat"}),  # not a new prompt
        routine_done(at(*d, 10, 26)),
        stretch(at(*d, 10, 30), at(*d, 12, 0)),                     # 5400
        Event(ev.NATURAL_BREAK, at(*d, 12, 40), {"seconds": 2400}),
        Event(ev.ROUTINE_ABANDONED, at(*d, 13, 5), {"seconds_done": 90, "counted_as_break": True}),
        Event(ev.ROUTINE_ABANDONED, at(*d, 14, 0), {"seconds_done": 10, "counted_as_break": False}),
        Event(ev.SKIPPED, at(*d, 15, 0), {"sitting_seconds": 3600}),
        Event(ev.NATURAL_BREAK, at(*d, 16, 0), {"seconds": 600}),
        stretch(at(*d, 13, 0), at(*d, 13, 20)),                     # 1200
        Event(ev.APP_STARTED, at(*d, 8, 0), {"version": "0.1"}),
    ]


def test_one_day_has_the_hand_counted_totals() -> None:
    row = day_totals(a_working_day(), date(2026, 11, 24), BERLIN)
    assert row == DayTotals(
        day=date(2026, 11, 24),
        sitting_seconds=10200.0,
        longest_sitting_seconds=5400.0,
        breaks_taken=2,          # one completed + one abandoned that counted
        natural_breaks=2,
        snoozed=1,
        skipped=1,
        routines_completed=1,
        prompts=2,               # the repeat is not counted
    )


def test_other_days_are_empty_and_event_order_does_not_matter() -> None:
    events = a_working_day()
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    rows = daily_rows(shuffled, date(2026, 11, 23), date(2026, 11, 25), BERLIN)
    assert [r.day for r in rows] == [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)]
    assert rows[0] == DayTotals(date(2026, 11, 23))
    assert rows[2] == DayTotals(date(2026, 11, 25))
    assert rows[1] == day_totals(events, date(2026, 11, 24), BERLIN)


def test_a_stretch_across_midnight_is_split_between_the_days() -> None:
    events = [stretch(at(2026, 11, 24, 23, 30), at(2026, 11, 25, 0, 45))]
    first, second = daily_rows(events, date(2026, 11, 24), date(2026, 11, 25), BERLIN)
    assert (first.sitting_seconds, first.longest_sitting_seconds) == (1800.0, 1800.0)
    assert (second.sitting_seconds, second.longest_sitting_seconds) == (2700.0, 2700.0)


def test_a_stretch_spanning_several_days_fills_each_whole_day() -> None:
    events = [stretch(at(2026, 11, 23, 12, 0), at(2026, 11, 26, 6, 0))]
    rows = daily_rows(events, date(2026, 11, 22), date(2026, 11, 27), BERLIN)
    assert [r.sitting_seconds for r in rows] == [0.0, 12 * 3600.0, 86400.0, 86400.0, 6 * 3600.0, 0.0]


def test_frozen_standing_time_is_spread_in_proportion() -> None:
    # 2 wall hours across midnight, but only 1 hour counted as sitting (standing mode froze the rest)
    events = [stretch(at(2026, 11, 24, 23, 0), at(2026, 11, 25, 1, 0), seconds=3600)]
    first, second = daily_rows(events, date(2026, 11, 24), date(2026, 11, 25), BERLIN)
    assert first.sitting_seconds == 1800.0
    assert second.sitting_seconds == 1800.0


def test_a_wall_clock_set_back_during_a_stretch_keeps_the_measured_seconds() -> None:
    # sat 3 h by the monotonic clock, but the wall clock was set back 2 h meanwhile
    jumped = stretch(at(2026, 11, 24, 10, 0), at(2026, 11, 24, 11, 0), seconds=3 * 3600)
    # set back by the whole stretch: start == end on the wall clock
    collapsed = stretch(at(2026, 11, 24, 15, 0), at(2026, 11, 24, 15, 0), seconds=1200)
    row = day_totals([jumped, collapsed], date(2026, 11, 24), BERLIN)
    assert row.sitting_seconds == 3 * 3600.0 + 1200.0
    assert row.longest_sitting_seconds == 3 * 3600.0


def test_spring_forward_day_is_23_hours_and_a_stretch_over_the_gap_is_real_time() -> None:
    # 2026-03-29: Berlin clocks go 02:00 -> 03:00.
    whole_day = stretch(at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0))
    assert day_totals([whole_day], date(2026, 3, 29), BERLIN).sitting_seconds == 23 * 3600.0
    # 23:00 on the 28th to 04:00 on the 29th: 1 h before midnight, 3 real hours after it
    over_gap = stretch(at(2026, 3, 28, 23, 0), at(2026, 3, 29, 4, 0))
    before, after = daily_rows([over_gap], date(2026, 3, 28), date(2026, 3, 29), BERLIN)
    assert before.sitting_seconds == 3600.0
    assert after.sitting_seconds == 3 * 3600.0


def test_fall_back_day_is_25_hours() -> None:
    # 2026-10-25: Berlin clocks go 03:00 -> 02:00.
    whole_day = stretch(at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0))
    rows = daily_rows([whole_day], date(2026, 10, 24), date(2026, 10, 26), BERLIN)
    assert [r.sitting_seconds for r in rows] == [0.0, 25 * 3600.0, 0.0]


def test_an_event_exactly_at_midnight_belongs_to_the_new_day() -> None:
    events = [Event(ev.SKIPPED, at(2026, 11, 25, 0, 0), {})]
    first, second = daily_rows(events, date(2026, 11, 24), date(2026, 11, 25), BERLIN)
    assert (first.skipped, second.skipped) == (0, 1)


def test_days_are_local_days_not_utc_days() -> None:
    # 00:30 in Berlin (winter) is 23:30 UTC the day before
    events = [Event(ev.SNOOZED, at(2026, 11, 25, 0, 30), {})]
    assert day_totals(events, date(2026, 11, 25), BERLIN).snoozed == 1
    assert day_totals(events, date(2026, 11, 24), BERLIN).snoozed == 0
    assert day_totals(events, date(2026, 11, 24), ZoneInfo("UTC")).snoozed == 1


def test_the_live_stretch_counts_for_today() -> None:
    events = [stretch(at(2026, 11, 24, 9, 0), at(2026, 11, 24, 9, 40))]
    live = LiveStretch(at(2026, 11, 24, 10, 0), at(2026, 11, 24, 10, 50))
    row = day_totals(events, date(2026, 11, 24), BERLIN, live)
    assert row.sitting_seconds == 2400.0 + 3000.0
    assert row.longest_sitting_seconds == 3000.0
    # a live stretch that began yesterday evening only adds today's part
    overnight = LiveStretch(at(2026, 11, 24, 23, 0), at(2026, 11, 25, 0, 20), seconds=4800)
    assert day_totals([], date(2026, 11, 25), BERLIN, overnight).sitting_seconds == 1200.0


def test_live_from_status_reads_the_scheduler_fields() -> None:
    class FakeStatus:
        sitting_since = 1000.0
        sitting_seconds = 500.0

    assert live_from_status(FakeStatus(), 1600.0) == LiveStretch(1000.0, 1600.0, 500.0)

    class Standing:
        sitting_since = None
        sitting_seconds = 0.0

    assert live_from_status(Standing(), 1600.0) is None


def test_bad_rows_are_skipped_not_fatal() -> None:
    d = (2026, 11, 24)
    events = [
        Event(ev.SITTING_STRETCH, at(*d, 10), {}),                                   # no start, no seconds
        Event(ev.SITTING_STRETCH, at(*d, 10), {"start": "nine", "seconds": "lots"}),
        # ends before it starts
        Event(ev.SITTING_STRETCH, at(*d, 10), {"start": at(*d, 11), "end": at(*d, 10)}),
        Event(ev.SITTING_STRETCH, at(*d, 10), {"start": float("nan"), "seconds": float("inf")}),
        Event(ev.SITTING_STRETCH, at(*d, 10), {"seconds": 600}),                      # start derived: 09:50
        Event(ev.ROUTINE_ABANDONED, at(*d, 11), {"counted_as_break": "yes"}),         # not a real True
        Event(ev.PROMPT_SHOWN, at(*d, 12), {}),
    ]
    row = day_totals(events, date(2026, 11, 24), BERLIN)
    assert row.sitting_seconds == 600.0
    assert row.breaks_taken == 0
    assert row.prompts == 1


def test_an_empty_or_reversed_range_gives_no_rows() -> None:
    assert daily_rows(a_working_day(), date(2026, 11, 25), date(2026, 11, 24), BERLIN) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20 * 86400), st.integers(1, 3 * 86400)), max_size=30))
def test_sitting_time_over_a_range_adds_up_to_the_stretches_inside_it(spans: list[tuple[int, int]]) -> None:
    first = date(2026, 3, 20)          # the range crosses the spring DST change
    last = date(2026, 4, 20)
    base = at(2026, 3, 22)
    events = [stretch(base + offset, base + offset + length) for offset, length in spans]
    rows = daily_rows(events, first, last, BERLIN)
    assert abs(sum(r.sitting_seconds for r in rows) - sum(length for _o, length in spans)) < 1e-3
    for r in rows:
        assert 0 <= r.longest_sitting_seconds <= r.sitting_seconds + 1e-9


def test_streaks_count_runs_of_days_with_a_completed_routine() -> None:
    done_days = [1, 2, 3, 5, 6]          # November 2026
    events = [routine_done(at(2026, 11, d, 18, 0)) for d in done_days]
    # a routine closed early is a break, but not a completed routine
    events.append(Event(ev.ROUTINE_ABANDONED, at(2026, 11, 4, 18), {"counted_as_break": True}))
    # today (7th) not done yet: the run up to yesterday still stands
    assert streaks(events, date(2026, 11, 7), BERLIN) == Streaks(current=2, best=3)
    # done today: it counts
    assert streaks([*events, routine_done(at(2026, 11, 7, 9))], date(2026, 11, 7), BERLIN) == Streaks(3, 3)
    # a whole day missed: the current streak is over
    assert streaks(events, date(2026, 11, 8), BERLIN) == Streaks(0, 3)
    # completions after "today" are ignored
    future = [routine_done(at(2026, 11, d, 9)) for d in (8, 9, 10, 11)]
    assert streaks(events + future, date(2026, 11, 6), BERLIN) == Streaks(2, 3)
    assert streaks([], date(2026, 11, 6), BERLIN) == Streaks(0, 0)


def test_streaks_use_local_days() -> None:
    # 00:30 Berlin on the 3rd is still the 2nd in UTC
    events = [routine_done(at(2026, 11, 2, 12)), routine_done(at(2026, 11, 3, 0, 30))]
    assert streaks(events, date(2026, 11, 3), BERLIN) == Streaks(2, 2)
    # in UTC both fall on the 2nd: one day done, and the 3rd (today) is not over yet
    assert streaks(events, date(2026, 11, 3), ZoneInfo("UTC")) == Streaks(1, 1)


def test_consistency_grid_is_12_weeks_of_monday_to_sunday_ending_this_week() -> None:
    today = date(2026, 11, 25)           # a Wednesday
    done = [date(2026, 11, 2), date(2026, 11, 24), date(2026, 9, 7)]
    events = [routine_done(at(d.year, d.month, d.day, 12)) for d in done]
    grid = consistency_grid(events, today, BERLIN)
    assert len(grid) == 12
    assert all(len(week) == 7 for week in grid)
    assert all(week[0].day.weekday() == 0 for week in grid)
    assert grid[0][0].day == date(2026, 9, 7)        # 11 weeks before Monday 2026-11-23
    assert grid[-1][0].day == date(2026, 11, 23)
    flat = [cell for week in grid for cell in week]
    assert [c.day for c in flat] == [date(2026, 9, 7) + timedelta(days=i) for i in range(84)]
    assert {c.day for c in flat if c.done} == set(done)
    assert [c.day for c in flat if c.in_future] == [date(2026, 11, d) for d in (26, 27, 28, 29)]
    assert grid[-1][2] == GridDay(today, False, False)


def test_self_checks_are_dated_sorted_and_filtered() -> None:
    events = [
        Event(ev.SELF_CHECK, at(2026, 10, 1, 0, 15), {"result": "half_hand"}),
        Event(ev.SELF_CHECK, at(2026, 9, 1, 8), {"result": "whole_hand"}),
        Event(ev.SELF_CHECK, at(2026, 9, 15, 8), {"result": "a lot"}),
        Event(ev.SELF_CHECK, at(2026, 11, 1, 8), {}),
        Event(ev.SNOOZED, at(2026, 11, 1, 9), {"result": "no_room"}),
    ]
    assert self_checks(events, BERLIN) == [
        (date(2026, 9, 1), "whole_hand"),
        (date(2026, 10, 1), "half_hand"),   # 00:15 Berlin: Oct 1 locally, Sep 30 in UTC
    ]


def test_day_totals_to_dict_has_the_export_columns_in_order() -> None:
    row = day_totals(a_working_day(), date(2026, 11, 24), BERLIN)
    data = row.to_dict()
    assert tuple(data) == DAY_COLUMNS
    assert data["day"] == "2026-11-24"
    assert data["sitting_seconds"] == 10200.0


class ListSource:
    """An in-memory event source answering queries like the history does."""

    def __init__(self, events: list[Event]) -> None:
        self.all = sorted(events, key=lambda e: e.at)
        self.queries: list[tuple[float | None, frozenset[str] | None]] = []

    def events(self, since: float | None = None, until: float | None = None,
               kinds: Collection[str] | None = None) -> list[Event]:
        wanted = frozenset(kinds) if kinds is not None else None
        self.queries.append((since, wanted))
        return [e for e in self.all if (since is None or e.at >= since) and (until is None or e.at < until)
                and (wanted is None or e.kind in wanted)]


def test_load_snapshot_matches_the_separate_computations() -> None:
    today = date(2026, 11, 24)
    events = [
        *a_working_day(),
        routine_done(at(2026, 11, 23, 17)),
        routine_done(at(2026, 8, 3, 17)),                                  # long ago: the best streak
        routine_done(at(2026, 8, 4, 17)),
        routine_done(at(2026, 8, 5, 17)),
        Event(ev.SELF_CHECK, at(2026, 9, 1, 8), {"result": "no_room"}),
        stretch(at(2026, 10, 20, 9), at(2026, 10, 20, 10)),                # before the 30-day range
        Event(ev.AWAY_STARTED, at(2026, 11, 24, 12), {"reason": "lock"}),  # not needed by any figure
    ]
    source = ListSource(events)
    live = LiveStretch(at(2026, 11, 24, 16, 30), at(2026, 11, 24, 17, 0))
    snap = load_snapshot(source, today, BERLIN, days=30, live=live)
    assert snap.rows == daily_rows(events, date(2026, 10, 26), today, BERLIN, live)
    assert len(snap.rows) == 30 and snap.rows[0].day == date(2026, 10, 26)
    assert snap.today == snap.rows[-1]
    assert snap.today.sitting_seconds == 10200.0 + 1800.0
    assert snap.streaks == Streaks(2, 3)
    assert snap.grid == consistency_grid(events, today, BERLIN)
    assert snap.self_checks == [(date(2026, 9, 1), "no_room")]
    # only the needed kinds were asked for: lock/away rows are never loaded
    assert all(kinds is not None and ev.AWAY_STARTED not in kinds for _since, kinds in source.queries)
