"""The icon shown first (app.py, before the rest is built) is the one the tray keeps, or goes away.

app.py puts a plain icon in the tray before it imports and builds the scheduler, history and
menus, so the app is visible about as soon as a bare tray icon would be (bench/RESULTS.md).
AppViews must adopt that very icon: a second one would blink in beside it, or leave a dead
icon behind when the app falls back to the status window.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from desktop_app.ui.bridge import AppBridge
from desktop_app.ui.tray import AppViews, TrayView
from desktop_app.ui.tray_icon import IconLook, tray_icon

pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # offscreen Qt has no real tray


class _Watch:
    """A tray host watch that says what the test wants."""

    name = "test"
    description = "set by the test"

    def __init__(self, available: bool) -> None:
        self._available = available

    def start(self, _on_change: Any) -> None:
        pass

    def available(self) -> bool:
        return self._available

    def close(self) -> None:
        pass


def _early_icon(qapp: Any) -> QSystemTrayIcon:
    icon = QSystemTrayIcon(tray_icon(IconLook("working", 0.0)), qapp)
    icon.setToolTip("HipBreak")
    return icon


def test_the_tray_view_keeps_the_icon_it_is_given(ctl: AppBridge, qapp: Any) -> None:
    early = _early_icon(qapp)
    view = TrayView(ctl, None, early)
    assert view.icon is early
    assert early.parent() is view
    view.refresh()
    assert early.toolTip().startswith("HipBreak · ")  # now it shows the real status
    assert early.contextMenu() is view.menu


def test_app_views_adopt_the_early_icon_when_there_is_a_tray(
    ctl: AppBridge, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    early = _early_icon(qapp)
    views = AppViews(ctl, None, qapp)
    views.adopt_icon(early)
    _start(views, available=True)
    assert views.kind == "tray"
    assert views.tray is not None and views.tray.icon is early
    if hasattr(views, "stop"):
        views.stop()


def test_the_early_icon_goes_when_the_status_window_is_used_instead(
    ctl: AppBridge, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    early = _early_icon(qapp)
    early.show()
    views = AppViews(ctl, None, qapp)
    views.adopt_icon(early)
    _start(views, available=False)
    assert views.kind == "window"
    assert not early.isVisible()
    views.window.hide()


def _start(views: AppViews, available: bool) -> None:
    """start() with a fixed tray host answer where the views watch the host, plain start() elsewhere."""
    start: Any = views.start
    if "host_watch" in inspect.signature(start).parameters:
        start(_Watch(available))
    else:
        start()
