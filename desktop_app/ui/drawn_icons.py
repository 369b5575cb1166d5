"""Small line icons for the player's buttons, drawn in the palette's text colour.

The player's buttons show their words while there is room and only their icon when a
narrow window has none (see :mod:`desktop_app.ui.button_row`). The icons are drawn here
rather than taken from the style: Fusion's built-in media icons are black bitmaps (lost
on a dark theme) and its reload and close pictures do not match them, and an icon
theme is not there on every desktop. Drawing them in the button-text colour of the
palette keeps them readable on light and dark themes alike and sharp at any scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap, QPolygonF

#: Pixel sizes each icon is rendered at: the player's 18 px icons at scale 1, 2 and 3 (QIcon picks the
#: nearest and scales it, and greys the normal picture for a disabled button itself).
SIZES = (18, 36, 54)

_Draw = Callable[[QPainter, float], None]


def _triangle(painter: QPainter, x0: float, x1: float, top: float, bottom: float) -> None:
    """A filled triangle pointing from ``x0`` (its base) to ``x1`` (its tip)."""
    painter.drawPolygon(QPolygonF([QPointF(x0, top), QPointF(x1, (top + bottom) / 2), QPointF(x0, bottom)]))


def _back(painter: QPainter, s: float) -> None:
    painter.drawRect(QRectF(0.2 * s, 0.22 * s, 0.1 * s, 0.56 * s))
    _triangle(painter, 0.8 * s, 0.32 * s, 0.22 * s, 0.78 * s)


def _skip(painter: QPainter, s: float) -> None:
    _triangle(painter, 0.2 * s, 0.68 * s, 0.22 * s, 0.78 * s)
    painter.drawRect(QRectF(0.7 * s, 0.22 * s, 0.1 * s, 0.56 * s))


def _pause(painter: QPainter, s: float) -> None:
    painter.drawRect(QRectF(0.25 * s, 0.2 * s, 0.17 * s, 0.6 * s))
    painter.drawRect(QRectF(0.58 * s, 0.2 * s, 0.17 * s, 0.6 * s))


def _play(painter: QPainter, s: float) -> None:
    _triangle(painter, 0.28 * s, 0.8 * s, 0.18 * s, 0.82 * s)


def _restart(painter: QPainter, s: float) -> None:
    """A circular arrow: three quarters of a ring, and an arrowhead at its open end."""
    centre, radius = QPointF(0.5 * s, 0.52 * s), 0.28 * s
    pen = QPen(painter.brush().color(), max(1.5, 0.1 * s))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    painter.drawArc(box, 100 * 16, 290 * 16)  # Qt: degrees*16, anticlockwise from 3 o'clock
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(pen.color())
    angle = math.radians(100)  # the arc's start, near 12 o'clock: the arrow points along it, to the right
    tip = QPointF(centre.x() + radius * math.cos(angle), centre.y() - radius * math.sin(angle))
    head = 0.17 * s
    painter.drawPolygon(QPolygonF([QPointF(tip.x() + head, tip.y()),
                                   QPointF(tip.x() - 0.2 * head, tip.y() - head),
                                   QPointF(tip.x() - 0.2 * head, tip.y() + head)]))


def _close(painter: QPainter, s: float) -> None:
    pen = QPen(painter.brush().color(), max(1.5, 0.11 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    path = QPainterPath()
    path.moveTo(0.27 * s, 0.27 * s)
    path.lineTo(0.73 * s, 0.73 * s)
    path.moveTo(0.73 * s, 0.27 * s)
    path.lineTo(0.27 * s, 0.73 * s)
    painter.strokePath(path, pen)


def _outline_pen(painter: QPainter, s: float) -> QPen:
    pen = QPen(painter.brush().color(), max(1.2, 0.08 * s))
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def _on_top(painter: QPainter, s: float) -> None:
    """A push pin, upright: the usual picture for "keep this window on top"."""
    painter.drawRoundedRect(QRectF(0.36 * s, 0.12 * s, 0.28 * s, 0.3 * s), 0.05 * s, 0.05 * s)
    painter.drawRect(QRectF(0.24 * s, 0.42 * s, 0.52 * s, 0.1 * s))
    painter.drawRect(QRectF(0.47 * s, 0.52 * s, 0.06 * s, 0.36 * s))


def _compact(painter: QPainter, s: float) -> None:
    """A screen outline with a small filled tile in its corner: the compact countdown."""
    colour = painter.brush().color()
    painter.setPen(_outline_pen(painter, s))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(0.14 * s, 0.2 * s, 0.72 * s, 0.6 * s))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRect(QRectF(0.5 * s, 0.28 * s, 0.28 * s, 0.2 * s))


def _about(painter: QPainter, s: float) -> None:
    """A lower-case i in a circle: information."""
    colour = painter.brush().color()
    painter.setPen(_outline_pen(painter, s))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(0.5 * s, 0.5 * s), 0.36 * s, 0.36 * s)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(QPointF(0.5 * s, 0.32 * s), 0.06 * s, 0.06 * s)
    painter.drawRect(QRectF(0.45 * s, 0.43 * s, 0.1 * s, 0.3 * s))


DRAWINGS: dict[str, _Draw] = {
    "on_top": _on_top,
    "compact": _compact,
    "about": _about,
    "back": _back,
    "skip": _skip,
    "pause": _pause,
    "play": _play,
    "restart": _restart,
    "close": _close,
}


def _pixmap(draw: _Draw, size: int, colour: QColor) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    draw(painter, float(size))
    painter.end()
    return pixmap


def drawn_icon(name: str, palette: QPalette) -> QIcon:
    """The icon ``name`` (a key of :data:`DRAWINGS`) in ``palette``'s button-text colour."""
    draw = DRAWINGS[name]
    icon = QIcon()
    colour = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    for size in SIZES:
        icon.addPixmap(_pixmap(draw, size, colour), QIcon.Mode.Normal)
    return icon
