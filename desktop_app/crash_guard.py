"""Keep the tray app alive through unexpected errors, and leave a trail.

A tray app runs for weeks; one bug in one slot must not take it down or vanish
without a word. So:

* :func:`setup_logging` sends the app's log to ``<log_dir>/hipbreak.log``
  through a rotating file handler (1 MB x 3), so the file a user attaches to
  a bug report is bounded and never fills the disk. A folder that cannot be
  written falls back to stderr and says so, instead of crashing start-up.
* :class:`CrashGuard` installs ``sys.excepthook`` (and ``threading.excepthook``).
  PySide6 hands an exception raised in a slot to ``sys.excepthook`` and then
  carries on with the event loop, so logging it there, with its traceback,
  keeps the app running. The user is told once per run through a callback
  (the app shows a notification), not once per failure, so a bug in a timer
  slot cannot flood the desktop with notifications.
* :func:`immortalize_singletons` works around a PySide6 6.12 bug on Python
  3.11 (see its docstring) that otherwise aborts a long-running app.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from desktop_app.i18n import _

log = logging.getLogger(__name__)

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

Reporter = Callable[[str], None]


class RotatingLogFile(logging.FileHandler):
    """The log file, moved to ``.1`` (``.1`` to ``.2`` ...) before a record would make it too big.

    The rule of ``logging.handlers.RotatingFileHandler``, written out because importing
    ``logging.handlers`` also loads ``socket``, ``pickle`` and ``queue`` for handlers HipBreak never
    uses: about 0.6 MB of the idle tray app's memory (bench/RESULTS.md, "session 3").
    ``Handler.handle`` holds the handler's lock around :meth:`emit`, so a rollover never interleaves.
    As there, no backups (``backups=0``) or no size limit means the file is never rolled over.
    """

    def __init__(self, path: Path, *, max_bytes: int, backups: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._too_big_with(record):
                self._roll_over()
        except Exception:
            self.handleError(record)
            return
        super().emit(record)

    def _too_big_with(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0 or self.backups <= 0 or not os.path.isfile(self.baseFilename):
            return False
        if self.stream is None:
            self.stream = self._open()
        self.stream.seek(0, 2)  # the end, also when another process wrote to the file
        return bool(self.stream.tell() + len(self.format(record) + self.terminator) > self.max_bytes)

    def _roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # reopened below, as logging does
        for index in range(self.backups - 1, 0, -1):
            older = f"{self.baseFilename}.{index}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{index + 1}")
        os.replace(self.baseFilename, f"{self.baseFilename}.1")
        self.stream = self._open()


def setup_logging(log_file: Path, level: int = logging.INFO, *, max_bytes: int = LOG_MAX_BYTES,
                  backups: int = LOG_BACKUPS, also_stderr: bool = False) -> str | None:
    """Attach a rotating file handler for ``log_file`` to the root logger.

    Returns None on success, or one plain sentence saying why the file cannot
    be used (the log then goes to stderr). Calling it again for the same file
    replaces the earlier handler instead of adding a second one.
    """
    root = logging.getLogger()
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    formatter = logging.Formatter(LOG_FORMAT)
    for handler in list(root.handlers):
        if getattr(handler, "_hipbreak", False):
            root.removeHandler(handler)
            handler.close()
    problem: str | None = None
    new: logging.Handler
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        new = RotatingLogFile(log_file, max_bytes=max_bytes, backups=backups)
    except OSError as exc:
        problem = _("Cannot write the log file {path}: {reason}; logging to the terminal instead.").format(
            path=log_file, reason=(exc.strerror or str(exc)).lower())
        new = logging.StreamHandler(sys.stderr)
    new.setFormatter(formatter)
    new.setLevel(level)
    setattr(new, "_hipbreak", True)  # noqa: B010 - marks our handler

    root.addHandler(new)
    if also_stderr and problem is None:
        echo = logging.StreamHandler(sys.stderr)
        echo.setFormatter(formatter)
        echo.setLevel(logging.WARNING)
        setattr(echo, "_hipbreak", True)  # noqa: B010
        root.addHandler(echo)
    if problem:
        log.warning("%s", problem)
    return problem


class CrashGuard:
    """Logs every uncaught exception with its traceback and reports the first one through ``report``.

    ``report(message)`` receives one plain sentence naming the log file; it is
    called at most once per run (see :attr:`reported`). An exception raised by
    ``report`` itself is logged and swallowed: the guard must never be the crash.
    """

    def __init__(self, log_file: Path | None = None, report: Reporter | None = None) -> None:
        self._log_file = log_file
        self._report = report
        self._previous_hook: Callable[..., object] | None = None
        self._previous_thread_hook: Callable[..., object] | None = None
        self._installed = False
        #: Every uncaught exception seen, as "Type: message", oldest first (bounded).
        self.seen: list[str] = []
        #: True once the user has been told.
        self.reported = False

    def set_reporter(self, report: Reporter | None) -> None:
        """Set the callback later, once the notifier exists (errors before that are only logged)."""
        self._report = report

    def install(self) -> CrashGuard:
        if not self._installed:
            self._previous_hook = sys.excepthook
            self._previous_thread_hook = threading.excepthook
            sys.excepthook = self.handle
            threading.excepthook = self._handle_thread
            self._installed = True
        return self

    def uninstall(self) -> None:
        if self._installed:
            if sys.excepthook == self.handle and self._previous_hook is not None:
                sys.excepthook = self._previous_hook
            if threading.excepthook == self._handle_thread and self._previous_thread_hook is not None:
                threading.excepthook = self._previous_thread_hook
            self._installed = False

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        """``sys.excepthook``: log, remember, report once. Ctrl+C still stops the app."""
        if issubclass(exc_type, KeyboardInterrupt) and self._previous_hook is not None:
            self._previous_hook(exc_type, exc, tb)
            return
        try:
            text = "".join(traceback.format_exception(exc_type, exc, tb))
            log.error("unexpected error (the app carries on):\n%s", text.rstrip())
            if len(self.seen) < 100:
                self.seen.append(f"{exc_type.__name__}: {exc}")
            self._maybe_report()
        except Exception:  # the last line of defence must not raise
            if sys.__stderr__ is not None:
                sys.__stderr__.write("hipbreak: error while handling an error\n")

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _maybe_report(self) -> None:
        if self.reported or self._report is None:
            return
        self.reported = True
        where = str(self._log_file) if self._log_file else _("the log")
        message = _("HipBreak hit an unexpected error and carried on. Details are in {where}.").format(
            where=where)
        try:
            self._report(message)
        except Exception:
            log.exception("could not report the error to the user")


def immortalize_singletons() -> bool:
    """Protect ``None``, ``True`` and ``False`` from PySide6's missing reference counts (CPython < 3.12).

    Why: with PySide6 6.12 on Python 3.11, every call of a Qt method that
    returns void (``QTimer.start``, ``setObjectName``, ``processEvents``, ...)
    drops one reference to ``None`` that it never took, and some calls do the
    same to ``True``/``False``. After a few thousand calls the count reaches
    zero and CPython aborts with "none_dealloc: deallocating None", which kills
    a tray app within hours. Python 3.12 made these objects immortal (PEP 683);
    this gives them the same protection on older versions by raising their
    reference count far out of reach. Returns True when it did so.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(obj))
        refcount.value += 1 << 40
    return True
