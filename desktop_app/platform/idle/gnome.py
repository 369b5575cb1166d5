"""GNOME: Mutter's IdleMonitor over D-Bus, on X11 and Wayland alike.

Interface (mutter's org.gnome.Mutter.IdleMonitor.xml, object
/org/gnome/Mutter/IdleMonitor/Core): ``GetIdletime() -> t`` in milliseconds,
``AddIdleWatch(t interval_ms) -> u``, ``AddUserActiveWatch() -> u``,
``RemoveWatch(u)``, signal ``WatchFired(u id)``. An idle watch fires every
time idle time crosses its interval; a user-active watch fires once, at the
next input, and is then gone.

Why push watches: with them HipBreak learns of a natural break and of the
user's return the moment they happen, and nothing polls at all.

If gnome-shell restarts (Alt+F2 r on X11, or a crash), its watches are lost;
a service watcher notices the new owner and sets them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, QObject, Qt, Slot
from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusServiceWatcher

from desktop_app.platform.idle import IdleMonitor, IdleUnavailable
from desktop_app.platform.idle.dbus_support import (
    PROBE_TIMEOUT_MS,
    DBusCallError,
    call,
    connect_signal,
    disconnect_signal,
    idle_service_bus,
    read_idle_value,
)

log = logging.getLogger(__name__)

SERVICE = "org.gnome.Mutter.IdleMonitor"
PATH = "/org/gnome/Mutter/IdleMonitor/Core"
INTERFACE = "org.gnome.Mutter.IdleMonitor"
_WATCH_FIRED_SLOT = "watch_fired(uint)"


class _Relay(QObject):
    """Receives Mutter's signals on the Qt main thread and hands them to the monitor."""

    def __init__(self, on_fired: Callable[[int], None], on_owner: Callable[[str], None]) -> None:
        super().__init__()
        self._on_fired = on_fired
        self._on_owner = on_owner

    @Slot("uint")
    def watch_fired(self, watch_id: int) -> None:
        self._on_fired(int(watch_id))

    @Slot(str, str, str)
    def owner_changed(self, _name: str, _old: str, new: str) -> None:
        self._on_owner(new)


