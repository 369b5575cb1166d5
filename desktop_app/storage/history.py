"""The event history: an append-only SQLite table of everything that happened.

Design choices and why:

* **Append-only ``events(at, kind, data)``.** The core returns events; stats
  are computed from them, so a better stats formula later works on old data
  too, and nothing ever needs an UPDATE that a crash could leave half done.
* **Schema version in ``PRAGMA user_version``.** It lives in the database
  header, so it can be read before any table exists; a database from a newer
  HipBreak is left alone rather than "repaired".
* **WAL mode.** ``hipbreak stats`` and the statistics window read while the
  tray app writes, and in WAL readers never block the writer nor see half a
  transaction.
* **synchronous=NORMAL.** In WAL mode this is still corruption-proof; a power
  cut (not an application crash: ``kill -9`` loses nothing committed) can at
  worst roll back the last few events. In exchange each append costs no fsync,
  so logging a prompt never wakes the disk. History is informational, so that
  trade is right; settings, which the user typed, use a full fsync instead.
* **Failures never stop the app.** A damaged database is moved aside and a
  new one started; a read-only or unusable folder gives a :class:`NullHistory`
  (the app keeps running without history) and a warning; a full disk on
  append is logged and reported through ``last_error``, never raised.
* **One connection, used from the main thread.** sqlite3's own same-thread
  check enforces it.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from desktop_app.atomic_files import StorageError, describe_os_error, move_aside
from desktop_app.core.events import Event
from desktop_app.i18n import _

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: The page cache of the history connection, in KiB (SQLite's default is 2,000; see _connect_rw).
CACHE_KIB = 256

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS events ("
    " id INTEGER PRIMARY KEY,"
    " at REAL NOT NULL,"
    " kind TEXT NOT NULL,"
    " data TEXT NOT NULL DEFAULT '{}')",
    # time-range queries (the stats window, CSV export)
    "CREATE INDEX IF NOT EXISTS events_at ON events(at)",
    # one kind over a long range (streaks need every completed routine ever)
    "CREATE INDEX IF NOT EXISTS events_kind_at ON events(kind, at)",
)

# SQLite primary result codes that mean "this file is damaged or not a database".
_CORRUPT_WORDS = ("not a database", "malformed", "corrupt", "file is encrypted")


class HistoryError(StorageError):
    """Reading the history failed; ``str(exc)`` is a sentence for the user."""


class HistoryStore(Protocol):
    """What the app and the stats code need from a history, real or Null."""

    last_error: str | None

    def append(self, events: Iterable[Event]) -> bool: ...

    def events(
        self, since: float | None = None, until: float | None = None, kinds: Collection[str] | None = None
    ) -> list[Event]: ...

    def integrity_ok(self) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class HistoryOpen:
    """The store to use, and a plain-words warning for the user when something went wrong."""

    store: History | NullHistory
    warning: str | None = None


def _is_corruption(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return any(word in text for word in _CORRUPT_WORDS)


def _plain_sqlite_error(exc: sqlite3.Error) -> str:
    """A sentence-part for an SQLite error, for people who have never heard of SQLite."""
    text = str(exc).lower()
    if "disk is full" in text or "disk full" in text:
        return _("the disk is full")
    if "readonly" in text or "read-only" in text:
        return _("the database is read-only")
    if "unable to open" in text:
        return _("the database file cannot be opened")
    if "locked" in text or "busy" in text:
        return _("another program is holding the database")
    if _is_corruption(exc):
        return _("the database is damaged")
    return str(exc)


def _read_error(path: Path, exc: sqlite3.Error) -> str:
    return _("Cannot read the history {path}: {reason}.").format(path=path, reason=_plain_sqlite_error(exc))


def _decode(kind: str, at: float, data: str) -> Event:
    if data == "{}":
        return Event(kind, at, {})
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        log.warning("history row %s at %s has unreadable data; ignoring its details", kind, at)
        value = {}
    return Event(kind, at, value)


class History:
    """The SQLite-backed store. Create it with :func:`open_history` or :func:`open_history_readonly`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool = False) -> None:
        self._conn = conn
        self.path = path
        self.readonly = readonly
        #: The last append failure in plain words (for the UI to show once), or None.
        self.last_error: str | None = None

    def append(self, events: Iterable[Event]) -> bool:
        """Store ``events`` in one transaction: all or none.

        Returns False (and sets :attr:`last_error`, and logs) when they could
        not be stored, for example because the disk is full; it never raises,
        so a history problem can never stop a break prompt.
        """
        rows = [(float(e.at), e.kind, json.dumps(e.data, separators=(",", ":"), default=str)) for e in events]
        if not rows:
            return True
        if self.readonly:
            self.last_error = _("History is not being saved: it was opened read-only.")
            return False
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany("INSERT INTO events(at, kind, data) VALUES (?, ?, ?)", rows)
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            reason = _plain_sqlite_error(exc)
            self.last_error = _("History could not be saved: {reason}.").format(reason=reason)
            log.error("could not append %d event(s) to %s: %s", len(rows), self.path, exc)
            return False
        self.last_error = None
        return True

    def events(
        self, since: float | None = None, until: float | None = None, kinds: Collection[str] | None = None
    ) -> list[Event]:
        """Events with ``since <= at < until`` (either bound optional), of the given kinds, in time order.

        Raises :class:`HistoryError` (a plain sentence) if the database cannot be read.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("at >= ?")
            params.append(float(since))
        if until is not None:
            clauses.append("at < ?")
            params.append(float(until))
        if kinds is not None:
            kinds = list(kinds)
            if not kinds:
                return []
            clauses.append(f"kind IN ({', '.join('?' * len(kinds))})")
            params.extend(kinds)
        sql = "SELECT kind, at, data FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY at, id"
        try:
            rows = self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            log.error("cannot read history %s: %s", self.path, exc)
            raise HistoryError(_read_error(self.path, exc)) from exc
        return [_decode(kind, at, data) for kind, at, data in rows]

    def count(self) -> int:
        """How many events are stored (for diagnostics)."""
        try:
            return int(self._conn.execute("SELECT count(*) FROM events").fetchone()[0])
        except sqlite3.Error as exc:
            raise HistoryError(_read_error(self.path, exc)) from exc

    def integrity_ok(self) -> bool:
        """Run the full ``PRAGMA integrity_check`` (slow on big files; for tests, doctor and soak runs)."""
        try:
            rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.Error as exc:
            log.error("integrity check of %s failed to run: %s", self.path, exc)
            return False
        return [tuple(r) for r in rows] == [("ok",)]

    def close(self) -> None:
        try:
            self._conn.close()
        except sqlite3.Error as exc:
            log.warning("closing history %s: %s", self.path, exc)


class NullHistory:
    """A history that keeps nothing: the app runs on when the real one cannot be used.

    ``append`` accepts events and returns True, because the user was already
    told once (by the warning from :func:`open_history`) that history is off.
    """

    def __init__(self, reason: str | None = None) -> None:
        self.path: Path | None = None
        self.readonly = False
        self.reason = reason
        self.last_error: str | None = None

    def append(self, events: Iterable[Event]) -> bool:
        for _event in events:
            pass
        return True

    def events(
        self, since: float | None = None, until: float | None = None, kinds: Collection[str] | None = None
    ) -> list[Event]:
        return []

    def count(self) -> int:
        return 0

    def integrity_ok(self) -> bool:
        return True

    def close(self) -> None:
        return None


class _Damaged(Exception):
    """The file is not a usable database."""


class _NewerSchema(Exception):
    """The file was written by a newer HipBreak."""


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_header(path: Path) -> None:
    """Recognise a file that is not a database *before* SQLite opens it.

    SQLite may tidy away a -wal file when a connection closes; checking the
    header ourselves first means a garbage file's companions reach the backup
    untouched.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    if head and head != _SQLITE_MAGIC:
        raise _Damaged(_("file is not a database"))


