"""The break prompt as a screen reader and a keyboard-only user meet it, over real AT-SPI."""

from __future__ import annotations

import pytest

from tests.a11y.conftest import show
from tests.support.atspi import A11yDesktop, Reader, find

pytestmark = [pytest.mark.display, pytest.mark.a11y]


def test_the_prompt_is_read_with_the_words_on_screen(desktop: A11yDesktop, reader: Reader) -> None:
    with show(desktop, "prompt"):
        tree = reader.wait_tree(lambda t: find(t, role="push button", name="Start routine"),
                                what="the prompt on the AT-SPI bus")
        labels = [n["name"] for n in find(tree, role="label")]
        # the words a sighted user reads, not names over them ("Prompt heading", "Sitting time" ...)
        assert "Time to stand up and stretch" in labels
        assert "You have been sitting for 1 h 2 min." in labels
        assert "Routine: Hip flexor reset" in labels
        assert not {"Prompt heading", "Sitting time", "Routine", "Keyboard keys"} & set(labels)
        routine = find(tree, role="label", name="Routine: Hip flexor reset")[0]
        assert routine["description"] == "The routine that Start routine begins"
        window = find(tree, name="Time to stand up and stretch", role="filler")
        assert window and "sitting for 1 h 2 min" in window[0]["description"]
        assert [n["name"] for n in find(tree, role="push button")] == ["Start routine", "Snooze", "Skip this break"]


def test_the_prompt_works_from_the_keyboard_alone(desktop: A11yDesktop) -> None:
    with show(desktop, "prompt") as prompt:
        # it never takes the keyboard by itself; the window manager's switcher gives it focus
        desktop.activate("Time for a break")
        assert prompt.tab_order(desktop, 3) == ["Start routine", "Snooze", "Skip this break", "Start routine"]
        assert prompt.tab_order(desktop, 1, "shift+Tab") == ["Start routine", "Skip this break"]
        desktop.key("Escape")  # Esc snoozes and closes the prompt
        assert prompt.focus()["visible_windows"] == []
