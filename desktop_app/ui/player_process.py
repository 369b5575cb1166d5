"""The routine player as a short-lived process of its own (the child side of ``ui.player_link``).

Why a process: the player loads QtMultimedia with its FFmpeg backend, QtQuick/QtQml and a PulseAudio
engine thread for its sounds and voice. A process can never unload those libraries, so an app that
played one routine stayed about 30 MB bigger for the rest of the day (bench/RESULTS.md, "Issue 13").
Here they load in a child that exits when the player window closes, and the tray process never
imports them.

The child is started by the tray process as ``python -m desktop_app --player-child`` (from source) or
``hipbreak --player-child`` (PyInstaller bundle); ``desktop_app/__main__.py`` sends that hidden flag
to ``desktop_app/player_child.py`` (which sets the process up as ``app.py`` does; ``ui`` must not
import ``app``) before the command line is parsed, and that calls :func:`play` here. It speaks one
JSON object per line:

* stdin, from the tray: first ``open`` (the routine in the routine-file format with the file it came
  from and whether it is built in, validated here as the loader validates a file, so an equal routine
  plays; settings, language, geometry, anchor; see ``player_link.open_message``), then any of
  ``away``, ``back``, ``settings``, ``raise``, ``close``. End of input means the tray process is
  gone: the player closes (an early end) and the child exits.
* stdout, to the tray: ``shown``, ``progress`` (at each segment boundary, so a crash loses at most one
  segment), ``finished``, ``geometry``, ``closed``. Nothing else is written to stdout: file
  descriptor 1 is pointed at stderr before Qt or any library loads, and the protocol writes to a
  private copy of the original stdout. Logging goes to stderr, which the tray process logs.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal

if TYPE_CHECKING:
    from desktop_app.core.routine import Routine
    from desktop_app.core.settings import Settings

log = logging.getLogger(__name__)

#: The hidden command-line flag that starts this child instead of the app (never shown in --help).
CHILD_FLAG = "--player-child"


class ProtocolOut:
    """Writes protocol lines to the tray process, one JSON object a line, flushed at once."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def send(self, event: str, **fields: Any) -> None:
        try:
            self._stream.write(json.dumps({"event": event, **fields}, ensure_ascii=True) + "\n")
            self._stream.flush()
        except (OSError, ValueError) as exc:  # the tray process is gone: nobody to tell
            log.info("cannot report %s to the tray process: %s", event, exc)


def private_stdout() -> IO[str]:
    """A copy of stdout for the protocol alone; fd 1 then goes to stderr, so stray prints and C
    libraries (FFmpeg, PulseAudio) cannot put anything between protocol lines."""
    sys.stdout.flush()
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, "w", encoding="utf-8", buffering=1)


def decode_open(message: dict[str, Any],
                ) -> tuple[Routine, Settings, str, bytes | None, tuple[int, int, int, int] | None]:
    """The routine, settings, language, geometry and anchor of an ``open`` message.

    The routine comes in the routine-file format (``player_link.open_message``) and is validated as
    the loader validates a file, named after the file it came from: a broken one raises
    :class:`~desktop_app.core.routine.RoutineError` listing every problem (the child then exits 2,
    says why on stderr, and the tray plays the routine in its own process).
    """
    from desktop_app.core.routine import RoutineError, routine_from_data
    from desktop_app.core.settings import validate

    source = message.get("routine_source")
    if not isinstance(source, str) or not source:
        raise RoutineError(["the 'open' message names no routine file (routine_source)"])
    routine = routine_from_data(message.get("routine"), Path(source), builtin=message.get("routine_builtin") is True)
    settings, problems = validate(message.get("settings") or {})
    for problem in problems:
        log.warning("player settings: %s", problem)
    geometry = base64.b64decode(message["geometry"]) if message.get("geometry") else None
    anchor = message.get("anchor")
    rect = (int(anchor[0]), int(anchor[1]), int(anchor[2]), int(anchor[3])) if anchor else None
    return routine, settings, str(message.get("language") or "en"), geometry, rect


