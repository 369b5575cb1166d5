"""The consistency grid: one square per day for the last 12 weeks, filled on days with a
completed routine.

Why a grid and not a number: a habit is a pattern over weeks, and gaps are
easier to see than to read. Columns are weeks (oldest on the left), rows are
Monday to Sunday, as in a wall calendar turned on its side. Days still to come
in this week are left blank; today has a dark outline.

Hover shows the date and whether a routine was done; the widget also takes
keyboard focus, and the arrow keys move a highlighted day whose text is
announced through :attr:`CalendarGrid.selection_changed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from desktop_app.core.settings import DAY_NAMES
from desktop_app.core.stats import GridDay
from desktop_app.i18n import _
from desktop_app.ui.settings_fields import day_label

DONE_COLOR = QColor("#3a9d5d")
EMPTY_COLOR = QColor("#e4e4e4")
TODAY_PEN = QColor("#202020")


def month_name(month: int) -> str:
    """Short month name, translated (``1`` → "Jan")."""
    names = (_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"),
             _("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec"))
    return names[month - 1]


def long_date(day: date) -> str:
    """``Tue 24 Nov 2026``, or the locale's long date (``Dienstag, 24. November 2026``)."""
    from desktop_app.ui.locale_dates import long_date as locale_long_date

    return locale_long_date(day)


def cell_text(cell: GridDay) -> str:
    """What a day of the grid says, for the tooltip and screen readers."""
    if cell.in_future:
        state = _("still to come")
    elif cell.done:
        state = _("routine completed")
    else:
        state = _("no routine completed")
    return _("{day}: {result}").format(day=long_date(cell.day), result=state)


class CalendarGrid(QWidget):
    """Weeks as columns, weekdays as rows; see the module docstring."""

    selection_changed = Signal(str)

    CELL = 18
    GAP = 4
    LEFT = 40   # weekday labels
    TOP = 20    # month labels

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Days with a completed routine, last 12 weeks"))
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.weeks: list[list[GridDay]] = []
        self.today: date | None = None
        self.selected: tuple[int, int] | None = None

    def set_grid(self, weeks: Sequence[Sequence[GridDay]]) -> None:
        """Show ``weeks`` (oldest first, each Monday..Sunday) as from ``core.stats.consistency_grid``."""
        self.weeks = [list(w) for w in weeks]
        past = [c for w in self.weeks for c in w if not c.in_future]
        self.today = past[-1].day if past else None
        self.selected = None
        done = sum(1 for c in past if c.done)
        self.setAccessibleDescription(_("{done} of the last {days} days had a completed routine").format(
            done=done, days=len(past)))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        columns = max(1, len(self.weeks))
        step = self.CELL + self.GAP
        return QSize(self.LEFT + columns * step + 4, self.TOP + 7 * step + 4)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def cell_rect(self, week: int, weekday: int) -> QRectF:
        step = self.CELL + self.GAP
        return QRectF(self.LEFT + week * step, self.TOP + weekday * step, self.CELL, self.CELL)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(week, weekday) under ``pos``, or None (also between cells)."""
        for w in range(len(self.weeks)):
            for d in range(7):
                if self.cell_rect(w, d).contains(pos):
                    return w, d
        return None

    def select(self, cell: tuple[int, int] | None) -> None:
        if cell == self.selected:
            return
        self.selected = cell
        self.update()
        self.selection_changed.emit("" if cell is None else cell_text(self.weeks[cell[0]][cell[1]]))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        self.select(cell)
        if cell is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), cell_text(self.weeks[cell[0]][cell[1]]), self)

    def leaveEvent(self, event: QEvent) -> None:
        if not self.hasFocus():
            self.select(None)
        QToolTip.hideText()

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.selected is None and self.weeks and self.today is not None:
            self.select((len(self.weeks) - 1, self.today.weekday()))
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
                 Qt.Key.Key_Down: (0, 1)}
        move = moves.get(Qt.Key(event.key()))
        if move is None or not self.weeks:
            super().keyPressEvent(event)
            return
        week, weekday = self.selected or (len(self.weeks) - 1, 0)
        week = min(max(0, week + move[0]), len(self.weeks) - 1)
        weekday = min(max(0, weekday + move[1]), 6)
        self.select((week, weekday))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().windowText().color()
        painter.setPen(text)
        for d in (0, 2, 4, 6):
            rect = self.cell_rect(0, d)
            painter.drawText(QRectF(0, rect.top(), self.LEFT - 6, rect.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             day_label(DAY_NAMES[d])[0])
        last_month = None
        for w, week in enumerate(self.weeks):
            month = week[0].day.month
            if month != last_month:
                rect = self.cell_rect(w, 0)
                painter.setPen(text)
                painter.drawText(QPointF(rect.left(), self.TOP - 6), month_name(month))
                last_month = month
            for d, cell in enumerate(week):
                rect = self.cell_rect(w, d)
                if cell.in_future:
                    painter.setPen(QPen(EMPTY_COLOR, 1, Qt.PenStyle.DashLine))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                else:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(DONE_COLOR if cell.done else EMPTY_COLOR)
                painter.drawRoundedRect(rect, 3, 3)
                if cell.day == self.today or (w, d) == self.selected:
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    width = 2 if cell.day == self.today else 1.5
                    color = TODAY_PEN if cell.day == self.today else QColor("#4a7fc1")
                    painter.setPen(QPen(color, width))
                    painter.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 3, 3)


__all__ = ["DONE_COLOR", "EMPTY_COLOR", "CalendarGrid", "cell_text", "long_date", "month_name"]
