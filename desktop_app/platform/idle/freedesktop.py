"""KDE and other freedesktop sessions: ``org.freedesktop.ScreenSaver.GetSessionIdleTime``.

Checked against KDE's kscreenlocker (the main implementer): it owns the name
``org.freedesktop.ScreenSaver``, exports the same object at both
``/ScreenSaver`` and ``/org/freedesktop/ScreenSaver``, and
``GetSessionIdleTime() -> u`` returns ``KIdleTime::idleTime()``, which is in
**milliseconds**. This works on Plasma X11 and Wayland. GNOME also owns the
name (for inhibitors) but answers GetSessionIdleTime with an error, so the
probe simply fails there (GNOME is handled by the Mutter backend first).

This backend only polls: there is no idle signal on this interface.
"""

from __future__ import annotations

from PySide6.QtDBus import QDBusConnection

from desktop_app.i18n import _
from desktop_app.platform.idle import IdleMonitor, IdleUnavailable
from desktop_app.platform.idle.dbus_support import PROBE_TIMEOUT_MS, idle_service_bus, read_idle_value

SERVICE = "org.freedesktop.ScreenSaver"
PATHS = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")
INTERFACE = "org.freedesktop.ScreenSaver"


class FreedesktopIdleMonitor(IdleMonitor):
    """Polls GetSessionIdleTime on whichever of the two object paths answers."""

    name = "freedesktop"
    description = "org.freedesktop.ScreenSaver GetSessionIdleTime over D-Bus (KDE), polled"
    supports_push = False

    def __init__(self, bus: QDBusConnection | None = None, timeout_ms: int = PROBE_TIMEOUT_MS) -> None:
        self._bus = idle_service_bus(bus, SERVICE, timeout_ms)
        self._timeout_ms = timeout_ms
        problems: list[str] = []
        for path in PATHS:
            self.path = path
            try:
                self.idle_seconds()
            except IdleUnavailable as exc:
                problems.append(f"{path}: {exc}")
                continue
            return
        raise IdleUnavailable(_("GetSessionIdleTime did not work ({problems})").format(
            problems="; ".join(problems)))

    def idle_seconds(self) -> float:
        return milliseconds_to_seconds(read_idle_value(self._bus, SERVICE, self.path, INTERFACE,
                                                       "GetSessionIdleTime", self._timeout_ms))


def milliseconds_to_seconds(value: object) -> float:
    """GetSessionIdleTime's ``u`` milliseconds as seconds; rejects anything that is not a count."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise IdleUnavailable(_("GetSessionIdleTime returned {value!r}, not a number of milliseconds").format(
            value=value))
    return value / 1000.0