def read_open_message(stdin: IO[str]) -> dict[str, Any] | None:
    """The first line from the tray, which must be ``open``; None (and why, on stderr) otherwise."""
    line = stdin.readline()
    if not line:
        return None
    try:
        message = json.loads(line)
    except ValueError:
        log.error("the first line from the tray process is not JSON: %.80r", line)
        return None
    if not isinstance(message, dict) or message.get("cmd") != "open":
        log.error("the first message from the tray process is not 'open'")
        return None
    return message


class _Inbox(QObject):
    """Lines from the tray, read by a thread (blocked in read: no wakeups), handled on the Qt thread."""

    line = Signal(str)


class _CloseWatch(QObject):
    """Calls ``done`` once the watched player window has accepted a close (it has reported by then)."""

    def __init__(self, window: Any, done: Any) -> None:
        super().__init__(window)
        self._window = window
        self._done = done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            QTimer.singleShot(0, self._check)
        return False

    def _check(self) -> None:
        if not self._window.is_open():
            self._done()


def _close(window: Any) -> None:
    window.close()


def play(app: Any, out: ProtocolOut, routine: Any, settings: Any, geometry: bytes | None,
          anchor: tuple[int, int, int, int] | None) -> int:
    """Show the player, relay its reports and the tray's commands, return when its window closed."""
    from desktop_app.core.clock import SystemClock
    from desktop_app.core.settings import validate
    from desktop_app.ui.player_window import PlayerWindow
    from desktop_app.ui.qt_app import SignalExit

    window = PlayerWindow(routine, settings, SystemClock(), geometry=geometry,
                          anchor=QRect(*anchor) if anchor else None)

    def on_finished(routine_id: str, completed: bool, seconds_done: float, exercises_done: int) -> None:
        out.send("finished", routine_id=routine_id, completed=bool(completed), seconds_done=float(seconds_done),
                 exercises_done=int(exercises_done))

    def on_geometry(data: bytes) -> None:
        out.send("geometry", data=base64.b64encode(bytes(data)).decode("ascii"))

    ended = {"finished": False, "closed": False}

    def report_progress() -> None:
        """What a crash would lose: sent at each segment boundary and when the routine pauses for away."""
        if not ended["finished"]:
            out.send("progress", seconds_done=window.seconds_done(), exercises_done=window.exercises_done())

    def on_closed() -> None:
        if not ended["closed"]:
            ended["closed"] = True
            out.send("closed")
            app.exit(0)

    window.routine_finished.connect(lambda *_args: ended.__setitem__("finished", True))
    window.routine_finished.connect(on_finished)
    window.geometry_changed.connect(on_geometry)
    ticker = getattr(window, "ticker", None)
    if ticker is not None:  # after the window's own slot has moved to the next segment
        ticker.deadline_reached.connect(report_progress)

    def handle(line: str) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        cmd = message.get("cmd") if isinstance(message, dict) else None
        if cmd is None:
            log.warning("ignoring a line from the tray process that is not a command: %.80r", line)
        elif cmd == "eof":
            log.info("the tray process went away; closing the player")
            window.close()
            on_closed()
        elif cmd == "close":
            window.close()
            on_closed()
        elif cmd == "raise":
            window.bring_to_front()
        elif cmd == "away":
            window.pause_for_away()
            report_progress()
        elif cmd == "back":
            window.resume_after_away()
        elif cmd == "settings" and isinstance(message, dict):
            window.apply_settings(validate(message.get("settings") or {})[0])
        else:
            log.warning("unknown command from the tray process: %s", cmd)

    inbox = _Inbox()
    inbox.line.connect(handle, Qt.ConnectionType.QueuedConnection)

    def read_stdin() -> None:
        for line in sys.stdin:
            if line.strip():
                inbox.line.emit(line)
        inbox.line.emit('{"cmd": "eof"}')

    window.installEventFilter(_CloseWatch(window, on_closed))
    exits = SignalExit(lambda _sig: _close(window), app)
    window.show()
    window.raise_()
    out.send("shown", pid=os.getpid())
    threading.Thread(target=read_stdin, name="tray-stdin", daemon=True).start()
    code = app.exec()
    exits.close()
    return int(code)
