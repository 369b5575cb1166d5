"""The tray view's refresh plan (few pushes to an SNI host) and the pixmap-cache trim that stops Qt's hidden timer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QIcon, QPixmap, QPixmapCache
from PySide6.QtWidgets import QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.bridge import AppBridge
from desktop_app.ui.qt_app import trim_pixmap_cache_soon
from desktop_app.ui.tray import TrayView
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # offscreen Qt has no real tray


class RecordingIcon(QSystemTrayIcon):
    """A tray icon that counts what would be pushed to a StatusNotifierItem host."""

    def __init__(self) -> None:
        super().__init__()
        self.icons = 0
        self.tooltips: list[str] = []

    def setIcon(self, icon: QIcon | QPixmap) -> None:
        self.icons += 1
        super().setIcon(icon)

    def setToolTip(self, tip: str) -> None:
        self.tooltips.append(tip)
        super().setToolTip(tip)


def _sni_view(ctl: AppBridge, clock: FakeClock) -> tuple[TrayView, RecordingIcon]:
    icon = RecordingIcon()
    view = TrayView(ctl, icon=icon)
    plan = view._plan_tick

    def remember_when(*args: Any) -> None:  # the test's stand-in for the QTimer's start time
        plan(*args)
        view.planned_at = clock.monotonic()  # type: ignore[attr-defined]

    view._plan_tick = remember_when  # type: ignore[method-assign,assignment]
    view.refresh()
    assert not view.docked_xembed  # offscreen: no XEmbed widget, as with a StatusNotifierItem host
    return view, icon


def _run(view: TrayView, ctl: AppBridge, clock: FakeClock, seconds: float) -> None:
    """Let ``seconds`` pass, firing the view's planned refreshes and the scheduler's updates as Qt would."""
    end = clock.monotonic() + seconds
    while clock.monotonic() < end:
        planned = view.next_refresh_seconds
        due = None if planned is None else view.planned_at + planned + 0.05 - clock.monotonic()  # type: ignore[attr-defined]
        step = min(30.0, end - clock.monotonic())
        if due is not None and due <= step:
            clock.advance(max(0.0, due))  # the tick fires (50 ms after the planned moment)
            view.refresh()
        else:
            clock.advance(step)
        ctl.driver.wake()  # the scheduler's own timer; status changes refresh the view


def test_sni_idle_hour_pushes_only_the_coarse_ring_and_stage_changes(ctl: AppBridge, clock: FakeClock) -> None:
    """A simulated working hour with an SNI host: no minute refresh, six ring steps, one push at due."""
    view, icon = _sni_view(ctl, clock)
    assert icon.tooltips == ["HipBreak · Sitting since 09:00 · break at 10:00"]
    icons_before = icon.icons
    _run(view, ctl, clock, 59 * 60)
    assert ctl.status().stage.value == "working"
    assert icon.tooltips == ["HipBreak · Sitting since 09:00 · break at 10:00"]  # never pushed again
    assert icon.icons - icons_before == 5  # the ring at 10, 20, 30, 40 and 50 minutes
    assert view._look is not None and view._look.fraction == pytest.approx(5 / 6)
    _run(view, ctl, clock, 2 * 60)
    assert ctl.status().stage.value == "due"
    assert icon.tooltips[1:] == ["HipBreak · Time for a break · sitting since 09:00"]
    assert icon.icons - icons_before == 6  # the due look
    # the budget: at most 2 wakeups a minute, a push costing about 9 (bench/RESULTS.md)
    pushes = len(icon.tooltips) - 1 + icon.icons - icons_before
    assert pushes * 9 / 61 <= 2


def test_sni_tooltip_follows_each_stage_with_one_push(ctl: AppBridge, clock: FakeClock) -> None:
    view, icon = _sni_view(ctl, clock)
    _run(view, ctl, clock, 60 * 60 + 5)
    assert icon.tooltips[-1] == "HipBreak · Time for a break · sitting since 09:00"
    ctl.snooze(10)
    assert icon.tooltips[-1] == "HipBreak · Snoozed until 10:10"
    # the ring is full while snoozed past the interval: the only refresh planned is at midnight
    assert view.next_refresh_seconds == pytest.approx(14 * 3600 - 5 + 1)
    _run(view, ctl, clock, 9 * 60)
    assert icon.tooltips[-1] == "HipBreak · Snoozed until 10:10"
    _run(view, ctl, clock, 2 * 60)
    assert ctl.status().stage.value == "due"
    ctl.skip()
    assert icon.tooltips[-1] == "HipBreak · Sitting since 09:00 · break at 11:11"
    ctl.pause(30)
    assert icon.tooltips[-1] == "HipBreak · Paused until 10:41"
    _run(view, ctl, clock, 29 * 60)
    ctl.resume()
    assert icon.tooltips[-1] == "HipBreak · Sitting since 09:00 · break at 11:11"
    assert icon.tooltips == [
        "HipBreak · Sitting since 09:00 · break at 10:00",
        "HipBreak · Time for a break · sitting since 09:00",
        "HipBreak · Snoozed until 10:10",
        "HipBreak · Time for a break · sitting since 09:00",
        "HipBreak · Sitting since 09:00 · break at 11:11",
        "HipBreak · Paused until 10:41",
        "HipBreak · Sitting since 09:00 · break at 11:11",
    ]  # one push per stage change, none in between


def test_sni_ring_step_is_the_next_ten_minutes(ctl: AppBridge, clock: FakeClock) -> None:
    clock.advance(70)
    view, _icon = _sni_view(ctl, clock)
    assert view.next_refresh_seconds == pytest.approx(600 - 70)
    assert view._look is not None and view._look.fraction == 0.0


def test_xembed_keeps_the_fine_ring_and_shows_the_same_words(ctl: AppBridge, clock: FakeClock) -> None:
    clock.advance(20)
    view = TrayView(ctl)
    view._docked_xembed = True  # as if Qt docked the icon with XEmbed
    view.refresh()
    # a 60-minute interval has 24 ring steps of 150 s; the first change is half a step in
    assert view.next_refresh_seconds == pytest.approx(75 - 20)
    assert view.icon.toolTip() == "HipBreak · Sitting since 09:00 · break at 10:00"


def test_paused_until_tomorrow_refreshes_once_at_midnight(ctl: AppBridge, clock: FakeClock) -> None:
    clock.set_local(datetime(2026, 11, 23, 21, 30, tzinfo=clock.tz))
    view, icon = _sni_view(ctl, clock)
    ctl.pause(None, until_tomorrow=True)
    assert icon.tooltips[-1] == "HipBreak · Paused until tomorrow"
    # nothing else moves while paused: the one refresh planned is just past midnight
    assert view.next_refresh_seconds == pytest.approx(2.5 * 3600 + 1)
    clock.advance(2.5 * 3600 + 1.05)
    view.refresh()
    assert icon.tooltips[-1].startswith("HipBreak · Paused until ")
    assert "tomorrow" not in icon.tooltips[-1]
    assert view.next_refresh_seconds is not None and view.next_refresh_seconds > 23 * 3600  # one a day


def test_nothing_ticks_while_away(ctl: AppBridge, clock: FakeClock) -> None:
    view, _icon = _sni_view(ctl, clock)
    ctl.driver.deliver(ctl.service.scheduler.on_idle(0.0))
    clock.minutes(6)
    ctl.driver.deliver(ctl.service.scheduler.on_idle(6 * 60))
    assert ctl.status().stage.value == "away"
    view.refresh()
    assert view.icon.toolTip() == "HipBreak · Away (no input)"
    assert view.next_refresh_seconds is None
    assert not view._tick.isActive()


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


class _LatePainter(QObject):
    """Fills the pixmap cache when a low-priority event arrives, as a widget's repaint does (Qt posts
    a widget's UpdateRequest at LowEventPriority; the XEmbed icon's paint follows a setIcon that way)."""

    painted = False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:
            QPixmapCache.insert("hipbreak-test-c", QPixmap(8, 8))
            self.painted = True
            return True
        return super().event(event)


def test_pixmap_cache_is_emptied_after_the_repaint_already_asked_for(qapp: Any, qtbot: QtBot) -> None:
    from desktop_app.ui import qt_app

    painter = _LatePainter()
    QCoreApplication.postEvent(painter, QEvent(QEvent.Type.UpdateRequest), Qt.EventPriority.LowEventPriority.value)
    trim_pixmap_cache_soon()  # asked before the repaint has run, as TrayView.refresh does after setIcon
    qtbot.waitUntil(lambda: painter.painted and not qt_app._trim_pending, timeout=2000)
    assert not _cached("hipbreak-test-c")  # the trim ran after the paint, not before it


def _record_menu_refreshes(view: TrayView, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    refreshed: list[Any] = []
    original = view.menu.refresh

    def refresh(state: Any) -> None:
        refreshed.append(state)
        original(state)

    monkeypatch.setattr(view.menu, "refresh", refresh)
    return refreshed


def test_an_icon_docked_by_xembed_before_show_builds_its_menu_only_when_opened(
        ctl: AppBridge, monkeypatch: pytest.MonkeyPatch) -> None:
    """app.py's early icon is docked when the view shows it: the menu waits for aboutToShow (issue 13)."""
    monkeypatch.setattr(TrayView, "_xembed_window_shown", staticmethod(lambda: True))
    view = TrayView(ctl)
    refreshed = _record_menu_refreshes(view, monkeypatch)
    view.show()
    assert view.docked_xembed
    assert refreshed == []  # nothing built before the first click
    view.menu.aboutToShow.emit()
    assert len(refreshed) == 1 and refreshed[0].stage == "working"
    view.hide()


def test_an_sni_icon_exports_its_menu_at_once(ctl: AppBridge, monkeypatch: pytest.MonkeyPatch) -> None:
    """A StatusNotifierItem host may read the exported menu before any click."""
    monkeypatch.setattr(TrayView, "_xembed_window_shown", staticmethod(lambda: False))
    view = TrayView(ctl)
    refreshed = _record_menu_refreshes(view, monkeypatch)
    view.show()
    assert not view.docked_xembed
    assert len(refreshed) == 1
    view.hide()
