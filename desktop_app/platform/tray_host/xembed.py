"""The X11 system tray (XEmbed): who owns the ``_NET_SYSTEM_TRAY_S<screen>`` selection.

A tray manager (trayer, xfce4-panel's systray, stalonetray) owns that selection
and, per the System Tray spec, announces itself with a ``MANAGER`` client
message to the root window when it takes it. When it dies its owner window is
destroyed. So this watch selects StructureNotify on the root window (for
MANAGER) and on the current owner window (for DestroyNotify), on its own X
connection, and reads that connection through a :class:`QSocketNotifier`:
push only, nothing polls, and the X events are few (a root window's
StructureNotify carries only its own geometry changes and client messages).
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

from desktop_app.i18n import _
from desktop_app.platform.tray_host import TrayHostWatch
from desktop_app.platform.xlib import XDisplay

log = logging.getLogger(__name__)

_STRUCTURE_NOTIFY_MASK = 1 << 17
#: Big enough for any XEvent (Xlib's union is 24 longs).
_XEVENT_SIZE = 24 * ctypes.sizeof(ctypes.c_long)


def _prepare(lib: ctypes.CDLL) -> None:
    """Declare the few extra Xlib calls this module uses (idempotent)."""
    lib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
    lib.XPending.argtypes = [ctypes.c_void_p]
    lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    lib.XDefaultScreen.argtypes = [ctypes.c_void_p]
    lib.XFlush.argtypes = [ctypes.c_void_p]


class XEmbedTrayHostWatch(TrayHostWatch):
    """Is there an X11 system tray manager on this screen?"""

    name = "xembed"

    def __init__(self, display: str | None) -> None:
        self._x = XDisplay(display)  # raises XlibUnavailable with the reason
        lib = self._x.lib
        _prepare(lib)
        self.selection = f"_NET_SYSTEM_TRAY_S{int(lib.XDefaultScreen(self._x.handle))}"
        self.description = _("XEmbed: watching the {selection} owner on display {display}").format(
            selection=self.selection, display=self._x.name)
        self._on_change: Callable[[], None] | None = None
        self._owner = 0
        self._owner_obj = QObject()
        self._notifier: QSocketNotifier | None = None
        self._event = ctypes.create_string_buffer(_XEVENT_SIZE)

    def available(self) -> bool | None:
        if not self._x.handle:
            return None
        return self._x.selection_owner(self.selection) != 0

    def start(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        lib = self._x.lib
        lib.XSelectInput(self._x.handle, self._x.root, _STRUCTURE_NOTIFY_MASK)
        self._follow_owner()
        if self._notifier is None:
            fd = int(lib.XConnectionNumber(self._x.handle))
            self._notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self._owner_obj)
            self._notifier.activated.connect(self._on_readable)
        lib.XFlush(self._x.handle)

    def close(self) -> None:
        self._on_change = None
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        self._owner_obj.deleteLater()
        self._x.close()

    def _follow_owner(self) -> None:
        """Ask for DestroyNotify on the current manager window (a BadWindow race is recorded, not fatal)."""
        owner = self._x.selection_owner(self.selection)
        if owner and owner != self._owner:
            self._x.lib.XSelectInput(self._x.handle, owner, _STRUCTURE_NOTIFY_MASK)
        self._owner = owner

    def _on_readable(self, *_args: object) -> None:
        """Drain the queued X events; any of them may mean a new or a lost manager."""
        lib = self._x.lib
        if not self._x.handle:
            return
        seen = 0
        while lib.XPending(self._x.handle) > 0:
            lib.XNextEvent(self._x.handle, self._event)
            seen += 1
        if seen:
            before = self._owner
            self._follow_owner()
            lib.XFlush(self._x.handle)
            if self._owner != before and self._on_change is not None:
                self._on_change()
