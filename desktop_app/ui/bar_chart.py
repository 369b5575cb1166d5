"""A small bar chart of sitting time and breaks per day, painted with QPainter.

Why hand-painted: the chart is two series of at most a few dozen bars, which
QPainter draws in a few lines; QtCharts would be a large extra dependency
(and a large extra part of the bundle) for that.

Each day has two bars side by side, each on its own scale: sitting time
(hours, left axis) and breaks taken (count, right axis). Hovering a day shows
its values in a tooltip; the chart also takes keyboard focus, and Left/Right
move a highlighted day whose values are announced through
:attr:`BarChart.selection_changed` (the window shows them in a label that
screen readers read), so the figures are never mouse-only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_app.i18n import _
from desktop_app.ui.locale_dates import decimal

SITTING_COLOR = QColor("#4a7fc1")
BREAKS_COLOR = QColor("#e08a2c")
GRID_COLOR = QColor(0, 0, 0, 40)
HIGHLIGHT_COLOR = QColor(74, 127, 193, 40)


@dataclass(frozen=True)
class DayBar:
    """One day of the chart."""

    label: str            # under the bar ("Mon", "24")
    sitting_seconds: float
    breaks: int
    detail: str           # the full text for tooltip and screen readers
    future: bool = False  # a day of this week still to come: drawn empty


#: Horizontal grid lines divide the plot into this many steps; both axes share them.
AXIS_STEPS = 4


def axis_top(value: float, smallest_step: float) -> float:
    """The axis maximum for ``value``: :data:`AXIS_STEPS` equal steps, each a whole number
    (or ``smallest_step`` when that is enough), so every grid line gets a round label on both axes."""
    step = smallest_step
    if value > smallest_step * AXIS_STEPS:
        step = float(math.ceil(value / AXIS_STEPS))
    return step * AXIS_STEPS


class BarChart(QWidget):
    """Sitting time and breaks per day; see the module docstring."""

    #: The text of the highlighted (hovered or keyboard-selected) day, or "" when none.
    selection_changed = Signal(str)

    MARGIN_LEFT = 46
    MARGIN_RIGHT = 34
    MARGIN_TOP = 26  # room for the legend (and the top axis label without it)
    MARGIN_BOTTOM = 24

    def __init__(self, name: str, parent: QWidget | None = None, *, legend: bool = True) -> None:
        super().__init__(parent)
        self.legend = legend
        self.setAccessibleName(name)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.bars: list[DayBar] = []
        self.selected: int | None = None

    def sizeHint(self) -> QSize:
        return QSize(520, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 140)

    def set_bars(self, bars: Sequence[DayBar]) -> None:
        """Show ``bars`` (oldest first)."""
        self.bars = list(bars)
        self.selected = None
        total_h = sum(b.sitting_seconds for b in self.bars) / 3600
        self.setAccessibleDescription(
            _("{n} days: {h} hours of sitting and {b} breaks in all").format(
                n=len(self.bars), h=decimal(total_h, 1), b=sum(b.breaks for b in self.bars)))
        self.update()

    # --- geometry ---------------------------------------------------------------------
    def plot_rect(self) -> QRectF:
        return QRectF(self.MARGIN_LEFT, self.MARGIN_TOP,
                      max(1.0, self.width() - self.MARGIN_LEFT - self.MARGIN_RIGHT),
                      max(1.0, self.height() - self.MARGIN_TOP - self.MARGIN_BOTTOM))

    def axis_maxima(self) -> tuple[float, float]:
        """(hours, breaks) at the top of the plot."""
        hours = max((b.sitting_seconds for b in self.bars), default=0.0) / 3600
        breaks = max((b.breaks for b in self.bars), default=0)
        return axis_top(hours, 0.5), axis_top(float(breaks), 1.0)

    def index_at(self, x: float) -> int | None:
        """The day under horizontal position ``x`` (widget coordinates), or None."""
        plot = self.plot_rect()
        if not self.bars or not plot.left() <= x < plot.right():
            return None
        slot = plot.width() / len(self.bars)
        return min(len(self.bars) - 1, int((x - plot.left()) / slot))

    def slot_center(self, index: int) -> QPointF:
        plot = self.plot_rect()
        slot = plot.width() / max(1, len(self.bars))
        return QPointF(plot.left() + slot * (index + 0.5), plot.center().y())

    # --- interaction --------------------------------------------------------------------
    def select(self, index: int | None) -> None:
        """Highlight a day (None: none) and announce its values."""
        if index is not None and not 0 <= index < len(self.bars):
            index = None
        if index == self.selected:
            return
        self.selected = index
        self.update()
        self.selection_changed.emit("" if index is None else self.bars[index].detail)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position().x())
        self.select(index)
        if index is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.bars[index].detail, self)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if not self.hasFocus():
            self.select(None)
        QToolTip.hideText()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.bars or key not in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            super().keyPressEvent(event)
            return
        last = len(self.bars) - 1
        current = self.selected if self.selected is not None else last
        if key == Qt.Key.Key_Left:
            current = max(0, current - 1) if self.selected is not None else last
        elif key == Qt.Key.Key_Right:
            current = min(last, current + 1)
        elif key == Qt.Key.Key_Home:
            current = 0
        else:
            current = last
        self.select(current)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.selected is None and self.bars:
            self.select(len(self.bars) - 1)
        super().focusInEvent(event)

    # --- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self.plot_rect()
        text_color = self.palette().windowText().color()
        max_h, max_b = self.axis_maxima()
        metrics = painter.fontMetrics()

        # legend
        x = plot.left()
        legend = ((SITTING_COLOR, _("Sitting time (hours, left)")), (BREAKS_COLOR, _("Breaks taken (right)")))
        for color, text in legend if self.legend else ():
            painter.fillRect(QRectF(x, 8, 10, 10), color)
            painter.setPen(text_color)
            painter.drawText(QPointF(x + 14, 17), text)
            x += 14 + metrics.horizontalAdvance(text) + 18

        # grid and axes labels
        steps = AXIS_STEPS
        for i in range(steps + 1):
            y = plot.bottom() - plot.height() * i / steps
            painter.setPen(QPen(GRID_COLOR, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_color)
            hours = max_h * i / steps
            hours_text = f"{hours:g} h" if hours else "0"
            painter.drawText(QRectF(0, y - 8, plot.left() - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, hours_text)
            count = max_b * i / steps
            painter.drawText(QRectF(plot.right() + 6, y - 8, self.MARGIN_RIGHT - 6, 16),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{count:g}")

        if not self.bars:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, _("No days to show yet."))
            return
        slot = plot.width() / len(self.bars)
        label_every = max(1, math.ceil((metrics.horizontalAdvance("00") + 8) / slot))
        for i, bar in enumerate(self.bars):
            left = plot.left() + slot * i
            if i == self.selected:
                painter.fillRect(QRectF(left, plot.top(), slot, plot.height()), HIGHLIGHT_COLOR)
            if not bar.future:
                width = slot * 0.42
                h = plot.height() * min(1.0, bar.sitting_seconds / 3600 / max_h)
                painter.fillRect(QRectF(left + slot * 0.1, plot.bottom() - h, width, h), SITTING_COLOR)
                h = plot.height() * min(1.0, bar.breaks / max_b)
                painter.fillRect(QRectF(left + slot * 0.56, plot.bottom() - h, slot * 0.3, h), BREAKS_COLOR)
            if (len(self.bars) - 1 - i) % label_every == 0:  # counted from today, which is always labelled
                color = QColor(text_color)
                if bar.future:
                    color.setAlpha(110)
                painter.setPen(color)
                painter.drawText(QRectF(left - slot, plot.bottom() + 3, slot * 3, self.MARGIN_BOTTOM - 3),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, bar.label)
        painter.setPen(QPen(text_color, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))


__all__ = ["BREAKS_COLOR", "SITTING_COLOR", "BarChart", "DayBar", "axis_top"]
