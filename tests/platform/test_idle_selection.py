"""Choosing the idle backend for each kind of session (pure: backends replaced by scripted ones)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop_app.platform.desktop_env import detect_desktop_env
from desktop_app.platform.idle import IdleMonitor, IdleUnavailable, idle_probe_plan, select_idle_monitor


class _Working(IdleMonitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.description = f"{name} backend"

    def idle_seconds(self) -> float:
        return 1.5


def _works(name: str) -> Callable[..., IdleMonitor]:
    return lambda env: _Working(name)


def _absent(reason: str) -> Callable[..., IdleMonitor]:
    def factory(env: object) -> IdleMonitor:
        raise IdleUnavailable(reason)

    return factory


def _explodes(env: object) -> IdleMonitor:
    raise RuntimeError("segfault-ish surprise")


GNOME_WAYLAND = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0",
                 "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}
KDE_WAYLAND = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "KDE"}
BARE_X11 = {"DISPLAY": ":0"}
SWAY = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-1", "DISPLAY": ":1",
        "XDG_CURRENT_DESKTOP": "sway"}


def test_desktop_detection() -> None:
    gnome = detect_desktop_env(GNOME_WAYLAND, platform="linux")
    assert gnome.is_wayland and gnome.is_gnome and gnome.desktop == "GNOME"
    assert gnome.describe() == "Wayland, ubuntu:GNOME"
    assert detect_desktop_env(KDE_WAYLAND, platform="linux").is_kde
    bare = detect_desktop_env(BARE_X11, platform="linux")
    assert bare.is_x11 and bare.describe() == "X11, no desktop name set"
    # XWayland sets DISPLAY too: a Wayland socket without XDG_SESSION_TYPE still means Wayland.
    assert detect_desktop_env({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, platform="linux").is_wayland
    assert detect_desktop_env({}, platform="linux").session_type == "unknown"
    assert detect_desktop_env({"XDG_SESSION_TYPE": "tty"}, platform="linux").session_type == "tty"
    assert detect_desktop_env({}, platform="win32").session_type == "windows"
    assert detect_desktop_env({}, platform="darwin").describe() == "macOS"


def test_plan_per_platform() -> None:
    assert [n for n, _ in idle_probe_plan(detect_desktop_env({}, platform="win32"))] == ["windows"]
    assert [n for n, _ in idle_probe_plan(detect_desktop_env({}, platform="darwin"))] == ["macos"]
    plan = idle_probe_plan(detect_desktop_env(BARE_X11, platform="linux"))
    assert plan[:3] == [("gnome", None), ("freedesktop", None), ("x11", None)]
    assert plan[3][0] == "wayland" and plan[3][1] is not None  # skipped outside Wayland
    wayland_plan = idle_probe_plan(detect_desktop_env(SWAY, platform="linux"))
    # on Wayland the protocol comes before freedesktop: KWin answers GetSessionIdleTime with "not supported"
    assert [n for n, _ in wayland_plan] == ["gnome", "wayland", "freedesktop", "x11"]
    assert dict(wayland_plan)["x11"] is not None and "Wayland" in dict(wayland_plan)["x11"]


def test_gnome_wayland_picks_mutter_even_if_others_work() -> None:
    monitor, report = select_idle_monitor(GNOME_WAYLAND, factories={
        "gnome": _works("gnome"), "freedesktop": _works("freedesktop"), "x11": _works("x11")})
    assert monitor.name == "gnome"
    assert report == "idle: gnome (gnome backend)"


def test_kde_wayland_picks_the_wayland_protocol_before_freedesktop() -> None:
    monitor, report = select_idle_monitor(KDE_WAYLAND, factories={
        "gnome": _absent("org.gnome.Mutter.IdleMonitor is not on the session bus"),
        "wayland": _works("wayland"), "freedesktop": _works("freedesktop"), "x11": _works("x11")})
    assert monitor.name == "wayland"
    assert "not used: gnome: org.gnome.Mutter.IdleMonitor is not on the session bus" in report


def test_kde_falls_through_to_freedesktop_and_says_what_was_tried() -> None:
    monitor, report = select_idle_monitor(KDE_WAYLAND, factories={
        "gnome": _absent("org.gnome.Mutter.IdleMonitor is not on the session bus"),
        "wayland": _absent("the Wayland compositor offers neither ext-idle-notify-v1 nor org_kde_kwin_idle"),
        "freedesktop": _works("freedesktop"), "x11": _works("x11")})
    assert monitor.name == "freedesktop"
    assert "not used: gnome: org.gnome.Mutter.IdleMonitor is not on the session bus" in report
    assert "wayland: the Wayland compositor offers neither" in report


def test_bare_x11_uses_xscreensaver_and_a_crashing_backend_is_skipped() -> None:
    monitor, report = select_idle_monitor(BARE_X11, factories={
        "gnome": _explodes, "freedesktop": _absent("no D-Bus session bus"), "x11": _works("x11")})
    assert monitor.name == "x11"
    assert "gnome: failed (segfault-ish surprise)" in report


def test_wayland_without_gnome_or_kde_falls_back_to_null_and_says_so() -> None:
    x11_calls: list[object] = []
    monitor, report = select_idle_monitor(SWAY, factories={
        "gnome": _absent("not on the bus"), "freedesktop": _absent("not on the bus"),
        "wayland": _absent("the Wayland compositor offers neither ext-idle-notify-v1 nor org_kde_kwin_idle"),
        "x11": lambda env: x11_calls.append(env) or _Working("x11")})
    assert monitor.name == "none"
    assert not x11_calls  # XWayland's idle time would be wrong, so it is not even tried
    assert report.startswith("idle: none. Idle time cannot be read in this Wayland session (Wayland, sway)")
    assert "Sitting time pauses only for screen lock and suspend." in report
    with pytest.raises(IdleUnavailable, match="neither an idle protocol"):
        monitor.idle_seconds()
    monitor.start_watch(60, lambda idle: None, lambda: None)  # a harmless no-op, never a crash
    assert not monitor.supports_push


def test_windows_and_macos_fall_back_to_null_when_their_call_fails() -> None:
    monitor, report = select_idle_monitor({}, factories={"windows": _absent("GetLastInputInfo failed")},
                                          env=detect_desktop_env({}, platform="win32"))
    assert monitor.name == "none" and "windows: GetLastInputInfo failed" in report
