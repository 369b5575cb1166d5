"""FigureWidget paints poses, illustration files and their mirror images, offscreen.

Images are compared with a small tolerance: mirroring is a painter transform,
so a flipped picture matches the mirrored one up to anti-aliasing rounding.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from pytestqt.qtbot import QtBot

from desktop_app.core.figure_drawing import draw
from desktop_app.core.poses import POSES
from desktop_app.ui.figure_widget import FigureWidget

ROOT = Path(__file__).resolve().parents[2]
WHITE = QColor("white").rgb()


def make_widget(qtbot: QtBot) -> FigureWidget:
    widget = FigureWidget()
    qtbot.addWidget(widget)
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("white"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("black"))
    widget.setPalette(palette)
    widget.resize(220, 200)
    return widget


def snapshot(widget: FigureWidget) -> QImage:
    image = QImage(widget.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    widget.render(image)
    return image


def hflip(image: QImage) -> QImage:
    return image.flipped(Qt.Orientation.Horizontal)


def inked(image: QImage) -> set[tuple[int, int]]:
    return {(x, y) for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) != WHITE}


def differing_share(a: QImage, b: QImage, tolerance: int = 40) -> float:
    """Share of pixels whose colour differs by more than ``tolerance`` in any channel."""
    assert a.size() == b.size()
    bad = 0
    for y in range(a.height()):
        for x in range(a.width()):
            ca, cb = QColor(a.pixel(x, y)), QColor(b.pixel(x, y))
            diff = max(abs(ca.red() - cb.red()), abs(ca.green() - cb.green()), abs(ca.blue() - cb.blue()))
            if diff > tolerance:
                bad += 1
    return bad / (a.width() * a.height())


def test_size_hint_and_no_timers(qtbot: QtBot) -> None:
    widget = make_widget(qtbot)
    assert widget.sizeHint().width() == 220 and widget.sizeHint().height() == 200
    widget.set_exercise("leg-swings", None, False)
    widget.set_motion(0.3)
    assert widget.findChildren(QTimer) == []


@pytest.mark.parametrize("pose_id", ["kneeling-lunge", "standing-quad", "glute-bridge", "ninety-ninety"])
def test_pose_is_drawn_where_its_joints_are(qtbot: QtBot, pose_id: str) -> None:
    widget = make_widget(qtbot)
    widget.set_exercise(pose_id, None, False)
    image = snapshot(widget)
    transform = widget.figure_transform()
    assert transform is not None
    drawing = draw(POSES[pose_id], 0.0)
    head = transform.map(QPointF(*drawing.circles[0].center))
    assert QColor(image.pixel(round(head.x()), round(head.y()))).lightness() < 200, "the head is painted"
    pelvis = transform.map(QPointF(*drawing.joints["pelvis"]))
    assert 0 <= pelvis.x() < widget.width() and 0 <= pelvis.y() < widget.height()
    ink = inked(image)
    assert len(ink) > 1500  # a whole figure, not a few stray pixels
    assert image.pixel(1, 1) == WHITE and image.pixel(widget.width() - 2, 1) == WHITE  # corners stay empty
    accent = [p for p in ink if QColor(image.pixel(*p)).red() > 180 and QColor(image.pixel(*p)).blue() < 120]
    assert accent, "the worked side is drawn in the accent colour"


@pytest.mark.parametrize("pose_id", ["kneeling-lunge", "hip-circles", "side-lying-leg-raise"])
def test_mirrored_pose_is_the_flipped_image(qtbot: QtBot, pose_id: str) -> None:
    widget = make_widget(qtbot)
    widget.set_exercise(pose_id, None, False)
    widget.set_motion(0.4)
    plain = snapshot(widget)
    widget.set_exercise(pose_id, None, True)
    assert widget.phase == pytest.approx(0.4)  # switching sides keeps the motion where it is
    mirrored = snapshot(widget)
    assert differing_share(plain, mirrored) > 0.005  # the picture really changed...
    assert differing_share(hflip(plain), mirrored) < 0.002  # ...into its mirror image


def test_motion_moves_the_figure_and_single_frame_poses_ignore_it(qtbot: QtBot) -> None:
    widget = make_widget(qtbot)
    widget.set_exercise("leg-swings", None, False)
    start = snapshot(widget)
    widget.set_motion(1.0)
    end = snapshot(widget)
    assert differing_share(start, end) > 0.005
    widget.set_motion(0.0)
    assert differing_share(start, snapshot(widget)) == 0.0

    widget.set_exercise("deep-squat", None, False)
    still = snapshot(widget)
    widget.set_motion(0.7)
    assert differing_share(still, snapshot(widget)) == 0.0


def test_eased_motion_differs_from_linear_in_between(qtbot: QtBot) -> None:
    widget = make_widget(qtbot)
    widget.set_exercise("cat-cow", None, False)
    widget.set_motion(0.2)
    linear = snapshot(widget)
    widget.set_motion(0.2, eased=True)
    eased = snapshot(widget)
    assert differing_share(linear, eased) > 0.0


def test_unknown_pose_shows_the_svg_illustration_and_mirrors_it(qtbot: QtBot) -> None:
    widget = make_widget(qtbot)
    svg = ROOT / "assets" / "exercises" / "standing-quad.svg"
    widget.set_exercise("my-own-exercise", svg, False)
    assert widget.pose is None
    plain = snapshot(widget)
    assert len(inked(plain)) > 1000
    widget.set_exercise("my-own-exercise", svg, True)
    mirrored = snapshot(widget)
    assert differing_share(plain, mirrored) > 0.005
    assert differing_share(hflip(plain), mirrored) < 0.002


def test_unknown_pose_shows_a_bitmap_illustration_mirrored(qtbot: QtBot, tmp_path: Path) -> None:
    picture = QImage(100, 100, QImage.Format.Format_RGB32)
    picture.fill(QColor("white"))
    painter = QPainter(picture)
    painter.fillRect(0, 0, 50, 100, QColor("red"))
    painter.end()
    path = tmp_path / "left-half-red.png"
    assert picture.save(str(path))

    widget = make_widget(qtbot)
    widget.resize(200, 200)
    widget.set_exercise(None, path, False)
    image = snapshot(widget)
    assert QColor(image.pixel(40, 100)).red() > 200 and QColor(image.pixel(40, 100)).green() < 60
    assert image.pixel(160, 100) == WHITE
    widget.set_exercise(None, path, True)
    image = snapshot(widget)
    assert QColor(image.pixel(160, 100)).red() > 200 and QColor(image.pixel(160, 100)).green() < 60
    assert image.pixel(40, 100) == WHITE


@pytest.mark.qt_log_ignore(".*")
def test_broken_or_missing_illustration_shows_a_note_not_a_crash(qtbot: QtBot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg this is not xml", encoding="utf-8")
    widget = make_widget(qtbot)
    for path in (broken, tmp_path / "missing.png"):
        widget.set_exercise("no-such-pose", path, False)
        image = snapshot(widget)  # must not raise
        assert inked(image), "a short note is shown"
    widget.set_exercise(None, None, False)
    assert inked(snapshot(widget)) == set()  # nothing to show: an empty figure area


def test_text_colour_follows_the_palette(qtbot: QtBot) -> None:
    """On a dark theme the figure is drawn in the light text colour, so it stays visible."""
    widget = make_widget(qtbot)
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#00ff00"))
    widget.setPalette(palette)
    widget.set_exercise("standing-march", None, False)
    image = snapshot(widget)
    colours = [QColor(image.pixel(*p)) for p in inked(image)]
    greens = [c for c in colours if c.green() > 200 and c.red() < 120]
    assert len(greens) > 200  # the palette colour, not a hard-coded grey, is used
