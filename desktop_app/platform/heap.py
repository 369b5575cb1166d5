"""Hand the C heap's free pages back to the system (glibc's ``malloc_trim``), where there is one.

Why: start-up reads files (routines, the program, the history check) and builds and drops many
objects; glibc keeps the freed memory inside the process unless it sits at the very top of the
heap, so the idle tray app went on holding it in RSS (issue 13). ``malloc_trim(0)`` returns every
free page, also those between live blocks. It frees nothing still in use, costs a few
milliseconds, and runs only at moments that are followed by a long quiet time.

Elsewhere (musl, macOS, Windows) there is no such call: :func:`release_free_memory` does nothing.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

_trim: object = None  # the C function once found; False where there is none


def _malloc_trim() -> object:
    global _trim
    if _trim is None:
        _trim = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                function = getattr(ctypes.CDLL(None), "malloc_trim", None)
            except (OSError, AttributeError) as exc:
                log.debug("malloc_trim not available: %s", exc)
            else:
                if function is not None:
                    function.argtypes = [ctypes.c_size_t]
                    function.restype = ctypes.c_int
                    _trim = function
    return _trim


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system; True when the C library could be asked."""
    trim = _malloc_trim()
    if not callable(trim):
        return False
    trim(0)
    return True
