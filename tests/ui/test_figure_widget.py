"""FigureWidget paints poses, illustration files and their mirror images, offscreen.

Images are compared with a small tolerance: mirroring is a painter transform,
so a flipped picture matches the mirrored one up to anti-aliasing rounding.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
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


def is_accent(c: QColor) -> bool:
    return c.red() > 190 and 80 < c.green() < 150 and c.blue() < 100


def is_feel(c: QColor) -> bool:
    """The yellow feel-it spot, over the grey body, the orange accent or the background."""
    return c.red() > 180 and c.green() > 150 and c.blue() < 160 and c.red() - c.blue() > 70


@pytest.mark.parametrize("pose_id", ["kneeling-lunge", "standing-quad", "glute-bridge", "ninety-ninety"])
def test_pose_is_drawn_where_its_joints_are(qtbot: QtBot, pose_id: str) -> None:
    widget = make_widget(qtbot)
    widget.set_exercise(pose_id, None, False)
    image = snapshot(widget)
    transform = widget.figure_transform()
    assert transform is not None
    drawing = draw(POSES[pose_id], 0.0)
    head = transform.map(QPointF(*drawing.joints["head"]))
    assert QColor(image.pixel(round(head.x()), round(head.y()))).lightness() < 200, "the head is painted"
    pelvis = transform.map(QPointF(*drawing.joints["pelvis"]))
    assert 0 <= pelvis.x() < widget.width() and 0 <= pelvis.y() < widget.height()
    ink = inked(image)
    assert len(ink) > 3000  # a body with volume, not a stick figure
    assert image.pixel(1, 1) == WHITE and image.pixel(widget.width() - 2, 1) == WHITE  # corners stay empty


SIZES = {"default": (240, 210), "compact": (150, 118)}


def accent_centre_x(image: QImage) -> float:
    xs = [x for y in range(image.height()) for x in range(image.width()) if is_accent(QColor(image.pixel(x, y)))]
    assert len(xs) > 30, "the worked side is drawn in the accent colour"
    return sum(xs) / len(xs)


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("pose_id", sorted(POSES))
def test_every_figure_at_both_sizes_has_its_accent_its_feel_spot_and_fits(
        qtbot: QtBot, pose_id: str, size: str) -> None:
    """What a person needs to see: the worked side, where to feel it, and nothing cut off."""
    widget = make_widget(qtbot)
    widget.resize(*SIZES[size])
    widget.set_exercise(pose_id, None, False)
    widget.set_motion(1.0)
    image = snapshot(widget)
    transform = widget.figure_transform()
    assert transform is not None
    drawing = draw(POSES[pose_id], 1.0)
    # no clipping: the whole motion's picture area maps inside the widget, and the border stays empty
    x0, y0, x1, y1 = drawing.bounds
    box = transform.mapRect(QRectF(x0, y0, x1 - x0, y1 - y0))
    assert box.left() >= -0.5 and box.top() >= -0.5, box
    assert box.right() <= widget.width() + 0.5 and box.bottom() <= widget.height() + 0.5, box
    border = [(x, 0) for x in range(image.width())] + [(x, image.height() - 1) for x in range(image.width())]
    border += [(0, y) for y in range(image.height())] + [(image.width() - 1, y) for y in range(image.height())]
    assert all(image.pixel(*p) == WHITE for p in border), "the figure touches the widget's edge"
    # the worked side in the accent colour
    accent_centre_x(image)
    # the feel-it spot: warm yellow pixels where the drawing puts it
    for spot in drawing.feel:
        centre = transform.map(QPointF(*spot))
        r = max(2, round(transform.m11() * 2))
        near = [QColor(image.pixel(x, y)) for x in range(round(centre.x()) - r, round(centre.x()) + r + 1)
                for y in range(round(centre.y()) - r, round(centre.y()) + r + 1)
                if 0 <= x < image.width() and 0 <= y < image.height()]
        assert any(is_feel(c) for c in near), (pose_id, spot)


@pytest.mark.parametrize("pose_id", ["kneeling-lunge", "standing-hip-flexor", "knee-to-chest", "leg-swings"])
def test_the_second_side_puts_the_accent_on_the_other_side(qtbot: QtBot, pose_id: str) -> None:
    widget = make_widget(qtbot)
    widget.set_exercise(pose_id, None, False)
    widget.set_motion(1.0)
    first = accent_centre_x(snapshot(widget)) - widget.width() / 2
    widget.set_exercise(pose_id, None, True)
    second = accent_centre_x(snapshot(widget)) - widget.width() / 2
    assert abs(first) > 3 and first * second < 0  # swapped to the other half
    assert abs(first + second) < 3  # by mirroring


def test_hip_circles_go_round_while_other_reps_go_out_and_back(qtbot: QtBot) -> None:
    widget = make_widget(qtbot)
    widget.set_exercise("hip-circles", None, False)
    knees = []
    for quarter in range(4):
        widget.set_rep(quarter / 4)
        assert widget.phase == pytest.approx(quarter / 4)
        knees.append(draw(POSES["hip-circles"], widget.phase).joints["knee_l"])
    # four different places a quarter turn apart, around the middle of the drawn path
    assert len({(round(x, 1), round(y, 1)) for x, y in knees}) == 4
    path = draw(POSES["hip-circles"]).path
    cx = sum(p[0] for p in path) / len(path)
    cy = sum(p[1] for p in path) / len(path)
    angles = [math.degrees(math.atan2(y - cy, x - cx)) % 360 for x, y in knees]
    turns = [(b - a) % 360 for a, b in itertools.pairwise([*angles, angles[0]])]
    assert all(40 < t < 140 for t in turns) or all(220 < t < 320 for t in turns), turns
    # a swing goes out and back: a quarter and three quarters through a rep are the same place
    widget.set_exercise("leg-swings", None, False)
    widget.set_rep(0.25)
    swing_quarter = widget.phase
    widget.set_rep(0.75)
    assert widget.phase == pytest.approx(swing_quarter) and swing_quarter == pytest.approx(0.5)
    widget.set_rep(0.5)
    assert widget.phase == pytest.approx(1.0)


@pytest.mark.parametrize(("background", "text"), [("#f6f6f6", "#202020"), ("#2b2b2b", "#e6e6e6")])
def test_the_figure_reads_on_light_and_dark_themes(qtbot: QtBot, background: str, text: str) -> None:
    widget = FigureWidget()
    qtbot.addWidget(widget)
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(background))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(text))
    widget.setPalette(palette)
    widget.resize(220, 200)
    widget.set_exercise("standing-march", None, False)
    image = QImage(widget.size(), QImage.Format.Format_RGB32)
    image.fill(QColor(background))
    widget.render(image)
    bg = QColor(background).lightness()
    strong = [p for y in range(image.height()) for x in range(image.width())
              if abs(QColor(p := image.pixel(x, y)).lightness() - bg) > 60]
    assert len(strong) > 2000  # the body stands out from the background in both themes


def _pixels_near(image: QImage, colour: str, tolerance: int = 40) -> int:
    want = QColor(colour)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            got = QColor(image.pixel(x, y))
            if max(abs(got.red() - want.red()), abs(got.green() - want.green()),
                   abs(got.blue() - want.blue())) <= tolerance:
                count += 1
    return count


def test_text_colour_follows_the_palette(qtbot: QtBot) -> None:
    """The body's outline is the theme's text colour, so it keeps its edge on dark and high-contrast themes."""
    widget = make_widget(qtbot)
    widget.set_exercise("standing-march", None, False)
    for ink, other in (("#00ff00", "#ff00ff"), ("#ff00ff", "#00ff00")):
        palette = widget.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(ink))
        widget.setPalette(palette)
        image = snapshot(widget)
        assert _pixels_near(image, ink) > 200, f"the outline is not drawn in the palette's text colour {ink}"
        assert _pixels_near(image, other) == 0, f"{other} is left over from an earlier palette"


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
