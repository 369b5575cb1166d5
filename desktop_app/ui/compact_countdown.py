"""Compact mode: a small, always-on-top countdown that can be read from across a room.

Someone on a mat two metres from the screen needs one thing: how many seconds
are left, and what they are doing. So this is a dark tile with a huge light
number, one line of text and a thin progress bar. It has no timer of its own;
the player window pushes each second into it. A click (or Esc) brings the full
window back; dragging moves the tile.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QWidget

from desktop_app.i18n import _
from desktop_app.ui.accessibility import AA_NON_TEXT, readable_colour
from desktop_app.ui.countdown_ring import KIND_COLOURS

BACKGROUND = "#1b1f24"
FOREGROUND = "#f4f4f4"


class CompactCountdown(QWidget):
    """The compact tile. Signals: ``expand_requested`` (click / Esc), ``pause_toggled`` (Space)."""

    expand_requested = Signal()
    pause_toggled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle(_("HipBreak countdown"))
        self.setAccessibleName(_("Compact countdown"))
        self.setToolTip(_("Click to show the full player. Drag to move."))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._text = ""
        self._label = ""
        self._fraction = 1.0
        self._colour = QColor(KIND_COLOURS["hold"])
        self._press_at: QPoint | None = None
        self._moved = False
        self.resize(self.sizeHint())

    def sizeHint(self) -> QSize:
        return QSize(240, 150)

    @property
    def text(self) -> str:
        return self._text

    @property
    def label(self) -> str:
        return self._label

    def set_state(self, text: str, label: str, fraction: float, kind: str = "hold") -> None:
        """Show ``text`` big, ``label`` under it, and a bar ``fraction`` full in ``kind``'s colour."""
        self._text, self._label = text, label
        self._fraction = min(1.0, max(0.0, fraction))
        self._colour = QColor(KIND_COLOURS.get(kind, KIND_COLOURS["hold"]))
        self.setAccessibleDescription(f"{text} {label}".strip())
        self.update()

    def bar_colour(self) -> QColor:
        """The progress bar's colour, kept at WCAG AA non-text contrast (3:1) on the dark tile."""
        return readable_colour(self._colour, QColor(BACKGROUND), AA_NON_TEXT)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(BACKGROUND))
        w, h = float(self.width()), float(self.height())
        bar_h = max(6.0, h * 0.06)
        painter.fillRect(QRectF(0, h - bar_h, w * self._fraction, bar_h), self.bar_colour())
        painter.setPen(QColor(FOREGROUND))
        number_font = QFont(self.font())
        number_font.setBold(True)
        number_font.setPixelSize(max(12, int(h * 0.58)))
        metrics = QFontMetricsF(number_font)
        while metrics.horizontalAdvance(self._text) > w * 0.92 and number_font.pixelSize() > 12:
            number_font.setPixelSize(number_font.pixelSize() - 2)
            metrics = QFontMetricsF(number_font)
        painter.setFont(number_font)
        painter.drawText(QRectF(0, 0, w, h * 0.70), Qt.AlignmentFlag.AlignCenter, self._text)
        label_font = QFont(self.font())
        label_font.setPixelSize(max(10, int(h * 0.13)))
        painter.setFont(label_font)
        elided = QFontMetricsF(label_font).elidedText(self._label, Qt.TextElideMode.ElideRight, w - 12)
        painter.drawText(QRectF(6, h * 0.68, w - 12, h * 0.24), Qt.AlignmentFlag.AlignCenter, elided)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_at = event.globalPosition().toPoint() - self.frameGeometry().topLeft()
            self._moved = False
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press_at is not None and event.buttons() & Qt.MouseButton.LeftButton:
            target = event.globalPosition().toPoint() - self._press_at
            if (target - self.pos()).manhattanLength() > 3:
                self._moved = True
            if self._moved:
                self.move(target)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press_at is not None and not self._moved:
            self.expand_requested.emit()
        self._press_at = None
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.expand_requested.emit()
        elif event.key() == Qt.Key.Key_Space:
            self.pause_toggled.emit()
        else:
            super().keyPressEvent(event)