class GnomeIdleMonitor(IdleMonitor):
    """Mutter's IdleMonitor: readings on demand, idle/active pushed through watches."""

    name = "gnome"
    description = "GNOME Mutter IdleMonitor over D-Bus, push watches"
    supports_push = True

    def __init__(self, bus: QDBusConnection | None = None, timeout_ms: int = PROBE_TIMEOUT_MS) -> None:
        found = idle_service_bus(bus, SERVICE, timeout_ms)
        self._bus = found
        self._timeout_ms = timeout_ms
        self.idle_seconds()  # the probe: raises IdleUnavailable when Mutter does not answer in time
        self._relay = _Relay(self._on_watch_fired, self._on_owner_changed)
        self._owner_watcher = QDBusServiceWatcher(SERVICE, found,
                                                  QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange)
        self._owner_watcher.serviceOwnerChanged.connect(self._relay.owner_changed)
        self._subscribed = False
        self._threshold_ms = 0
        self._on_idle: Callable[[float], None] | None = None
        self._on_active: Callable[[], None] | None = None
        self._idle_watch: int | None = None
        self._active_watch: int | None = None
        self._proxy: QDBusInterface | None = None
        #: True between an idle watch firing and the next input: then an active watch must exist.
        self._user_idle = False
        #: The short "natural pause" watch, only while a due prompt waits (see start_lull_watch).
        self._lull_ms = 0
        self._lull_watch: int | None = None
        self._on_lull: Callable[[float], None] | None = None

    def idle_seconds(self) -> float:
        return int(read_idle_value(self._bus, SERVICE, PATH, INTERFACE, "GetIdletime", self._timeout_ms)) / 1000.0

    def start_watch(self, threshold_seconds: float, on_idle: Callable[[float], None],
                    on_active: Callable[[], None]) -> None:
        self.stop_watch()
        self._threshold_ms = max(1, round(threshold_seconds * 1000))
        self._on_idle = on_idle
        self._on_active = on_active
        if not self._subscribed:
            self._subscribed = connect_signal(self._bus, SERVICE, PATH, INTERFACE, "WatchFired", self._relay,
                                              _WATCH_FIRED_SLOT)
            if not self._subscribed:
                log.warning("could not subscribe to %s WatchFired", SERVICE)
        self._arm()

    def start_lull_watch(self, seconds: float, on_lull: Callable[[float], None]) -> None:
        """Report once idle reaches ``seconds`` (a pause in typing), while a due prompt waits for one.

        A second Mutter idle watch instead of polling GetIdletime every few seconds:
        the driver sets it when a prompt starts waiting and removes it when the wait ends.
        """
        self.stop_lull_watch()
        self._lull_ms = max(1, round(seconds * 1000))
        self._on_lull = on_lull
        self._add_lull_watch()

    def stop_lull_watch(self) -> None:
        if self._lull_watch is not None:
            self._remove_watch(self._lull_watch)
        self._lull_watch = None
        self._on_lull = None

    def _add_lull_watch(self) -> None:
        proxy = self._interface() if self._on_lull is not None else None
        if proxy is None:
            return
        watch = QMetaObject.invokeMethod(proxy, "AddIdleWatch", Qt.ConnectionType.DirectConnection,
                                         Q_RETURN_ARG("uint"), Q_ARG("qulonglong", self._lull_ms))
        if not isinstance(watch, int) or watch <= 0:
            log.warning("AddIdleWatch (pause) failed: %s", proxy.lastError().message())
            return
        self._lull_watch = watch

    def stop_watch(self) -> None:
        self.stop_lull_watch()
        for watch in (self._idle_watch, self._active_watch):
            if watch is not None:
                self._remove_watch(watch)
        self._idle_watch = None
        self._active_watch = None
        self._on_idle = None
        self._on_active = None
        self._user_idle = False

    def close(self) -> None:
        self.stop_watch()
        if self._subscribed:
            disconnect_signal(self._bus, SERVICE, PATH, INTERFACE, "WatchFired", self._relay,
                              _WATCH_FIRED_SLOT)
            self._subscribed = False

    # -- internals -------------------------------------------------------------------------

    def _interface(self) -> QDBusInterface | None:
        """A typed proxy, needed because QtDBus sends a Python int as ``i`` while Mutter's
        AddIdleWatch takes ``t`` and RemoveWatch ``u`` (GDBus checks signatures strictly).
        Only an introspected QDBusInterface converts arguments to the declared types."""
        if self._proxy is None or not self._proxy.isValid():
            proxy = QDBusInterface(SERVICE, PATH, INTERFACE, self._bus)
            proxy.setTimeout(self._timeout_ms)
            if not proxy.isValid():
                log.warning("Mutter IdleMonitor is not reachable: %s", proxy.lastError().message())
                return None
            self._proxy = proxy
        return self._proxy

    def _arm(self) -> None:
        """Set the idle watch (it stays and fires at every idle period until removed)."""
        proxy = self._interface() if self._on_idle is not None else None
        if proxy is None:
            return
        watch = QMetaObject.invokeMethod(proxy, "AddIdleWatch", Qt.ConnectionType.DirectConnection,
                                         Q_RETURN_ARG("uint"), Q_ARG("qulonglong", self._threshold_ms))
        if not isinstance(watch, int) or watch <= 0:  # Mutter's ids are > 0; 0 means the call failed
            log.warning("AddIdleWatch failed: %s", proxy.lastError().message())
            return
        self._idle_watch = watch

    def _remove_watch(self, watch: int) -> None:
        proxy = self._interface()
        if proxy is None:
            return
        QMetaObject.invokeMethod(proxy, "RemoveWatch", Qt.ConnectionType.DirectConnection,
                                 Q_ARG("uint", watch))

    def _add_active_watch(self) -> None:
        try:
            result = call(self._bus, SERVICE, PATH, INTERFACE, "AddUserActiveWatch",
                          timeout_ms=self._timeout_ms)
        except DBusCallError as exc:
            log.warning("AddUserActiveWatch failed: %s", exc)
            return
        self._active_watch = int(result[0]) if result else None

    def _on_watch_fired(self, watch_id: int) -> None:
        if watch_id == self._lull_watch and self._on_lull is not None:
            lull = self._lull_ms / 1000.0
            try:
                idle = self.idle_seconds()
            except IdleUnavailable:
                idle = lull
            self._on_lull(max(idle, lull))
            return
        if watch_id == self._idle_watch and self._on_idle is not None:
            self._user_idle = True
            self._add_active_watch()
            threshold = self._threshold_ms / 1000.0
            try:
                idle = self.idle_seconds()
            except IdleUnavailable:
                idle = threshold
            # The watch firing means idle reached the threshold; a reading a few ms lower
            # (rounding, the call's own latency) must not hide the natural break.
            self._on_idle(max(idle, threshold))
        elif watch_id == self._active_watch and self._on_active is not None:
            self._active_watch = None  # user-active watches are one-shot
            self._user_idle = False
            self._on_active()

    def _on_owner_changed(self, new_owner: str) -> None:
        """Mutter left or came back: its watches are gone either way."""
        self._idle_watch = None
        self._active_watch = None
        self._lull_watch = None
        self._proxy = None
        if new_owner:
            log.info("Mutter IdleMonitor restarted; setting the idle watch again")
            self._arm()
            self._add_lull_watch()
            if self._user_idle:
                self._add_active_watch()
        else:
            log.info("Mutter IdleMonitor left the session bus")
