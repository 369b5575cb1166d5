"""Single instance and commands over a local socket (AF_UNIX on Unix, QLocalServer elsewhere).

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
* The socket file is mode 0700 (made in a private folder, then renamed into place; on
  Windows ``QLocalServer.UserAccessOption``), so other users on the machine cannot talk to it.
* A socket file left behind by a crash is removed only after checking that no
  live server answers on it, and that check runs under a lock file, so two
  instances started at the same moment cannot delete each other's socket.
* :func:`send_command` is a blocking client for the CLI that needs no
  ``QCoreApplication`` and no display: plain AF_UNIX on Unix, ``QLocalSocket``
  with ``waitFor*`` on Windows (named pipes).
* Start-up speed and memory: on Unix the server is a plain AF_UNIX socket watched by
  ``QSocketNotifier``, so the tray app never loads ``QtNetwork`` (about 4 MB with the
  libraries it links). The command table is imported only when a message is served or
  encoded, never by :func:`probe`, :func:`server_answers` or :func:`owner_lock`. So the
  app settles who owns the name (under the lock), shows its tray icon, and only then
  listens, still under the same lock (bench/RESULTS.md).
"""

from __future__ import annotations

import json
import logging
import os
import socket as pysocket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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
    """One client connection: collects one request line, answers it, then closes.

    The protocol lives here; the bytes come and go through a channel: :class:`_UnixChannel`
    (a plain AF_UNIX socket, on Unix) or :class:`_QtChannel` (a ``QLocalSocket``, on Windows).
    """

    finished = Signal(object)

    def __init__(self, channel: _UnixChannel | _QtChannel, handler: Handler, parent: QObject) -> None:
        super().__init__(parent)
        self._channel = channel
        self._handler = handler
        self._buffer = bytearray()
        self._answered = False
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(REQUEST_TIMEOUT_MS)
        channel.attach(self)

    def room(self) -> int:
        """How many bytes to read now: never more than one message is held, even under a flood."""
        from desktop_app.application.commands import MAX_MESSAGE_BYTES

        if self._answered:
            return MAX_MESSAGE_BYTES  # read only to let the socket close, then dropped
        return MAX_MESSAGE_BYTES + 1 - len(self._buffer)

    def received(self, data: bytes) -> None:
        from desktop_app.application import commands
        from desktop_app.application.commands import MAX_MESSAGE_BYTES

        if self._answered or self._closed:
            return  # whatever follows the request is ignored
        self._buffer += data
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
        from desktop_app.application import commands
        from desktop_app.application.commands import CommandError

        self._answered = True
        self._buffer = bytearray()
        try:
            data = commands.encode(reply)
        except (CommandError, TypeError, ValueError) as exc:
            log.error("ipc: cannot send the reply (%s)", exc)
            data = commands.encode(commands.error_reply(_("HipBreak could not encode its answer.")))
        # A client that never reads its reply must not keep the connection forever.
        self._timer.start(REQUEST_TIMEOUT_MS)
        self._channel.send_and_finish(data)

    def _on_timer_timeout(self) -> None:
        if not self._answered:
            log.info("ipc: dropped a client that sent no complete message within %d ms", REQUEST_TIMEOUT_MS)
        self.close()

    def close(self) -> None:
        """The client left, the reply is out and the client closed, or the time is up."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._channel.dispose()
        self.finished.emit(self)
        self.deleteLater()


class _UnixChannel(QObject):
    """A plain non-blocking AF_UNIX connection watched by ``QSocketNotifier`` (no ``QtNetwork``).

    Once the whole reply is written the socket is closed, as ``QLocalSocket.disconnectFromServer``
    does: the client reads the reply, then EOF.
    """

    def __init__(self, sock: pysocket.socket, parent: QObject) -> None:
        from PySide6.QtCore import QSocketNotifier

        super().__init__(parent)
        self._sock = sock
        self._out = b""
        self._finishing = False
        self._connection: _Connection | None = None
        self._reader = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, self)
        self._writer = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Write, self)
        self._writer.setEnabled(False)
        self._reader.activated.connect(self._on_readable)
        self._writer.activated.connect(self._on_writable)

    def attach(self, connection: _Connection) -> None:
        self._connection = connection

    def _on_readable(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            data = self._sock.recv(max(1, connection.room()))
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            log.debug("ipc: connection error %s", exc)
            connection.close()
            return
        if not data:  # the client closed its end
            connection.close()
            return
        connection.received(data)

    def send_and_finish(self, data: bytes) -> None:
        self._out = data
        self._finishing = True
        self._on_writable()

    def _on_writable(self) -> None:
        try:
            while self._out:
                sent = self._sock.send(self._out)
                self._out = self._out[sent:]
        except (BlockingIOError, InterruptedError):
            self._writer.setEnabled(True)  # the rest when the client has read some
            return
        except OSError as exc:  # the client went away before reading its reply
            log.debug("ipc: could not send the reply: %s", exc)
            if self._connection is not None:
                self._connection.close()
            return
        self._writer.setEnabled(False)
        if self._finishing and self._connection is not None:
            self._connection.close()  # the reply is out; the client reads it, then EOF

    def dispose(self) -> None:
        self._reader.setEnabled(False)
        self._writer.setEnabled(False)
        self._connection = None
        self._sock.close()
        self.deleteLater()


class _QtChannel(QObject):
    """A ``QLocalSocket`` connection (Windows named pipes; also tested on Linux)."""

    def __init__(self, socket: QLocalSocket, parent: QObject) -> None:
        from desktop_app.application.commands import MAX_MESSAGE_BYTES

        super().__init__(parent)
        self._socket = socket
        self._connection: _Connection | None = None
        # Qt must not buffer more than one message either, or a flood would sit in memory.
        socket.setReadBufferSize(MAX_MESSAGE_BYTES + 1)

    def attach(self, connection: _Connection) -> None:
        self._connection = connection
        self._socket.readyRead.connect(self._on_socket_ready_read)
        self._socket.disconnected.connect(self._on_socket_disconnected)
        self._socket.errorOccurred.connect(self._on_socket_error_occurred)

    def _on_socket_ready_read(self) -> None:
        if self._connection is not None:
            self._connection.received(bytes(self._socket.read(self._connection.room()).data()))

    def _on_socket_disconnected(self) -> None:
        if self._connection is not None:
            self._connection.close()

    def _on_socket_error_occurred(self, error: QLocalSocket.LocalSocketError) -> None:
        from PySide6.QtNetwork import QLocalSocket

        if error != QLocalSocket.LocalSocketError.PeerClosedError:
            log.debug("ipc: connection error %s", error)

    def send_and_finish(self, data: bytes) -> None:
        from PySide6.QtNetwork import QLocalSocket

        self._socket.write(data)
        self._socket.flush()
        self._socket.disconnectFromServer()
        if self._socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
            self._on_socket_disconnected()

    def dispose(self) -> None:
        self._connection = None
        self._socket.abort()
        self._socket.deleteLater()
        self.deleteLater()


class CommandServer(QObject):
    """Owns the app's socket; validates each request and passes it to ``handler(cmd, args)``.

    ``handler`` runs on the main thread and returns a dict; ``"ok": true`` is
    added when it has no ``ok`` key. An exception in the handler becomes an
    error reply and a log entry, never a crash.

    On Unix the socket is a plain AF_UNIX socket watched by ``QSocketNotifier``: ``QtNetwork``
    (libQt6Network, and the Kerberos and OpenSSL libraries it links) cost the idle tray app about
    4 MB of memory for one listening socket (bench/RESULTS.md, "session 3"). Elsewhere, or with
    ``native=False`` (tests run both), ``QLocalServer``.
    """

    def __init__(self, socket_name: str, handler: Handler, parent: QObject | None = None, *,
                 native: bool | None = None) -> None:
        super().__init__(parent)
        if not socket_name:
            raise ValueError("socket_name must not be empty")
        self._name = socket_name
        self._handler = handler
        self._native = (os.name == "posix") if native is None else native
        self._listener: pysocket.socket | None = None
        self._notifier: Any = None
        self._server: Any = None
        if not self._native:
            from PySide6.QtNetwork import QLocalServer

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
        if self._server is not None:
            return str(self._server.fullServerName())
        return socket_path(self._name) if self._listener is not None else ""

    def is_listening(self) -> bool:
        if self._server is not None:
            return bool(self._server.isListening())
        return self._listener is not None

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
        self.error = ""
        # Checked first: the socket is made user-only beside the name and renamed into place,
        # so listening would silently take over a live instance's name.
        if server_answers(self._name):
            self.error = _("Another HipBreak is already running.")
            return False
        if self._server is None:
            return self._listen_unix()
        from PySide6.QtNetwork import QLocalServer

        if QLocalServer.removeServer(self._name) and os.name == "posix":
            log.debug("ipc: cleared %s (a stale socket or nothing)", socket_path(self._name))
        if self._server.listen(self._name):
            return True
        self.error = _("Cannot listen on {name}: {reason}.").format(
            name=self._name, reason=self._server.errorString())
        log.error("ipc: %s", self.error)
        return False

    def _listen_unix(self) -> bool:
        """Bind in a private folder, make the socket user-only, then rename it over the name.

        So no other user can connect in the moment between bind and chmod, and a stale
        socket file (a crash) is replaced in one step. Nobody answers on it: checked above.
        """
        import shutil
        import tempfile

        from PySide6.QtCore import QSocketNotifier

        path = socket_path(self._name)
        listener = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
        private = ""
        try:
            private = tempfile.mkdtemp(prefix=".hb-", dir=os.path.dirname(path) or ".")
            staged = os.path.join(private, "s")
            listener.bind(staged)
            os.chmod(staged, 0o700)
            # The kernel's queue of connections not yet accepted: a burst of clients must wait
            # there, not be refused (EAGAIN); MAX_CONNECTIONS bounds what the app holds.
            listener.listen(pysocket.SOMAXCONN)
            os.replace(staged, path)
        except OSError as exc:
            listener.close()
            self.error = _("Cannot listen on {name}: {reason}.").format(
                name=self._name, reason=(exc.strerror or str(exc)).lower())
            log.error("ipc: %s", self.error)
            return False
        finally:
            if private:
                shutil.rmtree(private, ignore_errors=True)
        listener.setblocking(False)
        self._listener = listener
        self._notifier = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_unix_new_connection)
        return True

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        if self._server is not None:
            self._server.close()
            return
        if self._listener is None:
            return
        self._notifier.setEnabled(False)
        self._notifier.deleteLater()
        self._notifier = None
        self._listener.close()
        self._listener = None
        with suppress(OSError):
            os.unlink(socket_path(self._name))

    def _busy_reply(self) -> bytes:
        from desktop_app.application import commands

        return commands.encode(commands.error_reply(_("HipBreak is busy; try again.")))

    def _on_unix_new_connection(self) -> None:
        """One connection per wakeup, as ``QLocalServer`` does: the notifier fires again at once for
        the next, and the clients already connected are served in between (a burst is not "busy")."""
        if self._listener is None:
            return
        try:
            sock, _address = self._listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:  # e.g. out of file descriptors: that client is dropped
            log.warning("ipc: could not accept a connection: %s", exc)
            return
        sock.setblocking(False)
        if len(self._connections) >= MAX_CONNECTIONS:
            with suppress(OSError):
                sock.send(self._busy_reply())
            sock.close()
            return
        self._adopt(_UnixChannel(sock, self))

    def _on_server_new_connection(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                break
            if len(self._connections) >= MAX_CONNECTIONS:
                socket.write(self._busy_reply())
                socket.flush()
                socket.disconnectFromServer()
                socket.disconnected.connect(socket.deleteLater)
                if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
                    socket.deleteLater()
                continue
            self._adopt(_QtChannel(socket, self))

    def _adopt(self, channel: _UnixChannel | _QtChannel) -> None:
        connection = _Connection(channel, self._handler, self)
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
