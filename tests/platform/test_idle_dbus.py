"""The D-Bus idle backends against fake Mutter and ScreenSaver services on a private bus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.platform.desktop_env import DesktopEnv, detect_desktop_env
from desktop_app.platform.idle import IdleMonitor, IdleUnavailable, select_idle_monitor
from desktop_app.platform.idle.freedesktop import FreedesktopIdleMonitor
from desktop_app.platform.idle.gnome import GnomeIdleMonitor
from tests.platform.fake_services.harness import fake_services


def _factories(bus: Any) -> dict[str, Callable[[DesktopEnv], IdleMonitor]]:
    """The real D-Bus backends, on the private bus instead of the process's session bus."""
    return {"gnome": lambda env: GnomeIdleMonitor(bus),
            "freedesktop": lambda env: FreedesktopIdleMonitor(bus)}


def test_gnome_backend_is_unavailable_without_mutter(bus: Any) -> None:
    with pytest.raises(IdleUnavailable, match=r"org\.gnome\.Mutter\.IdleMonitor is not on the session bus"):
        GnomeIdleMonitor(bus)


def test_gnome_reading_follows_the_fake_input(bus: Any, private_bus: str) -> None:
    with fake_services(private_bus, "mutter") as fake:
        monitor = GnomeIdleMonitor(bus)
        fake.send("idle_ms 42000")
        assert 42.0 <= monitor.idle_seconds() < 60.0
        fake.send("activity")
        assert monitor.idle_seconds() < 5.0
        monitor.close()


def test_gnome_push_watch_fires_idle_then_active_then_idle_again(bus: Any, private_bus: str,
                                                                 qtbot: Any) -> None:
    events: list[tuple[str, float]] = []
    with fake_services(private_bus, "mutter") as fake:
        monitor = GnomeIdleMonitor(bus)
        assert monitor.supports_push
        monitor.start_watch(0.3, lambda idle: events.append(("idle", idle)),
                            lambda: events.append(("active", 0)))
        assert fake.wait_line("call AddIdleWatch") == "call AddIdleWatch 300"
        qtbot.waitUntil(lambda: len(events) == 1, timeout=10_000)
        assert events[0][0] == "idle" and events[0][1] >= 0.3
        fake.wait_line("call AddUserActiveWatch")
        fake.send("activity")
        qtbot.waitUntil(lambda: len(events) == 2, timeout=10_000)
        assert events[1][0] == "active"
        # The idle watch stays: the next idle period is reported too.
        qtbot.waitUntil(lambda: len(events) == 3, timeout=10_000)
        assert events[2][0] == "idle"
        monitor.stop_watch()
        fake.wait_line("call RemoveWatch")
        monitor.close()


def test_gnome_survives_mutter_leaving_and_rearms_when_it_returns(bus: Any, private_bus: str,
                                                                  qtbot: Any) -> None:
    events: list[str] = []
    with fake_services(private_bus, "mutter") as fake:
        monitor = GnomeIdleMonitor(bus)
        monitor.start_watch(60.0, lambda idle: events.append("idle"), lambda: events.append("active"))
        fake.wait_line("call AddIdleWatch")
    # Mutter has left the bus: readings fail plainly, nothing crashes.
    with pytest.raises(IdleUnavailable):
        monitor.idle_seconds()
    with fake_services(private_bus, "mutter") as fake:
        # The owner change re-sets the watch on the new Mutter, which then fires it.
        qtbot.waitUntil(lambda: any(line.startswith("call AddIdleWatch 60000") for line in fake.lines),
                        timeout=10_000)
        fake.send("idle_ms 59800")
        fake.send("activity")  # re-schedules the watch from the fake's new idle time
        assert monitor.idle_seconds() < 5.0
    monitor.close()


def test_freedesktop_reads_milliseconds_on_the_kde_path(bus: Any, private_bus: str) -> None:
    with fake_services(private_bus, "screensaver") as fake:
        monitor = FreedesktopIdleMonitor(bus)
        assert monitor.path == "/org/freedesktop/ScreenSaver"
        fake.send("idle_ms 125000")
        assert 125.0 <= monitor.idle_seconds() < 140.0
        assert not monitor.supports_push


def test_selection_prefers_mutter_and_reports_it(bus: Any, private_bus: str) -> None:
    env = detect_desktop_env({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0",
                              "XDG_CURRENT_DESKTOP": "GNOME"}, platform="linux")
    factories = _factories(bus)
    with fake_services(private_bus, "mutter", "screensaver"):
        monitor, report = select_idle_monitor(env=env, factories=factories)
        assert monitor.name == "gnome"
        assert "idle: gnome" in report
        monitor.close()


def test_selection_on_kde_wayland_uses_freedesktop(bus: Any, private_bus: str) -> None:
    env = detect_desktop_env({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0",
                              "XDG_CURRENT_DESKTOP": "KDE"}, platform="linux")
    factories = _factories(bus)
    with fake_services(private_bus, "screensaver"):
        monitor, report = select_idle_monitor(env=env, factories=factories)
        assert monitor.name == "freedesktop"
        assert "gnome: org.gnome.Mutter.IdleMonitor is not on the session bus" in report


def test_selection_on_bare_wayland_falls_back_to_null_and_says_so(bus: Any) -> None:
    env = detect_desktop_env({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0",
                              "DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "sway"}, platform="linux")
    factories = _factories(bus)
    monitor, report = select_idle_monitor(env=env, factories=factories)
    assert monitor.name == "none"
    with pytest.raises(IdleUnavailable, match="Wayland"):
        monitor.idle_seconds()
    assert "Idle time cannot be read in this Wayland session (Wayland, sway)" in report
    assert "x11 skipped: on Wayland" in report
