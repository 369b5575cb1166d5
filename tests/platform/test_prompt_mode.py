"""Which prompt each desktop gets (platform/prompt_mode.py): pure decisions from the environment."""

from __future__ import annotations

import pytest

from desktop_app.platform.prompt_mode import (
    NOTIFICATION,
    WINDOW,
    XWAYLAND_PLATFORM,
    XWAYLAND_WINDOW,
    PromptMode,
    apply_prompt_mode,
    effective_mode,
    select_prompt_mode,
    x_server_reachable,
)

X1 = {"/tmp/.X11-unix/X1"}


def _mode(env: dict[str, str], sockets: set[str] = X1, platform: str = "linux") -> PromptMode:
    return select_prompt_mode(env, platform=platform, path_exists=lambda p: p in sockets)


GNOME_WAYLAND = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":1",
                 "XDG_CURRENT_DESKTOP": "GNOME"}


def test_x11_sessions_keep_the_window() -> None:
    mode = _mode({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"})
    assert (mode.name, mode.platform) == (WINDOW, "")
    assert mode.reason.endswith(".") and "X11" in mode.reason


def test_wayland_with_xwayland_runs_through_xcb_with_a_wayland_fallback() -> None:
    mode = _mode(GNOME_WAYLAND)
    assert (mode.name, mode.platform) == (XWAYLAND_WINDOW, XWAYLAND_PLATFORM)
    assert XWAYLAND_PLATFORM.split(";") == ["xcb", "wayland"]


def test_wayland_without_an_x_server_gets_the_notification() -> None:
    no_display = {k: v for k, v in GNOME_WAYLAND.items() if k != "DISPLAY"}
    assert _mode(no_display).name == NOTIFICATION
    stale = dict(GNOME_WAYLAND, DISPLAY=":7")  # a DISPLAY left over, no socket behind it
    assert _mode(stale).name == NOTIFICATION
    assert _mode(no_display).platform == ""


def test_a_platform_the_person_chose_is_kept() -> None:
    assert _mode(dict(GNOME_WAYLAND, QT_QPA_PLATFORM="wayland")) == PromptMode(
        NOTIFICATION, "", _mode(dict(GNOME_WAYLAND, QT_QPA_PLATFORM="wayland")).reason)
    forced_x = _mode(dict(GNOME_WAYLAND, QT_QPA_PLATFORM="xcb"))
    assert (forced_x.name, forced_x.platform) == (XWAYLAND_WINDOW, "")
    assert "QT_QPA_PLATFORM=xcb" in forced_x.reason
    assert _mode(dict(GNOME_WAYLAND, QT_QPA_PLATFORM="offscreen")).name == WINDOW


def test_wayland_is_recognised_without_xdg_session_type() -> None:
    assert _mode({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":1"}).name == XWAYLAND_WINDOW
    assert _mode({"DISPLAY": ":1"}).name == WINDOW


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_keep_the_window(platform: str) -> None:
    assert _mode(GNOME_WAYLAND, platform=platform).name == WINDOW


def test_x_server_reachable_checks_the_local_socket_only() -> None:
    assert x_server_reachable(":1.0", lambda p: p == "/tmp/.X11-unix/X1")
    assert not x_server_reachable(":2", lambda p: False)
    assert x_server_reachable("remote:0", lambda p: False)  # trusted as given
    assert not x_server_reachable("", lambda p: True)
    assert not x_server_reachable(":abc", lambda p: True)


def test_when_qt_falls_back_to_wayland_the_prompt_becomes_a_notification() -> None:
    chosen = _mode(GNOME_WAYLAND)
    assert effective_mode(chosen, "xcb") is chosen
    fell_back = effective_mode(chosen, "wayland")
    assert fell_back.name == NOTIFICATION and "XWayland" in fell_back.reason
    window = _mode({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"})
    assert effective_mode(window, "wayland") is window


def test_apply_sets_qt_qpa_platform_only_when_the_mode_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    env = dict(GNOME_WAYLAND, DISPLAY="remote:0")  # trusted, no socket needed
    mode = apply_prompt_mode(env)
    assert mode.name == XWAYLAND_WINDOW and env["QT_QPA_PLATFORM"] == XWAYLAND_PLATFORM
    x11 = {"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}
    apply_prompt_mode(x11)
    assert "QT_QPA_PLATFORM" not in x11
