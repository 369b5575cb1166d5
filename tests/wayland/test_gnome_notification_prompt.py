"""The notification prompt in a real GNOME Shell 43 Wayland session: what a person gets where the UI
cannot go through XWayland (here forced with ``QT_QPA_PLATFORM=wayland``, as a user may set it).

The prompt is then a GNOME notification with Start routine / Snooze / Skip buttons: it never takes
the keyboard, each repeat pops up again, the buttons answer over ``ActionInvoked``, and a window
opens only when the person clicks the notification itself. That window is a Wayland window (GNOME
gives it the focus), so its keys still answer only after a click on it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.desktop import wait_for
from tests.support.gnome_session import GnomeSession
from tests.wayland.conftest import SessionApp, TypingApp, app_in, write_settings

pytestmark = [pytest.mark.wayland]

HEADING = "Time to stand up and stretch"
WINDOW_TITLE = "Time for a break"


@pytest.fixture(scope="module")
def wayland_app(gnome: GnomeSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionApp]:
    profile = tmp_path_factory.mktemp("gnome-notification")
    # the schedule never prompts by itself here (240 min = 4 min in the demo): break-now does
    write_settings(profile, break_interval_minutes=240, reprompt_minutes=3, snooze_minutes=10,
                   natural_break_minutes=15, sound_enabled=False)
    app = app_in(gnome, profile, QT_QPA_PLATFORM="wayland")
    gnome.clear_notifications()  # what earlier tests left in the message tray
    app.start("--demo")
    try:
        app.wait_status("the app to answer", timeout=40)
        yield app
    finally:
        app.stop()
        gnome.clear_notifications()


def _ours(gnome: GnomeSession) -> list[dict[str, Any]]:
    return [n for n in gnome.notifications() if n["title"] == HEADING]


def _type_until(gnome: GnomeSession, done: Any, what: str, timeout: float = 60) -> None:
    """Type, pause 4.5 s (a due prompt waits for a 3 s pause in typing), repeat until ``done()``."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        gnome.input().type_text("la ")
        for _ in range(9):
            time.sleep(0.5)
            if done():
                break


def test_the_prompt_is_a_notification_with_buttons_that_never_takes_the_keys(
        gnome: GnomeSession, wayland_app: SessionApp, typing_app: TypingApp, wayland_shots: Path) -> None:
    assert "prompt mode: notification" in wayland_app.log()
    assert wayland_app.run("break-now").returncode == 0
    found = wait_for(lambda: _ours(gnome), timeout=15, what="the prompt notification in GNOME")
    assert found[0]["actions"] == ["Start routine", "Snooze 10 min", "Skip"]
    assert found[0]["urgency"] == 3  # MessageTray.Urgency.CRITICAL: the banner stays until answered
    assert "sitting for" in found[0]["body"]
    # only the one notification: the prompt is the notification, no second plain one
    assert [n["title"] for n in gnome.notifications()].count(HEADING) == 1
    assert not [n for n in gnome.notifications() if n["title"] == "Time for a break"]
    assert gnome.window(WINDOW_TITLE) is None, "a window opened although nobody asked for one"

    gnome.input().type_text("hi ")
    gnome.input().keys("s", "enter", "esc", "space", "s")
    wait_for(lambda: typing_app.text() == "hi s s", timeout=10, what=f"the typed keys (has {typing_app.text()!r})")
    assert gnome.focused_title() == typing_app.title
    assert wayland_app.status()["state"] == "due"  # type: ignore[index]
    assert not wayland_app.events("skipped", "snoozed", "routine_started")
    gnome.screenshot(wayland_shots / "wayland-gnome-notification-screen.png")
    gnome.screenshot(wayland_shots / "wayland-gnome-notification.png", (380, 28, 520, 180))

    # unanswered, it repeats as a new notification (the banner comes up again); still one of ours
    shown = len(wayland_app.events("prompt_shown"))
    before = _ours(gnome)[0]["body"]
    _type_until(gnome, lambda: len(wayland_app.events("prompt_shown")) > shown, "the repeat prompt")
    assert wayland_app.events("prompt_shown")[-1][1].get("reason") == "repeat"
    again = wait_for(lambda: _ours(gnome), timeout=10, what="the repeat notification")
    assert len(again) == 1
    assert again[0]["body"] != before, "the repeat should be a new notification with the new sitting time"
    assert gnome.focused_title() == typing_app.title

    # the Skip button answers over ActionInvoked
    assert gnome.invoke_notification_action(HEADING, "Skip")
    wayland_app.wait_status("Skip on the notification to skip", timeout=10, state="working")
    assert [k for k, _d in wayland_app.events("skipped")] == ["skipped"]


def test_a_click_on_the_notification_opens_the_window_whose_keys_need_a_click(
        gnome: GnomeSession, wayland_app: SessionApp, typing_app: TypingApp, wayland_shots: Path) -> None:
    assert wayland_app.run("break-now").returncode == 0
    wait_for(lambda: _ours(gnome), timeout=15, what="the prompt notification")
    assert gnome.activate_notification(HEADING)
    window = wait_for(lambda: gnome.window(WINDOW_TITLE), timeout=10, what="the prompt window on request")
    assert not window["x11"], "the window should be a Wayland window in this mode"
    time.sleep(0.5)
    # GNOME gives the requested window the focus; a key typed now must still not answer
    gnome.input().keys("s", "enter", "space")
    time.sleep(0.5)
    assert wayland_app.status()["state"] == "due"  # type: ignore[index]
    window = gnome.window(WINDOW_TITLE)
    assert window is not None
    x, y, w, h = window["rect"]
    gnome.screenshot(wayland_shots / "wayland-gnome-window-on-request.png", (x - 16, y - 16, w + 32, h + 32))
    gnome.input().click(x + w * 0.6, y + h * 0.45)
    time.sleep(0.3)
    gnome.input().keys("esc")
    wayland_app.wait_status("Esc after a click to snooze", timeout=10, state="snoozed")
    wait_for(lambda: gnome.window(WINDOW_TITLE) is None, timeout=10, what="the window to close")
    assert not _ours(gnome), "the notification should go with the answer"
