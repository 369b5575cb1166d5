"""QApplication set-up for a tray app, and a clean exit on SIGTERM/SIGINT.

Why a wakeup fd rather than the usual "QTimer every 500 ms so Python can see
signals": that timer would wake an app sitting in the tray 120 times a
minute. Python writes the signal number into a socket instead, and a
QSocketNotifier wakes Qt only when that happens.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication

from desktop_app import __version__
from desktop_app.ui.tray_icon import IconLook, tray_icon

log = logging.getLogger(__name__)


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (or the existing one), set up for an app that lives in the tray."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else ["hipbreak"])
    assert isinstance(app, QApplication)
    app.setApplicationName("HipBreak")
    app.setApplicationDisplayName("HipBreak")
    app.setOrganizationName("HipBreak")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("hipbreak")
    # closing the last window (prompt, player) must not end an app that lives in the tray
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(tray_icon(IconLook("working", 0.0)))
    return app


class SignalExit(QObject):
    """Turns SIGTERM / SIGINT / SIGHUP into a call on the Qt main thread, without polling."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous: dict[int, object] = {}
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self._previous[sig] = signal.signal(sig, lambda *_args: None)  # handled via the fd
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)

    def _on_notifier_activated(self, *_args: object) -> None:
        try:
            data = self._read.recv(64)
        except BlockingIOError:
            return
        for number in data:
            log.info("signal %d received; quitting cleanly", number)
            self._on_signal(number)
            break

    def close(self) -> None:
        """Restore the previous handlers (tests create and drop several)."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self._read.close()
        self._write.close()
