"""The routine player through AT-SPI: what a screen reader finds, and what it is told unprompted."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.a11y.conftest import show
from tests.support.atspi import A11yDesktop, Reader, find
from tests.support.desktop import wait_for

pytestmark = [pytest.mark.display, pytest.mark.a11y]


def _labels(tree: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [n["name"] for n in find(tree, role="label")]


def test_the_player_shows_every_line_to_a_screen_reader(desktop: A11yDesktop, reader: Reader,
                                                        tmp_path: Path) -> None:
    with show(desktop, "player", str(tmp_path)) as player:
        assert player.command("segment 1 4") == "ok"  # the left-side hold, 4 s in
        tree = reader.wait_tree(lambda t: "Kneeling lunge" in _labels(t), what="the player on the AT-SPI bus")
        labels = _labels(tree)
        assert "Hold · Left side" in labels  # segment and side
        instructions = next(n for n in labels if n.startswith("• Kneel on one knee"))
        assert "• Shift your hips gently forward." in instructions
        # where to feel it and the exercise's caution, on their own label
        assert "Feel it: Along the front of the hip of the kneeling leg.\n⚠ Put a cushion under the knee " \
               "if it presses." in labels
        assert "Next: Switch sides" in labels
        assert "Stop if anything hurts. See a professional for persistent pain." in labels
        assert any(n.startswith("Exercise 1/1 · ") for n in labels)
        # the figure has no text of its own: a name and a description say what it shows
        figure = find(tree, name="Figure: Kneeling lunge, Left side")
        assert figure, "the figure has no accessible name"
        assert "Drawn for the left side." in figure[0]["description"]
        assert "Feel it: Along the front of the hip of the kneeling leg." in figure[0]["description"]
        assert find(tree, name="16 seconds")  # the countdown ring, read on demand
        buttons = [n["name"] for n in find(tree, role="push button")]
        assert {"Pause", "Back", "Skip", "Restart", "Close"} <= set(buttons)

        assert player.command("segment 3 0") == "ok"  # the right side: the figure follows
        tree = reader.wait_tree(lambda t: "Hold · Right side" in _labels(t), what="the right-side hold")
        figure = find(tree, name="Figure: Kneeling lunge, Right side")
        assert figure and "Drawn mirrored, for the right side." in figure[0]["description"]


def test_segments_switch_sides_and_the_countdown_are_announced(desktop: A11yDesktop, reader: Reader,
                                                               tmp_path: Path) -> None:
    with show(desktop, "player", str(tmp_path)) as player:
        reader.wait_tree(lambda t: "Get ready" in " ".join(_labels(t)), what="the player on the AT-SPI bus")
        reader.listen("object:announcement")
        time.sleep(1.0)  # Qt learns of the new listener from the registry, asynchronously
        assert player.command("segment 1 0") == "ok"  # the hold starts
        assert player.command("tick 20") == "ok"  # ... runs its 20 s, one tick a second; switch sides
        heard: list[str] = []

        def announced() -> bool:
            heard.extend(e["any_data"] for e in reader.events())
            return any("Switch sides" in h for h in heard)

        wait_for(announced, timeout=10, what="the switch-sides announcement")
        assert heard[0] == "Hold · Left side. 20 seconds."
        # the countdown at half time and 5 s before the end, not every second
        assert heard[1:3] == ["10 seconds left", "5 seconds left"]
        assert heard[3] == "Switch sides. Right side"
        assert len(heard) == 4, heard


def test_the_player_works_from_the_keyboard_alone(desktop: A11yDesktop, tmp_path: Path) -> None:
    with show(desktop, "player", str(tmp_path)) as player:
        desktop.activate("HipBreak: Accessibility check")
        assert player.focus()["name"] == "On top"  # the first control, at the top
        order = player.tab_order(desktop, 9)
        # top to bottom, left to right, then round again
        assert order == ["On top", "Compact", "About…", "Instructions", "Pause", "Back", "Skip", "Restart",
                         "Close", "On top"]
        desktop.key("space")  # Space pauses even while a button has the focus
        wait_for(lambda: player.focus()["name"] == "On top", timeout=5, what="focus to stay put")
        desktop.key("Tab", "Tab", "Tab", "Tab")
        wait_for(lambda: player.focus()["name"] == "Resume", timeout=5, what="Tab to reach the paused Resume")
        desktop.key("Return")  # Enter presses the focused button: resume
        wait_for(lambda: player.focus()["name"] == "Pause", timeout=5, what="Enter to press Resume")
        desktop.key("Escape")
        wait_for(lambda: player.focus()["visible_windows"] == [], timeout=5, what="Esc to close the player")


def test_the_compact_tile_works_from_the_keyboard(desktop: A11yDesktop, tmp_path: Path) -> None:
    with show(desktop, "player", str(tmp_path)) as player:
        desktop.activate("HipBreak: Accessibility check")
        assert player.tab_order(desktop, 1) == ["On top", "Compact"]
        desktop.key("Return")  # the small always-on-top countdown replaces the window ...
        wait_for(lambda: player.focus()["visible_windows"] == ["HipBreak countdown"], timeout=5,
                 what="the compact tile")
        assert player.focus()["name"] == "Compact countdown"  # ... and has the keyboard
        desktop.key("space")  # Space pauses there too
        desktop.key("Escape")  # Esc brings the full window back, focus where it was
        wait_for(lambda: player.focus()["visible_windows"] == ["HipBreak: Accessibility check"], timeout=5,
                 what="the full window to come back")
        assert player.focus()["name"] == "Compact"
        assert player.tab_order(desktop, 3)[-1] == "Resume"  # it was paused from the tile
