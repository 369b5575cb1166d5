"""The GNOME Shell harness itself: the parts the prompt tests rely on really work in the session."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.platform.prompt_mode import NOTIFICATION, XWAYLAND_WINDOW, select_prompt_mode
from tests.support.desktop import wait_for
from tests.support.gnome_session import GnomeSession
from tests.wayland.conftest import TypingApp

pytestmark = [pytest.mark.wayland]


def test_session_has_xwayland_notifications_and_a_tray_host(gnome: GnomeSession) -> None:
    assert gnome.env["WAYLAND_DISPLAY"]
    assert gnome.env["DISPLAY"].startswith(":")
    names = gnome.eval("return Main.extensionManager.getUuids().filter("
                       "u => Main.extensionManager.lookup(u).state === 1);")
    assert "ubuntu-appindicators@ubuntu.com" in names
    assert gnome.eval("return Main.overview.visible;") is False


def test_keys_injected_through_remote_desktop_reach_the_focused_wayland_app(gnome: GnomeSession,
                                                                             typing_app: TypingApp) -> None:
    gnome.input().type_text("hello")
    wait_for(lambda: typing_app.text() == "hello", timeout=10, what="the typing app to receive 'hello'")
    assert gnome.focused_title() == typing_app.title


def test_the_prompt_mode_for_this_session(gnome: GnomeSession) -> None:
    """What doctor and the app choose here: XWayland when it is there, else the notification."""
    env = {k: v for k, v in gnome.env.items() if k != "QT_QPA_PLATFORM"}
    assert select_prompt_mode(env).name == XWAYLAND_WINDOW
    assert select_prompt_mode(env).platform == "xcb;wayland"
    without_x = {k: v for k, v in env.items() if k != "DISPLAY"}
    assert select_prompt_mode(without_x).name == NOTIFICATION
    forced = dict(env, QT_QPA_PLATFORM="wayland")
    assert select_prompt_mode(forced).name == NOTIFICATION


def test_screenshots_show_the_screen(gnome: GnomeSession, tmp_path: Path) -> None:
    from tests.support.screenshots import picture_info

    shot = gnome.screenshot(tmp_path / "screen.png")
    info = picture_info(shot)
    assert (info.width, info.height) == (1280, 800)
    assert info.colours > 10  # the top bar's text, not a blank frame
