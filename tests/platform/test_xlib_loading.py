"""Loading libX11 by its soname must not search the library path (ldconfig in a child process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop_app.platform import xlib


def test_the_soname_is_loaded_without_a_search() -> None:
    code = ("import sys; from desktop_app.platform.xlib import load_library; "
            "load_library('c', 'libc.so.6'); print('ctypes.util' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_a_missing_library_is_a_plain_error() -> None:
    with pytest.raises(xlib.XlibUnavailable, match=r"libnothing-here\.so\.9 is not installed"):
        xlib.load_library("nothing-here", "libnothing-here.so.9")
