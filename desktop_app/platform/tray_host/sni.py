"""StatusNotifierItem hosts: the watcher's bus name and every ``org.kde.StatusNotifierHost-*`` name.

The rule for "a host draws our icon": the watcher (``org.kde.StatusNotifierWatcher``)
is on the bus, says ``IsStatusNotifierHostRegistered``, and, if any host has ever
shown its own bus name here, at least one such name is still there. The last part
is for KDE, where the watcher lives in kded5 and keeps saying a host is
registered after plasmashell (the host) died. Watchers that own no separate host
name (GNOME's AppIndicator extension is watcher and host in one) are trusted as
they are: when they go, their watcher name goes with them.

Push only: a :class:`QDBusServiceWatcher` follows the watcher's name and each host
name seen so far (exact D-Bus match rules, so other apps coming and going on the
bus wake nothing), and the watcher's ``StatusNotifierHostRegistered`` /
``...Unregistered`` signals announce new hosts, whose names are then added.
KDE's watcher (kded5, Plasma 5.27) does not announce a *restarted* plasmashell
(it only counts hosts named ``org.freedesktop.StatusNotifierHost-*``), so while
every host seen is gone, the watch also listens to the bus's NameOwnerChanged
for all names and picks out a new ``org.kde.StatusNotifierHost-*``; that wide
subscription ends as soon as a host is back. It costs a wakeup per name change
on the bus, but only in that rare state, when the status window is showing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtDBus import QDBusConnection, QDBusServiceWatcher

from desktop_app.i18n import _
from desktop_app.platform.idle.dbus_support import (
    DBusCallError,
    call,
    connect_signal,
    disconnect_signal,
    get_property,
    name_has_owner,
    session_bus,
)
from desktop_app.platform.tray_host import TrayHostWatch

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
HOST_PREFIX = "org.kde.StatusNotifierHost-"
_HOST_SIGNALS = ("StatusNotifierHostRegistered", "StatusNotifierHostUnregistered")
_WIDE_SLOT = "any_owner_changed(QString,QString,QString)"


class _Relay(QObject):
    """Receives the D-Bus signals on the Qt main thread."""

    def __init__(self, on_any: Callable[[], None]) -> None:
        super().__init__()
        self._on_any = on_any

    @Slot()
    def host_changed(self) -> None:
        self._on_any()

    @Slot(str)
    def name_changed(self, _name: str) -> None:
        self._on_any()

    @Slot(str, str, str)
    def any_owner_changed(self, name: str, _old: str, _new: str) -> None:
        if name.startswith(HOST_PREFIX) or name == WATCHER:
            self._on_any()


class SniTrayHostWatch(TrayHostWatch):
    """Is a StatusNotifierItem host alive on the session bus?"""

    name = "sni"

    def __init__(self, bus: QDBusConnection | None = None) -> None:
        found = bus if bus is not None else session_bus()
        if found is None:
            raise RuntimeError(_("no D-Bus session bus"))
        self._bus = found
        self.description = _("StatusNotifierItem: watching {watcher} and the {prefix}* host names").format(
            watcher=WATCHER, prefix=HOST_PREFIX)
        self._on_change: Callable[[], None] | None = None
        self._relay = _Relay(self._changed)
        self._names = QDBusServiceWatcher(WATCHER, found, QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange)
        self._names.serviceRegistered.connect(self._relay.name_changed)
        self._names.serviceUnregistered.connect(self._relay.name_changed)
        #: Host names seen on this bus so far (KDE's rule, see the module docstring).
        self.hosts_seen: set[str] = set()
        self._subscribed = False
        #: True while subscribed to every NameOwnerChanged on the bus.
        self._wide = False

    def watcher_present(self) -> bool:
        return name_has_owner(self._bus, WATCHER)

    def host_names(self) -> list[str]:
        """The ``org.kde.StatusNotifierHost-*`` names on the bus now (also remembers them)."""
        try:
            names = call(self._bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                         "ListNames")[0]
        except (DBusCallError, IndexError) as exc:
            log.warning("could not list bus names: %s", exc)
            return []
        hosts = sorted(str(n) for n in names if str(n).startswith(HOST_PREFIX))
        for host in hosts:
            if host not in self.hosts_seen:
                self.hosts_seen.add(host)
                self._names.addWatchedService(host)
        self._listen_wide(bool(self.hosts_seen) and not hosts and self._on_change is not None)
        return hosts

    def _listen_wide(self, wanted: bool) -> None:
        """Subscribe to every NameOwnerChanged while all hosts seen are gone (see the module docstring)."""
        if wanted == self._wide:
            return
        args = (self._bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "NameOwnerChanged", self._relay, _WIDE_SLOT)
        if wanted:
            self._wide = connect_signal(*args)
        else:
            disconnect_signal(*args)
            self._wide = False

    def available(self) -> bool | None:
        if not self.watcher_present():
            return False
        try:
            registered = bool(get_property(self._bus, WATCHER, WATCHER_PATH, WATCHER,
                                           "IsStatusNotifierHostRegistered"))
        except DBusCallError as exc:
            log.info("the StatusNotifierWatcher did not answer: %s", exc)
            return False
        if not registered:
            return False
        hosts = self.host_names()
        return bool(hosts) or not self.hosts_seen

    def start(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self.host_names()
        if not self._subscribed:
            self._subscribed = all(connect_signal(self._bus, WATCHER, WATCHER_PATH, WATCHER, signal, self._relay,
                                                  "host_changed()") for signal in _HOST_SIGNALS)

    @property
    def listening_wide(self) -> bool:
        """True while every bus name change is looked at (all hosts seen are gone)."""
        return self._wide

    def close(self) -> None:
        self._on_change = None
        self._listen_wide(False)
        if self._subscribed:
            for signal in _HOST_SIGNALS:
                disconnect_signal(self._bus, WATCHER, WATCHER_PATH, WATCHER, signal, self._relay, "host_changed()")
            self._subscribed = False
        self._names.setWatchedServices([])

    def _changed(self) -> None:
        self.host_names()  # a new host announced itself: follow its name from now on
        if self._on_change is not None:
            self._on_change()
