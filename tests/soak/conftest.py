"""Soak and fault-injection fixtures: the *installed* ``hipbreak`` as a real process.

Most fault tests do not need a tray: the app runs with ``QT_QPA_PLATFORM=offscreen``
(it then shows its no-tray status window off screen), which starts in well
under a second, so a test can start and kill it a hundred times. Tests that
must see what the user sees (a notification) run on the real e2e desktop
(Xvfb, openbox, trayer, dunst, D-Bus) from ``tests/e2e/helpers.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from desktop_app import ipc
from desktop_app.platform.paths import resolve_paths

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
VENV_BIN = Path(sys.executable).parent


def hipbreak_command() -> str:
    found = shutil.which("hipbreak", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        pytest.skip("the installed hipbreak command is missing (scripts/setup-venv installs it)")
    return found


def app_env(profile: Path | None = None, **extra: str) -> dict[str, str]:
    """An environment for an offscreen app (no display, no session bus) on ``profile``."""
    env = dict(os.environ)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    env.update(QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.*=false", LANG="C.UTF-8", LANGUAGE="en")
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    if profile is not None:
        env["HIPBREAK_PROFILE_DIR"] = str(profile)
    env.update(extra)
    return env


class App:
    """One running ``hipbreak`` process and the way to talk to it."""

    def __init__(self, proc: subprocess.Popen[bytes], env: dict[str, str], log: Path) -> None:
        self.proc = proc
        self.env = env
        self.log = log
        name = resolve_paths(env).socket_name
        # Qt puts a plain socket name in *its* temp folder, which follows the app's TMPDIR
        self.socket_name = os.path.join(env["TMPDIR"], name) if env.get("TMPDIR") else name

    def send(self, message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """One request over the real socket (the CLI's own client), raising IpcError on trouble."""
        return ipc.send_command(self.socket_name, message, timeout)

    def answers(self) -> bool:
        try:
            return bool(self.send({"cmd": "status"}, 2.0).get("ok"))
        except ipc.IpcError:
            return False

    def wait_answering(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.proc.poll() is not None:
                pytest.fail(f"hipbreak exited with {self.proc.returncode} during start-up:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"hipbreak did not answer within {timeout:.0f} s:\n{self.output()}")
            time.sleep(0.02)

    def cli(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """``hipbreak ARGS``: the command a user types, as a separate process."""
        return subprocess.run([hipbreak_command(), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def status(self) -> dict[str, Any]:
        result = self.cli("status", "--json")
        assert result.returncode == 0, f"hipbreak status failed: {result.stderr}\n{self.output()}"
        data = json.loads(result.stdout)
        assert isinstance(data, dict)
        return data

    def output(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-4000:]

    def kill9(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15) -> int:
        """Quit over the socket (clean shutdown), falling back to SIGTERM, then SIGKILL."""
        if self.proc.poll() is None:
            try:
                self.send({"cmd": "quit"}, 3.0)
            except ipc.IpcError:
                self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        return int(self.proc.returncode)


def start_app(env: dict[str, str], log: Path, *args: str) -> App:
    out = open(log, "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen([hipbreak_command(), *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    return App(proc, env, log)


@contextmanager
def running_app(env: dict[str, str], log: Path, *args: str, wait: bool = True) -> Iterator[App]:
    """The app for a block: started, answering (with ``wait``), and stopped again afterwards."""
    app = start_app(env, log, *args)
    try:
        if wait:
            app.wait_answering()
        yield app
    finally:
        app.stop()


def log_text(profile: Path) -> str:
    """The app's own rotating log (all of its files), as the user would attach it."""
    return "".join(p.read_text(errors="replace") for p in sorted((profile / "log").glob("hipbreak.log*")))
