"""Wayland idle protocols: ``ext-idle-notify-v1``, or KDE's older ``org_kde_kwin_idle``.

Why a Wayland backend at all: on KDE Plasma Wayland, KWin answers
``org.freedesktop.ScreenSaver.GetSessionIdleTime`` with "not supported on this
platform", and wlroots compositors (sway, Hyprland, labwc, ...) have no D-Bus
idle service at all. What they offer instead is a Wayland protocol a client
binds on its own connection: it asks "tell me when the seat has had no input
for N ms" and gets an ``idled`` event then, and ``resumed`` at the next input.
KWin 5.27 offers both ``ext_idle_notifier_v1`` (version 1) and
``org_kde_kwin_idle``; wlroots offers ``ext_idle_notifier_v1``. GNOME's Mutter
offers neither, but the ``gnome`` backend is probed first there.

Push only, no polling: the protocols give no "idle for how long now" reading,
only the two events. So :meth:`WaylandIdleMonitor.idle_seconds` can answer
only while the user is idle (threshold + time since ``idled``) and raises
:class:`IdleUnavailable` otherwise; the driver never polls a push backend.

Threading: the backend opens its own Wayland connection (not Qt's: Qt may run
on xcb, and its connection is private) and watches that socket with a
:class:`QSocketNotifier` on the Qt main thread. Events are read and dispatched
in the notifier's slot, so ``on_idle``/``on_active`` run on the main thread from
the event loop, as the :class:`IdleMonitor` contract asks. Nothing blocks the
event loop: the socket is only read when it is readable, and requests are
flushed without blocking. Only the probe waits, at most
:data:`PROBE_TIMEOUT_S`, for the compositor to list its globals.

With ``ext_idle_notifier_v1`` version 2 the backend asks for
``get_input_idle_notification``: idle means "no keyboard or pointer input",
whatever idle inhibitors (video players) say. Version 1 (KWin 5.27) only has
``get_idle_notification``, which honours inhibitors: while a video keeps the
screen awake there, HipBreak sees no natural break either.

If the compositor goes away (it crashed, the session ended) the socket reports
an error; the watch stops, a warning is logged once, and the app keeps running
without idle data.
"""

from __future__ import annotations

import logging
import os
import select
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier

from desktop_app.i18n import _
from desktop_app.platform.idle import IdleMonitor, IdleUnavailable

log = logging.getLogger(__name__)

#: How long the probe waits for the compositor to list its globals (seconds).
PROBE_TIMEOUT_S = 2.0
#: Protocol ids, in the order they are preferred.
EXT_IDLE_NOTIFY = "ext-idle-notify-v1"
KDE_IDLE = "org_kde_kwin_idle"
_EXT_GLOBAL = "ext_idle_notifier_v1"
_KDE_GLOBAL = "org_kde_kwin_idle"
_SEAT_GLOBAL = "wl_seat"


_GLOBAL_OF = {EXT_IDLE_NOTIFY: _EXT_GLOBAL, KDE_IDLE: _KDE_GLOBAL}


def pick_protocol(globals_offered: dict[str, int],
                  protocols: tuple[str, ...] = (EXT_IDLE_NOTIFY, KDE_IDLE)) -> str | None:
    """The first of ``protocols`` the compositor offers (``globals_offered``: interface name -> version)."""
    if _SEAT_GLOBAL not in globals_offered:
        return None
    for protocol in protocols:
        if _GLOBAL_OF[protocol] in globals_offered:
            return protocol
    return None


