"""Where windows open (ui/window_placement.py): a default size never beats the layout's minimum."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.window_placement import centre_on, place_window


def _wide_window(qtbot: QtBot, text: str) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel(text))
    return window


def test_the_layout_minimum_wins_over_a_small_default_size(qtbot: QtBot) -> None:
    window = _wide_window(qtbot, "Ein ziemlich langer deutscher Satz, der nicht abgeschnitten werden darf")
    centre_on(window, QGuiApplication.primaryScreen(), QSize(120, 40))
    assert window.width() >= window.minimumSizeHint().width()
    assert window.height() >= window.minimumSizeHint().height()


def test_a_roomy_default_size_is_kept_and_centred(qtbot: QtBot) -> None:
    window = _wide_window(qtbot, "short")
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    used = place_window(window, None, QSize(400, 300))
    assert used is False
    assert (window.width(), window.height()) == (400, 300)
    area = screen.availableGeometry()
    assert abs(window.geometry().center().x() - area.center().x()) <= 1
