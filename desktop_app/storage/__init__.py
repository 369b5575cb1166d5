"""Durable storage: settings and state files (atomic JSON) and the event history (SQLite).

Every failure surfaces as :class:`StorageError` (or, for the history, a
warning and a Null store) with one plain sentence for the user; nothing here
deletes user data.
"""

from desktop_app.atomic_files import StorageError

__all__ = ["StorageError"]
