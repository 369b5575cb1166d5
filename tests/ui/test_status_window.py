"""No tray: the status window appears, offers the tray's actions, and gives way to a tray that appears."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from desktop_app.platform.paths import AppPaths
from desktop_app.ui.bridge import AppBridge
from desktop_app.ui.status_window import StatusWindow
from desktop_app.ui.tray import AppViews, TrayView
from desktop_app.ui.tray_menu import TrayMenu
from tests.support.app_parts import (
    RecordingNotifier,
    close_controller,
    make_controller,
    profile_paths,
)
from tests.support.fakeclock import FakeClock


@pytest.fixture
def paths(profile_dir: Path) -> AppPaths:
    return profile_paths(profile_dir)


@pytest.fixture
def setup(qapp: Any, clock: FakeClock,
          paths: AppPaths) -> Iterator[tuple[AppBridge, AppViews, RecordingNotifier]]:
    notifier = RecordingNotifier()
    controller = make_controller(clock, paths, notifier=notifier)
    views = AppViews(controller, notifier)
    views.start()
    controller.start()
    yield controller, views, notifier
    close_controller(controller)
    if views.window is not None:
        views.window.hide()
    if views.tray is not None:
        views.tray.hide()


def test_without_a_tray_the_status_window_says_why(setup: Any, qtbot: QtBot) -> None:
    controller, views, _notifier = setup
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen has none
    assert views.kind == "window"
    window = views.window
    assert isinstance(window, StatusWindow)
    qtbot.waitExposed(window)
    assert "No system tray" in window.why_label.text()
    assert window.status_label.text().startswith("Sitting")
    assert controller.handle_command("status", {})["view"] == "window"
    assert isinstance(window.menu, TrayMenu)
    assert window.actions_button.menu() is window.menu


def test_its_menu_works_and_the_status_follows(setup: Any, clock: FakeClock) -> None:
    controller, views, _notifier = setup
    window = views.window
    window.menu.refresh(controller.menu_state())
    window.menu.pause_menu.actions()[0].trigger()  # 30 min
    assert controller.status().stage.value == "paused"
    assert window.status_label.text().startswith("Paused until")
    assert window.menu.resume_action.isEnabled()


def test_closing_it_keeps_the_app_findable(setup: Any, qtbot: QtBot) -> None:
    controller, views, _notifier = setup
    window = views.window
    qtbot.waitExposed(window)
    window.close()
    assert window.isMinimized() or window.isVisible()
    controller.show()  # a second launch or "hipbreak show"
    assert window.isVisible()


def test_warnings_are_shown_in_the_window_and_sent_once(setup: Any) -> None:
    controller, views, notifier = setup
    controller.warn("Your settings file was moved aside.")
    controller.warn("Your settings file was moved aside.")
    assert "moved aside" in views.window.warning_label.text()
    sent = [s for s in notifier.sent if "moved aside" in s[1]]
    assert sent == [("HipBreak", "Your settings file was moved aside.", False)]


@pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # offscreen Qt has no tray of its own
def test_moves_to_a_tray_that_appears(setup: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    controller, views, _notifier = setup
    window = views.window
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    views._on_check_timeout()
    assert views.kind == "tray"
    assert isinstance(views.tray, TrayView)
    assert views.window is None and not window.isVisible()
    assert controller.handle_command("status", {})["view"] == "tray"
    assert "Sitting" in views.tray.icon.toolTip()