def _connect_rw(path: Path) -> sqlite3.Connection:
    """Open (or create) the database, check it, and bring the schema up to date."""
    _check_header(path)
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    try:
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            if _is_corruption(exc):
                raise _Damaged(str(exc)) from exc
            raise
        if version > SCHEMA_VERSION:
            raise _NewerSchema(str(version))
        # SQLite keeps up to 2 MB of pages per connection by default, and the check below reads every
        # page: a year's history stayed in the idle tray app's memory for good. The app's queries are
        # appends and whole-table reads, which a small cache serves as fast (the OS caches the file).
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        try:
            check = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            if _is_corruption(exc):
                raise _Damaged(str(exc)) from exc
            raise
        if [tuple(r) for r in check] != [("ok",)]:
            raise _Damaged("; ".join(str(r[0]) for r in check[:3]))
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("history %s: WAL mode not available (journal mode %s)", path, mode)
        conn.execute("PRAGMA synchronous=NORMAL")
        # A write transaction doubles as the probe that we really can write here.
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                conn.execute(statement)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except BaseException:
        conn.close()
        raise
    return conn


def _move_database_aside(path: Path) -> Path:
    """Move the database and its -wal/-shm companions aside under one backup name."""
    backup = move_aside(path)
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        if os.path.lexists(companion):
            try:
                os.rename(companion, f"{backup}{suffix}")
            except OSError as exc:
                log.warning("could not move %s aside: %s", companion, exc)
    return backup


