"""desktop_app/ui/accessibility.py without a display: the contrast formula, the colour nudge,
when the countdown speaks, and the words of announcements and of the figure."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible, QColor
from PySide6.QtWidgets import QApplication, QLabel

from desktop_app.core.player import Segment, SegmentKind
from desktop_app.ui.accessibility import (
    AA_NON_TEXT,
    AA_TEXT,
    announce,
    contrast_ratio,
    countdown_announcement,
    figure_description,
    figure_name,
    readable_colour,
    segment_announcement,
    show_text,
)


def _segment(kind: SegmentKind, seconds: float = 30, side: str | None = "left", feel_it: str | None = None,
             label: str | None = None, reps: int | None = None) -> Segment:
    return Segment(kind=kind, seconds=seconds, exercise_index=0, step_index=0, side=side, reps=reps,
                   tempo_seconds=None, title="Kneeling lunge",
                   side_label={"left": "Left side", "right": "Right side"}.get(side or ""), label=label,
                   instructions=("Kneel.",), safety=None, note=None, part=None, pose="kneeling-lunge",
                   illustration=None, start_offset=0.0, feel_it=feel_it)


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#777777")) == pytest.approx(1.0)
    # WCAG's own example: #767676 on white is the lightest grey that passes AA (4.54:1)
    assert contrast_ratio(QColor("#767676"), QColor("white")) == pytest.approx(4.54, abs=0.01)
    # order does not matter, translucent colours count as blended onto the background
    assert contrast_ratio(QColor("white"), QColor("black")) == pytest.approx(21.0)
    half = QColor(0, 0, 0, 128)
    assert 4.0 < contrast_ratio(half, QColor("white")) < 5.0


@pytest.mark.parametrize(("colour", "background", "minimum"), [
    ("#8a4fbf", "#202326", AA_NON_TEXT),  # violet ring on a dark theme
    ("#d08a16", "#efefef", AA_NON_TEXT),  # amber ring on Fusion light
    ("#b00020", "#202326", AA_TEXT),  # error red on a dark theme
    ("#ffff00", "#ffffff", AA_TEXT),  # the worst case: yellow on white
])
def test_readable_colour_reaches_the_minimum_and_keeps_the_hue(colour: str, background: str,
                                                               minimum: float) -> None:
    before = QColor(colour)
    assert contrast_ratio(before, QColor(background)) < minimum  # the case needs fixing
    after = readable_colour(colour, QColor(background), minimum)
    assert contrast_ratio(after, QColor(background)) >= minimum
    if before.hsvSaturation() > 0 and after.hsvSaturation() > 0:
        assert abs(after.hsvHue() - before.hsvHue()) <= 12  # still the same colour family


def test_a_colour_that_already_passes_is_left_alone() -> None:
    assert readable_colour("#1f8a70", QColor("white"), AA_NON_TEXT) == QColor("#1f8a70")


@pytest.mark.parametrize(("total", "shown", "expected"), [
    (30, 29, None),
    (30, 15, "15 seconds left"),
    (30, 14, None),
    (30, 5, "5 seconds left"),
    (30, 4, None),
    (30, 1, None),
    (30, 0, None),
    (10, 5, "5 seconds left"),  # too short for a half, but the end still comes
    (12, 6, None),
    (5, 5, None),  # a 5 s segment: its start was announced already
    (6, 5, None),
    (20, 10, "10 seconds left"),
])
def test_the_countdown_speaks_at_half_time_and_five_seconds_before_the_end(total: int, shown: int,
                                                                           expected: str | None) -> None:
    assert countdown_announcement(total, shown) == expected


def test_a_whole_segment_is_announced_at_most_three_times() -> None:
    for total in (5, 8, 15, 20, 30, 45, 60, 90):
        spoken = [countdown_announcement(total, shown) for shown in range(total, -1, -1)]
        assert len([s for s in spoken if s]) <= 2


def test_segment_announcements_name_the_change_first() -> None:
    assert segment_announcement(_segment(SegmentKind.SWITCH, side="right"), "") == "Switch sides. Right side"
    assert segment_announcement(_segment(SegmentKind.PREP), "Get ready · Left side") == \
        "Get ready: Kneeling lunge. Left side"
    assert segment_announcement(_segment(SegmentKind.HOLD), "Hold · Left side") == "Hold · Left side. 30 seconds."
    assert segment_announcement(_segment(SegmentKind.REPS, reps=8, side=None), "Reps") == "Reps. 8 reps."


def test_the_figure_says_pose_side_and_where_to_feel_it() -> None:
    left = _segment(SegmentKind.HOLD, feel_it="Front of the hip.", label="Lean in")
    assert figure_name(left) == "Figure: Kneeling lunge, Left side"
    assert figure_description(left) == "Position: Lean in. Drawn for the left side. Feel it: Front of the hip."
    right = _segment(SegmentKind.HOLD, side="right")
    assert figure_name(right) == "Figure: Kneeling lunge, Right side"
    # no feel-it text in the routine: say where to look, never make one up
    assert figure_description(right) == "Drawn mirrored, for the right side. The instructions say what to feel."
    both = _segment(SegmentKind.REPS, side=None, reps=8)
    assert figure_name(both) == "Figure: Kneeling lunge"


def test_a_label_is_read_by_its_text(qapp: QApplication) -> None:
    label = QLabel("You have been sitting for 1 h.")
    label.setAccessibleName("Sitting time")
    show_text(label, "How long you have been sitting")
    iface = QAccessible.queryAccessibleInterface(label)
    assert iface.text(QAccessible.Text.Name) == "You have been sitting for 1 h."
    assert iface.text(QAccessible.Text.Description) == "How long you have been sitting"
    label.setText("You have been sitting for 2 h.")  # and it follows the text
    assert iface.text(QAccessible.Text.Name) == "You have been sitting for 2 h."


def test_nothing_is_announced_when_no_assistive_technology_listens(qapp: QApplication) -> None:
    # offscreen, nobody listens: no event, no cost (the AT-SPI tests hear the real ones)
    assert not QAccessible.isActive()
    assert announce(QLabel(), "Switch sides.") is False
    assert announce(QLabel(), "") is False

