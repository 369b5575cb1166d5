"""The tray side of the player child process: starts it, talks to it, and stands in for the window.

Why: the player's multimedia libraries (QtMultimedia with FFmpeg, QtQuick/QtQml, a PulseAudio
thread) can never be unloaded from a process, so the player plays in a child process that exits
when its window closes (``ui/player_process.py`` has the protocol). The navigator holds a
:class:`PlayerLink` where it would hold a ``PlayerWindow`` and calls the same methods on it
(``is_open``, ``bring_to_front``, ``pause_for_away``, ``resume_after_away``, ``apply_settings``,
``close``), and hears the same ``routine_finished`` and ``geometry_changed`` signals.

What can go wrong, and what the link does:

* The child cannot start, or exits before its window showed: ``start_failed(reason)``; the
  navigator plays the routine in this process instead.
* The child crashes or is killed while the routine plays: ``routine_finished`` (an early end, with
  the time and exercises of its last report) and then ``crashed(reason)``, so nothing is lost and the
  user is told.
* The app quits while a routine plays: :meth:`close` tells the child to close, waits up to
  :data:`CLOSE_WAIT_MS` for its report, then kills it and reports the early end itself.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QProcess, QRect, Signal

from desktop_app.core.routine import Routine, routine_to_data
from desktop_app.core.settings import Settings
from desktop_app.i18n import current_language
from desktop_app.ui.player_process import CHILD_FLAG

log = logging.getLogger(__name__)

#: How long the app, quitting, waits for the child to report the routine's end before killing it.
CLOSE_WAIT_MS = 2000
#: How long starting the child may take before it counts as "cannot start" (the exec, not the window).
START_WAIT_MS = 5000


def child_command() -> list[str]:
    """How to start the player child: ``python -m desktop_app --player-child`` from source, or the
    bundle's own executable with the flag (a PyInstaller bundle has no ``-m``)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", "desktop_app", CHILD_FLAG]


def open_message(routine: Routine, settings: Settings, language: str, geometry: bytes | None,
                 anchor: QRect | None) -> dict[str, Any]:
    """The first line the tray sends the child: the routine in the routine-file format (the same JSON
    as ``assets/routines/*.json``, every language kept) with the file it came from and whether it is
    built in, the settings, the language, the window geometry and the tray icon's rectangle.

    Why JSON and not pickle: the two processes then share a documented format instead of their class
    layouts, the line can be read in a log, and the child validates it as it would a file. Raises
    ``ValueError`` for a routine the format cannot hold (one the loader could not have made).
    """
    return {
        "cmd": "open",
        "routine": routine_to_data(routine),
        "routine_source": str(routine.source),
        "routine_builtin": routine.builtin,
        "settings": settings.to_dict(),
        "language": language,
        "geometry": base64.b64encode(geometry).decode("ascii") if geometry else None,
        "anchor": [anchor.x(), anchor.y(), anchor.width(), anchor.height()] if anchor is not None else None,
    }


def child_working_dir() -> str | None:
    """Where the child starts: the folder that holds the ``desktop_app`` package this process runs.

    ``python -m`` puts the working directory first on ``sys.path``, so a child started from any other
    folder that happens to hold a ``desktop_app`` (a checkout, while the app runs an installed copy
    or a snapshot on ``PYTHONPATH``) would play with different code than the app's. From here it
    imports exactly the app's package. None in a bundle (no ``-m``; the folder does not matter).
    """
    if getattr(sys, "frozen", False):
        return None
    import desktop_app

    return str(Path(desktop_app.__file__).resolve().parent.parent)


