"""Settings, statistics, the no-tray status window, the routine chooser and the about page over
AT-SPI and from the keyboard alone: the words on screen, the labels tied to their fields, Tab order
and Esc."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.a11y.conftest import show
from tests.support.atspi import A11yDesktop, Reader, find
from tests.support.desktop import wait_for

pytestmark = [pytest.mark.display, pytest.mark.a11y]

Tree = list[dict[str, Any]]


def test_settings_fields_are_labelled_and_say_their_problem(desktop: A11yDesktop, reader: Reader,
                                                            tmp_path: Path) -> None:
    with show(desktop, "settings", str(tmp_path)) as settings:
        tree = reader.wait_tree(lambda t: find(t, role="spin button"), what="the settings on the AT-SPI bus")
        fields = find(tree, role="spin button") + find(tree, role="check box") + find(tree, role="combo box")
        assert len(fields) >= 5
        for field in fields:
            assert field["name"], f"a {field['role']} without a name"
        # each field is tied to the label shown beside it (QLabel.setBuddy -> AT-SPI labelled-by)
        interval = find(tree, role="spin button", name="Break every")[0]
        assert interval["labelled_by"] == ["Break every:"]
        assert find(tree, role="label", name="Break every:")

        desktop.activate("HipBreak settings")
        assert settings.tab_order(desktop, 1) == ["Breaks", "Break every"]
        desktop.key("ctrl+a", "BackSpace")  # an empty interval is not allowed

        def problem_shown(t: Tree) -> bool:
            return any(n["name"].endswith("got nothing") for n in find(t, role="label"))

        tree = reader.wait_tree(problem_shown, what="the validation message")
        message = next(n["name"] for n in find(tree, role="label") if n["name"].endswith("got nothing"))
        # the field carries its problem, so it is heard when the field has focus
        field = find(tree, role="spin button", name="Break every")[0]
        assert field["description"].startswith(message)
        assert any(n["name"].startswith("Fix Break every on the Breaks tab") for n in find(tree, role="label"))
        ok = find(tree, role="push button", name="OK")[0]
        assert "enabled" not in ok["states"]
        assert ok["description"] == "Save and apply the settings"
        desktop.key("Escape")
        wait_for(lambda: settings.focus()["visible_windows"] == [], timeout=5, what="Esc to close the settings")


def test_statistics_figures_are_read_by_their_words(desktop: A11yDesktop, reader: Reader, tmp_path: Path) -> None:
    with show(desktop, "stats", str(tmp_path)) as stats:
        tree = reader.wait_tree(lambda t: find(t, role="label", name="Breaks taken:"),
                                what="the statistics on the AT-SPI bus")
        labels = find(tree, role="label")
        # every figure is read as shown ("3", "50 min") and described by its row's label
        for row in ("Sitting time", "Longest unbroken sitting", "Breaks taken", "Routines completed"):
            value = [n for n in labels if n["description"] == row]
            assert value, f"no figure for {row}"
            assert value[0]["name"] and value[0]["name"] != row
            assert value[0]["labelled_by"] == [f"{row}:"]
        headline = next(n for n in labels if n["description"] == "Sitting time today")
        assert headline["name"] and headline["name"] != "Sitting time today"

        desktop.activate("HipBreak statistics")
        assert stats.tab_order(desktop, 5) == ["Today", "Export days (CSV)", "Export all events (CSV)", "Refresh",
                                               "Close", "Today"]
        desktop.key("Right")  # the tab bar: arrows change the section
        tree = reader.wait_tree(lambda t: find(t, role="page tab", name="Week and month") and any(
            "selected" in n["states"] or "showing" in n["states"] for n in find(t, name="This week")),
            what="the charts section")
        chart = find(tree, name="This week: sitting time and breaks per day")
        assert chart and chart[0]["description"]  # the chart's numbers, for a reader
        desktop.key("Escape")
        wait_for(lambda: stats.focus()["visible_windows"] == [], timeout=5, what="Esc to close the statistics")


def test_the_status_window_reaches_the_tray_menu_from_the_keyboard(desktop: A11yDesktop, reader: Reader,
                                                                   tmp_path: Path) -> None:
    with show(desktop, "status", str(tmp_path)) as status:
        tree = reader.wait_tree(lambda t: find(t, role="push button", name="Actions"),
                                what="the status window on the AT-SPI bus")
        labels = [n["name"] for n in find(tree, role="label")]
        assert any(name.startswith("Sitting") for name in labels)  # the status line as shown
        assert any(name.startswith("No system tray was found") for name in labels)
        actions = find(tree, role="push button", name="Actions")[0]
        assert actions["description"] == "The tray menu: every action of HipBreak"

        desktop.activate("Status")
        assert status.tab_order(desktop, 2) == ["Start routine", "Actions", "Start routine"]
        # A popup menu is its own window, which Qt does not list under the application: a screen
        # reader follows it by its focus events, and so does this test.
        reader.listen("object:state-changed:focused")
        time.sleep(1.0)  # Qt learns of the new listener from the registry, asynchronously
        desktop.key("Tab", "space")  # open the tray's menu from its button ...
        assert "" in status.focus()["visible_windows"]  # (the menu has no title)
        desktop.key("Down", "Down", "Down")  # ... and walk down it

        heard: list[dict[str, Any]] = []

        def menu_items_focused() -> bool:
            heard.extend(e for e in reader.events() if e["source_role"] == "menu item" and e["detail1"] == 1)
            return len(heard) >= 2

        wait_for(menu_items_focused, timeout=10, what="focus events from the menu's items")
        assert all(e["source_name"] for e in heard)  # each item is read by its words
        desktop.key("Escape")  # closes the menu ...
        wait_for(lambda: "" not in status.focus()["visible_windows"], timeout=5, what="the menu to close")
        assert "Status" in status.focus()["visible_windows"]
        desktop.key("Escape")  # ... and then minimises the window (the app has no other way back)
        wait_for(lambda: status.focus()["minimized"], timeout=5, what="Esc to minimise the status window")


def test_the_routine_chooser_and_the_about_page_from_the_keyboard(desktop: A11yDesktop, reader: Reader) -> None:
    with show(desktop, "chooser") as chooser:
        tree = reader.wait_tree(lambda t: find(t, role="list item"), what="the chooser on the AT-SPI bus")
        assert find(tree, role="label", name="Choose a routine to start now:")
        routines = find(tree, role="list")[0]
        assert routines["labelled_by"] == ["Choose a routine to start now:"]
        assert next(n["name"] for n in find(tree, role="list item")).startswith("Hip flexor reset")
        desktop.activate("Start a routine")
        assert chooser.tab_order(desktop, 3) == ["Routines", "Start the selected routine", "Close", "Routines"]
        desktop.key("Escape")
        wait_for(lambda: chooser.focus()["visible_windows"] == [], timeout=5, what="Esc to close the chooser")
    with show(desktop, "about") as about:
        tree = reader.wait_tree(lambda t: find(t, role="label", name="About these stretches"),
                                what="the about page")
        page = find(tree, role="label", name="About these stretches")[0]  # the read-only text view
        assert "Stop if anything hurts" in (page["text"] or "")  # the whole page, through AT-SPI Text
        desktop.activate("About these stretches")
        assert about.tab_order(desktop, 2) == ["About these stretches", "Close", "About these stretches"]
        desktop.key("Escape")
        wait_for(lambda: about.focus()["visible_windows"] == [], timeout=5, what="Esc to close the about page")
