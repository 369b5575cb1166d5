"""The views follow the tray host watch: tray -> status window when the host goes, back when it returns;
the slow Qt check runs only where the host cannot be watched."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from desktop_app.platform.paths import AppPaths
from desktop_app.platform.tray_host import NullTrayHostWatch, TrayHostWatch
from desktop_app.ui.status_window import StatusWindow
from desktop_app.ui.tray import AppViews, TrayView
from tests.support.app_parts import RecordingNotifier, close_controller, make_controller, profile_paths
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # offscreen Qt has no tray of its own


class ScriptedHostWatch(TrayHostWatch):
    """A host that the test takes away and brings back; ``change()`` is what a D-Bus/X event does."""

    name = "scripted"
    description = "scripted for the test"

    def __init__(self, host: bool) -> None:
        self.host = host
        self.on_change: Callable[[], None] | None = None
        self.closed = False

    def available(self) -> bool | None:
        return self.host

    def start(self, on_change: Callable[[], None]) -> None:
        self.on_change = on_change

    def close(self) -> None:
        self.closed = True

    def change(self, host: bool) -> None:
        self.host = host
        assert self.on_change is not None
        self.on_change()


@pytest.fixture
def parts(qapp: Any, clock: FakeClock, profile_dir: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, RecordingNotifier]]:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    paths: AppPaths = profile_paths(profile_dir)
    notifier = RecordingNotifier()
    controller = make_controller(clock, paths, notifier=notifier)
    yield controller, notifier
    close_controller(controller)


def _views(controller: Any, notifier: Any, watch: TrayHostWatch) -> AppViews:
    views = AppViews(controller, notifier)
    views.start(watch)
    controller.start()
    return views


def test_host_gone_shows_the_window_and_host_back_returns_to_the_tray(parts: Any, qtbot: QtBot) -> None:
    controller, notifier = parts
    watch = ScriptedHostWatch(host=True)
    views = _views(controller, notifier, watch)
    assert views.kind == "tray" and isinstance(views.tray, TrayView)
    watch.change(False)
    qtbot.waitUntil(lambda: views.kind == "window", timeout=5_000)  # the promise: within 5 s
    window = views.window
    assert isinstance(window, StatusWindow)
    assert "went away" in window.why_label.text()
    assert controller.handle_command("status", {})["view"] == "window"
    assert not views._check.isActive(), "a pushed watch needs no polling"
    watch.change(True)
    qtbot.waitUntil(lambda: views.kind == "tray", timeout=5_000)
    assert views.window is None  # the status window was closed and deleted
    assert controller.handle_command("status", {})["view"] == "tray"
    views.stop()
    assert watch.closed
    views.tray.hide()


def test_a_flicker_is_ignored(parts: Any, qtbot: QtBot) -> None:
    """A panel restart drops the old host and brings the new one within moments: stay in the tray."""
    controller, notifier = parts
    watch = ScriptedHostWatch(host=True)
    views = _views(controller, notifier, watch)
    tray = views.tray
    watch.change(False)
    watch.change(True)
    qtbot.wait(1_500)
    assert views.tray is tray and views.window is None
    views.tray.hide()


def test_no_host_at_start_gives_the_window_even_though_qt_sees_a_watcher(parts: Any) -> None:
    controller, notifier = parts
    views = _views(controller, notifier, ScriptedHostWatch(host=False))
    assert views.kind == "window"
    assert not views._check.isActive()
    views.window.hide()


def test_where_nothing_can_be_watched_the_slow_check_runs_only_in_the_window(
        parts: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    controller, notifier = parts
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    views = _views(controller, notifier, NullTrayHostWatch("nothing to watch here"))
    assert views.kind == "window" and views._check.isActive()
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    views._on_check_timeout()
    assert views.kind == "tray" and not views._check.isActive()
    views.tray.hide()