class PlayerLink(QObject):
    """One routine playing in a child process, seen from the tray process.

    Signals: ``shown`` when the child's window is on screen; ``routine_finished(routine_id,
    completed, seconds_done, exercises_done)`` exactly once; ``geometry_changed(bytes)``;
    ``start_failed(reason)`` when the child never showed the window; ``crashed(reason)`` after an
    unexpected end; ``ended`` when the child process is gone (always last).
    """

    shown = Signal()
    routine_finished = Signal(str, bool, float, int)
    geometry_changed = Signal(bytes)
    start_failed = Signal(str)
    crashed = Signal(str)
    ended = Signal()

    def __init__(self, routine: Routine, settings: Settings, *, geometry: bytes | None = None,
                 anchor: QRect | None = None, command: list[str] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.routine = routine
        self._settings = settings
        self._geometry = geometry
        self._anchor = anchor
        self._command = command or child_command()
        self._process = QProcess(self)
        self._process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        self._process.readyReadStandardOutput.connect(self._on_stdout)
        self._process.readyReadStandardError.connect(self._on_stderr)
        self._process.finished.connect(self._on_process_finished)
        self._was_shown = False
        self._reported = False
        self._closing = False
        self._gone = False
        self._seconds_done = 0.0
        self._exercises_done = 0
        self._stderr_tail: list[str] = []
        self._stderr_partial = b""
        self._pid = 0
        #: Seconds from :meth:`start` to the child's "shown" (bench/ reads it from the log).
        self.start_latency: float | None = None
        self._started_at = 0.0

    # --- starting ------------------------------------------------------------------------
    def start(self) -> str | None:
        """Start the child and hand it the routine; None, or why it could not start."""
        self._started_at = time.monotonic()
        try:  # before the process starts: a routine that cannot be sent plays in-process at once
            message = open_message(self.routine, self._settings, current_language(), self._geometry, self._anchor)
        except ValueError as exc:
            self._gone = True
            return f"the routine cannot be sent to the player process: {exc}"
        folder = child_working_dir()
        if folder is not None:
            self._process.setWorkingDirectory(folder)
        self._process.start(self._command[0], self._command[1:])
        if not self._process.waitForStarted(START_WAIT_MS):
            reason = self._process.errorString()
            self._gone = True
            return reason or "the player process did not start"
        self._send(message)
        self._pid = int(self._process.processId())
        log.info("player child %s started for routine %s", self._pid, self.routine.id)
        return None

    def pid(self) -> int:
        """The child's process id (kept after it exited, for the log)."""
        return self._pid

    # --- what the navigator calls (as on a PlayerWindow) ----------------------------------
    def is_open(self) -> bool:
        """True while the child runs and has not been told to close."""
        return not self._gone and not self._closing

    def was_shown(self) -> bool:
        return self._was_shown

    def bring_to_front(self) -> None:
        self._send({"cmd": "raise"})

    def pause_for_away(self) -> None:
        self._send({"cmd": "away"})

    def resume_after_away(self) -> None:
        self._send({"cmd": "back"})

    def apply_settings(self, settings: Settings) -> None:
        self._settings = settings
        self._send({"cmd": "settings", "settings": settings.to_dict()})

    def hide(self) -> None:
        """The app is stopping (``hide_windows``): the child's window goes with the child."""
        self.close()

    def close_soon(self) -> None:
        """Close the child's window without waiting (a new routine replaces a finished one's summary)."""
        self.close(wait=False)

    def close(self, wait: bool = True) -> None:
        """Tell the child to close its window; with ``wait``, until it reported (at most
        :data:`CLOSE_WAIT_MS`), then end it. The routine's end is reported either way."""
        if self._gone:
            return
        self._closing = True
        self._send({"cmd": "close"})
        if not wait:
            return
        deadline = time.monotonic() + CLOSE_WAIT_MS / 1000
        while not self._gone and not self._reported:
            left = int((deadline - time.monotonic()) * 1000)
            if left <= 0:
                break
            self._process.waitForReadyRead(min(left, 200))
            self._on_stdout()
        # reported: the child leaves by itself in a moment; else it has had its chance
        if not self._gone and (not self._reported or not self._process.waitForFinished(500)):
            log.warning("player child %s did not close in time; ending it", self.pid())
            self._process.kill()
            self._process.waitForFinished(1000)
        self._on_stdout()
        self._finish_up(crashed=False)

    # --- the child's reports ----------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        if self._gone or self._process.state() == QProcess.ProcessState.NotRunning:
            return
        data = (json.dumps(message) + "\n").encode("utf-8")
        self._process.write(QByteArray(data))

    def _on_stdout(self) -> None:
        while self._process.canReadLine():
            raw = bytes(self._process.readLine().data()).decode("utf-8", "replace").strip()
            if raw:
                self._handle_line(raw)

    def _handle_line(self, raw: str) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            message = None
        event = message.get("event") if isinstance(message, dict) else None
        if not isinstance(message, dict) or event is None:
            log.warning("player child said something that is not a protocol line: %.120s", raw)
            return
        if event == "shown":
            self._was_shown = True
            self.start_latency = time.monotonic() - self._started_at
            log.info("player child %s shows the routine %.2f s after the start", self.pid(), self.start_latency)
            self.shown.emit()
        elif event == "progress":
            self._seconds_done = float(message.get("seconds_done", self._seconds_done))
            self._exercises_done = int(message.get("exercises_done", self._exercises_done))
        elif event == "finished":
            self._seconds_done = float(message.get("seconds_done", self._seconds_done))
            self._exercises_done = int(message.get("exercises_done", self._exercises_done))
            self._report(bool(message.get("completed")), str(message.get("routine_id") or self.routine.id))
        elif event == "geometry":
            try:
                self.geometry_changed.emit(base64.b64decode(str(message.get("data", ""))))
            except ValueError:
                log.warning("player child sent a geometry that is not base64")
        elif event == "closed":
            self._closing = True
        else:
            log.warning("player child sent an unknown event: %s", event)

    def _on_stderr(self, flush: bool = False) -> None:
        """The child's log lines into ours; its warnings and tracebacks as warnings."""
        data = self._stderr_partial + bytes(self._process.readAllStandardError().data())
        lines = data.split(b"\n")
        self._stderr_partial = b"" if flush else lines.pop()
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip()
            if not line.strip():
                continue
            self._stderr_tail = [*self._stderr_tail, line][-5:]
            serious = line.startswith(("WARNING", "ERROR", "CRITICAL", "Traceback")) or line.startswith("  ")
            log.log(logging.WARNING if serious else logging.INFO, "player child: %s", line)

    def _report(self, completed: bool, routine_id: str | None = None) -> None:
        if self._reported:
            return
        self._reported = True
        self.routine_finished.emit(routine_id or self.routine.id, completed, self._seconds_done,
                                   self._exercises_done)

    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._on_stdout()
        self._on_stderr(flush=True)
        crashed = status != QProcess.ExitStatus.NormalExit or (code != 0 and not self._reported)
        if crashed or not self._reported:
            log.warning("player child %s ended (exit %s, %s) before it reported the routine's end%s",
                        self._pid, code, status.name, "; last words: " + " | ".join(self._stderr_tail)
                        if self._stderr_tail else "")
        self._finish_up(crashed=not self._reported and not self._closing)

    def _finish_up(self, crashed: bool) -> None:
        """The child is gone: make sure the routine's end was told, once, then say so."""
        if self._gone and self._reported:
            return
        self._gone = True
        if not self._was_shown and not self._closing:
            self._reported = True  # never played here: the navigator plays it in-process instead
            self.start_failed.emit(self._why_gone())
        else:
            self._report(False)
            if crashed:
                self.crashed.emit(self._why_gone())
        self.ended.emit()

    def _why_gone(self) -> str:
        if self._process.exitStatus() == QProcess.ExitStatus.CrashExit:
            return "the player process crashed or was killed"
        return f"the player process ended with exit code {self._process.exitCode()}"
