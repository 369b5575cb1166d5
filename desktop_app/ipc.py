"""Single instance and commands over a local socket (QLocalServer / QLocalSocket).

The running app owns one named local socket per profile. A second launch,
and every ``hipbreak <command>``, connects to it, sends one JSON object
terminated by a newline, and reads one reply the same way. Each connection
carries exactly one request, so there is no session state to get wrong.

Why it is built this way:

* The socket is reachable by any program the user runs, so everything is
  treated as hostile until :mod:`desktop_app.application.commands` has validated it:
  framing, size (64 KiB, never buffered beyond that), UTF-8, JSON, command name
  and argument types are all checked *before* the handler sees anything.
* Everything on the server side is non-blocking on the Qt event loop. A client
  that sends half a message and stalls is dropped after a short timeout, and
  it never holds up other clients because each connection is its own object.
* ``QLocalServer.UserAccessOption`` makes the socket file mode 0700, so other
  users on the machine cannot talk to it.
* A socket file left behind by a crash is removed only after checking that no
  live server answers on it, and that check runs under a lock file, so two
  instances started at the same moment cannot delete each other's socket.
* :func:`send_command` is a blocking client for the CLI that needs no
  ``QCoreApplication`` and no display: plain AF_UNIX on Unix, ``QLocalSocket``
  with ``waitFor*`` on Windows (named pipes).
* Start-up speed: ``QtNetwork`` and the command table are imported only when a
  server is built or a message is encoded, never by :func:`probe`,
  :func:`server_answers` or :func:`owner_lock`. So the app can settle who owns
  the name (under the lock), show its tray icon, and only then load ``QtNetwork``
  and listen, still under the same lock (bench/RESULTS.md).
"""

from __future__ import annotations

import json
import logging
import os
import socket as pysocket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QDir, QLockFile, QObject, QTimer, Signal

from desktop_app.i18n import _

if TYPE_CHECKING:  # imported where used: neither is needed before the tray icon shows
    from PySide6.QtNetwork import QLocalSocket

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], dict[str, Any]]

#: A client must deliver its whole request within this time, or it is dropped.
REQUEST_TIMEOUT_MS = 2000
#: Connections served at once; more are answered "busy" and closed, so a flood cannot eat memory.
MAX_CONNECTIONS = 32
#: How long :func:`owner_lock` waits for another starting instance before going on without the lock.
LOCK_WAIT_MS = 3000


class IpcError(Exception):
    """Talking to the running app failed (bad reply, timeout). ``str(exc)`` is one plain sentence."""


class NotRunning(IpcError):
    """No HipBreak instance is listening on the socket."""


def _lock_path(socket_name: str) -> str:
    """Where the lock guarding stale-socket removal lives (beside the socket, or in the temp folder)."""
    if os.path.isabs(socket_name):
        return socket_name + ".lock"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in socket_name)
    return os.path.join(QDir.tempPath(), safe + ".lock")


Probe = Literal["absent", "answers", "unclear"]


def probe(socket_name: str, timeout: float = 0.5) -> Probe:
    """Who is on ``socket_name``: nobody (``"absent"``), a live server, or ``"unclear"``.

    ``"absent"`` only when the connection was plainly refused or there is no socket file,
    so a caller may start an instance; a timeout or any other error is ``"unclear"`` (a hung
    instance must not be pushed aside). On Unix a plain AF_UNIX connect, without ``QtNetwork``.
    """
    if os.name == "posix":
        client = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
        client.settimeout(timeout)
        try:
            client.connect(socket_path(socket_name))
        except (FileNotFoundError, ConnectionRefusedError):
            return "absent"
        except OSError:
            return "unclear"
        finally:
            client.close()
        return "answers"
    from PySide6.QtNetwork import QLocalSocket

    qt_probe = QLocalSocket()
    qt_probe.connectToServer(socket_name)
    connected = qt_probe.waitForConnected(int(timeout * 1000))
    error = qt_probe.error()
    qt_probe.abort()
    if connected:
        return "answers"
    if error in (QLocalSocket.LocalSocketError.ServerNotFoundError,
                 QLocalSocket.LocalSocketError.ConnectionRefusedError):
        return "absent"
    return "unclear"


def server_answers(socket_name: str, timeout: float = 0.5) -> bool:
    """True when a live server accepts connections on ``socket_name``."""
    return probe(socket_name, timeout) == "answers"


