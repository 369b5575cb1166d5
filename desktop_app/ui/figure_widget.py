"""The exercise figure in the player window.

Known poses (``desktop_app.core.poses``) are painted live with QPainter from
the same display list the static SVG files are made from
(``desktop_app.core.figure_drawing``), in the same colours except the body's
outline, which follows the theme's text colour, so the figure can
move through a pose's keyframes: ease into a hold, go out and back in a rep, or
go round a circle. An exercise without a known
pose (a user routine with its own picture) shows its illustration file
instead: SVG through QSvgRenderer, anything else through QPixmap.

The widget owns no timer: the player window calls :meth:`FigureWidget.set_motion`
while a movement plays, so an idle or hidden figure costs nothing. During a rep set
it shows key poses (:meth:`FigureWidget.show_rep_key`, ``core/rep_keyframes.py``)
and says when the next one is due (:meth:`FigureWidget.next_rep_change`), so the
player wakes only when the picture really changes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from desktop_app.core.figure_drawing import Drawing, Pose, Stroke, draw
from desktop_app.core.poses import get_pose
from desktop_app.core.rep_keyframes import eased_motion, key_levels, key_motion, next_change
from desktop_app.core.svg_figure import FEEL, FEEL_EDGE, SCENERY, frame_box, is_dot, stroke_color
from desktop_app.i18n import _

log = logging.getLogger(__name__)

#: A moving pose is computed at most this many positions per movement, each once: a rep set goes
#: through the same positions rep after rep, and computing one took ~13 ms of Python per frame at
#: 10 frames a second (bench/RESULTS.md). 1/64 of a movement is about a degree at the joints.
PHASE_STEPS = 64
#: Painted positions of the current pose kept as pixmaps, so a key pose shown again (every rep) is one
#: blit instead of ~1.7 ms of antialiased strokes; a rep set needs 3-12 (core/rep_keyframes.py).
MAX_PIXMAPS = 16
#: Body parts whose outline is painted in the palette's text colour (the accent keeps its own).
PALETTE_EDGES = frozenset({"body", "far"})
#: The far limbs' outline is the text colour at this opacity, so they still sit behind the near ones.
FAR_EDGE_ALPHA = 0.55


class FigureWidget(QWidget):
    """Draws one exercise, for the first side or mirrored for the second, scaled to fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pose: Pose | None = None
        self._source: Path | None = None
        self._svg: QSvgRenderer | None = None
        self._pixmap: QPixmap | None = None
        self._mirrored = False
        self._phase = 0.0
        self._eased = False
        self._missing = False
        #: Drawings of the current pose by (phase step, eased); emptied when the pose changes.
        self._drawings: dict[tuple[int, bool], Drawing] = {}
        #: Painted positions by (phase step, eased, mirrored, width, height, ink, pixel ratio).
        self._pixmaps: dict[tuple[int, bool, bool, int, int, int, float], QPixmap] = {}
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # ------------------------------------------------------------------ API

    def set_exercise(self, pose_id: str | None, illustration: Path | str | None, mirrored: bool) -> None:
        """Show ``pose_id`` if it is a known pose, else the ``illustration`` file; flip for the second side.

        Loading the same exercise again is cheap (nothing is re-read), so the
        player may call this on every segment change.
        """
        pose = get_pose(pose_id)
        path = Path(illustration) if illustration else None
        same = pose is self._pose and (pose is not None or self._source == path)
        self._mirrored = bool(mirrored)
        if not same:
            self._pose = pose
            self._source = path
            self._phase = 0.0
            self._load_file(None if pose is not None else path)
            self._drawings.clear()
            self._pixmaps.clear()
        self.update()

    def set_motion(self, phase: float, eased: bool = False) -> None:
        """Place the figure at ``phase`` (0 = start keyframe, 1 = end keyframe).

        ``eased`` applies an ease-in-out here; leave it False when the caller
        already eases (the player does). Poses without motion ignore this.
        """
        phase = float(phase) % 1.0 if self._pose is not None and self._pose.loop else min(1.0, max(0.0, float(phase)))
        if self._pose is None or not self._pose.moves:
            self._phase = phase
            return
        if phase == self._phase and eased == self._eased:
            return
        before = self._drawing(self._pose)
        self._phase = phase
        self._eased = eased
        self.update(self._changed_rect(before, self._drawing(self._pose)))

    def _changed_rect(self, before: Drawing, after: Drawing) -> QRect:
        """The widget pixels where ``before`` and ``after`` differ (the parts that moved), padded.

        Why: without MIT-SHM each repaint's pixels go to the X server through its socket; the whole
        figure (~0.5 MB) filled the socket's buffer and the GUI thread slept on it two or three times
        a frame. A marching leg is a fraction of that.
        """
        if len(before.strokes) != len(after.strokes) or len(before.circles) != len(after.circles):
            return self.rect()
        xs: list[float] = []
        ys: list[float] = []
        reach = 0.0
        for old, new in zip(before.strokes, after.strokes, strict=True):
            if old != new:
                for x, y in (*old.points, *new.points):
                    xs.append(x)
                    ys.append(y)
                reach = max(reach, old.width, new.width)
        for old_circle, new_circle in zip(before.circles, after.circles, strict=True):
            if old_circle != new_circle:
                for circle in (old_circle, new_circle):
                    xs.extend((circle.center[0] - circle.radius, circle.center[0] + circle.radius))
                    ys.extend((circle.center[1] - circle.radius, circle.center[1] + circle.radius))
        if not xs:
            return QRect()
        transform = self.figure_transform(after)
        if transform is None:
            return self.rect()
        box = QRectF(min(xs) - reach, min(ys) - reach, max(xs) - min(xs) + 2 * reach, max(ys) - min(ys) + 2 * reach)
        return transform.mapRect(box).toAlignedRect().adjusted(-2, -2, 2, 2).intersected(self.rect())

    def set_rep(self, rep_phase: float) -> None:
        """Place the figure at ``rep_phase`` 0..1 of one repetition.

        A circle goes once round (phase 0 and 1 meet); any other movement goes
        out to its end position and back, easing at both turns.
        """
        if self._pose is not None and self._pose.loop:
            self.set_motion(float(rep_phase) % 1.0)
        else:
            self.set_motion(eased_motion(float(rep_phase)))

    @property
    def animates(self) -> bool:
        """True when the shown exercise has a movement to play (a picture file or a still pose has not)."""
        return self._pose is not None and self._pose.moves

    def show_rep_key(self, rep_phase: float, tempo_seconds: float) -> None:
        """Show the key pose of ``rep_phase`` in a rep of ``tempo_seconds`` (see core/rep_keyframes.py).

        Repaints only when the key pose differs from the one shown.
        """
        loop = self._pose is not None and self._pose.loop
        self.set_motion(key_motion(float(rep_phase), key_levels(tempo_seconds, loop), loop))

    def next_rep_change(self, rep_phase: float, tempo_seconds: float) -> float | None:
        """The rep phase (> ``rep_phase``, possibly in the next rep) of the next key pose; None if nothing moves."""
        if not self.animates:
            return None
        loop = self._pose is not None and self._pose.loop
        return next_change(float(rep_phase), key_levels(tempo_seconds, loop), loop)

    @property
    def pose(self) -> Pose | None:
        """The pose being shown (None when a file or nothing is shown)."""
        return self._pose

    @property
    def mirrored(self) -> bool:
        return self._mirrored

    @property
    def phase(self) -> float:
        return self._phase

    def sizeHint(self) -> QSize:
        return QSize(220, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(80, 70)

    # ------------------------------------------------------------- painting

    def _load_file(self, path: Path | None) -> None:
        self._svg = None
        self._pixmap = None
        self._missing = False
        if path is None:
            return
        if path.suffix.lower() == ".svg":
            renderer = QSvgRenderer(str(path))
            if renderer.isValid():
                self._svg = renderer
                return
        else:
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                self._pixmap = pixmap
                return
        log.warning("cannot show the illustration %s (missing or not a picture)", path)
        self._missing = True

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            if self._missing:
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("No picture for this exercise"))
                return
            if self._pose is not None:
                painter.drawPixmap(0, 0, self._pose_pixmap(self._pose))
                return
            if self._mirrored:
                painter.translate(self.width(), 0)
                painter.scale(-1.0, 1.0)
            if self._svg is not None:
                self._svg.render(painter, self._fit(QSize(self._svg.defaultSize())))
            elif self._pixmap is not None:
                painter.drawPixmap(self._fit(self._pixmap.size()), self._pixmap, QRectF(self._pixmap.rect()))
        finally:
            painter.end()

    def _pose_pixmap(self, pose: Pose) -> QPixmap:
        """The current position painted once into a pixmap of the widget's size, then reused."""
        ratio = self.devicePixelRatioF()
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        key = (round(self._phase * PHASE_STEPS), self._eased, self._mirrored, self.width(), self.height(),
               ink.rgba(), ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = QPixmap(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                self._paint_pose(painter, self._drawing(pose))
            finally:
                painter.end()
            if len(self._pixmaps) >= MAX_PIXMAPS:
                self._pixmaps.clear()  # a new size or theme, or a smooth sweep (tests): start over
            self._pixmaps[key] = pixmap
        return pixmap

    def _drawing(self, pose: Pose) -> Drawing:
        """``pose`` at the current phase, rounded to 1/PHASE_STEPS and computed once per step."""
        key = (round(self._phase * PHASE_STEPS), self._eased)
        drawing = self._drawings.get(key)
        if drawing is None:
            drawing = draw(pose, key[0] / PHASE_STEPS, eased=self._eased)
            self._drawings[key] = drawing
        return drawing

    def _fit(self, size: QSize) -> QRectF:
        """The largest rectangle with ``size``'s aspect centred in the widget."""
        if size.isEmpty():
            return QRectF(self.rect())
        scaled = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF((self.width() - scaled.width()) / 2, (self.height() - scaled.height()) / 2,
                      scaled.width(), scaled.height())

    def figure_transform(self, drawing: Drawing | None = None) -> QTransform | None:
        """Figure units (y up) -> widget pixels for the current pose, mirroring included.

        Public so tests and overlays can find where a joint is drawn; None when
        no pose is shown.
        """
        if self._pose is None:
            return None
        if drawing is None:
            drawing = draw(self._pose, self._phase, eased=self._eased)
        bx, btop, bw, bh = frame_box(drawing)
        target = self._fit(QSize(round(bw * 100), round(bh * 100)))
        scale = target.width() / bw
        transform = QTransform()
        if self._mirrored:
            transform.translate(self.width(), 0)
            transform.scale(-1.0, 1.0)
        transform.translate(target.x(), target.y())
        transform.scale(scale, -scale)  # figure units, y up
        transform.translate(-bx, -btop)
        return transform

    @staticmethod
    def _stroke_colour(stroke: Stroke, ink: QColor) -> QColor:
        """The SVG file's colour, except body outlines: those follow the theme's text colour.

        The fills are mid tones that read on light and dark backgrounds, but fixed dark
        outlines vanish on a dark or high-contrast theme; in the text colour the figure
        keeps its edge on every palette, as text does.
        """
        if stroke.edge and stroke.role in PALETTE_EDGES:
            color = QColor(ink)
            if stroke.role == "far":
                color.setAlphaF(FAR_EDGE_ALPHA * ink.alphaF())
            return color
        return QColor(stroke_color(stroke))

    def _paint_pose(self, painter: QPainter, drawing: Drawing) -> None:
        transform = self.figure_transform(drawing)
        if transform is None:
            return
        painter.setTransform(transform, True)
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        for stroke in drawing.strokes:
            color = self._stroke_colour(stroke, ink)
            fill: QColor | None = QColor(color) if stroke.closed else None
            style = Qt.PenStyle.SolidLine
            if stroke.role in SCENERY:
                _, fill_name, opacity = SCENERY[stroke.role]
                color.setAlphaF(opacity)
                fill = None
                if stroke.closed and fill_name != "none":
                    fill = QColor(fill_name)
                    fill.setAlphaF(opacity * 0.6)
                if stroke.role == "path":
                    style = Qt.PenStyle.DotLine
            if is_dot(stroke):
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(color)
                painter.drawEllipse(QPointF(*stroke.points[0]), stroke.width / 2, stroke.width / 2)
                continue
            pen = QPen(color, stroke.width, style, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            polygon = QPolygonF([QPointF(x, y) for x, y in stroke.points])
            if stroke.closed:
                path = QPainterPath()
                path.addPolygon(polygon)
                path.closeSubpath()
                painter.fillPath(path, fill if fill is not None else Qt.GlobalColor.transparent)
                painter.drawPath(path)
            else:
                painter.drawPolyline(polygon)
        feel, ring = QColor(FEEL), QColor(FEEL_EDGE)
        feel.setAlphaF(0.55)
        painter.setBrush(feel)
        painter.setPen(QPen(ring, 0.7, Qt.PenStyle.DashLine))
        for circle in drawing.circles:
            painter.drawEllipse(QPointF(*circle.center), circle.radius, circle.radius)
