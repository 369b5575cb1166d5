"""The big countdown: a number inside a ring that drains as the segment runs.

It is painted, not laid out from labels, so the number always fills the same
share of the ring at any window size, from a 360 px wide window to full screen,
and stays readable from across a room. It holds no timing of its own: the
player window tells it what to show at each whole-second tick.

Where the number and the caption go is worked out by :func:`ring_layout`, a pure
function of the widget size, the texts and the font, so that the paint and the test
that proves every text stays inside the ring's inner circle (tests/ui/test_ring_fits.py)
use the very same boxes. A caption that is too wide for its chord ("Wiederholung von 8"
in a 133 px ring) is first shrunk a little, then wrapped onto two lines, and the number
gives up some size before the caption drops below a readable size.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
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

#: The smallest caption, in logical pixels (the old fixed floor): smaller is hard to read at arm's length.
CAPTION_MIN_PX = 9
#: The smallest number; it only gets this small in a ring near its 90 px minimum with a long caption.
NUMBER_MIN_PX = 14
#: The number keeps at least this share of its natural size before the caption is shrunk below its own.
_NUMBER_KEEP = 0.62


@dataclass(frozen=True)
class RingLine:
    """One painted line of text: what, in which font, from which baseline point, and its ink box."""

    text: str
    font: QFont
    baseline: QPointF
    box: QRectF


@dataclass(frozen=True)
class RingLayout:
    """Where everything in the ring goes for one widget size and one pair of texts."""

    ring: QRectF
    pen_width: float
    centre: QPointF
    #: The radius every text box stays inside: the ring's inner edge less a small gap.
    text_radius: float
    number: RingLine | None
    caption: tuple[RingLine, ...]

    def lines(self) -> tuple[RingLine, ...]:
        return ((self.number,) if self.number else ()) + self.caption


def ring_geometry(width: float, height: float) -> tuple[QRectF, float]:
    """The square the ring is drawn in (centred in ``width`` x ``height``) and its pen width."""
    side = min(width, height)
    pen = max(4.0, side * 0.07)
    inset = pen / 2 + 2
    return QRectF((width - side) / 2 + inset, (height - side) / 2 + inset,
                  side - 2 * inset, side - 2 * inset), pen


def _sized(base: QFont, px: int, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setBold(bold)
    font.setPixelSize(px)
    return font


def _caption_box(metrics: QFontMetricsF, text: str) -> QRectF:
    """The caption line's box around its baseline origin: the full line height (accents, descenders)
    and the wider of its advance and its ink (an italic or overhanging last glyph)."""
    line = QRectF(0.0, -metrics.ascent(), metrics.horizontalAdvance(text), metrics.ascent() + metrics.descent())
    return line.united(metrics.tightBoundingRect(text))


def _splits(caption: str) -> list[tuple[str, ...]]:
    """The caption on one line, then on two, broken at a space (or after a hyphen), most even first."""
    options: list[tuple[str, ...]] = [(caption,)]
    breaks = [(m.start(), m.end()) for m in re.finditer(r" +", caption)]
    breaks += [(m.end(), m.end()) for m in re.finditer(r"\w-(?=\w)", caption)]
    pairs = [(caption[:a].rstrip(), caption[b:].lstrip()) for a, b in breaks]
    pairs = [p for p in pairs if p[0] and p[1]]
    pairs.sort(key=lambda p: abs(len(p[0]) - len(p[1])))
    return options + pairs[:3]


def _fits(radius: float, boxes: list[tuple[float, float, float]]) -> bool:
    """Whether boxes given as (half width, top, bottom) relative to the centre lie inside the circle."""
    return all(half * half + max(top * top, bottom * bottom) <= radius * radius for half, top, bottom in boxes)


@functools.lru_cache(maxsize=64)
def _choose(radius: float, shape: str, caption: str, font_key: str) -> tuple[int, int, tuple[str, ...]]:
    """The number's and the caption's pixel sizes and the caption's lines that read best and fit.

    ``shape`` is the number with every digit made a "0", so the size stays put while the
    seconds count down (a "1" is narrower than an "8" in some fonts; the number must not pulse).
    """
    base = QFont()
    base.fromString(font_key)
    diameter = 2 * radius
    number_start = max(NUMBER_MIN_PX, int(diameter * (0.5 if len(shape) <= 2 else 0.36)))
    caption_start = max(CAPTION_MIN_PX, int(diameter * 0.13))
    number_metrics: dict[int, QRectF] = {}

    def number_box(px: int) -> QRectF:
        if px not in number_metrics:
            number_metrics[px] = QFontMetricsF(_sized(base, px, bold=True)).tightBoundingRect(shape)
        return number_metrics[px]

    def fits(number_px: int, caption_px: int, lines: tuple[str, ...]) -> bool:
        ink = number_box(number_px) if shape else QRectF()
        metrics = QFontMetricsF(_sized(base, caption_px)) if lines else None
        gap = number_px * 0.12 if lines and shape else 0.0
        caption_h = 0.0
        line_boxes = []
        if metrics is not None:
            for i, line in enumerate(lines):
                box = _caption_box(metrics, line)
                line_boxes.append((box, i * metrics.lineSpacing()))
            caption_h = line_boxes[-1][1] + metrics.ascent() + metrics.descent()
        top = -(ink.height() + gap + caption_h) / 2
        boxes = [(ink.width() / 2 * 1.04, top, top + ink.height())] if shape else []
        caption_top = top + ink.height() + gap
        for (box, offset), line in zip(line_boxes, lines, strict=True):
            line_top = caption_top + offset
            middle = metrics.horizontalAdvance(line) / 2 if metrics is not None else 0.0
            boxes.append((max(middle - box.left(), box.right() - middle), line_top, line_top + box.height()))
        return _fits(radius, boxes)

    splits = _splits(caption) if caption else [()]
    fallback: tuple[int, int, tuple[str, ...]] | None = None
    for caption_px in range(caption_start, CAPTION_MIN_PX - 1, -1):
        found: list[tuple[int, tuple[str, ...]]] = []
        for lines in splits:
            if not fits(NUMBER_MIN_PX, caption_px, lines):
                continue
            low, high = NUMBER_MIN_PX, number_start  # the largest number that fits (fit is monotonic)
            while low < high:
                mid = (low + high + 1) // 2
                if fits(mid, caption_px, lines):
                    low = mid
                else:
                    high = mid - 1
            found.append((low, lines))
        if not found:
            continue
        biggest = max(number for number, _lines in found)
        # one line reads best, unless wrapping lets the number be clearly bigger
        number, lines = next(item for item in found if item[0] >= biggest * 0.85)
        if number >= number_start * _NUMBER_KEEP:
            return number, caption_px, lines
        if fallback is None or number > fallback[0]:
            fallback = (number, caption_px, lines)
    if fallback is not None:
        return fallback
    # Nothing fits even at the floors (a ring far below its minimum size): keep the floors.
    return NUMBER_MIN_PX, CAPTION_MIN_PX, splits[-1]


def ring_layout(width: float, height: float, text: str, caption: str, base: QFont) -> RingLayout:
    """Everything's place in a ``width`` x ``height`` ring: the paint draws it, the fit test checks it."""
    rect, pen = ring_geometry(width, height)
    centre = rect.center()
    radius = max(1.0, rect.width() / 2 - pen / 2 - max(2.0, pen * 0.4))
    shape = re.sub(r"\d", "0", text)
    number_px, caption_px, lines = _choose(round(radius, 1), shape, caption, base.toString())
    number: RingLine | None = None
    ink = QRectF()
    number_font = _sized(base, number_px, bold=True)
    if text:
        ink = QFontMetricsF(number_font).tightBoundingRect(text)
    caption_font = _sized(base, caption_px)
    metrics = QFontMetricsF(caption_font)
    gap = number_px * 0.12 if lines and text else 0.0
    caption_h = (len(lines) - 1) * metrics.lineSpacing() + metrics.ascent() + metrics.descent() if lines else 0.0
    top = centre.y() - (ink.height() + gap + caption_h) / 2
    if text:
        baseline = QPointF(centre.x() - ink.width() / 2 - ink.left(), top - ink.top())
        number = RingLine(text, number_font, baseline, ink.translated(baseline))
    placed = []
    line_top = top + ink.height() + gap
    for line in lines:
        box = _caption_box(metrics, line)
        baseline = QPointF(centre.x() - metrics.horizontalAdvance(line) / 2, line_top + metrics.ascent())
        placed.append(RingLine(line, caption_font, baseline, box.translated(baseline)))
        line_top += metrics.lineSpacing()
    return RingLayout(rect, pen, centre, radius, number, tuple(placed))


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
        return ring_geometry(self.width(), self.height())[0]

    def text_layout(self) -> RingLayout:
        """Where the ring and its texts go at the current size (what paintEvent draws)."""
        return ring_layout(self.width(), self.height(), self._text, self._caption, self.font())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        layout = self.text_layout()
        rect, pen_width = layout.ring, layout.pen_width
        track = QColor(self.palette().windowText().color())
        track.setAlphaF(0.12)
        painter.setPen(QPen(track, pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawEllipse(rect)
        if self._fraction > 0:
            painter.setPen(QPen(self.ring_colour(), pen_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            # Qt angles: 1/16 degree, counter-clockwise from 3 o'clock. Start at 12 o'clock and
            # drain clockwise, so what is left is the arc from 12 o'clock going clockwise.
            painter.drawArc(rect, 90 * 16, int(-360 * 16 * self._fraction))
        painter.setPen(self.palette().windowText().color())
        for line in layout.lines():
            painter.setFont(line.font)
            painter.drawText(line.baseline, line.text)
        painter.end()