@contextmanager
def owner_lock(socket_name: str) -> Iterator[bool]:
    """Held while one starting instance decides whether it owns ``socket_name`` and starts listening.

    Yields whether the lock was taken (after :data:`LOCK_WAIT_MS` it goes on without it, as
    before). Two instances started at the same moment take turns: the second waits here until
    the first listens, then finds it answering and hands over, so it never shows an icon.
    """
    lock = QLockFile(_lock_path(socket_name))
    lock.setStaleLockTime(10_000)
    locked = lock.tryLock(LOCK_WAIT_MS)
    if not locked:
        log.warning("ipc: could not take the lock %s; trying without it", _lock_path(socket_name))
    try:
        yield locked
    finally:
        if locked:
            lock.unlock()


def socket_path(socket_name: str) -> str:
    """The file a Unix QLocalServer creates for ``socket_name`` (Qt puts plain names in its temp folder)."""
    if os.path.isabs(socket_name):
        return socket_name
    return os.path.join(QDir.tempPath(), socket_name)


class _Connection(QObject):
    """One client connection: collects one request line, answers it, then closes."""

    finished = Signal(object)

    def __init__(self, socket: QLocalSocket, handler: Handler, parent: QObject) -> None:
        from desktop_app.application.commands import MAX_MESSAGE_BYTES

        super().__init__(parent)
        self._socket = socket
        self._handler = handler
        self._buffer = bytearray()
        self._answered = False
        self._closed = False
        # Qt must not buffer more than one message either, or a flood would sit in memory.
        socket.setReadBufferSize(MAX_MESSAGE_BYTES + 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(REQUEST_TIMEOUT_MS)
        socket.readyRead.connect(self._on_socket_ready_read)
        socket.disconnected.connect(self._on_socket_disconnected)
        socket.errorOccurred.connect(self._on_socket_error_occurred)

    def _on_socket_ready_read(self) -> None:
        from desktop_app.application import commands
        from desktop_app.application.commands import MAX_MESSAGE_BYTES

        if self._answered:
            # Whatever follows the request is ignored; read it only to let the socket close.
            self._socket.read(MAX_MESSAGE_BYTES)
            return
        room = MAX_MESSAGE_BYTES + 1 - len(self._buffer)
        self._buffer += bytes(self._socket.read(room).data())
        end = self._buffer.find(b"\n")
        if end >= 0:
            self._answer(self._serve(bytes(self._buffer[: end + 1])))
        elif len(self._buffer) > MAX_MESSAGE_BYTES:
            self._answer(commands.error_reply(
                _("The message is larger than {size} KiB.").format(size=MAX_MESSAGE_BYTES // 1024)))

    def _serve(self, line: bytes) -> dict[str, Any]:
        from desktop_app.application import commands
        from desktop_app.application.commands import CommandError

        try:
            cmd, args = commands.parse_request(line)
        except CommandError as exc:
            log.info("ipc: refused a message: %s", exc)
            return commands.error_reply(str(exc))
        try:
            result = self._handler(cmd, args)
        except Exception:
            log.exception("ipc: the handler failed on %r", cmd)
            return commands.error_reply(
                _("HipBreak could not run '{cmd}' because of an internal error; "
                  "the log file has details.").format(cmd=cmd))
        if not isinstance(result, dict):
            log.error("ipc: the handler returned %r for %r, not a dict", type(result).__name__, cmd)
            return commands.error_reply(_("HipBreak gave no proper answer to '{cmd}'.").format(cmd=cmd))
        return {"ok": True, **result} if "ok" not in result else result

    def _answer(self, reply: dict[str, Any]) -> None:
        from PySide6.QtNetwork import QLocalSocket

        from desktop_app.application import commands
        from desktop_app.application.commands import CommandError

        self._answered = True
        self._buffer = bytearray()
        try:
            data = commands.encode(reply)
        except (CommandError, TypeError, ValueError) as exc:
            log.error("ipc: cannot send the reply (%s)", exc)
            data = commands.encode(commands.error_reply(_("HipBreak could not encode its answer.")))
        self._socket.write(data)
        self._socket.flush()
        self._socket.disconnectFromServer()
        # A client that never reads its reply must not keep the connection forever.
        self._timer.start(REQUEST_TIMEOUT_MS)
        if self._socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
            self._close()

    def _on_timer_timeout(self) -> None:
        if not self._answered:
            log.info("ipc: dropped a client that sent no complete message within %d ms", REQUEST_TIMEOUT_MS)
        self._socket.abort()
        self._close()

    def _on_socket_disconnected(self) -> None:
        self._close()

    def _on_socket_error_occurred(self, error: QLocalSocket.LocalSocketError) -> None:
        from PySide6.QtNetwork import QLocalSocket

        if error != QLocalSocket.LocalSocketError.PeerClosedError:
            log.debug("ipc: connection error %s", error)

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._socket.deleteLater()
        self.finished.emit(self)
        self.deleteLater()


class CommandServer(QObject):
    """Owns the app's socket; validates each request and passes it to ``handler(cmd, args)``.

    ``handler`` runs on the main thread and returns a dict; ``"ok": true`` is
    added when it has no ``ok`` key. An exception in the handler becomes an
    error reply and a log entry, never a crash.
    """

    def __init__(self, socket_name: str, handler: Handler, parent: QObject | None = None) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        if not socket_name:
            raise ValueError("socket_name must not be empty")
        self._name = socket_name
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_server_new_connection)
        self._connections: set[_Connection] = set()
        #: Why the last :meth:`listen` returned False, in plain words ("" when it succeeded).
        self.error = ""

    @property
    def socket_name(self) -> str:
        return self._name

    def full_server_name(self) -> str:
        """The socket's path (Unix) or pipe name (Windows) while listening."""
        return self._server.fullServerName()

    def is_listening(self) -> bool:
        return self._server.isListening()

    def connection_count(self) -> int:
        """Connections being served right now (for tests and the doctor)."""
        return len(self._connections)

    def listen(self, *, lock_held: bool = False) -> bool:
        """Start serving. False when another live instance owns the name (see :attr:`error`).

        Takes :func:`owner_lock` itself unless the caller holds it already (``lock_held``:
        the app holds it from its first check through showing the icon to here).
        """
        if lock_held:
            return self._listen_locked()
        with owner_lock(self._name):
            return self._listen_locked()

    def _listen_locked(self) -> bool:
        from PySide6.QtNetwork import QLocalServer

        self.error = ""
        # Checked first: on Unix Qt creates a user-only socket beside the name and renames
        # it into place, so listen() would silently take over a live instance's name.
        if server_answers(self._name):
            self.error = _("Another HipBreak is already running.")
            return False
        if QLocalServer.removeServer(self._name) and os.name == "posix":
            log.debug("ipc: cleared %s (a stale socket or nothing)", socket_path(self._name))
        if self._server.listen(self._name):
            return True
        self.error = _("Cannot listen on {name}: {reason}.").format(
            name=self._name, reason=self._server.errorString())
        log.error("ipc: %s", self.error)
        return False

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        self._server.close()

    def _on_server_new_connection(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        from desktop_app.application import commands

        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            if len(self._connections) >= MAX_CONNECTIONS:
                socket.write(commands.encode(commands.error_reply(_("HipBreak is busy; try again."))))
                socket.flush()
                socket.disconnectFromServer()
                socket.disconnected.connect(socket.deleteLater)
                if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
                    socket.deleteLater()
                continue
            connection = _Connection(socket, self._handler, self)
            connection.finished.connect(self._on_connection_finished)
            self._connections.add(connection)

    def _on_connection_finished(self, connection: _Connection) -> None:
        self._connections.discard(connection)


def send_command(socket_name: str, message: dict[str, Any], timeout: float = 3.0) -> dict[str, Any]:
    """Send one request to the running app and return its reply (blocking; no event loop needed).

    Raises :class:`NotRunning` when nothing listens, :class:`IpcError` on a
    timeout or a reply that is not one JSON object with an ``ok`` field.
    A reply with ``"ok": false`` is returned, not raised: the caller shows its ``error``.

    On Unix this talks AF_UNIX directly: PySide6 keeps the GIL inside
    ``QLocalSocket.waitFor*``, which would freeze every other Python thread
    (a server thread in the same process included) for the whole wait. Windows
    uses ``QLocalSocket`` (named pipes); that path is also tested on Linux.
    """
    from desktop_app.application.commands import CommandError, encode

    try:
        data = encode(message)
    except (CommandError, TypeError, ValueError) as exc:
        raise IpcError(str(exc)) from None
    if os.name == "posix":
        raw = _exchange_unix(socket_path(socket_name), data, timeout)
    else:
        raw = _exchange_qt(socket_name, data, timeout)
    return _parse_reply(raw)


def _exchange_unix(path: str, data: bytes, timeout: float) -> bytes:
    from desktop_app.application.commands import MAX_MESSAGE_BYTES

    deadline = time.monotonic() + timeout

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return remaining

    client = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    try:
        client.settimeout(left())
        try:
            client.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            raise NotRunning(_("HipBreak is not running.")) from None
        except TimeoutError:
            raise IpcError(
                _("HipBreak did not accept the connection within {s:g} s.").format(s=timeout)) from None
        except OSError as exc:
            raise IpcError(_("Cannot reach HipBreak at {path}: {reason}.").format(
                path=path, reason=(exc.strerror or str(exc)).lower())) from None
        reply = bytearray()
        try:
            client.settimeout(left())
            client.sendall(data)
            while b"\n" not in reply and len(reply) <= MAX_MESSAGE_BYTES:
                client.settimeout(left())
                chunk = client.recv(MAX_MESSAGE_BYTES + 1 - len(reply) + 1)
                if not chunk:
                    break
                reply += chunk
        except TimeoutError:
            raise IpcError(_("HipBreak did not answer within {s:g} s.").format(s=timeout)) from None
        except OSError as exc:
            if not reply:
                raise IpcError(_("The connection to HipBreak broke: {reason}.").format(
                    reason=(exc.strerror or str(exc)).lower())) from None
        return bytes(reply)
    finally:
        client.close()


def _exchange_qt(socket_name: str, data: bytes, timeout: float) -> bytes:
    from PySide6.QtNetwork import QLocalSocket

    from desktop_app.application.commands import MAX_MESSAGE_BYTES

    deadline = time.monotonic() + timeout

    def left_ms() -> int:
        return max(1, int((deadline - time.monotonic()) * 1000))

    socket = QLocalSocket()
    socket.connectToServer(socket_name)
    if not socket.waitForConnected(left_ms()):
        error = socket.error()
        socket.abort()
        if error in (QLocalSocket.LocalSocketError.ServerNotFoundError,
                     QLocalSocket.LocalSocketError.ConnectionRefusedError):
            raise NotRunning(_("HipBreak is not running."))
        if error == QLocalSocket.LocalSocketError.SocketTimeoutError:
            raise IpcError(_("HipBreak did not accept the connection within {s:g} s.").format(s=timeout))
        raise IpcError(_("Cannot reach HipBreak: {reason}.").format(reason=socket.errorString()))
    reply = bytearray()
    try:
        socket.write(data)
        while socket.bytesToWrite() > 0:
            if not socket.waitForBytesWritten(left_ms()):
                raise IpcError(_("HipBreak did not take the request within {s:g} s.").format(s=timeout))
        while b"\n" not in reply and len(reply) <= MAX_MESSAGE_BYTES:
            if socket.bytesAvailable() == 0 and not socket.waitForReadyRead(left_ms()):
                if socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
                    raise IpcError(_("HipBreak did not answer within {s:g} s.").format(s=timeout))
                reply += bytes(socket.readAll().data())
                break
            reply += bytes(socket.read(MAX_MESSAGE_BYTES + 1).data())
    finally:
        socket.abort()
    return bytes(reply)


def _parse_reply(data: bytes) -> dict[str, Any]:
    from desktop_app.application.commands import MAX_MESSAGE_BYTES

    if len(data) > MAX_MESSAGE_BYTES:
        raise IpcError(_("HipBreak sent an answer larger than {size} KiB.").format(
            size=MAX_MESSAGE_BYTES // 1024))
    line = data.split(b"\n", 1)[0]
    if not line.strip():
        raise IpcError(_("HipBreak closed the connection without an answer."))
    try:
        reply = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise IpcError(_("HipBreak sent an answer that is not valid JSON.")) from None
    if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
        raise IpcError(_("HipBreak sent an answer without an \"ok\" field."))
    if not reply["ok"] and not isinstance(reply.get("error"), str):
        reply["error"] = _("HipBreak refused the command without saying why.")
    return reply
