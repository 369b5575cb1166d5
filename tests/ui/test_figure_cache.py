"""The figure widget computes each position of a moving pose once, not on every frame.

A rep set animates the figure at about 10 frames a second through the same positions rep after
rep; computing a position is tens of milliseconds of Python on a slow machine, so the widget keeps
the drawings of the current pose by phase step (1/PHASE_STEPS of the movement).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.poses import POSES
from desktop_app.ui import figure_widget
from desktop_app.ui.figure_widget import PHASE_STEPS, FigureWidget

MOVING = sorted(pose_id for pose_id, pose in POSES.items() if pose.moves)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The phases figure_widget.draw() was asked for."""
    calls: list[float] = []
    real = figure_widget.draw

    def counting(pose: Any, phase: float = 0.0, **kwargs: Any) -> Any:
        calls.append(phase)
        return real(pose, phase, **kwargs)

    monkeypatch.setattr(figure_widget, "draw", counting)
    return calls


def _paint(widget: FigureWidget) -> None:
    widget.grab()  # renders through paintEvent, exposed or not


def test_each_position_of_a_rep_is_computed_once_over_many_reps(qtbot: QtBot, counted: list[float]) -> None:
    assert MOVING, "no moving pose to animate"
    widget = FigureWidget()
    qtbot.addWidget(widget)
    widget.resize(220, 200)
    widget.show()
    widget.set_exercise(MOVING[0], None, mirrored=False)
    frames = [k / 10 for k in range(10)]  # 10 frames a rep
    for _rep in range(5):
        for rep_phase in frames:
            widget.set_rep(rep_phase)
            _paint(widget)
    assert 0 < len(counted) <= len(frames) + 1  # the first rep computes; the other four only paint
    assert all(abs(phase * PHASE_STEPS - round(phase * PHASE_STEPS)) < 1e-9 for phase in counted)


def test_a_new_pose_is_computed_afresh(qtbot: QtBot, counted: list[float]) -> None:
    if len(MOVING) < 2:
        pytest.skip("needs two moving poses")
    widget = FigureWidget()
    qtbot.addWidget(widget)
    widget.resize(220, 200)
    widget.show()
    widget.set_exercise(MOVING[0], None, mirrored=False)
    widget.set_rep(0.25)
    _paint(widget)
    before = len(counted)
    widget.set_exercise(MOVING[1], None, mirrored=False)
    widget.set_rep(0.25)
    _paint(widget)
    assert len(counted) > before


def test_a_key_pose_shown_again_is_a_blit_not_a_new_painting(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rep set goes through the same few key poses rep after rep: each is painted once."""
    widget = FigureWidget()
    qtbot.addWidget(widget)
    widget.resize(220, 200)
    widget.show()
    widget.set_exercise("standing-march", None, mirrored=False)  # out and back: start, middle, end
    painted: list[float] = []
    real = FigureWidget._paint_pose

    def counting(self: FigureWidget, painter: object, drawing: object) -> None:
        painted.append(self.phase)
        real(self, painter, drawing)  # type: ignore[arg-type]

    monkeypatch.setattr(FigureWidget, "_paint_pose", counting)
    first = {}
    for _rep in range(5):
        for rep_phase in (0.0, 0.25, 0.5, 0.75):
            widget.show_rep_key(rep_phase, 1.0)
            image = widget.grab().toImage()
            first.setdefault(widget.phase, image)
            assert image == first[widget.phase]  # the same pose looks the same every rep
    assert sorted(painted) == [0.0, 0.5, 1.0]
    # a new size paints afresh (the pixmaps are the widget's size)
    widget.resize(300, 260)
    _paint(widget)
    assert len(painted) == 4


@pytest.mark.parametrize(("pose_id", "steps"), [("standing-march", (0.0, 0.5, 1.0)), ("glute-bridge", (0.0, 0.5, 1.0)),
                                                ("hip-circles", (0.0, 0.25, 0.5))])
def test_a_pose_change_repaints_only_what_moved_and_all_of_it(qtbot: QtBot, pose_id: str,
                                                              steps: tuple[float, ...]) -> None:
    """The repainted rect covers every pixel that differs between two poses, and not the whole figure
    (each repaint's pixels go to the X server through its socket)."""
    widget = FigureWidget()
    qtbot.addWidget(widget)
    widget.resize(460, 300)
    widget.show()
    widget.set_exercise(pose_id, None, mirrored=False)
    for before_phase, after_phase in itertools.pairwise(steps):
        widget.set_motion(before_phase)
        before_image, before = widget.grab().toImage(), widget._drawing(POSES[pose_id])
        widget.set_motion(after_phase)
        after_image, after = widget.grab().toImage(), widget._drawing(POSES[pose_id])
        rect = widget._changed_rect(before, after)
        assert 0 < rect.width() * rect.height() < 0.8 * widget.width() * widget.height()
        for y in range(before_image.height()):
            for x in range(before_image.width()):
                if before_image.pixel(x, y) != after_image.pixel(x, y):
                    assert rect.contains(x, y), (pose_id, before_phase, x, y, rect)
