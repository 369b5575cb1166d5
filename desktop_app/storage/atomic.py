"""Moved to :mod:`desktop_app.atomic_files` (shared by storage, platform and export).

This name stays for the storage modules and tests that import it.
"""

from desktop_app.atomic_files import (
    StorageError,
    atomic_write_text,
    describe_os_error,
    move_aside,
)

__all__ = ["StorageError", "atomic_write_text", "describe_os_error", "move_aside"]
