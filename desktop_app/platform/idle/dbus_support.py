"""Small, bounded QtDBus calls shared by the idle, session, do-not-disturb and doctor modules.

Why every call has a timeout of about a second: a D-Bus service that hangs
(a wedged screensaver, a half-started shell) must cost HipBreak one second at
start-up, not QtDBus's default of 25 seconds. Why names are checked with
``NameHasOwner`` before calling them: calling a name nobody owns can make the
bus *start* that service (D-Bus activation), which is slow and not ours to do.

Which bus: the session bus is Qt's default (``DBUS_SESSION_BUS_ADDRESS``). The
system bus (logind) can be pointed elsewhere with ``HIPBREAK_SYSTEM_BUS_ADDRESS``
so tests can run a fake logind on a private bus.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import SLOT, QObject
from PySide6.QtDBus import QDBus, QDBusConnection, QDBusMessage, QDBusVariant

from desktop_app.i18n import _
from desktop_app.platform.idle import IdleUnavailable

PROBE_TIMEOUT_MS = 1000
SYSTEM_BUS_ENV = "HIPBREAK_SYSTEM_BUS_ADDRESS"

_connection_numbers = itertools.count(1)


class DBusCallError(Exception):
    """A call failed, timed out or the bus is gone; the message is plain enough for a report."""


def session_bus() -> QDBusConnection | None:
    """The session bus, or None when there is none (no desktop session, a bare container)."""
    bus = QDBusConnection.sessionBus()
    return bus if bus.isConnected() else None


def system_bus(environ: Mapping[str, str] | None = None) -> QDBusConnection | None:
    """The system bus (logind lives there), or the bus named by ``HIPBREAK_SYSTEM_BUS_ADDRESS``."""
    env = os.environ if environ is None else environ
    address = env.get(SYSTEM_BUS_ENV)
    bus = connect_to_address(address) if address else QDBusConnection.systemBus()
    return bus if bus.isConnected() else None


def connect_to_address(address: str) -> QDBusConnection:
    """A new named connection to the bus at ``address`` (tests and ``HIPBREAK_SYSTEM_BUS_ADDRESS``)."""
    return QDBusConnection.connectToBus(address, f"hipbreak-bus-{next(_connection_numbers)}")


def call(bus: QDBusConnection, service: str, path: str, interface: str, method: str, *args: Any,
         timeout_ms: int = PROBE_TIMEOUT_MS) -> list[Any]:
    """Call a method, waiting at most ``timeout_ms``; returns the reply's arguments.

    Raises DBusCallError on an error reply, a timeout or a lost bus."""
    message = QDBusMessage.createMethodCall(service, path, interface, method)
    if args:
        message.setArguments(list(args))
    reply = bus.call(message, QDBus.CallMode.Block, timeout_ms)
    if reply.type() != QDBusMessage.MessageType.ReplyMessage:
        name = reply.errorName() or "no reply"
        if name == "org.freedesktop.DBus.Error.NoReply":
            raise DBusCallError(f"{service} did not answer within {timeout_ms / 1000:g} s")
        raise DBusCallError(f"{service} {method}: {reply.errorMessage() or name}")
    return list(reply.arguments())


def name_has_owner(bus: QDBusConnection, name: str, timeout_ms: int = PROBE_TIMEOUT_MS) -> bool:
    """Is ``name`` on the bus right now? Never starts the service; False when the bus itself fails."""
    try:
        result = call(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                      "NameHasOwner", name, timeout_ms=timeout_ms)
    except DBusCallError:
        return False
    return bool(result and result[0])


def get_property(bus: QDBusConnection, service: str, path: str, interface: str, name: str,
                 timeout_ms: int = PROBE_TIMEOUT_MS) -> Any:
    """Read one property through org.freedesktop.DBus.Properties.Get (unwrapped)."""
    result = call(bus, service, path, "org.freedesktop.DBus.Properties", "Get", interface, name,
                  timeout_ms=timeout_ms)
    if not result:
        raise DBusCallError(f"{service} returned no value for {name}")
    value = result[0]
    return value.variant() if isinstance(value, QDBusVariant) else value


def connect_signal(bus: QDBusConnection, service: str, path: str, interface: str, name: str,
                   receiver: QObject, slot_signature: str) -> bool:
    """Subscribe ``receiver``'s slot (e.g. ``"_on_changed(bool)"``) to a D-Bus signal.

    Subscribing by well-known name follows the name to each new owner, so a service
    that restarts keeps delivering. An empty ``path`` matches every object path.
    (The bindings' type stubs say bytes for the slot, but at run time only str works.)
    """
    untyped: Any = bus
    return bool(untyped.connect(service, path, interface, name, receiver, SLOT(slot_signature)))


def disconnect_signal(bus: QDBusConnection, service: str, path: str, interface: str, name: str,
                      receiver: QObject, slot_signature: str) -> bool:
    untyped: Any = bus
    return bool(untyped.disconnect(service, path, interface, name, receiver, SLOT(slot_signature)))


# -- shared by the D-Bus idle backends (gnome, freedesktop) --------------------------------


def idle_service_bus(bus: QDBusConnection | None, service: str,
                     timeout_ms: int = PROBE_TIMEOUT_MS) -> QDBusConnection:
    """``bus`` (or the session bus) once ``service`` is on it; else IdleUnavailable saying which is missing.

    Both D-Bus idle backends probe this way before their first call, so the probe
    never starts a service by D-Bus activation (see the module docstring).
    """
    found = bus if bus is not None else session_bus()
    if found is None:
        raise IdleUnavailable(_("no D-Bus session bus"))
    if not name_has_owner(found, service, timeout_ms):
        raise IdleUnavailable(_("{service} is not on the session bus").format(service=service))
    return found


def read_idle_value(bus: QDBusConnection, service: str, path: str, interface: str, method: str,
                    timeout_ms: int = PROBE_TIMEOUT_MS) -> Any:
    """The first value ``method`` returns, unconverted; a failed or empty reply becomes IdleUnavailable,
    which is what the idle selection and the scheduler expect from ``idle_seconds()``."""
    try:
        result = call(bus, service, path, interface, method, timeout_ms=timeout_ms)
    except DBusCallError as exc:
        raise IdleUnavailable(str(exc)) from exc
    if not result:
        raise IdleUnavailable(_("{service} returned no idle time").format(service=service))
    return result[0]
