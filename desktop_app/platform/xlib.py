"""The few Xlib calls HipBreak needs, through ctypes.

Why ctypes and not python-xlib or a subprocess (xprintidle, xprop): no extra
dependency to ship in the bundle, and no process start on every reading. Only
libX11 (and libXss for idle time) are needed; both are on every X11 desktop.

Xlib's default error handler *exits the process* on any protocol error, for
example when the active window closes between two requests. :class:`XDisplay`
installs a handler that records the error instead, so a race with a closing
window costs one reading, never the app.

All calls happen on the thread that created the display (the Qt main thread).
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_ubyte, c_ulong, c_void_p

Window = c_ulong
Atom = c_ulong
XA_ATOM = 4
XA_WINDOW = 33
SUCCESS = 0


class XlibUnavailable(Exception):
    """libX11 is missing or the display cannot be opened; the message says which."""


class _XErrorEvent(ctypes.Structure):
    _fields_ = [
        ("type", c_int),
        ("display", c_void_p),
        ("resourceid", c_ulong),
        ("serial", c_ulong),
        ("error_code", c_ubyte),
        ("request_code", c_ubyte),
        ("minor_code", c_ubyte),
    ]


_ERROR_HANDLER_TYPE = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(_XErrorEvent))
_last_error: list[int] = []


def _record_error(_display: int | None, event: ctypes._Pointer[_XErrorEvent]) -> int:
    _last_error.append(int(event.contents.error_code))
    return 0


#: Kept at module level so the callback is never garbage-collected while Xlib holds it.
_error_handler = _ERROR_HANDLER_TYPE(_record_error)
_libx11: ctypes.CDLL | None = None


def load_library(short_name: str, soname: str) -> ctypes.CDLL:
    """Load a shared library by its soname first (what is installed at run time), then by search."""
    try:
        return ctypes.CDLL(soname)
    except OSError:
        pass
    # Searching runs ldconfig in a child process and imports subprocess (with locale) for good:
    # only when the soname itself is missing (bench/RESULTS.md, "session 3").
    from ctypes.util import find_library

    found = find_library(short_name)
    if found:
        try:
            return ctypes.CDLL(found)
        except OSError:
            pass
    raise XlibUnavailable(f"the library {soname} is not installed")


def libx11() -> ctypes.CDLL:
    """libX11 with argument and result types set, loaded once."""
    global _libx11
    if _libx11 is None:
        lib = load_library("X11", "libX11.so.6")
        lib.XOpenDisplay.argtypes = [c_char_p]
        lib.XOpenDisplay.restype = c_void_p
        lib.XCloseDisplay.argtypes = [c_void_p]
        lib.XDefaultRootWindow.argtypes = [c_void_p]
        lib.XDefaultRootWindow.restype = Window
        lib.XInternAtom.argtypes = [c_void_p, c_char_p, c_int]
        lib.XInternAtom.restype = Atom
        lib.XGetWindowProperty.argtypes = [
            c_void_p, Window, Atom, c_long, c_long, c_int, Atom,
            POINTER(Atom), POINTER(c_int), POINTER(c_ulong), POINTER(c_ulong), POINTER(c_void_p),
        ]
        lib.XGetWindowProperty.restype = c_int
        lib.XFree.argtypes = [c_void_p]
        lib.XGetSelectionOwner.argtypes = [c_void_p, Atom]
        lib.XGetSelectionOwner.restype = Window
        lib.XSync.argtypes = [c_void_p, c_int]
        lib.XSetErrorHandler.argtypes = [_ERROR_HANDLER_TYPE]
        lib.XSetErrorHandler.restype = c_void_p
        lib.XSetErrorHandler(_error_handler)
        _libx11 = lib
    return _libx11


class XDisplay:
    """One open connection to an X server, kept for the life of the adapter using it."""

    def __init__(self, name: str | None) -> None:
        lib = libx11()
        handle = lib.XOpenDisplay(name.encode() if name else None)
        if not handle:
            raise XlibUnavailable(f"cannot open the X display {name or '(DISPLAY not set)'}")
        self.lib = lib
        self.handle: int = handle
        self.name = name or ""
        self.root: int = int(lib.XDefaultRootWindow(handle))
        self._atoms: dict[str, int] = {}

    def atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = int(self.lib.XInternAtom(self.handle, name.encode(), 0))
        return self._atoms[name]

    def get_property_longs(self, window: int, prop: str, prop_type: int,
                           max_items: int = 64) -> list[int] | None:
        """A format-32 property (WINDOW, ATOM, CARDINAL) as Python ints; None when absent or on an X error.

        Xlib returns format-32 items as C ``long`` (64 bits on 64-bit Linux), not as 32-bit values.
        """
        actual_type = Atom()
        actual_format = c_int()
        count = c_ulong()
        remaining = c_ulong()
        data = c_void_p()
        del _last_error[:]
        status = self.lib.XGetWindowProperty(
            self.handle, window, self.atom(prop), 0, max_items, 0, prop_type,
            byref(actual_type), byref(actual_format), byref(count), byref(remaining), byref(data),
        )
        self.lib.XSync(self.handle, 0)
        try:
            if status != SUCCESS or _last_error or not data.value or actual_format.value != 32:
                return None
            items = ctypes.cast(data, POINTER(c_ulong))
            return [int(items[i]) for i in range(count.value)]
        finally:
            if data.value:
                self.lib.XFree(data)

    def selection_owner(self, selection: str) -> int:
        """The window owning a selection such as ``_NET_SYSTEM_TRAY_S0`` (0 = nobody)."""
        return int(self.lib.XGetSelectionOwner(self.handle, self.atom(selection)))

    def close(self) -> None:
        if self.handle:
            self.lib.XCloseDisplay(self.handle)
            self.handle = 0


def display_reachable(name: str | None) -> bool:
    """True when an X display of that name can be opened now (used by ``hipbreak doctor``)."""
    if not name:
        return False
    try:
        XDisplay(name).close()
    except XlibUnavailable:
        return False
    return True