class _Connection:
    """One Wayland client connection with the registry read (pywayland imported lazily)."""

    def __init__(self, display_name: str | None, timeout_s: float) -> None:
        try:
            from pywayland.client import Display
        except Exception as exc:  # ImportError, or cffi failing to load libwayland
            raise IdleUnavailable(_("the pywayland module is not available ({error})").format(error=exc)) from exc
        self.display = Display(display_name)
        try:
            self.display.connect()
        except Exception as exc:
            raise IdleUnavailable(_("cannot connect to the Wayland display {name} ({error})").format(
                name=display_name or os.environ.get("WAYLAND_DISPLAY", "wayland-0"), error=exc)) from exc
        #: interface name -> (global name, version)
        self.globals: dict[str, tuple[int, int]] = {}
        self.registry = self.display.get_registry()
        self.registry.dispatcher["global"] = self._on_global
        self.registry.dispatcher["global_remove"] = self._on_global_remove
        self.roundtrip(timeout_s)

    def _on_global(self, _registry: Any, name: int, interface: str, version: int) -> None:
        self.globals[interface] = (name, version)

    def _on_global_remove(self, _registry: Any, name: int) -> None:
        for interface, (global_name, _version) in list(self.globals.items()):
            if global_name == name:
                del self.globals[interface]

    def roundtrip(self, timeout_s: float) -> None:
        """Like wl_display_roundtrip, but gives up after ``timeout_s`` instead of hanging on a stuck compositor."""
        done: list[bool] = []
        callback = self.display.sync()
        callback.dispatcher["done"] = lambda *_args: done.append(True)
        deadline = time.monotonic() + timeout_s
        fd = self.display.get_fd()
        while not done:
            self.display.flush()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                raise IdleUnavailable(_("the Wayland compositor did not answer within {seconds:.0f} s").format(
                    seconds=timeout_s))
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            if poller.poll(remaining * 1000):
                self.read_and_dispatch()

    def read_and_dispatch(self) -> None:
        """Read what the socket has (it must be readable) and run the handlers; raises when the link is broken."""
        self.display.read()
        self.display.dispatch(block=False)

    def bind(self, interface_name: str, interface: Any, max_version: int) -> Any:
        name, version = self.globals[interface_name]
        return self.registry.bind(name, interface, min(version, max_version))

    def close(self) -> None:
        try:
            self.display.disconnect()
        except Exception as exc:  # already broken: nothing more to release
            log.debug("wayland disconnect: %s", exc)


