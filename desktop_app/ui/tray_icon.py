"""The painted tray icon: a ring that fills as sitting time approaches the interval.

Why painted rather than a set of PNGs: the ring shows a continuous quantity
and must stay crisp at every size a panel asks for (16-64 px, and twice that
on HiDPI screens). Each size is drawn straight into its own pixmap, so nothing
is ever scaled down into a blur.

Readability on light *and* dark panels comes from a dark disc with a light
rim: whatever the panel colour, one of the two contrasts with it.

The icon only changes when the ring moves by a visible step (1/24 of a turn)
or the look changes, so the tray host (which repaints on every ``setIcon``)
is not woken needlessly. The last few icons are kept, by (look, step).

A StatusNotifierItem panel (plasmashell, GNOME's AppIndicator) pays more for a
step: the change signal, then a read of every property, the icon pixmaps of all
sizes included (about 9 wakeups of ours each, bench/RESULTS.md). There the ring
moves in coarse steps (:func:`ring_steps`) of at least
:data:`CACHED_HOST_STEP_SECONDS`, so the icon costs under one wakeup a minute,
and counts whole steps done, so a coarse ring is never full before the break is due.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

#: Sizes drawn into every icon (a panel picks the closest one).
ICON_SIZES: tuple[int, ...] = (16, 20, 22, 24, 32, 48, 64)
#: Device pixel ratios drawn for each size (1 for normal screens, 2 for HiDPI).
PIXEL_RATIOS: tuple[float, ...] = (1.0, 2.0)
#: Steps of a full ring; the icon is repainted only when the step changes.
RING_STEPS = 24
#: With a tray host that re-reads every property after a change (StatusNotifierItem), a ring step
#: lasts at least this many schedule seconds (issue 13: at most 2 wakeups a minute in the tray).
CACHED_HOST_STEP_SECONDS = 600.0
#: ... and the ring has at most this many steps there (eighths: a visible move each time).
CACHED_HOST_MAX_STEPS = 8


def ring_steps(interval_seconds: float, cached_host: bool) -> int:
    """Steps of a full ring: :data:`RING_STEPS`, or for a host that re-reads everything after each
    change, as many as fit with each lasting :data:`CACHED_HOST_STEP_SECONDS` (1 to 8: a 60-minute
    interval moves every 10 minutes, a 20-minute one shows the half, a 15-minute one only "due")."""
    if not cached_host:
        return RING_STEPS
    return max(1, min(CACHED_HOST_MAX_STEPS, int(interval_seconds // CACHED_HOST_STEP_SECONDS)))


def ring_fraction(sitting_seconds: float, interval_seconds: float, steps: int = RING_STEPS) -> float:
    """How full the ring is, in whole ``steps``: the fine ring (:data:`RING_STEPS`) rounds to the
    nearest step; a coarse one counts whole steps done, so it only fills when the break is due."""
    if interval_seconds <= 0:
        return 0.0
    fraction = max(0.0, min(1.0, sitting_seconds / interval_seconds))
    if steps >= RING_STEPS:
        return round(fraction * steps) / steps
    return math.floor(fraction * steps) / steps


def next_ring_change(sitting_seconds: float, interval_seconds: float, steps: int = RING_STEPS) -> float | None:
    """Seconds of sitting until :func:`ring_fraction` changes, or None once the ring is full."""
    if interval_seconds <= 0 or ring_fraction(sitting_seconds, interval_seconds, steps) >= 1.0:
        return None
    step = interval_seconds / steps
    sitting = max(0.0, sitting_seconds)
    if steps >= RING_STEPS:  # rounded to the nearest: it changes half a step past each boundary
        return step - ((sitting + step / 2) % step)
    return step - (sitting % step)

#: The looks, by ``Stage`` value. Unknown stages fall back to "working".
LOOKS: tuple[str, ...] = (
    "working", "due", "snoozed", "in_routine", "paused", "away", "standing", "off_hours",
)

# Every colour is opaque (the translucent shades are pre-blended over the disc): in
# Qt 6 an antialiased stroke in a translucent colour starts Qt's painting thread
# pool, and waking those threads cost ~40 context switches per icon change
# (found with bench/wakeups.py).
_DISC = QColor("#22313a")
_RIM = QColor("#e3e3e3")
_RIM_DIM = QColor("#9aa0a6")
_TRACK = QColor("#566168")
_HOLLOW = QColor("#a4aaae")
_COLORS: dict[str, QColor] = {
    "working": QColor("#4fc3a1"),
    "due": QColor("#ff8a3d"),
    "snoozed": QColor("#7aa7ff"),
    "in_routine": QColor("#7bd88f"),
    "paused": QColor("#b0bec5"),
    "away": QColor("#90a4ae"),
    "standing": QColor("#7bd88f"),
    "off_hours": QColor("#90a4ae"),
}
_GLYPH = QColor("#ffffff")


@dataclass(frozen=True)
class IconLook:
    """What the icon shows: a look (a ``Stage`` value) and how full the ring is (0..1)."""

    look: str
    fraction: float

    @classmethod
    def for_status(cls, stage: str, sitting_seconds: float, interval_seconds: float,
                   steps: int = RING_STEPS) -> IconLook:
        """The look for a scheduler status, with the ring in ``steps`` (:func:`ring_fraction`)."""
        look = stage if stage in LOOKS else "working"
        if look in ("due", "in_routine"):
            fraction = 1.0
        elif look in ("away", "standing", "off_hours"):
            fraction = 0.0
        else:
            fraction = ring_fraction(sitting_seconds, interval_seconds, steps)
        return cls(look, fraction)


def paint_pixmap(look: IconLook, size: int, ratio: float = 1.0) -> QPixmap:
    """Draw ``look`` into a ``size``-px pixmap at device pixel ratio ``ratio``."""
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    pixmap.setDevicePixelRatio(ratio)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _paint(painter, look, float(size))
    finally:
        painter.end()
    return pixmap


def _paint(p: QPainter, look: IconLook, s: float) -> None:
    """Paint in logical coordinates 0..s."""
    color = _COLORS.get(look.look, _COLORS["working"])
    dim = look.look in ("away", "off_hours")
    rim_w = max(1.0, s / 16)
    ring_w = max(2.0, s * 0.16)
    # dark disc with a light rim: readable on light and dark panels alike
    outer = QRectF(rim_w / 2, rim_w / 2, s - rim_w, s - rim_w)
    p.setPen(QPen(_RIM_DIM if dim else _RIM, rim_w))
    p.setBrush(_DISC)
    p.drawEllipse(outer)
    # the ring: a faint track and a coloured arc from 12 o'clock, clockwise
    inset = rim_w + ring_w / 2 + max(0.5, s / 64)
    ring = QRectF(inset, inset, s - 2 * inset, s - 2 * inset)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(_TRACK, ring_w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    p.drawEllipse(ring)
    if look.fraction > 0:
        p.setPen(QPen(color, ring_w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        if look.fraction >= 1.0:
            p.drawEllipse(ring)
        else:
            p.drawArc(ring, 90 * 16, -round(look.fraction * 360 * 16))
    centre = QPointF(s / 2, s / 2)
    inner = (s - 2 * inset - ring_w) / 2  # radius inside the ring
    _paint_glyph(p, look.look, centre, inner, color)


def _paint_glyph(p: QPainter, look: str, c: QPointF, r: float, color: QColor) -> None:
    """The small sign in the middle that tells the looks apart without relying on colour."""
    p.setPen(Qt.PenStyle.NoPen)
    if look == "due":
        # a filled dot in the break colour: "now"
        p.setBrush(color)
        p.drawEllipse(c, r * 0.6, r * 0.6)
    elif look == "paused":
        p.setBrush(_GLYPH)
        w, h = max(1.0, r * 0.45), r * 1.4
        p.drawRect(QRectF(c.x() - w * 1.25, c.y() - h / 2, w, h))
        p.drawRect(QRectF(c.x() + w * 0.25, c.y() - h / 2, w, h))
    elif look == "snoozed":
        # a small "z" drawn as a path: three strokes
        pen = QPen(_GLYPH, max(1.0, r * 0.35), Qt.PenStyle.SolidLine, Qt.PenCapStyle.SquareCap,
                   Qt.PenJoinStyle.MiterJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        d = r * 0.6
        path = QPainterPath(QPointF(c.x() - d, c.y() - d))
        path.lineTo(c.x() + d, c.y() - d)
        path.lineTo(c.x() - d, c.y() + d)
        path.lineTo(c.x() + d, c.y() + d)
        p.drawPath(path)
    elif look == "in_routine":
        p.setBrush(color)
        d = r * 0.85
        path = QPainterPath(QPointF(c.x() - d * 0.55, c.y() - d))
        path.lineTo(c.x() + d, c.y())
        path.lineTo(c.x() - d * 0.55, c.y() + d)
        path.closeSubpath()
        p.drawPath(path)
    elif look == "standing":
        # an upright figure: head and body
        p.setBrush(_GLYPH)
        p.drawEllipse(QPointF(c.x(), c.y() - r * 0.6), r * 0.32, r * 0.32)
        p.drawRect(QRectF(c.x() - r * 0.18, c.y() - r * 0.25, r * 0.36, r * 1.1))
    elif look in ("away", "off_hours"):
        # a hollow circle: nobody here
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(_HOLLOW, max(1.0, r * 0.3)))
        p.drawEllipse(c, r * 0.55, r * 0.55)
    else:
        # working: a small dot whose size shows nothing by itself; the ring carries the meaning
        p.setBrush(_GLYPH)
        dot = r * 0.35
        p.drawEllipse(c, dot, dot)


#: Icons kept painted. Few on purpose: each holds 14 pixmaps (about 0.3 MB of heap), and the
#: looks a day goes through (25 ring steps each of working, snoozed and paused, plus the others)
#: filled a larger cache to ~80 icons, ~24 MB, which the soak saw as the tray's RSS rising by
#: 13.5 MB over the first working hours (bench/prompt_memory.py, bench/RESULTS.md). The icon changes
#: at most once a ring step, and painting one again takes ~1.5 ms; a few cover the looks that come
#: back at once (due <-> snoozed, the window icons of the same look).
ICON_CACHE_SIZE = 4


@lru_cache(maxsize=ICON_CACHE_SIZE)
def tray_icon(look: IconLook) -> QIcon:
    """A QIcon with every size and pixel ratio of ``look`` (the last few cached)."""
    icon = QIcon()
    for size in ICON_SIZES:
        for ratio in PIXEL_RATIOS:
            icon.addPixmap(paint_pixmap(look, size, ratio))
    return icon

