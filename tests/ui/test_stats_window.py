"""The statistics window on a seeded real SQLite history: exact figures on every tab, hover and
keyboard values, the self-check log, and CSV export read back with the csv module."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.stats import DAY_COLUMNS, DAY_KINDS, LiveStretch, daily_rows
from desktop_app.export import EVENT_COLUMNS, day_record, read_events_csv
from desktop_app.storage.history import History, NullHistory, open_history, open_history_readonly
from desktop_app.ui.stats_window import StatsWindow, day_detail
from tests.support.fakeclock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 25)  # a Wednesday


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> float:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN).timestamp()


def stretch(start: float, end: float, seconds: float | None = None) -> Event:
    return Event(ev.SITTING_STRETCH, end, {"start": start, "end": end,
                                           "seconds": end - start if seconds is None else seconds})


def seeded_events() -> list[Event]:
    events = [
        # a run of five days at the start of the month: the best streak
        *[Event(ev.ROUTINE_COMPLETED, at(d, 12), {"routine_id": "hip-flexor-reset", "seconds": 270,
                                                  "exercises": 5}) for d in range(1, 6)],
        Event(ev.SELF_CHECK, at(1, 8, month=9), {"result": "whole_hand"}),
        Event(ev.SELF_CHECK, at(1, 8, month=10), {"result": "half_hand"}),
        # Saturday 21: done; Sunday 22: nothing; Monday 23 and Tuesday 24: done
        Event(ev.ROUTINE_COMPLETED, at(21, 10), {"routine_id": "desk-break"}),
        Event(ev.ROUTINE_COMPLETED, at(23, 10), {"routine_id": "desk-break"}),
        stretch(at(24, 10), at(24, 12)),                      # Tue: 2 h
        Event(ev.ROUTINE_COMPLETED, at(24, 12), {"routine_id": "hip-flexor-reset"}),
        stretch(at(24, 23, 30), at(25, 0, 30)),               # across midnight: 30 min each side
        # today, Wednesday 25
        stretch(at(25, 8), at(25, 9, 30)),                    # 1 h 30: the longest
        Event(ev.ROUTINE_COMPLETED, at(25, 9, 35), {"routine_id": "hip-flexor-reset"}),
        stretch(at(25, 9, 35), at(25, 10, 15)),               # 40 min
        Event(ev.ROUTINE_ABANDONED, at(25, 10, 20), {"routine_id": "x", "seconds_done": 90,
                                                     "counted_as_break": True}),
        Event(ev.ROUTINE_ABANDONED, at(25, 10, 25), {"routine_id": "x", "seconds_done": 10,
                                                     "counted_as_break": False}),
        Event(ev.NATURAL_BREAK, at(25, 11), {"seconds": 400}),
        Event(ev.NATURAL_BREAK, at(25, 12), {"seconds": 600}),
        Event(ev.PROMPT_SHOWN, at(25, 13), {"reason": "due"}),
        *[Event(ev.SNOOZED, at(25, 13, m), {"minutes": 5}) for m in (1, 6, 11)],
        Event(ev.SKIPPED, at(25, 13, 20), {"sitting_seconds": 100}),
    ]
    return sorted(events, key=lambda e: e.at)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN), tz=BERLIN)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    opened = open_history(tmp_path / "history.sqlite3")
    assert isinstance(opened.store, History) and opened.warning is None
    assert opened.store.append(seeded_events())
    yield opened.store
    opened.store.close()


#: Sitting since 14:00, but standing mode froze 10 of those 60 minutes.
LIVE = LiveStretch(at(25, 14), at(25, 15), 3000.0)


@pytest.fixture
def window(qtbot: QtBot, history: History, clock: FakeClock) -> StatsWindow:
    w = StatsWindow(history, clock, LIVE)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_today_shows_exact_figures_including_the_live_stretch(window: StatsWindow) -> None:
    # 30 min after midnight + 1 h 30 + 40 min + the live 50 min = 3 h 30 min
    values = {name: label.text() for name, label in window.today_values.items()}
    assert values == {
        "sitting_seconds": "3 h 30 min",
        "longest_sitting_seconds": "1 h 30 min",
        "breaks_taken": "2",          # one completed, one closed early that counted
        "natural_breaks": "2",
        "snoozed": "3",
        "skipped": "1",
        "routines_completed": "1",
    }
    assert window.headline.text() == "3 h 30 min sitting today"
    assert window.live_note.text() == "Includes the 50 min you have been sitting since 14:00."
    assert window.snapshot is not None and window.snapshot.today.sitting_seconds == pytest.approx(12600)


def test_without_a_live_stretch_only_recorded_time_counts(qtbot: QtBot, history: History,
                                                          clock: FakeClock) -> None:
    w = StatsWindow(history, clock)
    qtbot.addWidget(w)
    assert w.today_values["sitting_seconds"].text() == "2 h 40 min"
    assert w.live_note.isHidden()
    w.set_live(LIVE)
    assert w.today_values["sitting_seconds"].text() == "3 h 30 min"


def test_week_chart_has_monday_to_sunday_with_future_days_empty(window: StatsWindow) -> None:
    bars = window.week_chart.bars
    assert [b.label for b in bars] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [b.future for b in bars] == [False, False, False, True, True, True, True]
    assert bars[1].sitting_seconds == pytest.approx(2 * 3600 + 1800)
    assert (bars[0].breaks, bars[1].breaks, bars[2].breaks) == (1, 1, 2)
    assert bars[2].sitting_seconds == pytest.approx(12600)
    assert bars[4].detail == "Fri 27 Nov: still to come"


def test_month_chart_has_thirty_days_ending_today(window: StatsWindow) -> None:
    bars = window.month_chart.bars
    assert len(bars) == 30
    assert bars[-1].label == "25" and bars[0].label == "27"  # 27 Oct .. 25 Nov
    assert [b.breaks for b in bars[5:10]] == [1, 1, 1, 1, 1]  # 1..5 Nov


def test_hovering_a_day_shows_its_values(window: StatsWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentIndex(1)
    chart = window.week_chart
    qtbot.waitExposed(chart)
    expected = "Tue 24 Nov: 2 h 30 min sitting, 1 break taken, 0 natural"
    assert window.snapshot is not None
    assert day_detail(window.snapshot.rows[-2]) == expected
    QTest.mouseMove(chart, chart.slot_center(1).toPoint())
    qtbot.waitUntil(lambda: chart.selected == 1, timeout=2000)
    assert window.chart_detail.text() == expected


def test_the_charts_can_be_read_with_the_keyboard(window: StatsWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentIndex(1)
    chart = window.month_chart
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus, timeout=2000)
    assert chart.selected == 29  # focus starts at today
    QTest.keyClick(chart, Qt.Key.Key_Left)
    assert chart.selected == 28
    assert window.chart_detail.text() == "Tue 24 Nov: 2 h 30 min sitting, 1 break taken, 0 natural"
    QTest.keyClick(chart, Qt.Key.Key_Home)
    assert window.chart_detail.text().startswith("Tue 27 Oct: 0 min sitting")


def test_consistency_shows_the_streaks_the_grid_and_the_three_month_message(window: StatsWindow) -> None:
    assert window.streak_label.text() == "Current streak: 3 days · Best: 5 days"
    assert window.today_streak.text() == window.streak_label.text()
    weeks = window.grid.weeks
    assert len(weeks) == 12 and all(len(w) == 7 for w in weeks)
    last = weeks[-1]
    assert last[0].day == date(2026, 11, 23)
    assert [c.done for c in last[:3]] == [True, True, True]
    assert [c.in_future for c in last] == [False, False, False, True, True, True, True]
    assert [c.done for c in weeks[-2][5:]] == [True, False]  # Sat 21 done, Sun 22 not
    done = sum(c.done for w in weeks for c in w)
    assert done == 5 + 4  # 1..5 Nov and 21, 23, 24, 25 Nov
    assert "three months" in window.consistency_message.text()


def test_grid_hover_text_names_the_day(window: StatsWindow, qtbot: QtBot) -> None:
    window.tabs.setCurrentIndex(2)
    qtbot.waitExposed(window.grid)
    QTest.mouseMove(window.grid, window.grid.cell_rect(11, 1).center().toPoint())
    qtbot.waitUntil(lambda: window.grid.selected == (11, 1), timeout=2000)
    assert window.grid_detail.text() == "Tue 24 Nov 2026: routine completed"


def test_self_check_is_recorded_with_the_date_and_listed(window: StatsWindow, history: History,
                                                         clock: FakeClock) -> None:
    assert window.self_check_list.count() == 2
    QTest.mouseClick(window.self_check_buttons["half_hand"], Qt.MouseButton.LeftButton)
    checks = history.events(kinds=[ev.SELF_CHECK])
    assert checks[-1] == Event(ev.SELF_CHECK, clock.time(), {"result": "half_hand"})
    assert window.self_check_list.count() == 3
    assert window.self_check_list.item(0).text() == "Wed 25 Nov 2026: Half hand"
    assert window.self_check_list.item(2).text() == "Tue 1 Sep 2026: Whole hand"
    assert window.self_check_trend.text() == (
        "3 checks. First (Tue 1 Sep 2026): Whole hand. Latest (Wed 25 Nov 2026): Half hand, "
        "changed since your first check.")
    assert window.message.text() == "Recorded: Half hand."


def test_a_self_check_that_cannot_be_stored_says_why(qtbot: QtBot, history: History, clock: FakeClock,
                                                     tmp_path: Path) -> None:
    reader = open_history_readonly(tmp_path / "history.sqlite3")
    assert isinstance(reader.store, History)
    w = StatsWindow(reader.store, clock)
    qtbot.addWidget(w)
    assert w.record_self_check("no_room") is False
    assert w.message.text().startswith("The check was not recorded: History is not being saved")
    assert w.self_check_list.count() == 2
    reader.store.close()


def test_an_empty_history_shows_zeros(qtbot: QtBot, clock: FakeClock) -> None:
    w = StatsWindow(NullHistory(), clock)
    qtbot.addWidget(w)
    assert w.today_values["sitting_seconds"].text() == "0 min"
    assert w.streak_label.text() == "Current streak: 0 days · Best: 0 days"
    assert w.self_check_trend.text().startswith("No checks recorded yet")
    assert len(w.month_chart.bars) == 30


def test_export_days_reads_back_equal(window: StatsWindow, history: History, tmp_path: Path) -> None:
    path = tmp_path / "out" / "days.csv"
    count = window.export_days_to(path)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == DAY_COLUMNS
        records = list(reader)
    expected = daily_rows(history.events(kinds=DAY_KINDS), date(2026, 11, 1), TODAY, BERLIN, LIVE)
    assert count == len(expected) == 25
    assert records == [day_record(r) for r in expected]
    assert records[-1]["sitting_seconds"] == "12600"
    assert str(path) in window.message.text()


def test_export_events_reads_back_equal(window: StatsWindow, history: History, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    count = window.export_events_to(path)
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
        assert tuple(header) == EVENT_COLUMNS
    with open(path, newline="", encoding="utf-8") as fh:
        assert read_events_csv(fh) == history.events()
    assert count == len(seeded_events())


def test_every_control_has_an_accessible_name(window: StatsWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton, QListWidget

    from desktop_app.ui.bar_chart import BarChart
    from desktop_app.ui.calendar_grid import CalendarGrid

    controls = window.findChildren(QAbstractButton) + window.findChildren(QListWidget) \
        + window.findChildren(BarChart) + window.findChildren(CalendarGrid)
    assert len(controls) >= 10
    for w in controls:
        assert w.accessibleName(), f"{type(w).__name__} {w.objectName()}"
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus
