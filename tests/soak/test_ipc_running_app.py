"""Bad input over the real socket of the running app: it survives and answers ``hipbreak status`` right after.

The in-process tests in tests/ui/test_ipc.py cover the CommandServer on its
own; these aim at the whole installed app, where the handler is the real
controller and a crash would take the user's tray icon with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.application.commands import COMMANDS, MAX_MESSAGE_BYTES
from desktop_app.ipc import socket_path
from tests.soak.conftest import App, app_env, log_text, running_app

pytestmark = pytest.mark.soak


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    folder = tmp_path_factory.mktemp("ipc-app")
    with running_app(app_env(folder / "profile"), folder / "app.log") as running:
        running.profile = folder / "profile"  # type: ignore[attr-defined]
        yield running
        assert running.proc.poll() is None, "the app died during the module:\n" + running.output()
    assert "Traceback" not in log_text(folder / "profile")


def raw(app: App, payload: bytes, *, hold: float = 0.0, read: bool = True, timeout: float = 10.0) -> bytes:
    """Write ``payload`` to the app's socket as is, optionally wait, and read whatever comes back."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(socket_path(app.socket_name))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a flood may be cut off early
            client.sendall(payload)
        if hold:
            time.sleep(hold)
        if not read:
            return b""
        reply = bytearray()
        while True:
            try:
                chunk = client.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            reply += chunk
        return bytes(reply)
    finally:
        client.close()


def refused(reply: bytes) -> str:
    """The error text of a refusal reply (failing the test when it is anything else)."""
    message = json.loads(reply.split(b"\n", 1)[0])
    assert message["ok"] is False, message
    assert isinstance(message["error"], str) and message["error"]
    return str(message["error"])


def assert_alive(app: App) -> None:
    """The real command, as a separate process, right afterwards."""
    assert app.proc.poll() is None, "the app died:\n" + app.output()
    status = app.status()
    assert status["state"] in ("working", "due", "snoozed", "paused", "standing", "in_routine", "away")


def test_one_megabyte_message(app: App) -> None:
    reply = raw(app, b'{"cmd": "status", "pad": "' + b"x" * (1024 * 1024) + b'"}\n')
    assert "larger than" in refused(reply)
    assert_alive(app)


def test_one_megabyte_without_a_newline(app: App) -> None:
    reply = raw(app, b"y" * (1024 * 1024))
    assert "larger than" in refused(reply)
    assert_alive(app)


def test_half_a_message_neither_blocks_others_nor_stays(app: App) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        stalled = [pool.submit(raw, app, b'{"cmd": "sta', hold=3.0, read=False) for _ in range(3)]
        time.sleep(0.3)
        assert_alive(app)  # answered while three clients sit on half messages
        for future in stalled:
            future.result(timeout=30)
    # a half message that the client then abandons is dropped without an answer or a crash
    assert raw(app, b'{"cmd": "pau', read=True, timeout=15.0) == b""
    assert_alive(app)


def test_two_hundred_rapid_connections(app: App) -> None:
    def one(_index: int) -> dict[str, Any]:
        reply = raw(app, b'{"cmd":"status"}\n')
        message = json.loads(reply.split(b"\n", 1)[0])
        assert isinstance(message, dict)
        return message

    with ThreadPoolExecutor(max_workers=40) as pool:
        replies = list(pool.map(one, range(200), timeout=120))
    assert len(replies) == 200
    answered = [r for r in replies if r["ok"]]
    busy = [r for r in replies if not r["ok"]]
    assert all("busy" in r["error"] for r in busy), busy[:3]
    assert len(answered) >= 100, f"only {len(answered)} of 200 got a status"
    assert_alive(app)


def test_binary_garbage(app: App) -> None:
    rng = __import__("random").Random(8)
    for size in (1, 17, 4096, 70_000):
        blob = bytes(rng.randrange(256) for _ in range(size))
        raw(app, blob + b"\n", timeout=10.0)
        raw(app, blob, read=False)
    raw(app, os.urandom(200_000), read=False)
    assert "UTF-8" in refused(raw(app, b"\xff\xfe\x00garbage\n"))
    assert_alive(app)


JSON_LEAF = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(
    max_size=40)
JSON = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=12), inner, max_size=4), max_leaves=12)
#: Real command names (never "quit", which would rightly end the app) and near misses.
NAMES = st.sampled_from([*sorted(set(COMMANDS) - {"quit"}), "Status", "status ", "", "quit!", "pause\x00"])
ARG_NAMES = st.sampled_from(["minutes", "id", "until_tomorrow", "cmd", "x"]) | st.text(max_size=8)


def test_hypothesis_json_messages_then_still_itself(app: App) -> None:
    """Fuzz the socket with JSON messages, then check the app is still itself, in one test.

    The check used to be a test of its own that passed only when run after this one; whatever the
    order or selection (``-k``), each test here now asserts only what it did itself. Every test's
    checks hold in any state the shared app may be left in (the fuzzing may start a routine or pause).
    """

    @given(cmd=NAMES | JSON, args=st.dictionaries(ARG_NAMES, JSON, max_size=3))
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    def one_message(cmd: Any, args: dict[str, Any]) -> None:
        args.pop("cmd", None)
        message = {"cmd": cmd, **args}
        payload = json.dumps(message).encode() + b"\n"
        if len(payload) > MAX_MESSAGE_BYTES:
            return
        reply = json.loads(raw(app, payload).split(b"\n", 1)[0])
        assert isinstance(reply, dict) and isinstance(reply["ok"], bool)
        if not reply["ok"]:
            assert isinstance(reply["error"], str) and reply["error"]
        assert app.proc.poll() is None, "the app died on " + repr(message)[:300]

    one_message()
    assert_alive(app)
    text = log_text(app.profile)  # type: ignore[attr-defined]
    assert "Traceback" not in text
    assert "handler failed" not in text
