"""The statistics window: today, the last weeks, the streak, the self-check log and CSV export.

Why it is built this way:

* **One snapshot.** All figures come from one call to
  :func:`desktop_app.core.stats.load_snapshot` (two indexed queries), the same
  function ``hipbreak stats`` uses, so the window and the CLI always agree and
  opening the window on a year of history stays quick (see ``bench/``).
* **The live stretch.** The sitting stretch still running is not in the
  history until it ends; the app passes it in (``live``) so "today" counts it.
* **No business rules here.** The window formats numbers and records a
  self-check event; every definition (what a break is, how days are cut) lives
  in ``core/stats.py``.
* **Readable without a mouse.** The charts and the grid take keyboard focus and
  announce the highlighted day in a label; every control has an accessible name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.application.status_text import format_duration
from desktop_app.atomic_files import StorageError
from desktop_app.core.clock import Clock
from desktop_app.core.events import SELF_CHECK, Event
from desktop_app.core.settings import DAY_NAMES
from desktop_app.core.stats import (
    DAY_KINDS,
    SELF_CHECK_RESULTS,
    DayTotals,
    LiveStretch,
    StatsSnapshot,
    daily_rows,
    load_snapshot,
    local_day,
)
from desktop_app.export import export_days, export_events
from desktop_app.i18n import _, ngettext
from desktop_app.ui import locale_dates
from desktop_app.ui.accessibility import name_as_shown, show_text
from desktop_app.ui.bar_chart import BarChart, DayBar
from desktop_app.ui.calendar_grid import CalendarGrid, long_date
from desktop_app.ui.program_section import ProgramSection
from desktop_app.ui.settings_fields import day_label
from desktop_app.ui.tab_text_style import tab_widget

log = logging.getLogger(__name__)

#: The rows of the Today tab: (DayTotals field, label).
TODAY_FIELDS: tuple[tuple[str, str], ...] = (
    ("sitting_seconds", "Sitting time"),
    ("longest_sitting_seconds", "Longest unbroken sitting"),
    ("breaks_taken", "Breaks taken"),
    ("natural_breaks", "Natural breaks"),
    ("snoozed", "Snoozed"),
    ("skipped", "Skipped"),
    ("routines_completed", "Routines completed"),
)


class HistoryLike(Protocol):
    """What the window needs from the history store (``storage.history.History`` or ``NullHistory``)."""

    def events(
        self, since: float | None = None, until: float | None = None, kinds: Collection[str] | None = None
    ) -> list[Event]: ...

    def append(self, events: Iterable[Event]) -> bool: ...


def self_check_text(result: str) -> str:
    """The words for a stored self-check result."""
    return {
        "whole_hand": _("Whole hand"),
        "half_hand": _("Half hand"),
        "no_room": _("No room"),
    }.get(result, result)


def short_date(day: date) -> str:
    """``Tue 24 Nov``, or the locale's short date with its weekday (``Di. 24.11.26``)."""
    return locale_dates.short_date(day)


def day_detail(row: DayTotals) -> str:
    """One day in words, for tooltips and screen readers."""
    breaks = ngettext("{n} break", "{n} breaks", row.breaks_taken).format(n=row.breaks_taken)
    return _("{day}: {sitting} sitting, {breaks} taken, {natural} natural").format(
        day=short_date(row.day), sitting=format_duration(row.sitting_seconds), breaks=breaks,
        natural=row.natural_breaks)


def streak_text(current: int, best: int) -> str:
    """``Current streak: 3 days · Best: 5 days``."""
    return _("Current streak: {current} · Best: {best}").format(
        current=ngettext("{n} day", "{n} days", current).format(n=current),
        best=ngettext("{n} day", "{n} days", best).format(n=best))


def self_check_trend(entries: list[tuple[date, str]]) -> str:
    """A plain description of the log: first and latest entry, no judgement."""
    if not entries:
        return _("No checks recorded yet. Try it once now, then about once a month.")
    if len(entries) == 1:
        day, result = entries[0]
        return _("One check so far ({day}: {result}). Repeat it in about a month to see a trend.").format(
            day=long_date(day), result=self_check_text(result))
    (first_day, first), (last_day, last) = entries[0], entries[-1]
    if first == last:
        change = _("the same as your first check")
    else:
        change = _("changed since your first check")
    count = ngettext("{n} check", "{n} checks", len(entries)).format(n=len(entries))
    return _("{count}. First ({first_day}): {first}. Latest ({last_day}): {last}, {change}.").format(
        count=count, first_day=long_date(first_day), first=self_check_text(first),
        last_day=long_date(last_day), last=self_check_text(last), change=change)


