"""The exercise figure in the player window.

Known poses (``desktop_app.core.poses``) are painted live with QPainter from
the same display list the static SVG files are made from, so the figure can
ease between a pose's start and end keyframes. An exercise without a known
pose (a user routine with its own picture) shows its illustration file
instead: SVG through QSvgRenderer, anything else through QPixmap.

The widget owns no timer: the player window calls :meth:`FigureWidget.set_motion`
while a movement plays, so an idle or hidden figure costs nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
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

from desktop_app.core.poses import Drawing, Pose, draw, get_pose
from desktop_app.core.svg_figure import ACCENT, frame_box
from desktop_app.i18n import _

log = logging.getLogger(__name__)

ACCENT_COLOR = QColor(ACCENT)


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
        self.update()

    def set_motion(self, phase: float, eased: bool = False) -> None:
        """Place the figure at ``phase`` (0 = start keyframe, 1 = end keyframe).

        ``eased`` applies an ease-in-out here; leave it False when the caller
        already eases (the player does). Poses without motion ignore this.
        """
        phase = min(1.0, max(0.0, float(phase)))
        if self._pose is None or not self._pose.moves:
            self._phase = phase
            return
        if phase == self._phase and eased == self._eased:
            return
        self._phase = phase
        self._eased = eased
        self.update()

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
                self._paint_pose(painter, draw(self._pose, self._phase, eased=self._eased))
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

    def _paint_pose(self, painter: QPainter, drawing: Drawing) -> None:
        transform = self.figure_transform(drawing)
        if transform is None:
            return
        painter.setTransform(transform, True)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        lw = drawing.line_width

        def color(base: QColor, alpha: float) -> QColor:
            c = QColor(base)
            c.setAlphaF(alpha)
            return c

        styles: dict[str, tuple[QColor, float, QColor | None, Qt.PenStyle]] = {
            "floor": (color(text, 0.45), lw * 0.6, None, Qt.PenStyle.SolidLine),
            "mat": (color(text, 0.35), lw * 0.4, color(text, 0.14), Qt.PenStyle.SolidLine),
            "prop": (color(text, 0.45), lw * 0.7, color(text, 0.15), Qt.PenStyle.SolidLine),
            "ghost": (color(ACCENT_COLOR, 0.35), lw * 0.8, None, Qt.PenStyle.DashLine),
            "far": (color(text, 0.45), lw, None, Qt.PenStyle.SolidLine),
            "body": (color(text, 0.85), lw, None, Qt.PenStyle.SolidLine),
            "accent_far": (color(ACCENT_COLOR, 0.75), lw, None, Qt.PenStyle.SolidLine),
            "accent": (ACCENT_COLOR, lw, None, Qt.PenStyle.SolidLine),
        }
        for stroke in drawing.strokes:
            pen_color, width, fill, style = styles[stroke.role]
            pen = QPen(pen_color, width, style, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
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
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color(text, 0.85))
        for circle in drawing.circles:
            painter.drawEllipse(QPointF(*circle.center), circle.radius, circle.radius)
