"""The welcome window: shown once on a first start, its defaults, close = apply, keyboard, the program week.

The app is composed as ``app.py`` does it, on real files in the test's profile
(settings file, welcome marker, SQLite history). Start-at-login goes to a fake
that records calls, so no test writes into the real autostart folder.
A screenshot of the window is taken from a real Xvfb (child process).
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop_app.core import events as ev  # noqa: E402
from desktop_app.core.events import Event  # noqa: E402
from desktop_app.core.settings import Settings  # noqa: E402
from desktop_app.platform.paths import AppPaths  # noqa: E402
from desktop_app.storage.settings_file import load_settings  # noqa: E402
from tests.support.app_parts import close_controller, make_controller  # noqa: E402
from tests.support.desktop import need  # noqa: E402
from tests.support.fakeclock import FakeClock  # noqa: E402
from tests.support.screenshots import obey_steps, picture_info, shoot_child_on_xvfb, shots_dir  # noqa: E402


class FakeAutostart:
    def __init__(self, enabled: bool = False, supported: bool = True) -> None:
        self.enabled = enabled
        self._supported = supported
        self.calls: list[str] = []

    def supported(self) -> bool:
        return self._supported

    def is_enabled(self) -> bool:
        return self.enabled

    def enable(self) -> None:
        self.calls.append("enable")
        self.enabled = True

    def disable(self) -> None:
        self.calls.append("disable")
        self.enabled = False


@pytest.fixture
def bridge(qapp: Any, clock: FakeClock, paths: AppPaths) -> Iterator[Any]:
    controller = make_controller(clock, paths)
    controller.start()
    yield controller
    welcome = getattr(controller, "welcome", None)
    if welcome is not None and welcome.window is not None:
        welcome.window.hide()
        welcome.window.deleteLater()
    close_controller(controller)


def test_the_defaults_are_the_ones_the_issue_asks_for() -> None:
    from desktop_app.ui.welcome_window import WelcomeChoices, welcome_settings

    settings = welcome_settings(Settings(), WelcomeChoices(), "program-week-01")
    assert settings.daily_session_enabled is True
    assert settings.daily_follows_program is True
    assert settings.daily_routine == "program-week-01"
    assert settings.prompt_routine == "desk-break"  # the hourly break at the desk
    assert settings.working_hours_enabled is False
    assert settings.sound_enabled is True and settings.voice_enabled is False
    floor = welcome_settings(Settings(), WelcomeChoices(hourly_at_desk=False, follow_program=False), "x")
    assert (floor.prompt_routine, floor.daily_routine) == ("hip-flexor-reset", "full-hip-program")
    off = welcome_settings(Settings(), WelcomeChoices(daily_enabled=False), "program-week-01")
    assert off.daily_session_enabled is False


def test_a_first_start_shows_the_welcome_and_closing_applies_the_defaults(bridge: Any, paths: AppPaths) -> None:
    from desktop_app.ui.welcome_window import attach, marker_path

    autostart = FakeAutostart()
    assert not paths.settings_file.exists()
    controller = attach(bridge, paths.settings_file, autostart=autostart)
    window = controller.window
    assert window is not None and window.isVisible()
    assert window.windowTitle() == "Welcome to HipBreak"
    assert "Stop if anything hurts" in window.safety.text()
    assert len(window.intro_lines) == 3 and all(line.text() for line in window.intro_lines)
    desk = bridge.service.catalogue.get("desk-break").estimated_seconds(5, 5)
    floor = bridge.service.catalogue.get("hip-flexor-reset").estimated_seconds(5, 5)
    assert f"about {round(desk / 60)} min" in window.at_desk.text()
    assert f"about {round(floor / 60)} min" in window.on_floor.text(), "the time the player will take"
    window.close()  # the window's close button
    assert not window.isVisible()
    saved = load_settings(paths.settings_file).settings
    assert saved.daily_session_enabled and saved.daily_follows_program
    assert saved.prompt_routine == "desk-break"
    assert saved.daily_routine == "program-week-01"
    assert bridge.settings == saved, "applied to the running app at once"
    assert autostart.calls == ["enable"]
    assert json.loads(marker_path(paths.settings_file).read_text())["version"] == 1
    # shown once: the next start does not show it
    again = attach(bridge, paths.settings_file, autostart=FakeAutostart())
    assert again.window is None


def test_the_person_s_choices_are_applied(qtbot: Any, bridge: Any, paths: AppPaths) -> None:
    from PySide6.QtCore import QTime

    from desktop_app.ui.welcome_window import attach

    autostart = FakeAutostart()
    window = attach(bridge, paths.settings_file, autostart=autostart).window
    assert window is not None
    window.daily_time.setTime(QTime(12, 15))
    window.on_floor.setChecked(True)
    window.working_hours.setChecked(True)
    window.work_start.setTime(QTime(8, 0))
    window.autostart.setChecked(False)
    window.voice.setChecked(True)
    window.start_button.click()
    saved = load_settings(paths.settings_file).settings
    assert (saved.daily_session_time, saved.prompt_routine) == ("12:15", "hip-flexor-reset")
    assert saved.working_hours_enabled and saved.work_start == "08:00"
    assert saved.voice_enabled
    assert autostart.calls == [], "start at login stays off"


def test_not_now_turns_the_daily_session_off_and_disables_its_time(bridge: Any, paths: AppPaths) -> None:
    from desktop_app.ui.welcome_window import attach

    window = attach(bridge, paths.settings_file, autostart=FakeAutostart()).window
    assert window is not None
    window.daily_off.setChecked(True)
    assert not window.daily_time.isEnabled() and not window.follow_program.isEnabled()
    window.reject()  # Escape
    assert load_settings(paths.settings_file).settings.daily_session_enabled is False


def test_keyboard_enter_starts_and_tab_reaches_every_control(qtbot: Any, bridge: Any, paths: AppPaths) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from desktop_app.ui.welcome_window import attach

    window = attach(bridge, paths.settings_file, autostart=FakeAutostart()).window
    assert window is not None
    window.activateWindow()
    qtbot.waitExposed(window)
    controls = {window.daily_on, window.daily_time, window.follow_program, window.at_desk, window.working_hours,
                window.autostart, window.sound, window.voice, window.start_button}
    reached: set[QWidget] = set()
    widget: QWidget | None = window.start_button
    for _i in range(40):
        assert widget is not None
        widget = widget.nextInFocusChain()
        if widget in controls:
            reached.add(widget)
        assert widget is None or widget.focusPolicy() != Qt.FocusPolicy.NoFocus or widget not in controls
    assert reached == controls
    window.start_button.setFocus()
    qtbot.keyClick(window.start_button, Qt.Key.Key_Return)
    assert not window.isVisible()
    assert paths.settings_file.exists()


def test_sizes_come_from_the_layout(bridge: Any, paths: AppPaths) -> None:
    from desktop_app.ui.welcome_window import attach

    window = attach(bridge, paths.settings_file, autostart=FakeAutostart()).window
    assert window is not None
    assert window.minimumSize().width() <= window.sizeHint().width()
    assert window.maximumWidth() > 10_000, "no fixed width"
    assert window.width() >= window.minimumSizeHint().width()


def test_no_welcome_in_demo_or_for_an_existing_user(bridge: Any, paths: AppPaths) -> None:
    from desktop_app.ui.welcome_window import attach

    assert attach(bridge, paths.settings_file, demo=True, autostart=FakeAutostart()).window is None
    moved_aside = paths.settings_file.with_name("settings.json.bad-20261123-090000")
    moved_aside.write_text("{broken", encoding="utf-8")
    assert attach(bridge, paths.settings_file, autostart=FakeAutostart()).window is None
    moved_aside.unlink()
    paths.settings_file.write_text(json.dumps(Settings().to_dict()), encoding="utf-8")
    assert attach(bridge, paths.settings_file, autostart=FakeAutostart()).window is None


def test_reachable_later_from_the_menu_with_the_current_settings(bridge: Any, paths: AppPaths) -> None:
    from desktop_app.ui.tray_menu import TrayMenu

    bridge.apply_settings(bridge.settings.replace(prompt_routine="hip-flexor-reset", daily_session_enabled=True,
                                                  daily_session_time="07:45"))
    menu = TrayMenu(bridge)
    assert menu.welcome_action is not None
    with_autostart = FakeAutostart(enabled=True)
    from desktop_app.ui.welcome_window import WelcomeController

    bridge.welcome = WelcomeController(bridge, with_autostart)
    menu.welcome_action.trigger()
    window = bridge.welcome.window
    assert window is not None and window.isVisible()
    assert window.on_floor.isChecked() and window.daily_time.time().toString("HH:mm") == "07:45"
    assert window.autostart.isChecked()
    window.close()
    assert with_autostart.calls == [], "closing unchanged changes nothing"
    assert bridge.settings.prompt_routine == "hip-flexor-reset"


def test_the_menu_without_an_attached_welcome_uses_the_service_s_autostart_port(bridge: Any) -> None:
    """ui never asks the platform: start at login is the port app.py handed the service."""
    port = FakeAutostart(enabled=True)
    bridge.service.autostart = port
    bridge.welcome = None
    bridge.show_welcome()
    window = bridge.welcome.window
    assert window is not None and window.autostart.isEnabled() and window.autostart.isChecked()
    window.autostart.setChecked(False)
    window.start_button.click()
    assert port.calls == ["disable"]


def test_the_daily_session_follows_the_program_week(bridge: Any, paths: AppPaths, clock: FakeClock) -> None:
    from desktop_app.ui.welcome_window import attach

    bridge.apply_settings(bridge.settings.replace(daily_follows_program=True, daily_routine="program-week-01",
                                                  daily_session_enabled=True))
    # a full program week (5 days) that began 9 days ago
    today = clock.now()
    start = today - timedelta(days=9)
    bridge.service.history.append([
        Event(ev.ROUTINE_COMPLETED, (start + timedelta(days=d)).timestamp(),
              {"routine_id": "program-week-01", "seconds": 160.0, "exercises": 4}) for d in range(5)])
    attach(bridge, paths.settings_file, autostart=FakeAutostart())
    assert bridge.settings.daily_routine == "program-week-02"
    assert load_settings(paths.settings_file).settings.daily_routine == "program-week-02"


def test_the_app_s_setup_follows_the_week_without_the_window_module_and_the_menu_still_opens_it(
        bridge: Any, paths: AppPaths, clock: FakeClock) -> None:
    """app.py attaches the Qt-free setup (the window's module loads only when shown: issue 13)."""
    from desktop_app.application.welcome import WelcomeSetup

    paths.settings_file.write_text(json.dumps(Settings().to_dict()), encoding="utf-8")  # set up before
    bridge.apply_settings(bridge.settings.replace(daily_follows_program=True, daily_routine="program-week-01",
                                                  daily_session_enabled=True))
    port = FakeAutostart(enabled=True)
    setup = WelcomeSetup(bridge, port, paths.settings_file)
    setup.attach()
    assert bridge.welcome is setup
    bridge.show_welcome()  # the menu: the window, with the port the setup was given
    controller: Any = bridge.welcome
    window = controller.window
    assert window is not None and window.autostart.isChecked()
    assert controller.attached_setup is setup
    window.close()
    assert port.calls == []
    # a full program week (5 days) that began 9 days ago
    start = clock.now() - timedelta(days=9)
    bridge.service.history.append([
        Event(ev.ROUTINE_COMPLETED, (start + timedelta(days=d)).timestamp(),
              {"routine_id": "program-week-01", "seconds": 160.0, "exercises": 4}) for d in range(5)])
    del setup
    gc.collect()  # held by the window's controller: a signal alone would not keep it
    assert bridge.settings.daily_routine == "program-week-01"
    assert bridge.open_routine("desk-break")
    assert bridge.status().stage.value == "in_routine"
    bridge.service.routine_finished("desk-break", True, 160.0, 4)  # a routine ends: the week is looked at again
    assert bridge.settings.daily_routine == "program-week-02"


# --------------------------------------------------------------------------- screenshot


def _child() -> int:
    """Show the welcome window with its defaults on the real xcb plugin; obey "show" / "quit"."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.routine import builtin_routines_dir, load_routine
    from desktop_app.ui.welcome_window import WelcomeChoices, WelcomeWindow

    minutes = tuple(round(load_routine(builtin_routines_dir() / f"{rid}.json", builtin=True)
                          .estimated_seconds(5, 5) / 60) for rid in ("desk-break", "hip-flexor-reset"))
    app = QApplication(sys.argv[:1])
    window = WelcomeWindow(WelcomeChoices(), minutes=(minutes[0], minutes[1]))
    window.finished_with.connect(lambda _c: None)
    window.show()
    obey_steps(window, {"show": lambda _args: None})
    window._done = True  # the child only shows it
    window.hide()
    window.deleteLater()
    QTest.qWait(50)
    app.shutdown()
    return 0


@pytest.mark.display
def test_screenshot_of_the_welcome_window(tmp_path: Path) -> None:
    need("Xvfb")
    shots = shoot_child_on_xvfb([sys.executable, __file__, "child"], [("show", "welcome.png")],
                                shots_dir(tmp_path / "shots"), "the welcome window",
                                HIPBREAK_PROFILE_DIR=str(tmp_path / "profile"), LANGUAGE="en")
    picture = picture_info(shots[0])
    assert picture.colours > 8, "the picture looks blank"
    assert picture.width >= 400 and picture.height >= 400


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "child":
    sys.exit(_child())


def test_menus_list_only_the_program_week_the_daily_session_offers(bridge: Any) -> None:
    ids = [c.id for c in bridge.routine_choices()]
    assert not [i for i in ids if i.startswith("program-week-")], "program not followed: no week listed"
    assert {"desk-break", "hip-flexor-reset", "full-hip-program"} <= set(ids)
    bridge.apply_settings(bridge.settings.replace(daily_routine="program-week-03"))
    ids = [c.id for c in bridge.routine_choices()]
    assert [i for i in ids if i.startswith("program-week-")] == ["program-week-03"]
    assert bridge.service.catalogue.get("program-week-07") is not None, "still startable by id"
