"""The single-instance socket, served in the qtbot event loop and hit by real clients.

Clients run in worker threads (``send_command`` blocks, and so do the raw
AF_UNIX clients used to send garbage), so the server keeps serving in the
main thread exactly as in the app. After every hostile message the server
must still answer a real command.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("PySide6.QtNetwork")

from PySide6.QtNetwork import QLocalServer

from desktop_app import crash_guard, ipc
from desktop_app.application.commands import COMMANDS, MAX_MESSAGE_BYTES

# PySide6 6.12 on Python 3.11 drops a reference to None/True/False on many calls; hundreds of
# connections are enough to make the interpreter abort at exit. The app guards itself the same way
# (cli.main); until tests/conftest.py does it for the whole run, this module does it for itself.
crash_guard.immortalize_singletons()


class Recorder:
    """A handler that records what reached it, answering like the controller would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_on: str | None = None

    def __call__(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((cmd, dict(args)))
        if cmd == self.fail_on:
            raise RuntimeError("handler exploded")
        if cmd == "status":
            return {"state": "working", "sitting_seconds": 42.0}
        return {"done": cmd}


@pytest.fixture
def sock_dir() -> Iterator[Path]:
    # Unix socket paths are limited to ~108 bytes, so pytest's long tmp_path is not used.
    folder = Path(tempfile.mkdtemp(prefix="hb-ipc-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=8)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(params=[True, False], ids=["af_unix", "qlocalserver"])
def served(request: pytest.FixtureRequest, qtbot: Any,
           sock_dir: Path) -> Iterator[tuple[ipc.CommandServer, Recorder, str]]:
    """The server both ways: plain AF_UNIX (the app on Unix) and QLocalServer (the app on Windows)."""
    recorder = Recorder()
    name = str(sock_dir / "hb.sock")
    server = ipc.CommandServer(name, recorder, native=request.param)
    assert server.listen(), server.error
    yield server, recorder, name
    server.close()
    server.deleteLater()


def wait(qtbot: Any, future: Future[Any], timeout_ms: int = 10_000) -> Any:
    """Run the event loop until a client thread is done, then return its result (or raise its error)."""
    qtbot.waitUntil(future.done, timeout=timeout_ms)
    return future.result()


def call(qtbot: Any, pool: ThreadPoolExecutor, name: str, message: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = wait(qtbot, pool.submit(ipc.send_command, name, message, 5.0))
    return result


def raw_exchange(path: str, payload: bytes, *, read: bool = True, hold: float = 0.0) -> bytes:
    """Send raw bytes over AF_UNIX, optionally stall, then read whatever comes back until EOF."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(10)
    try:
        client.connect(path)
        # The server may close on us mid-way through a huge message.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            client.sendall(payload)
        if hold:
            threading.Event().wait(hold)
        if not read:
            return b""
        chunks = []
        while True:
            try:
                chunk = client.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        client.close()


def assert_still_serving(qtbot: Any, pool: ThreadPoolExecutor, name: str, recorder: Recorder) -> None:
    reply = call(qtbot, pool, name, {"cmd": "status"})
    assert reply == {"ok": True, "state": "working", "sitting_seconds": 42.0}
    assert recorder.calls[-1] == ("status", {})


# --------------------------------------------------------------------------- basics


def test_status_round_trip(qtbot: Any, pool: ThreadPoolExecutor, served: Any) -> None:
    _server, recorder, name = served
    assert_still_serving(qtbot, pool, name, recorder)


def test_socket_only_reachable_by_its_user(served: Any) -> None:
    server, _recorder, _name = served
    mode = os.stat(server.full_server_name()).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) & 0o077 == 0, oct(mode)


#: One valid request per command (at least), with what the handler must receive.
VALID_REQUESTS: list[tuple[dict[str, Any], tuple[str, dict[str, Any]]]] = [
    ({"cmd": "show"}, ("show", {})),
    ({"cmd": "status"}, ("status", {})),
    ({"cmd": "routine"}, ("routine", {"id": None})),
    ({"cmd": "routine", "id": "hip-flexor-basics"}, ("routine", {"id": "hip-flexor-basics"})),
    ({"cmd": "snooze"}, ("snooze", {"minutes": None})),
    ({"cmd": "snooze", "minutes": 15}, ("snooze", {"minutes": 15})),
    ({"cmd": "skip"}, ("skip", {})),
    ({"cmd": "pause", "minutes": 30}, ("pause", {"minutes": 30, "until_tomorrow": False})),
    ({"cmd": "pause", "until_tomorrow": True}, ("pause", {"minutes": None, "until_tomorrow": True})),
    ({"cmd": "resume"}, ("resume", {})),
    ({"cmd": "standing"}, ("standing", {})),
    ({"cmd": "sitting"}, ("sitting", {})),
    ({"cmd": "break_now"}, ("break_now", {})),
    ({"cmd": "quit"}, ("quit", {})),
]


@pytest.mark.parametrize("message,expected", VALID_REQUESTS)
def test_every_command_reaches_the_handler_validated(qtbot: Any, pool: ThreadPoolExecutor, served: Any,
                                                     message: dict[str, Any],
                                                     expected: tuple[str, dict[str, Any]]) -> None:
    _server, recorder, name = served
    reply = call(qtbot, pool, name, message)
    assert reply["ok"] is True
    assert recorder.calls == [expected]


def test_parametrized_cases_cover_every_command() -> None:
    """A command added to the table without a case above fails here, by name."""
    covered = {message["cmd"] for message, _expected in VALID_REQUESTS}
    assert set(COMMANDS) - covered == set(), "commands without a valid-request case"
    assert covered - set(COMMANDS) == set(), "cases for commands that are not in the table"


@pytest.mark.parametrize("message,words", [
    ({"cmd": "dance"}, "Unknown command 'dance'"),
    ({"cmd": "snooze", "minutes": "ten"}, "'minutes' of 'snooze' must be a whole number"),
    ({"cmd": "snooze", "minutes": 2.5}, "'minutes' of 'snooze' must be a whole number"),
    ({"cmd": "snooze", "minutes": True}, "'minutes' of 'snooze' must be a whole number"),
    ({"cmd": "snooze", "minutes": 0}, "between 1 and 240"),
    ({"cmd": "pause", "until_tomorrow": "yes"}, "'until_tomorrow' of 'pause' must be true or false"),
    ({"cmd": "pause", "minutes": 10, "until_tomorrow": True}, "not both"),
    ({"cmd": "routine", "id": "../../etc/passwd"}, "'id' of 'routine' must be a routine id"),
    ({"cmd": "routine", "id": "/home/me/evil.json"}, "'id' of 'routine' must be a routine id"),
    ({"cmd": "routine", "id": 7}, "'id' of 'routine' must be a routine id"),
    ({"cmd": "skip", "path": "/tmp/x"}, "'skip' takes no arguments"),
    ({"cmd": "snooze", "minute": 5}, "'snooze' does not take 'minute'"),
    ({"cmd": 5}, "needs a \"cmd\""),
    ({}, "needs a \"cmd\""),
])
def test_bad_commands_get_an_error_naming_the_problem(qtbot: Any, pool: ThreadPoolExecutor, served: Any,
                                                      message: dict[str, Any], words: str) -> None:
    _server, recorder, name = served
    reply = call(qtbot, pool, name, message)
    assert reply["ok"] is False
    assert words in reply["error"]
    assert recorder.calls == []
    assert_still_serving(qtbot, pool, name, recorder)


def test_handler_exception_becomes_an_error_reply(qtbot: Any, pool: ThreadPoolExecutor, served: Any,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    _server, recorder, name = served
    recorder.fail_on = "skip"
    reply = call(qtbot, pool, name, {"cmd": "skip"})
    assert reply["ok"] is False
    assert "internal error" in reply["error"]
    assert "handler exploded" in caplog.text
    assert_still_serving(qtbot, pool, name, recorder)


# --------------------------------------------------------------------------- single instance


def test_second_server_on_a_live_name_is_refused(qtbot: Any, served: Any) -> None:
    _server, _recorder, name = served
    second = ipc.CommandServer(name, Recorder())
    assert second.listen() is False
    assert "already running" in second.error
    assert os.path.exists(name)  # the live instance's socket was left alone


def test_stale_socket_file_is_replaced(qtbot: Any, pool: ThreadPoolExecutor, sock_dir: Path) -> None:
    name = str(sock_dir / "stale.sock")
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(name)  # a socket file nobody listens on, as a crashed instance leaves behind
    dead.close()
    assert os.path.exists(name)
    recorder = Recorder()
    server = ipc.CommandServer(name, recorder)
    try:
        assert server.listen(), server.error
        assert_still_serving(qtbot, pool, name, recorder)
    finally:
        server.close()


def test_send_command_raises_not_running(sock_dir: Path) -> None:
    with pytest.raises(ipc.NotRunning):
        ipc.send_command(str(sock_dir / "nobody.sock"), {"cmd": "status"}, timeout=1.0)
    with pytest.raises(ipc.NotRunning):
        ipc.send_command(f"hipbreak-test-nobody-{os.getpid()}", {"cmd": "status"}, timeout=1.0)


def test_send_command_raises_ipc_error_on_garbage_reply(qtbot: Any, sock_dir: Path,
                                                        pool: ThreadPoolExecutor) -> None:
    name = str(sock_dir / "liar.sock")
    liar = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    liar.bind(name)
    liar.listen(1)

    def serve_garbage() -> None:
        conn, _ = liar.accept()
        conn.recv(1024)
        conn.sendall(b"\x00\xffnot json\n")
        conn.close()

    thread = threading.Thread(target=serve_garbage)
    thread.start()
    try:
        with pytest.raises(ipc.IpcError, match="not valid JSON"):
            ipc.send_command(name, {"cmd": "status"}, timeout=5.0)
    finally:
        thread.join(5)
        liar.close()


def test_send_command_times_out_on_a_silent_server(sock_dir: Path) -> None:
    name = str(sock_dir / "silent.sock")
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(name)
    silent.listen(1)  # accepts in the kernel, never answers
    try:
        with pytest.raises(ipc.IpcError, match="did not answer"):
            ipc.send_command(name, {"cmd": "status"}, timeout=0.5)
    finally:
        silent.close()


# --------------------------------------------------------------------------- hostile input


def _error_of(raw: bytes) -> str:
    line = raw.split(b"\n", 1)[0]
    reply = json.loads(line)
    assert reply["ok"] is False
    return str(reply["error"])


@pytest.mark.parametrize("payload,words", [
    (b"{not json\n", "not valid JSON"),
    (b"[1, 2, 3]\n", "must be a JSON object"),
    (b"\"status\"\n", "must be a JSON object"),
    (b"{\"cmd\": \"snooze\", \"minutes\": NaN}\n", "not valid JSON"),
    (b"\xff\xfe\x00garbage\x80\n", "not UTF-8"),
    (b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    (b"\n", "not valid JSON"),
])
def test_malformed_messages_are_answered(qtbot: Any, pool: ThreadPoolExecutor, served: Any,
                                         payload: bytes, words: str) -> None:
    _server, recorder, name = served
    raw = wait(qtbot, pool.submit(raw_exchange, name, payload))
    assert words in _error_of(raw)
    assert recorder.calls == []
    assert_still_serving(qtbot, pool, name, recorder)


def test_binary_garbage_is_survived(qtbot: Any, pool: ThreadPoolExecutor, served: Any) -> None:
    _server, recorder, name = served
    garbage = bytes(range(256)) * 64  # 16 KiB with newlines in it: the first line is judged
    raw = wait(qtbot, pool.submit(raw_exchange, name, garbage))
    assert raw.count(b"\n") == 1  # exactly one reply, then the connection closed
    _error_of(raw)
    assert recorder.calls == []
    assert_still_serving(qtbot, pool, name, recorder)


def test_one_megabyte_message_is_refused_without_buffering_it(qtbot: Any, pool: ThreadPoolExecutor,
                                                              served: Any) -> None:
    _server, recorder, name = served
    huge = b"{\"cmd\": \"status\", \"pad\": \"" + b"x" * (1024 * 1024) + b"\"}\n"
    raw = wait(qtbot, pool.submit(raw_exchange, name, huge), timeout_ms=20_000)
    assert "larger than 64 KiB" in _error_of(raw)
    assert recorder.calls == []
    assert_still_serving(qtbot, pool, name, recorder)


def test_message_of_exactly_the_limit_is_accepted(qtbot: Any, pool: ThreadPoolExecutor, served: Any) -> None:
    _server, _recorder, name = served
    head = b"{\"cmd\": \"status\"" + b" " * 10
    body = head + b" " * (MAX_MESSAGE_BYTES - len(head) - 2) + b"}\n"
    assert len(body) == MAX_MESSAGE_BYTES
    raw = wait(qtbot, pool.submit(raw_exchange, name, body))
    assert json.loads(raw)["ok"] is True
    too_big = head + b" " * (MAX_MESSAGE_BYTES - len(head) - 1) + b"}\n"
    raw = wait(qtbot, pool.submit(raw_exchange, name, too_big))
    assert "larger than" in _error_of(raw)


def test_half_message_is_dropped_without_blocking_others(qtbot: Any, pool: ThreadPoolExecutor,
                                                         served: Any) -> None:
    server, recorder, name = served
    # The staller sends half a request and then waits for an answer that will never come.
    staller = pool.submit(raw_exchange, name, b"{\"cmd\": \"sta")
    qtbot.waitUntil(lambda: server.connection_count() == 1, timeout=5000)
    # Meanwhile a real client is served at once.
    assert_still_serving(qtbot, pool, name, recorder)
    assert not staller.done()
    # The staller is then dropped by the server: it sees EOF without any reply.
    assert wait(qtbot, staller, timeout_ms=ipc.REQUEST_TIMEOUT_MS + 8000) == b""
    qtbot.waitUntil(lambda: server.connection_count() == 0, timeout=5000)
    assert recorder.calls == [("status", {})]


def test_client_that_disconnects_mid_message_is_forgotten(qtbot: Any, pool: ThreadPoolExecutor,
                                                          served: Any) -> None:
    server, recorder, name = served
    wait(qtbot, pool.submit(raw_exchange, name, b"{\"cmd\": \"skip\"", read=False))
    qtbot.waitUntil(lambda: server.connection_count() == 0, timeout=5000)
    assert recorder.calls == []
    assert_still_serving(qtbot, pool, name, recorder)


def test_two_hundred_rapid_connections(qtbot: Any, pool: ThreadPoolExecutor, served: Any) -> None:
    server, recorder, name = served

    def burst(count: int) -> list[bytes]:
        replies = []
        for index in range(count):
            payload = b"{\"cmd\": \"status\"}\n" if index % 2 else b"garbage\n"
            replies.append(raw_exchange(name, payload))
        return replies

    futures = [pool.submit(burst, 25) for _ in range(8)]
    results: list[bytes] = []
    for future in futures:
        results.extend(wait(qtbot, future, timeout_ms=60_000))
    assert len(results) == 200
    answered = [json.loads(raw.split(b"\n", 1)[0]) for raw in results]
    served_ok = [reply for reply in answered if reply["ok"]]
    refused = [reply for reply in answered if not reply["ok"]]
    # Every connection got exactly one answer; "busy" is an allowed answer under a flood.
    assert len(served_ok) + len(refused) == 200
    assert all(reply["error"] in ("The message is not valid JSON.", "HipBreak is busy; try again.")
               for reply in refused)
    assert len(served_ok) == len([c for c in recorder.calls if c[0] == "status"])
    qtbot.waitUntil(lambda: server.connection_count() == 0, timeout=5000)
    assert_still_serving(qtbot, pool, name, recorder)


def test_trailing_data_after_the_request_is_ignored(qtbot: Any, pool: ThreadPoolExecutor,
                                                    served: Any) -> None:
    _server, recorder, name = served
    raw = wait(qtbot, pool.submit(raw_exchange, name, b"{\"cmd\": \"skip\"}\n{\"cmd\": \"quit\"}\n"))
    assert raw.count(b"\n") == 1
    assert json.loads(raw) == {"ok": True, "done": "skip"}
    assert recorder.calls == [("skip", {})]


def test_server_rejects_empty_name() -> None:
    with pytest.raises(ValueError):
        ipc.CommandServer("", Recorder())


def test_close_removes_the_socket_file(qtbot: Any, sock_dir: Path) -> None:
    name = str(sock_dir / "closing.sock")
    server = ipc.CommandServer(name, Recorder())
    assert server.listen()
    assert os.path.exists(name)
    server.close()
    assert not os.path.exists(name)
    assert QLocalServer.removeServer(name)  # nothing left to remove is not an error



@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.binary(max_size=4096) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_fuzzed_bytes_on_the_socket(qtbot: Any, pool: ThreadPoolExecutor, served: Any,
                                    payload: bytes) -> None:
    """Whatever arrives, the server answers with at most one reply line, and keeps serving.

    Every payload ends in a newline (half messages cost the 2 s timeout each and are tested above).
    """
    _server, recorder, name = served
    before = len(recorder.calls)
    raw = wait(qtbot, pool.submit(raw_exchange, name, payload + b"\n"))
    assert raw.count(b"\n") == 1
    reply = json.loads(raw)
    assert isinstance(reply["ok"], bool)
    if not reply["ok"]:
        assert len(recorder.calls) == before  # refused messages never reach the handler
    assert call(qtbot, pool, name, {"cmd": "status"})["ok"] is True


def test_the_unix_server_does_not_load_qtnetwork(sock_dir: Path) -> None:
    """libQt6Network and what it links cost the idle app about 4 MB; on Unix the server needs none of it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop_app import ipc\n"
        "app = QCoreApplication([])\n"
        f"server = ipc.CommandServer({str(sock_dir / 'lean.sock')!r}, lambda c, a: {{}})\n"
        "assert server.listen(), server.error\n"
        "server.close()\n"
        "print('PySide6.QtNetwork' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", out.stderr
