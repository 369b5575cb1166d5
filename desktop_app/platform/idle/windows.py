"""Windows: ``GetLastInputInfo`` through ctypes.

``LASTINPUTINFO.dwTime`` and ``GetTickCount()`` are both 32-bit millisecond
tick counts since boot, so they wrap to 0 after 2**32 ms (49.7 days). The
subtraction is therefore done modulo 2**32 (:func:`idle_milliseconds`): right
after a wrap, "now" is a small number and the last input a big one, and plain
subtraction would give a negative idle time. Mixing in ``GetTickCount64`` would
not help, since ``dwTime`` stays 32-bit.

Not tested on real Windows here: only the arithmetic is unit-tested.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from desktop_app.i18n import _
from desktop_app.platform.idle import IdleMonitor, IdleUnavailable

TICK_MODULUS = 2**32


def idle_milliseconds(now_ticks: int, last_input_ticks: int) -> int:
    """Milliseconds between two 32-bit tick counts, correct across the 49.7-day wrap."""
    return (now_ticks - last_input_ticks) % TICK_MODULUS


class _LastInputInfo(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint32)]


class WindowsIdleMonitor(IdleMonitor):
    name = "windows"
    description = "Windows GetLastInputInfo"
    supports_push = False

    def __init__(self) -> None:
        if not sys.platform.startswith("win"):
            raise IdleUnavailable(_("not running on Windows"))
        windll: Any = getattr(ctypes, "windll")  # noqa: B009 (only exists on Windows)
        self._user32: Any = windll.user32
        self._kernel32: Any = windll.kernel32
        self._kernel32.GetTickCount.restype = ctypes.c_uint32
        self.idle_seconds()

    def idle_seconds(self) -> float:
        info = _LastInputInfo()
        info.cbSize = ctypes.sizeof(info)
        if not self._user32.GetLastInputInfo(ctypes.byref(info)):
            raise IdleUnavailable(_("GetLastInputInfo failed"))
        return idle_milliseconds(int(self._kernel32.GetTickCount()), int(info.dwTime)) / 1000.0
