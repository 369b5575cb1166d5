"""The statistics window's "Program" tab: the program week, the days practised, the self-check by week.

Kept in its own module so the statistics window only adds a tab and calls
:meth:`ProgramSection.refresh`; every rule (what a week is, what counts as
practice) is in :mod:`desktop_app.core.program`, shared with the daily session
and ``hipbreak program``. The wording describes, it does not promise.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop_app.core import events as ev
from desktop_app.core.program import (
    WEEKS,
    Program,
    ProgramError,
    load_program,
    practised_days,
    progress,
    self_check_trend,
)
from desktop_app.i18n import _, current_language, ngettext

log = logging.getLogger(__name__)


def _result_text(result: str) -> str:
    return {"whole_hand": _("Whole hand"), "half_hand": _("Half hand"), "no_room": _("No room")}.get(result, result)


def weekly_self_check_text(by_week: Sequence[tuple[int, str]]) -> str:
    """The self-check log by program week, in words, without judging the change."""
    if not by_week:
        return _("No self-checks yet. Record one on the Self-check tab; once every few weeks is plenty.")
    parts = " · ".join(_("week {n}: {result}").format(n=week, result=_result_text(result)) for week, result in by_week)
    if len(by_week) == 1:
        return parts + "\n" + _("Check again in a few weeks to see how it changes.")
    first, last = by_week[0][1], by_week[-1][1]
    same = _("The same as in week {n}.") if first == last else _("Different from week {n}.")
    return parts + "\n" + _("Latest (week {last}): {result}.").format(
        last=by_week[-1][0], result=_result_text(last)) + " " + same.format(n=by_week[0][0])


class ProgramSection(QWidget):
    """The tab's widgets; :meth:`refresh` fills them from the history."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("program_section")
        try:
            self.program: Program | None = load_program()
        except ProgramError as exc:
            log.warning("program not available: %s", exc)
            self.program = None
        layout = QVBoxLayout(self)
        self.headline = QLabel()
        self.headline.setObjectName("program_week")
        self.headline.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.week_bar = QProgressBar()
        self.week_bar.setObjectName("program_days")
        self.week_bar.setAccessibleName(_("Days practised this program week"))
        self.week_label = QLabel()
        self.week_label.setBuddy(self.week_bar)
        self.overall_bar = QProgressBar()
        self.overall_bar.setObjectName("program_overall")
        self.overall_bar.setRange(0, WEEKS)
        self.overall_bar.setAccessibleName(_("Program weeks reached"))
        self.overall_label = QLabel()
        self.overall_label.setBuddy(self.overall_bar)
        self.focus = QLabel()
        self.focus.setObjectName("program_focus")
        self.focus.setWordWrap(True)
        self.focus.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        how = QLabel(_("A program week moves on after five days with practice, never sooner than a calendar "
                       "week. Missed days cost nothing: the program waits for you. A day counts when you finish "
                       "the program's routine, or any routine of four minutes or more."))
        how.setWordWrap(True)
        checks = QGroupBox(_("Pelvic-tilt self-check by program week"))
        inner = QVBoxLayout(checks)
        self.self_checks = QLabel()
        self.self_checks.setObjectName("program_self_checks")
        self.self_checks.setWordWrap(True)
        self.self_checks.setAccessibleName(_("Self-check by program week"))
        inner.addWidget(self.self_checks)
        for widget in (self.headline, self.week_label, self.week_bar, self.overall_label, self.overall_bar,
                       self.focus, how, checks):
            layout.addWidget(widget)
        layout.addStretch(1)

    def refresh(self, history: Any, today: date, tz: tzinfo, self_checks: Sequence[tuple[date, str]]) -> None:
        """Fill the tab from the history (``events`` of the statistics window's store)."""
        prog = self.program
        if prog is None:
            self.headline.setText(_("The program could not be loaded."))
            return
        try:
            days = practised_days(history.events(kinds=[ev.ROUTINE_COMPLETED]), tz, prog)
        except Exception as exc:  # HistoryError: a plain sentence; the other tabs still work
            self.headline.setText(str(exc))
            return
        now = progress(days, today, prog)
        week = prog.weeks[now.current_week - 1]
        self.headline.setText(_("Program week {week} of {total}").format(week=now.current_week, total=WEEKS))
        self.week_bar.setRange(0, now.days_per_week)
        self.week_bar.setValue(now.days_this_week)
        self.week_bar.setFormat(f"{now.days_this_week} / {now.days_per_week}")
        self.week_label.setText(ngettext("{n} of {goal} day practised this week", "{n} of {goal} days practised "
                                         "this week", now.days_this_week).format(n=now.days_this_week,
                                                                                goal=now.days_per_week))
        self.overall_bar.setValue(now.current_week)
        self.overall_bar.setFormat(f"{now.current_week} / {WEEKS}")
        self.overall_label.setText(ngettext("Weeks of the program: {week} of {total} ({n} day practised in all)",
                                            "Weeks of the program: {week} of {total} ({n} days practised in all)",
                                            now.days_practised).format(week=now.current_week, total=WEEKS,
                                                                       n=now.days_practised))
        self.focus.setText(_("This week: {focus}").format(focus=week.focus.get(current_language())))
        self.self_checks.setText(weekly_self_check_text(self_check_trend(self_checks, days, prog)))


__all__ = ["ProgramSection", "weekly_self_check_text"]
