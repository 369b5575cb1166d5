"""The notification prompt (ui/prompt_presenter.py) with a recording stand-in for the D-Bus part.

The real notification server is exercised in tests/wayland (GNOME Shell); here the rules: each
scheduled prompt or repeat is a new notification, buttons answer once, a click on the notification
opens the window, and when no notification with buttons can be shown the window appears instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.app import compose
from desktop_app.core.settings import Settings
from desktop_app.platform import prompt_mode
from desktop_app.platform.paths import AppPaths
from desktop_app.storage.history import open_history
from desktop_app.ui import prompt_presenter
from desktop_app.ui.prompt import PromptWindow
from desktop_app.ui.prompt_presenter import NotificationPrompt, PromptSetup, make_prompt
from tests.support.app_parts import close_controller
from tests.support.fakeclock import FakeClock


class FakeActionNotification(QObject):
    action_invoked = Signal(str)
    closed = Signal(int)

    def __init__(self, works: bool = True) -> None:
        super().__init__()
        self.works = works
        self.shown: list[tuple[str, str, list[tuple[str, str]]]] = []
        self.closes = 0
        self.current_id: int | None = None

    def show(self, title: str, body: str, actions: list[tuple[str, str]]) -> bool:
        self.close()
        if not self.works:
            return False
        self.shown.append((title, body, list(actions)))
        self.current_id = len(self.shown)
        return True

    def close(self) -> None:
        if self.current_id is not None:
            self.closes += 1
        self.current_id = None


@pytest.fixture(autouse=True)
def _no_window_left_open(qtbot: QtBot) -> Iterator[None]:
    """The notification prompt makes its window itself (not through qtbot): close it after each test,
    or later tests in the same QApplication see an open window (the pixmap-cache tests do)."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PromptWindow):
            widget.dismiss()
            widget.deleteLater()


def _prompt(qtbot: QtBot, works: bool = True) -> tuple[NotificationPrompt, FakeActionNotification, list[str]]:
    fake = FakeActionNotification(works)
    prompt = NotificationPrompt(10, notification=fake)
    answers: list[str] = []
    prompt.start_requested.connect(lambda: answers.append("start"))
    prompt.snooze_requested.connect(lambda m: answers.append(f"snooze {m}"))
    prompt.skip_requested.connect(lambda: answers.append("skip"))
    prompt.show_status("hourly", 62 * 60, "Hip flexor reset")
    return prompt, fake, answers


def test_make_prompt_follows_the_mode(qtbot: QtBot) -> None:
    assert isinstance(make_prompt(10, "window"), PromptWindow)
    assert isinstance(make_prompt(10, "xwayland-window"), PromptWindow)
    assert isinstance(make_prompt(10, "notification"), NotificationPrompt)


def test_the_mode_names_are_the_ones_the_platform_chooses() -> None:
    """ui must not import platform, so the presenter spells the names itself; they must agree."""
    assert prompt_presenter.WINDOW == prompt_mode.WINDOW
    assert prompt_presenter.NOTIFICATION == prompt_mode.NOTIFICATION


def test_without_a_notification_handed_in_a_scheduled_prompt_opens_the_window(qtbot: QtBot) -> None:
    prompt = make_prompt(10, "notification")  # the Null notification: nothing can be shown
    prompt.show_status("hourly", 62 * 60, "Hip flexor reset")
    prompt.present(None, requested=False)
    assert prompt.window().isVisible(), "a prompt must never be lost"


def test_the_setup_app_py_hands_in_reaches_the_navigator(qtbot: QtBot, clock: FakeClock, paths: AppPaths) -> None:
    """compose(prompt=...) is how app.py hands the chosen mode and the notification adapter to the
    windows; the adapter is built once, on the first prompt, with the prompt as its Qt parent."""
    built: list[FakeActionNotification] = []

    def factory(parent: QObject) -> FakeActionNotification:
        fake = FakeActionNotification()
        fake.setParent(parent)
        built.append(fake)
        return fake

    store = open_history(paths.history_file).store
    bridge = compose(clock, clock, Settings(), paths, store, prompt=PromptSetup("notification", factory))
    try:
        assert built == [], "nothing is built before the first prompt"
        prompt = bridge.prompt_window()
        assert isinstance(prompt, NotificationPrompt) and bridge.prompt_window() is prompt
        assert len(built) == 1 and built[0].parent() is prompt
        assert bridge.navigator.present_prompt("hourly", 62 * 60, "Hip flexor reset", requested=False)
        assert built[0].shown and built[0].shown[0][0] == "Time to stand up and stretch"
    finally:
        close_controller(bridge)
    plain = compose(clock, clock, Settings(), paths, open_history(paths.history_file).store)
    try:
        assert isinstance(plain.prompt_window(), PromptWindow), "the window when app.py hands in nothing"
    finally:
        close_controller(plain)


def test_a_scheduled_prompt_and_each_repeat_is_a_new_notification(qtbot: QtBot) -> None:
    prompt, fake, answers = _prompt(qtbot)
    prompt.present(None, requested=False)
    assert prompt.isVisible() and prompt.notifies_itself
    title, body, actions = fake.shown[0]
    assert title == "Time to stand up and stretch"
    assert "1 h 2 min" in body and "Hip flexor reset" in body
    assert [key for key, _label in actions] == ["default", "start", "snooze", "skip"]
    assert ("snooze", "Snooze 10 min") in actions
    prompt.present(None, requested=False)  # the repeat
    assert len(fake.shown) == 2 and fake.closes == 1
    assert prompt._window is None, "no window unless the person asks"
    assert answers == []


def test_buttons_answer_and_the_click_on_the_notification_opens_the_window(qtbot: QtBot) -> None:
    prompt, fake, answers = _prompt(qtbot)
    prompt.present(None, requested=False)
    fake.action_invoked.emit("skip")
    assert answers == ["skip"]
    prompt.present(None, requested=False)
    fake.action_invoked.emit("default")
    window = prompt.window()
    qtbot.waitExposed(window)
    assert window.isVisible() and not window.keys_armed
    window.snooze_button.click()
    assert answers == ["skip", "snooze 0"]
    assert fake.current_id is None  # the notification goes with the answer


def test_the_person_asking_opens_the_window(qtbot: QtBot) -> None:
    prompt, fake, _answers = _prompt(qtbot)
    prompt.present(None, requested=True)
    assert fake.shown == []
    assert prompt.window().isVisible()
    prompt.dismiss()
    assert not prompt.isVisible()


def test_without_a_notification_server_the_window_shows_instead(qtbot: QtBot) -> None:
    prompt, fake, _answers = _prompt(qtbot, works=False)
    prompt.present(None, requested=False)
    assert fake.shown == []
    assert prompt.window().isVisible(), "a prompt must never be lost"