class WaylandIdleMonitor(IdleMonitor):
    """Idle/active pushed by the compositor over a Wayland idle protocol."""

    name = "wayland"
    supports_push = True
    #: The protocols give no reading before the threshold; doctor says so instead of "failed".
    push_only = True

    def __init__(self, display_name: str | None = None, timeout_s: float = PROBE_TIMEOUT_S,
                 protocols: tuple[str, ...] = (EXT_IDLE_NOTIFY, KDE_IDLE)) -> None:
        """Connect and pick the first of ``protocols`` offered; raises IdleUnavailable with the reason."""
        self._conn = _Connection(display_name, timeout_s)
        offered = {iface: version for iface, (_n, version) in self._conn.globals.items()}
        protocol = pick_protocol(offered, protocols)
        if protocol is None:
            self._conn.close()
            if _SEAT_GLOBAL not in offered:
                raise IdleUnavailable(_("the Wayland compositor offers no seat"))
            raise IdleUnavailable(_("the Wayland compositor offers neither ext-idle-notify-v1 nor org_kde_kwin_idle"))
        self.protocol = protocol
        from pywayland.protocol.wayland import WlSeat

        self._seat = self._conn.bind(_SEAT_GLOBAL, WlSeat, 1)
        self._manager: Any
        if protocol == EXT_IDLE_NOTIFY:
            from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotifierV1

            self._manager = self._conn.bind(_EXT_GLOBAL, ExtIdleNotifierV1, 2)
            self._input_only = offered[_EXT_GLOBAL] >= 2
        else:
            from desktop_app.platform.idle.kde_idle_protocol import OrgKdeKwinIdle

            self._manager = self._conn.bind(_KDE_GLOBAL, OrgKdeKwinIdle, 1)
            self._input_only = False
        self._conn.display.flush()
        what = _("keyboard and pointer input only") if self._input_only else _("idle inhibitors respected")
        self.description = _("{protocol} on Wayland display {name}, push events ({what})").format(
            protocol=protocol, name=display_name or os.environ.get("WAYLAND_DISPLAY", "wayland-0"), what=what)
        self._watch: Any = None
        self._threshold_s = 0.0
        self._idle_since: float | None = None
        self._on_idle: Callable[[float], None] | None = None
        self._on_active: Callable[[], None] | None = None
        self._broken = False
        self._notifier_owner = QObject()
        self._notifier = QSocketNotifier(self._conn.display.get_fd(), QSocketNotifier.Type.Read,
                                         self._notifier_owner)
        self._notifier.activated.connect(self._on_readable)

    @property
    def watching(self) -> bool:
        """True while a watch object exists on the compositor."""
        return self._watch is not None

    def idle_seconds(self) -> float:
        if self._idle_since is not None:
            return self._threshold_s + (time.monotonic() - self._idle_since)
        raise IdleUnavailable(_("the Wayland idle protocols report only when the idle threshold is "
                                "passed; the user is not idle past it now"))

    def start_watch(self, threshold_seconds: float, on_idle: Callable[[float], None],
                    on_active: Callable[[], None]) -> None:
        self.stop_watch()
        if self._broken:
            raise IdleUnavailable(_("the Wayland connection is closed"))
        self._threshold_s = max(0.001, float(threshold_seconds))
        timeout_ms = max(1, round(self._threshold_s * 1000))
        self._on_idle = on_idle
        self._on_active = on_active
        if self.protocol == EXT_IDLE_NOTIFY:
            if self._input_only:
                watch = self._manager.get_input_idle_notification(timeout_ms, self._seat)
            else:
                watch = self._manager.get_idle_notification(timeout_ms, self._seat)
            watch.dispatcher["idled"] = self._handle_idled
        else:
            watch = self._manager.get_idle_timeout(self._seat, timeout_ms)
            watch.dispatcher["idle"] = self._handle_idled
        watch.dispatcher["resumed"] = self._handle_resumed
        self._watch = watch
        self._flush()

    def stop_watch(self) -> None:
        watch, self._watch = self._watch, None
        self._on_idle = None
        self._on_active = None
        self._idle_since = None
        if watch is not None and not self._broken:
            try:
                if self.protocol == EXT_IDLE_NOTIFY:
                    watch.destroy()
                else:
                    watch.release()
            except Exception as exc:
                log.debug("wayland idle watch release failed: %s", exc)
            self._flush()

    def close(self) -> None:
        self.stop_watch()
        self._notifier.setEnabled(False)
        self._notifier_owner.deleteLater()
        if not self._broken:
            self._broken = True
            self._conn.close()

    # -- internals -------------------------------------------------------------------------------
    def _handle_idled(self, *_args: Any) -> None:
        self._idle_since = time.monotonic()
        if self._on_idle is not None:
            self._on_idle(self._threshold_s)

    def _handle_resumed(self, *_args: Any) -> None:
        self._idle_since = None
        if self._on_active is not None:
            self._on_active()

    def _flush(self) -> None:
        try:
            self._conn.display.flush()
        except Exception as exc:
            self._fail(exc)

    def _on_readable(self, *_args: Any) -> None:
        """The compositor sent something: read it and run the handlers (Qt main thread)."""
        if self._broken:
            return
        try:
            self._conn.read_and_dispatch()
            self._conn.display.flush()
        except Exception as exc:
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        """The compositor went away: stop listening for good (a readable dead socket would spin)."""
        if self._broken:
            return
        log.warning("the Wayland idle connection broke (%s); no more idle events from it", exc)
        self._broken = True
        self._notifier.setEnabled(False)
        self._watch = None
        self._idle_since = None
        # disconnect now, which destroys the proxies first: left to the garbage collector, a proxy
        # freed after its display crashed the process (found by tests/platform/test_wayland_idle_server.py)
        self._conn.close()
