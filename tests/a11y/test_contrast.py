"""WCAG AA contrast in a light, a dark and a high-contrast theme, computed from the colours the
widgets actually use (their palettes after style sheets are applied, and painted pixels).

The themes are the palettes a desktop hands Qt: Qt's own light Fusion palette, a dark palette
with KDE Breeze Dark's colours, and a black/white/yellow high-contrast palette. AA asks 4.5:1 for
text and 3:1 for the graphical parts that carry meaning (the countdown ring, the tile's bar).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.settings import Settings
from desktop_app.ui.accessibility import AA_NON_TEXT, AA_TEXT, contrast_ratio
from desktop_app.ui.compact_countdown import BACKGROUND, FOREGROUND, CompactCountdown
from desktop_app.ui.countdown_ring import KIND_COLOURS, CountdownRing
from desktop_app.ui.prompt import PromptWindow
from desktop_app.ui.settings_dialog import SettingsDialog

Role = QPalette.ColorRole


def _palette(window: str, text: str, base: str, button: str, highlight: str, highlighted_text: str) -> QPalette:
    palette = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in ((Role.Window, window), (Role.WindowText, text), (Role.Base, base),
                             (Role.AlternateBase, base), (Role.Text, text), (Role.Button, button),
                             (Role.ButtonText, text), (Role.Highlight, highlight),
                             (Role.HighlightedText, highlighted_text), (Role.ToolTipBase, base),
                             (Role.ToolTipText, text), (Role.PlaceholderText, text)):
            palette.setColor(group, role, QColor(colour))
    return palette


def _themes() -> dict[str, QPalette]:
    from PySide6.QtWidgets import QStyleFactory

    fusion = QStyleFactory.create("Fusion")
    assert fusion is not None
    return {
        "light": fusion.standardPalette(),
        "dark": _palette("#202326", "#fcfcfc", "#141618", "#292c30", "#3daee9", "#fcfcfc"),
        "high-contrast": _palette("#000000", "#ffffff", "#000000", "#000000", "#ffff00", "#000000"),
    }


THEMES = ("light", "dark", "high-contrast")


@pytest.fixture(params=THEMES)
def theme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[QPalette]:
    before = QApplication.palette()
    palette = _themes()[request.param]
    QApplication.setPalette(palette)
    yield palette
    QApplication.setPalette(before)


def _text_contrast(label: QLabel, background: QColor) -> float:
    label.ensurePolished()
    return contrast_ratio(label.palette().color(Role.WindowText), background)


def _painted_background(widget: QWidget) -> QColor:
    """The colour actually painted in the widget's top-right corner (inside the margin)."""
    image = widget.grab().toImage()
    return image.pixelColor(widget.width() - 3, 3)


@pytest.mark.parametrize("kind", ["hourly", "daily"])
def test_prompt_text_keeps_aa_contrast(theme: QPalette, kind: str, qtbot: QtBot) -> None:
    prompt = PromptWindow(10)
    qtbot.addWidget(prompt)
    prompt.show_status(kind, 3700, "Hip flexor reset")
    prompt.show()
    qtbot.waitExposed(prompt)
    background = _painted_background(prompt)
    if kind == "daily":  # the daily prompt is tinted, and the tint is what the text sits on
        assert background != theme.color(Role.Window)
    for label in (prompt.heading, prompt.sitting_label, prompt.routine_label, prompt.hint_label):
        ratio = _text_contrast(label, background)
        assert ratio >= AA_TEXT, f"{label.text()!r}: {ratio:.2f}:1 on {background.name()}"


def test_countdown_ring_and_its_text_keep_aa_contrast(theme: QPalette, qtbot: QtBot) -> None:
    ring = CountdownRing()
    qtbot.addWidget(ring)
    window = ring.palette().color(Role.Window)
    assert contrast_ratio(ring.palette().color(Role.WindowText), window) >= AA_TEXT  # number and caption
    for kind in KIND_COLOURS:
        ring.set_state("12", 0.5, "seconds", kind)
        ratio = contrast_ratio(ring.ring_colour(), window)
        assert ratio >= AA_NON_TEXT, f"{kind} ring: {ratio:.2f}:1 on {window.name()}"


def test_the_ring_is_painted_in_the_colour_that_was_checked(theme: QPalette, qtbot: QtBot) -> None:
    ring = CountdownRing()
    qtbot.addWidget(ring)
    ring.resize(200, 200)
    ring.set_state("12", 1.0, "", "prep")  # the full ring: its top is at 12 o'clock
    ring.show()
    qtbot.waitExposed(ring)
    rect = ring.ring_rect()
    image = ring.grab().toImage()
    painted = image.pixelColor(round(rect.center().x()), round(rect.top()))
    expected = ring.ring_colour()
    assert max(abs(painted.red() - expected.red()), abs(painted.green() - expected.green()),
               abs(painted.blue() - expected.blue())) <= 8, (painted.name(), expected.name())


def test_compact_tile_keeps_aa_contrast(qapp: QApplication) -> None:
    tile = CompactCountdown()
    assert contrast_ratio(QColor(FOREGROUND), QColor(BACKGROUND)) >= AA_TEXT
    for kind in KIND_COLOURS:
        tile.set_state("12", "Left side", 0.5, kind)
        ratio = contrast_ratio(tile.bar_colour(), QColor(BACKGROUND))
        assert ratio >= AA_NON_TEXT, f"{kind} bar: {ratio:.2f}:1"
    tile.deleteLater()


def test_settings_messages_keep_aa_contrast(theme: QPalette, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = SettingsDialog(Settings(), save=lambda _s: None, autostart=None, routines_dir=tmp_path)
    qtbot.addWidget(dialog)
    window = theme.color(Role.Window)
    errors = [row.error for row in dialog.rows.values()] + [dialog.status]
    assert errors
    for label in errors:
        ratio = _text_contrast(label, window)
        assert ratio >= AA_TEXT, f"{label.objectName()}: {ratio:.2f}:1 on {window.name()}"


def test_player_text_keeps_aa_contrast(theme: QPalette, qtbot: QtBot, tmp_path: object) -> None:

    from desktop_app.core.routine import load_routine
    from desktop_app.ui.player_window import PlayerWindow
    from tests.a11y.show_window import TEST_ROUTINE
    from tests.support.fakeclock import FakeClock

    path = tmp_path / "a11y-test.json"
    path.write_text(json.dumps(TEST_ROUTINE), encoding="utf-8")
    player = PlayerWindow(load_routine(path, builtin=False), Settings().replace(sound_enabled=False),
                          FakeClock())
    qtbot.addWidget(player)
    window = player.palette().color(Role.Window)
    labels = [label for label in player.findChildren(QLabel) if label.text()]
    assert len(labels) >= 5
    for label in labels:
        ratio = _text_contrast(label, window)
        assert ratio >= AA_TEXT, f"{label.objectName()}: {ratio:.2f}:1 on {window.name()}"
    player.close()
