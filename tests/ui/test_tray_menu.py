"""The tray menu: items by state, each item calls the controller, the live status line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from desktop_app.core.settings import PAUSE_OPTIONS, SNOOZE_OPTIONS
from desktop_app.ui.bridge import AppBridge
from desktop_app.ui.tray_menu import MenuState, RoutineChoice, TrayMenu, format_minutes, status_line
from tests.support.fakeclock import FakeClock


class Recorder:
    """Stands in for the controller and records each call the menu makes."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.append((name, *args))


def _by_text(menu: QMenu, text: str) -> QAction:
    for action in menu.actions():
        submenu = action.menu()
        if action.text() == text or (isinstance(submenu, QMenu) and submenu.title() == text):
            return action
    raise AssertionError(f"no item {text!r} in {[a.text() for a in menu.actions()]}")


def _enabled(menu: TrayMenu) -> dict[str, bool]:
    return {
        "routine": menu.start_default.isEnabled(),
        "break_now": menu.break_now_action.isEnabled(),
        "snooze": menu.snooze_menu.isEnabled(),
        "skip": menu.skip_action.isEnabled(),
        "pause": menu.pause_menu.isEnabled(),
        "resume": menu.resume_action.isEnabled(),
        "standing": menu.standing_action.isVisible() and menu.standing_action.isEnabled(),
        "sitting": menu.sitting_action.isVisible(),
    }


def test_items_follow_the_state(ctl: AppBridge, clock: FakeClock) -> None:
    menu = TrayMenu(ctl)
    menu.refresh(ctl.menu_state())
    assert _enabled(menu) == {"routine": True, "break_now": True, "snooze": False, "skip": False,
                              "pause": True, "resume": False, "standing": True, "sitting": False}
    clock.minutes(60)
    ctl.driver.wake()
    menu.refresh(ctl.menu_state())
    assert _enabled(menu) == {"routine": True, "break_now": False, "snooze": True, "skip": True,
                              "pause": True, "resume": False, "standing": True, "sitting": False}
    ctl.pause(30)
    menu.refresh(ctl.menu_state())
    assert _enabled(menu)["resume"] and not _enabled(menu)["snooze"] and not _enabled(menu)["skip"]
    ctl.resume()
    ctl.set_standing(True)
    menu.refresh(ctl.menu_state())
    assert _enabled(menu)["sitting"] and not menu.standing_action.isVisible()


def test_status_line_is_first_and_live(ctl: AppBridge, clock: FakeClock) -> None:
    menu = TrayMenu(ctl)
    menu.refresh(ctl.menu_state())
    first = menu.actions()[0]
    assert first is menu.status_action and not first.isEnabled()
    assert first.text().startswith("Sitting less than a minute")
    clock.minutes(42)
    menu.refresh(ctl.menu_state())
    assert first.text() == "Sitting 42 min · break in 18 min"


def fire(action: QAction) -> None:
    """Trigger an item whatever the state (availability is tested separately)."""
    action.setEnabled(True)
    action.trigger()


def test_each_item_calls_the_controller() -> None:
    recorder = Recorder()
    menu = TrayMenu(recorder)
    routines = [RoutineChoice("desk-break", "Desk break", 3),
                RoutineChoice("hip-flexor-reset", "Hip reset", 5)]
    menu.refresh(MenuState("due", "x", routines, "hip-flexor-reset", has_statistics=True, has_settings=True))
    assert menu.start_default.text() == "Start “Hip reset”"
    fire(menu.start_default)
    fire(_by_text(menu.routines_menu, "Desk break"))
    fire(menu.break_now_action)
    for action, minutes in zip(menu.snooze_menu.actions(), SNOOZE_OPTIONS, strict=True):
        assert action.text() == f"{minutes} min"
        fire(action)
    fire(menu.skip_action)
    pause_items = menu.pause_menu.actions()
    expected = [format_minutes(m * 60) for m in PAUSE_OPTIONS] + ["Until tomorrow"]
    assert [a.text() for a in pause_items] == expected
    assert [a.text() for a in pause_items[:3]] == ["30 min", "1 h", "2 h"]
    for action in pause_items:
        fire(action)
    fire(menu.resume_action)
    fire(menu.standing_action)
    fire(menu.sitting_action)
    fire(menu.statistics_action)
    fire(menu.settings_action)
    fire(menu.about_action)
    fire(menu.quit_action)
    assert recorder.calls == [
        ("open_routine", "hip-flexor-reset"), ("open_routine", "desk-break"), ("break_now",),
        *[("snooze", m) for m in SNOOZE_OPTIONS], ("skip",),
        *[("pause", m) for m in PAUSE_OPTIONS], ("pause", None, True), ("resume",),
        ("set_standing", True), ("set_standing", False), ("show_statistics",), ("show_settings",),
        ("show_about",), ("quit",),
    ]


def test_windows_from_other_issues_are_hidden_until_they_exist() -> None:
    menu = TrayMenu(Recorder())
    menu.refresh(MenuState("working", "x", [], "hip-flexor-reset"))
    assert not menu.statistics_action.isVisible() and not menu.settings_action.isVisible()
    assert not menu.start_default.isEnabled()  # no routines loaded: nothing to start
    menu.refresh(MenuState("working", "x", [], "hip-flexor-reset", has_statistics=True, has_settings=True))
    assert menu.statistics_action.isVisible() and menu.settings_action.isVisible()


def test_menu_lists_every_loaded_routine(ctl: AppBridge) -> None:
    menu = TrayMenu(ctl)
    menu.refresh(ctl.menu_state())
    titles = [a.text() for a in menu.routines_menu.actions()]
    # every loaded routine, except the program weeks the daily session does not offer (AppService.routine_choices)
    listed = [r for r in ctl.service.catalogue.routines() if not r.startswith("program-week-")
              or r == ctl.settings.daily_routine]
    assert len(titles) == len(listed) >= 3
    assert "Hip" in menu.start_default.text()


def test_status_lines_in_plain_words(ctl: AppBridge, clock: FakeClock) -> None:
    now = clock.now()
    ctl.pause(None, until_tomorrow=True)
    assert status_line(ctl.status(), now) == "Paused until tomorrow"
    ctl.resume()
    ctl.break_now()
    ctl.snooze(10)
    until = (now + timedelta(minutes=10)).strftime("%H:%M")
    assert status_line(ctl.status(), now) == f"Snoozed until {until}"
    ctl.skip()
    ctl.set_standing(True)
    assert status_line(ctl.status(), now).startswith("Standing")
    assert format_minutes(3600 + 5 * 60) == "1 h 5 min"
    assert format_minutes(59) == "less than a minute"
