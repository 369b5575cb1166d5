"""The break prompt window: buttons, keys, accessible names, focus behaviour, daily look."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QCursor
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

import desktop_app.ui.prompt as prompt_module
from desktop_app.core.settings import SNOOZE_OPTIONS
from desktop_app.ui.prompt import NOTIFICATION_COLUMN, PromptWindow


def _prompt(qtbot: QtBot) -> tuple[PromptWindow, list[tuple[str, int]]]:
    window = PromptWindow(default_snooze_minutes=10)
    qtbot.addWidget(window)
    answers: list[tuple[str, int]] = []
    window.start_requested.connect(lambda: answers.append(("start", 0)))
    window.snooze_requested.connect(lambda m: answers.append(("snooze", m)))
    window.skip_requested.connect(lambda: answers.append(("skip", 0)))
    window.show_status("hourly", 62 * 60, "Hip-flexor reset")
    window.present(None)
    qtbot.waitExposed(window)
    return window, answers


def test_shows_sitting_time_and_routine(qtbot: QtBot) -> None:
    window, _answers = _prompt(qtbot)
    assert "1 h 2 min" in window.sitting_label.text()
    assert "Hip-flexor reset" in window.routine_label.text()
    assert window.start_button.isDefault()


def test_buttons_report_each_answer_once_and_hide(qtbot: QtBot) -> None:
    window, answers = _prompt(qtbot)
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    assert answers == [("start", 0)]
    assert not window.isVisible()
    window.present(None)
    qtbot.mouseClick(window.skip_button, Qt.MouseButton.LeftButton)
    window.present(None)
    window.snooze_button.click()  # the button face: default snooze
    assert answers == [("start", 0), ("skip", 0), ("snooze", 0)]


def test_snooze_menu_offers_each_length(qtbot: QtBot) -> None:
    window, answers = _prompt(qtbot)
    actions = window.snooze_menu.actions()
    assert [a.text() for a in actions] == [f"{m} min" for m in SNOOZE_OPTIONS]
    actions[2].trigger()
    assert answers == [("snooze", SNOOZE_OPTIONS[2])]
    assert "10 min" in window.snooze_button.text()


def test_keys_enter_starts_escape_snoozes_s_skips(qtbot: QtBot) -> None:
    for key, expected in ((Qt.Key.Key_Return, ("start", 0)), (Qt.Key.Key_Enter, ("start", 0)),
                          (Qt.Key.Key_Escape, ("snooze", 0)), (Qt.Key.Key_S, ("skip", 0))):
        window, answers = _prompt(qtbot)
        qtbot.mouseClick(window.heading, Qt.MouseButton.LeftButton)  # the deliberate click arms the keys
        window.activateWindow()  # what that click does for the user
        qtbot.waitActive(window)
        qtbot.keyClick(window, key)
        assert answers == [expected], key


def test_keys_do_nothing_until_the_prompt_is_clicked(qtbot: QtBot) -> None:
    """A compositor may hand the new prompt the focus; keys typed for another app then must not answer."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_S, Qt.Key.Key_Space):
        window, answers = _prompt(qtbot)
        window.activateWindow()  # as GNOME and KWin do on Wayland, at once
        qtbot.waitActive(window)
        assert not window.keys_armed
        qtbot.keyClick(window, key)
        qtbot.keyClick(window.start_button, key)  # even with a button focused (Space presses buttons)
        assert answers == [], key
        assert window.isVisible()
        assert "After a click" in window.hint_label.text()
        qtbot.mouseClick(window.heading, Qt.MouseButton.LeftButton)
        assert window.keys_armed
        assert "After a click" not in window.hint_label.text()


def test_presenting_again_disarms_the_keys(qtbot: QtBot) -> None:
    window, answers = _prompt(qtbot)
    qtbot.mouseClick(window.heading, Qt.MouseButton.LeftButton)
    assert window.keys_armed
    window.present(None)  # a repeat prompt: the person may be typing elsewhere again
    assert not window.keys_armed
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert answers == []


def test_a_second_answer_is_ignored(qtbot: QtBot) -> None:
    window, answers = _prompt(qtbot)
    window.start_button.click()
    window.skip_button.click()  # hidden already, e.g. a double click
    assert answers == [("start", 0)]


def test_closing_the_window_counts_as_default_snooze(qtbot: QtBot) -> None:
    window, answers = _prompt(qtbot)
    window.close()
    assert answers == [("snooze", 0)]


def test_dismiss_closes_without_an_answer(qtbot: QtBot) -> None:
    window, answers = _prompt(qtbot)
    window.dismiss()
    assert not window.isVisible()
    assert answers == []