def consistency_message() -> str:
    """Why the streak matters, in the UI language."""
    return _(
        "Change comes slowly. For most people it takes about three months of steady practice before "
        "they notice a difference, so what counts is showing up on most days, not any single session. "
        "A missed day is just a missed day: the next one is a fresh start."
    )


class StatsWindow(QWidget):
    """The statistics window. Loads everything in one go on creation and on Refresh."""

    def __init__(
        self,
        history: HistoryLike,
        clock: Clock,
        live: LiveStretch | None = None,
        parent: QWidget | None = None,
        *,
        days: int = 30,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(_("HipBreak statistics"))
        self.setAccessibleName(_("HipBreak statistics"))
        self._history = history
        self._clock = clock
        self._live = live
        self._days = max(7, days)
        #: Seconds the last data load took (queries and figures), for the log and benchmarks.
        self.load_seconds = 0.0
        self.snapshot: StatsSnapshot | None = None

        self.tabs = tab_widget()  # keeps accents on tab labels (ui/tab_text_style.py)
        self.tabs.setAccessibleName(_("Statistics sections"))
        self.tabs.addTab(self._build_today(), _("Today"))
        self.tabs.addTab(self._build_charts(), _("Week and month"))
        self.tabs.addTab(self._build_consistency(), _("Consistency"))
        self.tabs.addTab(self._build_self_check(), _("Self-check"))
        self.program_section = ProgramSection()  # the 12-week program (ui/program_section.py)
        self.tabs.addTab(self.program_section, _("Program"))

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        show_text(self.message, _("Messages"))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_days_button = QPushButton(_("Export days (CSV)…"))
        name_as_shown(self.export_days_button, _("Export one row per day as a CSV file"))
        self.export_days_button.clicked.connect(self._on_export_days_clicked)
        self.export_events_button = QPushButton(_("Export all events (CSV)…"))
        name_as_shown(self.export_events_button, _("Export every recorded event as a CSV file"))
        self.export_events_button.clicked.connect(self._on_export_events_clicked)
        self.refresh_button = QPushButton(_("Refresh"))
        name_as_shown(self.refresh_button, _("Load the statistics again"))
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button = QPushButton(_("Close"))
        name_as_shown(self.close_button, _("Close the statistics"))
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_days_button)
        buttons.addWidget(self.export_events_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(680, 520)
        self.refresh()

    # --- building ---------------------------------------------------------------------------
    def _build_today(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setStyleSheet("font-size: 20pt; font-weight: bold;")
        show_text(self.headline, _("Sitting time today"))
        self.live_note = QLabel()
        self.live_note.setWordWrap(True)
        show_text(self.live_note, _("About the stretch running now"))
        form = QFormLayout()
        self.today_values: dict[str, QLabel] = {}
        for field_name, label_text in TODAY_FIELDS:
            value = QLabel()
            value.setObjectName(f"today_{field_name}")
            show_text(value, _(label_text))  # read as "42 min", described by its row label
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
            label = QLabel(_("{label}:").format(label=_(label_text)))
            label.setBuddy(value)
            form.addRow(label, value)
            self.today_values[field_name] = value
        self.today_streak = QLabel()
        self.today_streak.setObjectName("today_streak")
        show_text(self.today_streak, _("Streaks"))
        layout.addWidget(self.headline)
        layout.addWidget(self.live_note)
        layout.addWidget(self.today_streak)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _build_charts(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.week_chart = BarChart(_("This week: sitting time and breaks per day"))
        self.month_chart = BarChart(_("Last 30 days: sitting time and breaks per day"), legend=False)
        self.chart_detail = QLabel(
            _("Point at a day, or focus a chart and use the arrow keys, to see its values."))
        self.chart_detail.setObjectName("chart_detail")
        show_text(self.chart_detail, _("Values of the highlighted day"))
        self.chart_detail.setWordWrap(True)
        for title, chart in ((_("This week"), self.week_chart), (_("Last 30 days"), self.month_chart)):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(chart)
            chart.selection_changed.connect(self._on_chart_selection_changed)
            layout.addWidget(box, 1)
        layout.addWidget(self.chart_detail)
        return page

    def _build_consistency(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.streak_label = QLabel()
        self.streak_label.setObjectName("streaks")
        self.streak_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        show_text(self.streak_label, _("Streaks"))
        self.grid = CalendarGrid()
        self.grid_detail = QLabel()
        show_text(self.grid_detail, _("The highlighted day"))
        self.grid.selection_changed.connect(self.grid_detail.setText)
        legend = QLabel(_("Green: a routine completed that day. Grey: none. Today has a dark outline."))
        legend.setWordWrap(True)
        self.consistency_message = QLabel(consistency_message())
        self.consistency_message.setObjectName("consistency_message")
        self.consistency_message.setWordWrap(True)
        show_text(self.consistency_message, _("About consistency"))
        row = QHBoxLayout()
        row.addWidget(self.grid)
        row.addStretch(1)
        layout.addWidget(self.streak_label)
        layout.addLayout(row)
        layout.addWidget(self.grid_detail)
        layout.addWidget(legend)
        layout.addSpacing(8)
        layout.addWidget(self.consistency_message)
        layout.addStretch(1)
        return page

    def _build_self_check(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        how = QLabel(_("Lie on your back with your legs straight out and slide one hand, palm down, "
                       "under the small of your back. How much of your hand fits? This is only a rough "
                       "hint, not a diagnosis; \"About these stretches\" says what the answers may mean."))
        how.setWordWrap(True)
        show_text(how, _("How to do the self-check"))
        buttons = QHBoxLayout()
        self.self_check_buttons: dict[str, QPushButton] = {}
        for result in SELF_CHECK_RESULTS:
            button = QPushButton(self_check_text(result))
            button.setObjectName(f"self_check_{result}")
            text = self_check_text(result)
            button.setAccessibleName(_("Record today's check: {result}").format(result=text))
            button.clicked.connect(lambda _checked=False, r=result: self.record_self_check(r))
            buttons.addWidget(button)
            self.self_check_buttons[result] = button
        buttons.addStretch(1)
        self.self_check_trend = QLabel()
        self.self_check_trend.setObjectName("self_check_trend")
        self.self_check_trend.setWordWrap(True)
        show_text(self.self_check_trend, _("Self-check trend"))
        log_title = QLabel(_("Your checks (newest first):"))
        self.self_check_list = QListWidget()
        self.self_check_list.setAccessibleName(_("Your self-checks"))
        log_title.setBuddy(self.self_check_list)
        layout.addWidget(how)
        layout.addLayout(buttons)
        layout.addWidget(self.self_check_trend)
        layout.addWidget(log_title)
        layout.addWidget(self.self_check_list, 1)
        return page

    # --- data -----------------------------------------------------------------------------
    def _tz(self) -> tzinfo:
        tz = self._clock.now().tzinfo
        assert tz is not None, "Clock.now() must be timezone-aware"
        return tz

    def set_live(self, live: LiveStretch | None) -> None:
        """Replace the live stretch (the app knows it) and reload."""
        self._live = live
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()  # as in every other HipBreak window: Esc closes
        else:
            super().keyPressEvent(event)

    def refresh(self) -> None:
        """Load everything again in one go and update every tab."""
        now = self._clock.now()
        started = time.perf_counter()
        try:
            snapshot = load_snapshot(self._history, now.date(), self._tz(), days=self._days, live=self._live)
        except StorageError as exc:  # HistoryError: a plain sentence
            self.message.setText(str(exc))
            return
        self.load_seconds = time.perf_counter() - started
        log.debug("statistics loaded in %.1f ms", self.load_seconds * 1000)
        self.snapshot = snapshot
        self._show_today(snapshot)
        self._show_charts(snapshot)
        self._show_consistency(snapshot)
        self._show_self_checks(snapshot)
        self.program_section.refresh(self._history, now.date(), self._tz(), snapshot.self_checks)

    def _show_today(self, snapshot: StatsSnapshot) -> None:
        today = snapshot.today
        sitting = format_duration(today.sitting_seconds)
        self.headline.setText(_("{sitting} sitting today").format(sitting=sitting))
        for field_name, label in self.today_values.items():
            value = getattr(today, field_name)
            label.setText(format_duration(value) if field_name.endswith("_seconds") else str(value))
        live = self._live
        if live is not None:
            seconds = live.end - live.start if live.seconds is None else live.seconds
            when = locale_dates.clock_time(datetime.fromtimestamp(live.start, self._tz()))
            self.live_note.setText(_("Includes the {m} you have been sitting since {when}.").format(
                m=format_duration(seconds), when=when))
            self.live_note.show()
        else:
            self.live_note.hide()

    def _show_charts(self, snapshot: StatsSnapshot) -> None:
        today = snapshot.today.day
        by_day = {row.day: row for row in snapshot.rows}
        monday = today - timedelta(days=today.weekday())
        week: list[DayBar] = []
        for i in range(7):
            day = monday + timedelta(days=i)
            row = by_day.get(day, DayTotals(day))
            future = day > today
            detail = _("{day}: still to come").format(day=short_date(day)) if future else day_detail(row)
            week.append(DayBar(day_label(DAY_NAMES[i])[0],
                               row.sitting_seconds, row.breaks_taken, detail, future))
        self.week_chart.set_bars(week)
        month = snapshot.rows[-30:]
        self.month_chart.set_bars([DayBar(str(r.day.day), r.sitting_seconds, r.breaks_taken, day_detail(r))
                                   for r in month])

    def _show_consistency(self, snapshot: StatsSnapshot) -> None:
        current, best = snapshot.streaks
        self.streak_label.setText(streak_text(current, best))
        self.today_streak.setText(streak_text(current, best))
        self.grid.set_grid(snapshot.grid)

    def _show_self_checks(self, snapshot: StatsSnapshot) -> None:
        self.self_check_list.clear()
        for day, result in reversed(snapshot.self_checks):
            self.self_check_list.addItem(_("{day}: {result}").format(day=long_date(day),
                                                                     result=self_check_text(result)))
        self.self_check_trend.setText(self_check_trend(snapshot.self_checks))

    def _on_chart_selection_changed(self, text: str) -> None:
        if text:
            self.chart_detail.setText(text)

    # --- actions --------------------------------------------------------------------------
    def record_self_check(self, result: str) -> bool:
        """Record a pelvic-tilt self-check now; returns False (and says why) if it was not stored."""
        if result not in SELF_CHECK_RESULTS:
            raise ValueError(f"unknown self-check result {result!r}")
        stored = self._history.append([Event(SELF_CHECK, self._clock.time(), {"result": result})])
        if not stored:
            reason = getattr(self._history, "last_error", None) or _("the history could not be written")
            self.message.setText(_("The check was not recorded: {reason}").format(reason=reason))
            return False
        self.message.setText(_("Recorded: {result}.").format(result=self_check_text(result)))
        self.refresh()
        return True

    def all_day_rows(self) -> list[DayTotals]:
        """One row per day from the first recorded day to today (what "Export days" writes)."""
        tz = self._tz()
        today = self._clock.now().date()
        events = self._history.events(kinds=DAY_KINDS)
        first = local_day(events[0].at, tz) if events else today
        return daily_rows(events, min(first, today), today, tz, self._live)

    def export_days_to(self, path: Path) -> int:
        """Write the per-day CSV to ``path``; returns the number of days (raises StorageError)."""
        count = export_days(path, self.all_day_rows())
        self.message.setText(ngettext("Saved {n} day to {path}.", "Saved {n} days to {path}.", count).format(
            n=count, path=path))
        return count

    def export_events_to(self, path: Path) -> int:
        """Write every recorded event to ``path`` as CSV; returns the event count (raises StorageError)."""
        count = export_events(path, self._history.events(), self._tz())
        self.message.setText(ngettext("Saved {n} event to {path}.", "Saved {n} events to {path}.", count).format(
            n=count, path=path))
        return count

    def _ask_path(self, title: str, stem: str) -> Path | None:
        suggested = Path.home() / f"{stem}-{self._clock.now().date().isoformat()}.csv"
        chosen, _filter = QFileDialog.getSaveFileName(self, title, str(suggested), _("CSV files (*.csv)"))
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix else path.with_suffix(".csv")

    def _on_export_days_clicked(self) -> None:
        path = self._ask_path(_("Export days"), "hipbreak-days")
        if path is not None:
            self._export(lambda: self.export_days_to(path))

    def _on_export_events_clicked(self) -> None:
        path = self._ask_path(_("Export all events"), "hipbreak-events")
        if path is not None:
            self._export(lambda: self.export_events_to(path))

    def _export(self, action: Callable[[], int]) -> None:
        try:
            action()
        except StorageError as exc:
            self.message.setText(str(exc))

__all__ = ["TODAY_FIELDS", "StatsWindow", "consistency_message", "day_detail", "self_check_text",
           "self_check_trend", "short_date", "streak_text"]
