"""The tray view's refresh plan (few wakeups) and the pixmap-cache trim that stops Qt's hidden timer."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QPixmap, QPixmapCache
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.bridge import AppBridge
from desktop_app.ui.qt_app import trim_pixmap_cache_soon
from desktop_app.ui.tray import TrayView
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # offscreen Qt has no real tray


def test_without_hover_refresh_the_tooltip_is_kept_fresh_each_minute(ctl: AppBridge, clock: FakeClock) -> None:
    clock.advance(20)
    view = TrayView(ctl)
    view.refresh()
    assert not view.refreshes_on_hover  # offscreen: no XEmbed widget to watch
    assert view._tick.isActive()
    assert view.next_refresh_seconds == pytest.approx(40)  # the next whole minute of sitting
    assert "Sitting" in view.icon.toolTip()


def test_without_hover_refresh_the_ring_step_waits_for_the_minute_refresh(ctl: AppBridge,
                                                                           clock: FakeClock) -> None:
    clock.advance(70)  # the first ring step comes at 75 s, the next whole minute at 120 s
    view = TrayView(ctl)
    view.refresh()
    assert view.next_refresh_seconds == pytest.approx(50)  # not 5: no refresh of its own for the ring
    first = view._look
    assert first is not None and first.fraction == 0.0
    clock.advance(50)
    view.refresh()  # what the minute tick does
    assert view._look is not None and view._look.fraction == pytest.approx(1 / 24)  # the ring caught up
    assert view.next_refresh_seconds == pytest.approx(60)


def test_with_hover_refresh_only_the_ring_steps_wake_it(ctl: AppBridge, clock: FakeClock) -> None:
    clock.advance(20)
    view = TrayView(ctl)
    view._xembed = QWidget()  # as if Qt docked the icon with XEmbed
    view.refresh()
    # a 60-minute interval has 24 ring steps of 150 s; the first change is half a step in
    assert view.next_refresh_seconds == pytest.approx(75 - 20)


def test_nothing_ticks_while_paused(ctl: AppBridge) -> None:
    view = TrayView(ctl)
    ctl.pause(30)
    view.refresh()
    assert not view._tick.isActive()
    assert view.next_refresh_seconds is None
    assert "Paused" in view.icon.toolTip()


def _cached(key: str) -> bool:
    return QPixmapCache.find(key, QPixmap())


def test_pixmap_cache_is_emptied_when_no_window_is_open(qapp: Any, qtbot: QtBot) -> None:
    assert QPixmapCache.insert("hipbreak-test-a", QPixmap(8, 8))
    assert _cached("hipbreak-test-a")
    trim_pixmap_cache_soon()
    qtbot.waitUntil(lambda: not _cached("hipbreak-test-a"), timeout=2000)


def test_pixmap_cache_is_kept_while_a_window_is_open(qapp: Any, qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    assert QPixmapCache.insert("hipbreak-test-b", QPixmap(8, 8))
    trim_pixmap_cache_soon()
    qtbot.wait(50)
    assert _cached("hipbreak-test-b")
    window.hide()
    trim_pixmap_cache_soon()
    qtbot.waitUntil(lambda: not _cached("hipbreak-test-b"), timeout=2000)
