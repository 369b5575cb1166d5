"""Screen lock and suspend: when the user is away although no idle time was measured.

Sources, all subscribed at once because desktops differ in which they offer:

- ``org.freedesktop.ScreenSaver`` ``ActiveChanged(b)`` (KDE's kscreenlocker, emitted
  on both /ScreenSaver and /org/freedesktop/ScreenSaver; duplicates are ignored);
- ``org.gnome.ScreenSaver`` ``ActiveChanged(b)`` at /org/gnome/ScreenSaver (gnome-shell);
- logind's session ``Lock()`` / ``Unlock()`` signals on the system bus, on this
  session's object (found with GetSession(XDG_SESSION_ID), GetSession("auto") or
  GetSessionByPID);
- logind's Manager ``PrepareForSleep(b)``: true just before suspend, false after resume.

Subscriptions are by name, so a service that starts later is picked up, and one
that leaves simply stops sending. If the service that reported "locked" leaves
the bus (a crashed locker), the screen is taken as unlocked: a crashed locker is
not an away user. The wall/monotonic clock-jump check, which catches suspend on
every platform, lives in the core scheduler and is not repeated here.

Signals are emitted on the Qt main thread.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection, QDBusObjectPath, QDBusServiceWatcher

from desktop_app.i18n import _
from desktop_app.platform.idle.dbus_support import (
    PROBE_TIMEOUT_MS,
    DBusCallError,
    call,
    connect_signal,
    name_has_owner,
    session_bus,
    system_bus,
)

log = logging.getLogger(__name__)

FREEDESKTOP_SCREENSAVER = "org.freedesktop.ScreenSaver"
GNOME_SCREENSAVER = "org.gnome.ScreenSaver"
GNOME_SCREENSAVER_PATH = "/org/gnome/ScreenSaver"
LOGIND = "org.freedesktop.login1"
LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_MANAGER = "org.freedesktop.login1.Manager"
LOGIND_SESSION = "org.freedesktop.login1.Session"


@dataclass(frozen=True)
class SourceInfo:
    """One lock or suspend source as found at start (for reports)."""

    name: str
    kind: str  # "lock" or "suspend"
    present: bool
    detail: str


class SessionWatcher(QObject):
    """Emits ``locked_changed(bool)``, ``suspending()`` and ``resumed()`` from whichever sources exist."""

    locked_changed = Signal(bool)
    suspending = Signal()
    resumed = Signal()

    def __init__(self, session_bus: QDBusConnection | None, system_bus: QDBusConnection | None,
                 environ: Mapping[str, str] | None = None, timeout_ms: int = PROBE_TIMEOUT_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session_bus = session_bus
        self._system_bus = system_bus
        self._timeout_ms = timeout_ms
        self.locked = False
        self.suspended = False
        #: The source that last reported "locked"; when it leaves the bus we unlock.
        self._locked_by: str | None = None
        self._watchers: list[QDBusServiceWatcher] = []
        self.session_path: str | None = None
        self._sources: list[SourceInfo] = []
        env = os.environ if environ is None else environ
        self._subscribe_session_bus()
        self._subscribe_system_bus(env)

    # -- public --------------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        """What was found at start, for ``hipbreak doctor`` and the start-up report."""
        return list(self._sources)

    def report(self) -> str:
        """One line: the lock and suspend sources found, in plain words."""
        lock = [s.name for s in self._sources if s.kind == "lock" and s.present]
        suspend = [s.name for s in self._sources if s.kind == "suspend" and s.present]
        lock_text = ", ".join(lock) if lock else _("none found (screen lock is not noticed)")
        suspend_text = (", ".join(suspend) if suspend
                        else _("no logind; suspend is noticed from clock jumps only"))
        return _("lock: {lock}; suspend: {suspend}").format(lock=lock_text, suspend=suspend_text)

    # -- subscriptions --------------------------------------------------------------------------

    def _subscribe_session_bus(self) -> None:
        bus = self._session_bus
        if bus is None:
            for name in (FREEDESKTOP_SCREENSAVER, GNOME_SCREENSAVER):
                self._sources.append(SourceInfo(name, "lock", False, _("no D-Bus session bus")))
            return
        # An empty path matches any object path: kscreenlocker emits on two paths.
        ok = connect_signal(bus, FREEDESKTOP_SCREENSAVER, "", FREEDESKTOP_SCREENSAVER, "ActiveChanged",
                            self, "_on_freedesktop_active_changed(bool)")
        ok = connect_signal(bus, GNOME_SCREENSAVER, GNOME_SCREENSAVER_PATH, GNOME_SCREENSAVER,
                            "ActiveChanged", self, "_on_gnome_active_changed(bool)") and ok
        if not ok:
            log.warning("could not subscribe to the screensaver signals")
        for name in (FREEDESKTOP_SCREENSAVER, GNOME_SCREENSAVER):
            present = name_has_owner(bus, name, self._timeout_ms)
            detail = (_("ActiveChanged signal") if present
                      else _("not on the session bus (watched in case it starts)"))
            self._sources.append(SourceInfo(name, "lock", present, detail))
            self._watch_owner(bus, name)

    def _subscribe_system_bus(self, env: Mapping[str, str]) -> None:
        bus = self._system_bus
        if bus is None or not name_has_owner(bus, LOGIND, self._timeout_ms):
            reason = _("no D-Bus system bus") if bus is None else _("logind is not on the system bus")
            self._sources.append(SourceInfo("logind session", "lock", False, reason))
            self._sources.append(SourceInfo("logind PrepareForSleep", "suspend", False, reason))
            return
        if not connect_signal(bus, LOGIND, LOGIND_PATH, LOGIND_MANAGER, "PrepareForSleep", self,
                              "_on_prepare_for_sleep(bool)"):
            log.warning("could not subscribe to logind PrepareForSleep")
        self._sources.append(SourceInfo("logind PrepareForSleep", "suspend", True, LOGIND_PATH))
        self.session_path = self._find_session_path(bus, env)
        if self.session_path is None:
            self._sources.append(SourceInfo("logind session", "lock", False,
                                            _("this process is not in a logind session")))
        else:
            path = self.session_path
            connect_signal(bus, LOGIND, path, LOGIND_SESSION, "Lock", self, "_on_session_lock()")
            connect_signal(bus, LOGIND, path, LOGIND_SESSION, "Unlock", self, "_on_session_unlock()")
            self._sources.append(SourceInfo("logind session", "lock", True, self.session_path))
        self._watch_owner(bus, LOGIND)

    def _find_session_path(self, bus: QDBusConnection, env: Mapping[str, str]) -> str | None:
        attempts: list[tuple[str, object]] = []
        if env.get("XDG_SESSION_ID"):
            attempts.append(("GetSession", env["XDG_SESSION_ID"]))
        attempts.append(("GetSession", "auto"))
        for method, argument in attempts:
            try:
                result = call(bus, LOGIND, LOGIND_PATH, LOGIND_MANAGER, method, argument,
                              timeout_ms=self._timeout_ms)
            except DBusCallError as exc:
                log.info("logind %s(%r) failed: %s", method, argument, exc)
                continue
            path = _object_path(result)
            if path:
                return path
        return self._session_by_pid(bus)

    def _session_by_pid(self, bus: QDBusConnection) -> str | None:
        """GetSessionByPID takes a ``u``; QtDBus would send a Python int as ``i``, so use a typed proxy."""
        from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, Qt
        from PySide6.QtDBus import QDBusInterface

        proxy = QDBusInterface(LOGIND, LOGIND_PATH, LOGIND_MANAGER, bus)
        proxy.setTimeout(self._timeout_ms)
        if not proxy.isValid():
            return None
        result = QMetaObject.invokeMethod(proxy, "GetSessionByPID", Qt.ConnectionType.DirectConnection,
                                          Q_RETURN_ARG("QDBusObjectPath"), Q_ARG("uint", os.getpid()))
        return _object_path([result])

    def _watch_owner(self, bus: QDBusConnection, name: str) -> None:
        mode = QDBusServiceWatcher.WatchModeFlag.WatchForUnregistration
        watcher = QDBusServiceWatcher(name, bus, mode, self)
        watcher.serviceUnregistered.connect(self._on_service_unregistered)
        self._watchers.append(watcher)

    # -- slots (Qt main thread) -------------------------------------------------------------------

    def _set_locked(self, locked: bool, source: str) -> None:
        self._locked_by = source if locked else None
        if locked != self.locked:
            self.locked = locked
            log.info("screen %s (%s)", "locked" if locked else "unlocked", source)
            self.locked_changed.emit(locked)

    @Slot(bool)
    def _on_freedesktop_active_changed(self, active: bool) -> None:
        self._set_locked(bool(active), FREEDESKTOP_SCREENSAVER)

    @Slot(bool)
    def _on_gnome_active_changed(self, active: bool) -> None:
        self._set_locked(bool(active), GNOME_SCREENSAVER)

    @Slot()
    def _on_session_lock(self) -> None:
        self._set_locked(True, LOGIND)

    @Slot()
    def _on_session_unlock(self) -> None:
        self._set_locked(False, LOGIND)

    @Slot(bool)
    def _on_prepare_for_sleep(self, start: bool) -> None:
        if start and not self.suspended:
            self.suspended = True
            log.info("suspending (logind)")
            self.suspending.emit()
        elif not start and self.suspended:
            self.suspended = False
            log.info("resumed (logind)")
            self.resumed.emit()

    @Slot(str)
    def _on_service_unregistered(self, name: str) -> None:
        log.info("%s left the bus", name)
        if self._locked_by == name:
            self._set_locked(False, f"{name} left the bus")


class NullSession(QObject):
    """No lock or suspend sources (no D-Bus): the same signals, never emitted."""

    locked_changed = Signal(bool)
    suspending = Signal()
    resumed = Signal()


def _object_path(result: list[object]) -> str | None:
    if not result:
        return None
    value = result[0]
    if isinstance(value, QDBusObjectPath):
        value = value.path()
    return value if isinstance(value, str) and value.startswith("/") else None


def select_session_watcher(session: QDBusConnection | None = None, system: QDBusConnection | None = None,
                           environ: Mapping[str, str] | None = None) -> tuple[SessionWatcher, str]:
    """Build the watcher on the real buses (or the given ones) and say what it found."""
    watcher = SessionWatcher(session if session is not None else session_bus(),
                             system if system is not None else system_bus(environ), environ)
    return watcher, watcher.report()