def open_history(path: Path | str) -> HistoryOpen:
    """Open the history for writing, repairing what can be repaired. Never raises.

    * damaged file: moved aside (with its -wal/-shm), a fresh one started, warning;
    * folder missing and not creatable, read-only, or the path unusable:
      :class:`NullHistory` with the warning "History is not being saved: ...";
    * written by a newer HipBreak: left untouched, :class:`NullHistory`, warning.
    """
    path = Path(path)
    not_saved = _("History is not being saved: {reason}. HipBreak keeps working without it.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        failed = Path(exc.filename) if exc.filename else path.parent
        reason = _("cannot create the folder {folder} ({why})").format(
            folder=path.parent, why=describe_os_error(exc, failed)
        )
        return _null(not_saved.format(reason=reason))
    if path.is_dir():
        return _null(not_saved.format(reason=_("{path} is a folder, not a file").format(path=path)))
    try:
        return HistoryOpen(History(_connect_rw(path), path))
    except _NewerSchema as exc:
        reason = _("{path} was written by a newer HipBreak (format {version}) and is left untouched").format(
            path=path, version=exc
        )
        return _null(not_saved.format(reason=reason))
    except _Damaged as exc:
        damage = str(exc)
    except (sqlite3.Error, OSError) as exc:
        if isinstance(exc, sqlite3.Error) and _is_corruption(exc):
            damage = str(exc)
        else:
            return _null(not_saved.format(reason=_open_failure(path, exc)))
    log.error("history %s is damaged: %s", path, damage)
    try:
        backup = _move_database_aside(path)
    except StorageError as exc:
        reason = _("the database is damaged and could not be moved aside ({error})").format(
            error=str(exc).rstrip(".")
        )
        return _null(not_saved.format(reason=reason))
    try:
        store = History(_connect_rw(path), path)
    except (sqlite3.Error, OSError, _Damaged, _NewerSchema) as exc:
        reason = _("a new database could not be started ({error})").format(error=exc)
        return _null(not_saved.format(reason=reason))
    warning = _("The history database was damaged. It was kept as {backup} and a new, empty history "
                "was started.").format(backup=backup)
    log.warning("%s", warning)
    return HistoryOpen(store, warning)


def _folder_writable(folder: Path) -> bool:
    """True unless the folder refuses writes (also on a read-only mount, where even root is refused)."""
    return os.access(folder, os.W_OK)


def _open_failure(path: Path, exc: sqlite3.Error | OSError) -> str:
    """Why the database could not be opened for writing, as a sentence part."""
    if not _folder_writable(path.parent):
        return _("the folder {folder} is read-only").format(folder=path.parent)
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return _("the file {path} is read-only").format(path=path)
    if isinstance(exc, OSError):
        return describe_os_error(exc, path)
    return _("{reason} ({path})").format(reason=_plain_sqlite_error(exc), path=path)


def _null(warning: str) -> HistoryOpen:
    log.warning("%s", warning)
    return HistoryOpen(NullHistory(warning), warning)


def _connect_ro(path: Path, immutable: bool) -> tuple[sqlite3.Connection, int, bool]:
    uri = path.absolute().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
        ).fetchone() is not None
    except BaseException:
        conn.close()
        raise
    return conn, version, has_table


def open_history_readonly(path: Path | str) -> HistoryOpen:
    """Open the history for reading only (``hipbreak stats``), even while the app writes to it.

    Uses SQLite's ``mode=ro``: this never creates, repairs or moves anything.
    A missing, empty or unreadable database gives a :class:`NullHistory` and
    a warning saying why.
    """
    path = Path(path)
    if not path.is_file():
        missing = _("No history has been recorded yet ({path} does not exist).").format(path=path)
        return HistoryOpen(NullHistory(), missing)
    try:
        conn, version, has_table = _connect_ro(path, immutable=False)
    except sqlite3.Error as exc:
        if _is_corruption(exc) or _folder_writable(path.parent):
            return HistoryOpen(NullHistory(), _read_error(path, exc))
        # A WAL database in a read-only folder: SQLite cannot create the -shm
        # file it needs. Nobody can be writing there, so reading it as
        # immutable is safe.
        try:
            conn, version, has_table = _connect_ro(path, immutable=True)
        except sqlite3.Error as exc2:
            return HistoryOpen(NullHistory(), _read_error(path, exc2))
    if version > SCHEMA_VERSION:
        conn.close()
        return HistoryOpen(NullHistory(), _("The history {path} was written by a newer HipBreak "
                                            "(format {version}); this version cannot read it.").format(
            path=path, version=version))
    if not has_table:
        conn.close()
        return HistoryOpen(NullHistory(), _("No history has been recorded yet."))
    return HistoryOpen(History(conn, path, readonly=True))


__all__ = [
    "SCHEMA_VERSION",
    "History",
    "HistoryError",
    "HistoryOpen",
    "HistoryStore",
    "NullHistory",
    "open_history",
    "open_history_readonly",
]
