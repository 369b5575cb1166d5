"""A one-line label that breaks at its " · " separators when it is too narrow, instead of being cut off.

The player's top line ("Exercise 1/6 · 5:20 left") shares its row with three buttons; at the
smallest window the German and French lines lost their ends ("Übung 1/6 · noch 5:2…",
"Exercice 1/6 · enc…"). Plain word wrap would break anywhere ("Übung 1/6 · noch" / "5:20"),
so this label breaks between the parts the separator joins (one part a line, the separator
dropped) and only wraps inside a part that does not fit a line by itself. ``text()`` stays
the whole line, so screen readers and tests read it unchanged; only the drawing breaks it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

SEPARATOR = " · "


def split_lines(text: str, width: int, metrics: QFontMetrics) -> list[str]:
    """``text`` as the lines drawn in ``width`` pixels: whole when it fits, else broken at separators, then at spaces.

    A single word wider than ``width`` stays whole on its own line (the caller's size hints make room for it).
    """
    if not text or metrics.horizontalAdvance(text) <= width:
        return [text]
    lines: list[str] = []
    for part in text.split(SEPARATOR):
        if lines and metrics.horizontalAdvance(lines[-1] + SEPARATOR + part) <= width:
            lines[-1] += SEPARATOR + part
            continue
        if metrics.horizontalAdvance(part) <= width:
            lines.append(part)
            continue
        line = ""
        for word in part.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and metrics.horizontalAdvance(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


class SplitLine(QLabel):
    """A plain-text label drawn on one line when it fits, else one separator-joined part a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def lines(self, width: int | None = None) -> list[str]:
        """What is drawn at ``width`` (default: the label's own text width now)."""
        if width is None:
            width = self.contentsRect().width()
        return split_lines(self.text(), width, self.fontMetrics())

    def _frame(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:
        """As narrow as its widest part: in a row it yields first (breaks), before its neighbours' words do.

        Given a stretch factor, it still takes all the room its row has to spare and stays on one line
        whenever that fits.
        """
        return self.minimumSizeHint()

    def minimumSizeHint(self) -> QSize:
        """As wide as its widest part, so a part is never broken while the window can help it."""
        metrics = self.fontMetrics()
        frame = self._frame()
        widest = max((metrics.horizontalAdvance(p) for p in self.text().split(SEPARATOR)), default=0)
        return QSize(widest + frame.width(), metrics.height() + frame.height())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        frame = self._frame()
        count = len(split_lines(self.text(), width - frame.width(), self.fontMetrics()))
        metrics = self.fontMetrics()
        return metrics.height() + (count - 1) * metrics.lineSpacing() + frame.height()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        self.style().drawItemText(painter, rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                                  self.palette(), self.isEnabled(), "\n".join(self.lines(rect.width())),
                                  self.foregroundRole())
        painter.end()