def test_shown_without_taking_focus(qtbot: QtBot) -> None:
    window, _answers = _prompt(qtbot)
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    # it must stay able to take focus after a click (no WindowDoesNotAcceptFocus)
    assert not window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert not window.isModal()


def test_every_control_has_an_accessible_name(qtbot: QtBot) -> None:
    window, _answers = _prompt(qtbot)
    controls = window.findChildren(QAbstractButton) + window.findChildren(QLabel)
    assert len(controls) >= 7
    for control in controls:
        # what a screen reader gets: an explicit name, or else the visible text (labels must not
        # have a name set over their text, see desktop_app/ui/accessibility.py)
        iface = QAccessible.queryAccessibleInterface(control)
        spoken = iface.text(QAccessible.Text.Name)
        assert spoken, f"{control!r} ({control.text()!r}) has no accessible name"
        if isinstance(control, QLabel) and control.text():
            assert spoken == control.text()
    assert window.accessibleName()
    assert "sitting" in window.accessibleDescription()


def test_daily_prompt_looks_distinct(qtbot: QtBot) -> None:
    window, _answers = _prompt(qtbot)
    hourly = (window.heading.text(), window.windowTitle(), window.styleSheet())
    window.show_status("daily", 30 * 60, "Full hip program")
    daily = (window.heading.text(), window.windowTitle(), window.styleSheet())
    assert window.kind == "daily"
    assert all(a != b for a, b in zip(hourly, daily, strict=True))
    assert "daily" in window.heading.text().lower()


def test_placed_next_to_the_tray_icon_and_on_screen(qtbot: QtBot) -> None:
    window, _answers = _prompt(qtbot)
    screen = QApplication.primaryScreen().availableGeometry()
    icon = QRect(screen.right() - 40, screen.top() + 2, 22, 22)  # a top-right panel
    window.present(icon)
    frame = QRect(window.pos(), window.size())
    assert screen.contains(frame)
    assert frame.top() >= icon.bottom()  # below a top panel
    assert frame.top() - icon.bottom() < 40  # and close to it
    # beside the column where notification bubbles appear, so the two never overlap
    assert frame.right() <= screen.right() - NOTIFICATION_COLUMN
    assert icon.left() - frame.right() <= NOTIFICATION_COLUMN + 40
    bottom_icon = QRect(screen.left() + 10, screen.bottom() - 24, 22, 22)  # bottom-left panel
    window.present(bottom_icon)
    frame = QRect(window.pos(), window.size())
    assert screen.contains(frame)
    assert frame.bottom() <= bottom_icon.top()


def test_presenting_again_keeps_one_window(qtbot: QtBot) -> None:
    window, _answers = _prompt(qtbot)
    before = [w for w in QApplication.topLevelWidgets() if isinstance(w, PromptWindow) and w.isVisible()]
    window.present(None)
    window.present(None)
    after = [w for w in QApplication.topLevelWidgets() if isinstance(w, PromptWindow) and w.isVisible()]
    assert before == after == [window]
    assert isinstance(window, QWidget)


def _switch_to(qtbot: QtBot, window: PromptWindow) -> None:
    """The window manager makes the prompt the active window (as after Alt+Tab, or with
    focus-follows-mouse): the activation change Qt delivers then, with the prompt active."""
    from PySide6.QtCore import QEvent

    window.isActiveWindow = lambda: True  # type: ignore[method-assign]
    QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))


def test_a_later_switch_to_the_prompt_arms_its_keys(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Switching to the prompt with the pointer elsewhere is deliberate. (The grace time is set to
    -1 ms here instead of waiting the real 1.5 s.)"""
    monkeypatch.setattr(prompt_module, "ACTIVATION_GRACE_MS", -1)
    window, answers = _prompt(qtbot)
    QCursor.setPos(window.geometry().topLeft() - QPoint(80, 80))
    _switch_to(qtbot, window)
    assert window.keys_armed
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert answers == [("skip", 0)]


def test_an_activation_under_the_pointer_does_not_arm_the_keys(qtbot: QtBot,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """With focus-follows-mouse the prompt becomes active when the pointer passes over it."""
    monkeypatch.setattr(prompt_module, "ACTIVATION_GRACE_MS", -1)
    window, answers = _prompt(qtbot)
    QCursor.setPos(window.geometry().center())
    _switch_to(qtbot, window)
    assert not window.keys_armed
    qtbot.keyClick(window, Qt.Key.Key_S)
    assert answers == []
