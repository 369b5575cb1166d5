"""X11: the MIT-SCREEN-SAVER extension (``XScreenSaverQueryInfo``) through ctypes.

Why this and not ``xprintidle`` in a subprocess: one request on an already
open display costs microseconds; a process start costs milliseconds and a
dependency. The reading is the server's own count of milliseconds since the
last input event from any device, so it is exact on any X11 desktop.

Only used on X11 sessions: under Wayland, XWayland's counter only sees input
that goes to X11 windows, so it would report the user as idle while they type
into a Wayland window.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, byref, c_int, c_ulong, c_void_p

from desktop_app.i18n import _
from desktop_app.platform.idle import IdleMonitor, IdleUnavailable
from desktop_app.platform.xlib import XDisplay, XlibUnavailable, load_library


class XScreenSaverInfo(ctypes.Structure):
    """``XScreenSaverInfo`` from <X11/extensions/scrnsaver.h>."""

    _fields_ = [
        ("window", c_ulong),
        ("state", c_int),
        ("kind", c_int),
        ("til_or_since", c_ulong),
        ("idle", c_ulong),
        ("eventMask", c_ulong),
    ]


_libxss: ctypes.CDLL | None = None


def libxss() -> ctypes.CDLL:
    global _libxss
    if _libxss is None:
        lib = load_library("Xss", "libXss.so.1")
        lib.XScreenSaverQueryExtension.argtypes = [c_void_p, POINTER(c_int), POINTER(c_int)]
        lib.XScreenSaverQueryExtension.restype = c_int
        lib.XScreenSaverQueryInfo.argtypes = [c_void_p, c_ulong, POINTER(XScreenSaverInfo)]
        lib.XScreenSaverQueryInfo.restype = c_int
        _libxss = lib
    return _libxss


class X11IdleMonitor(IdleMonitor):
    """Idle time from the X server; keeps one display connection open for its lifetime."""

    name = "x11"
    description = "X11 XScreenSaver extension (libXss)"
    supports_push = False

    def __init__(self, display: str | None) -> None:
        try:
            self._display = XDisplay(display)
            self._xss = libxss()
        except XlibUnavailable as exc:
            raise IdleUnavailable(str(exc)) from exc
        event_base, error_base = c_int(), c_int()
        handle = self._display.handle
        if not self._xss.XScreenSaverQueryExtension(handle, byref(event_base), byref(error_base)):
            self._display.close()
            raise IdleUnavailable(_("the X server {display} has no MIT-SCREEN-SAVER extension").format(
                display=display))
        self._info = XScreenSaverInfo()
        self.idle_seconds()

    def idle_seconds(self) -> float:
        if not self._display.handle:
            raise IdleUnavailable(_("the X display is closed"))
        if not self._xss.XScreenSaverQueryInfo(self._display.handle, self._display.root, byref(self._info)):
            raise IdleUnavailable(_("XScreenSaverQueryInfo failed"))
        return int(self._info.idle) / 1000.0

    def close(self) -> None:
        self._display.close()
