"""The open menu's live status line, and its limit when the menu is exported over D-Bus (SNI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.platform.paths import AppPaths
from desktop_app.ui.bridge import AppBridge
from desktop_app.ui.tray import LIVE_MENU_MAX_UNSEEN_TICKS, TrayView
from tests.support.app_parts import close_controller, make_controller, profile_paths
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # offscreen Qt has no real tray


@pytest.fixture
def ctl(qapp: Any, clock: FakeClock, profile_dir: Path) -> Iterator[AppBridge]:
    paths: AppPaths = profile_paths(profile_dir)
    controller = make_controller(clock, paths)
    controller.start()
    yield controller
    close_controller(controller)


def test_a_menu_no_panel_ever_closes_stops_refreshing_by_itself(ctl: AppBridge, clock: FakeClock) -> None:
    """In SNI mode the QMenu is never visible here and a panel may never send "closed"."""
    view = TrayView(ctl)
    view.menu.aboutToShow.emit()  # what Qt does when a panel sends AboutToShow
    assert view._live.isActive()
    clock.minutes(3)
    for _ in range(LIVE_MENU_MAX_UNSEEN_TICKS - 1):
        view._live.timeout.emit()
    assert view._live.isActive(), "stopped too early"
    assert "3 min" in view.menu.actions()[0].text()  # the status line kept following the core
    view._live.timeout.emit()
    assert not view._live.isActive(), "a D-Bus menu that is never closed must not tick for good"


def test_about_to_hide_stops_the_live_refresh_at_once(ctl: AppBridge) -> None:
    view = TrayView(ctl)
    view.menu.aboutToShow.emit()
    assert view._live.isActive()
    view.menu.aboutToHide.emit()
    assert not view._live.isActive()
