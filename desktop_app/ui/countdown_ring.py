"""The big countdown: a number inside a ring that drains as the segment runs.

It is painted, not laid out from labels, so the number always fills the same
share of the ring at any window size, from a 360 px wide window to full screen,
and stays readable from across a room. It holds no timing of its own: the
player window tells it what to show at each whole-second tick.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.ui.accessibility import AA_NON_TEXT, readable_colour

#: Ring colours per segment kind: calm for work, warm for "get ready", violet for "switch sides".
KIND_COLOURS: dict[str, str] = {
    "prep": "#d08a16",
    "hold": "#1f8a70",
    "reps": "#2266c4",
    "rest": "#6b8e23",
    "switch": "#8a4fbf",
    "finished": "#1f8a70",
    "paused": "#8c8c8c",
}


class CountdownRing(QWidget):
    """A square-ish widget: ring (fraction left), a big central text and a small caption under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fraction = 1.0
        self._text = ""
        self._caption = ""
        self._colour = QColor(KIND_COLOURS["hold"])
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(110, 110)

    def sizeHint(self) -> QSize:
        return QSize(220, 220)

    @property
    def text(self) -> str:
        return self._text

    @property
    def caption(self) -> str:
        return self._caption

    @property
    def fraction(self) -> float:
        return self._fraction

    def set_state(self, text: str, fraction: float, caption: str = "", kind: str = "hold") -> None:
        """Show ``text`` big, ``caption`` small, and a ring ``fraction`` (0..1) full, in ``kind``'s colour."""
        fraction = min(1.0, max(0.0, fraction))
        colour = QColor(KIND_COLOURS.get(kind, KIND_COLOURS["hold"]))
        if (text, fraction, caption, colour) == (self._text, self._fraction, self._caption, self._colour):
            return
        self._text, self._fraction, self._caption, self._colour = text, fraction, caption, colour
        self.setAccessibleName(f"{text} {caption}".strip())
        self.update()

    def ring_colour(self) -> QColor:
        """The colour the ring is painted in: the segment kind's colour, made lighter or darker
        just enough to keep WCAG AA non-text contrast (3:1) on this theme's window colour."""
        return readable_colour(self._colour, self.palette().window().color(), AA_NON_TEXT)

    def ring_rect(self) -> QRectF:
        """The square the ring is drawn in, centred in the widget."""
        side = min(self.width(), self.height())
        pen = max(4.0, side * 0.07)
        inset = pen / 2 + 2
        return QRectF((self.width() - side) / 2 + inset, (self.height() - side) / 2 + inset,
                      side - 2 * inset, side - 2 * inset)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.ring_rect()
        pen_width = max(4.0, min(self.width(), self.height()) * 0.07)
        track = QColor(self.palette().windowText().color())
        track.setAlphaF(0.12)
        painter.setPen(QPen(track, pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawEllipse(rect)
        if self._fraction > 0:
            painter.setPen(QPen(self.ring_colour(), pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            # Qt angles: 1/16 degree, counter-clockwise from 3 o'clock. Start at 12 o'clock and
            # drain clockwise, so what is left is the arc from 12 o'clock going clockwise.
            painter.drawArc(rect, 90 * 16, int(-360 * 16 * self._fraction))
        inner = rect.adjusted(pen_width, pen_width, -pen_width, -pen_width)
        painter.setPen(self.palette().windowText().color())
        number_font = QFont(self.font())
        number_font.setBold(True)
        size = inner.height() * (0.42 if len(self._text) <= 2 else 0.30)
        number_font.setPixelSize(max(10, int(size)))
        metrics = QFontMetricsF(number_font)
        while metrics.horizontalAdvance(self._text) > inner.width() * 0.9 and number_font.pixelSize() > 10:
            number_font.setPixelSize(number_font.pixelSize() - 2)
            metrics = QFontMetricsF(number_font)
        painter.setFont(number_font)
        number_box = QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.78)
        painter.drawText(number_box, Qt.AlignmentFlag.AlignCenter, self._text)
        if self._caption:
            caption_font = QFont(self.font())
            caption_font.setPixelSize(max(9, int(inner.height() * 0.11)))
            painter.setFont(caption_font)
            caption_box = QRectF(inner.left(), inner.top() + inner.height() * 0.62, inner.width(),
                                 inner.height() * 0.22)
            painter.drawText(caption_box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             self._caption)
        painter.end()
