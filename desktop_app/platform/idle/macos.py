"""macOS: ``CGEventSourceSecondsSinceLastEventType`` through ctypes.

The call returns seconds (a ``CFTimeInterval`` double) since the last event of
any input type in the HID system state, which is what IOKit's ``HIDIdleTime``
(nanoseconds) also reports; :func:`seconds_from_hid_nanoseconds` converts the
latter for completeness. Not tested on a real Mac here: only the conversions
are unit-tested.
"""

from __future__ import annotations

import ctypes
import math
import sys
from typing import Any

from desktop_app.i18n import _
from desktop_app.platform.idle import IdleMonitor, IdleUnavailable

#: kCGEventSourceStateHIDSystemState: input as the hardware delivered it.
CG_EVENT_SOURCE_STATE_HID_SYSTEM = 1
#: kCGAnyInputEventType is defined as ~0 in a 32-bit CGEventType.
CG_ANY_INPUT_EVENT_TYPE = 0xFFFFFFFF
COREGRAPHICS = "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics"


def seconds_from_cg(value: float) -> float:
    """Validate a CGEventSource reading (seconds); NaN or negative means no usable reading."""
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise IdleUnavailable(_("CGEventSource returned {value!r}").format(value=value))
    return float(value)


def seconds_from_hid_nanoseconds(nanoseconds: int) -> float:
    """IOKit's HIDIdleTime (nanoseconds) as seconds."""
    if nanoseconds < 0:
        raise IdleUnavailable(_("HIDIdleTime returned {value!r}").format(value=nanoseconds))
    return nanoseconds / 1_000_000_000


class MacIdleMonitor(IdleMonitor):
    name = "macos"
    description = "macOS CGEventSourceSecondsSinceLastEventType"
    supports_push = False

    def __init__(self) -> None:
        if sys.platform != "darwin":
            raise IdleUnavailable(_("not running on macOS"))
        try:
            lib = ctypes.CDLL(COREGRAPHICS)
        except OSError as exc:
            raise IdleUnavailable(_("CoreGraphics could not be loaded: {error}").format(error=exc)) from exc
        self._seconds_since: Any = lib.CGEventSourceSecondsSinceLastEventType
        self._seconds_since.argtypes = [ctypes.c_int32, ctypes.c_uint32]
        self._seconds_since.restype = ctypes.c_double
        self.idle_seconds()

    def idle_seconds(self) -> float:
        return seconds_from_cg(self._seconds_since(CG_EVENT_SOURCE_STATE_HID_SYSTEM, CG_ANY_INPUT_EVENT_TYPE))
