"""Start the fake D-Bus services (run.py) in a child process and talk to them.

Why a child process: a QtDBus service and a blocking QtDBus call in the same
thread would deadlock, and a separate process is also what a real service is.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


class FakeServices:
    """A running fake; ``send`` a control command, ``wait_line`` for its output."""

    def __init__(self, address: str, roles: tuple[str, ...]) -> None:
        env = dict(os.environ)
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        env["QT_QPA_PLATFORM"] = "offscreen"
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.platform.fake_services.run", *roles],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_line("ready")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            self._queue.put(line)

    def wait_line(self, prefix: str, timeout: float = 15.0) -> str:
        """Wait for the next output line starting with ``prefix`` (earlier lines are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"fake service never printed {prefix!r}; output: {self.lines[-20:]}")
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line.startswith("error"):
                raise AssertionError(line)
            if line.startswith(prefix):
                return line

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        if command != "quit":
            self.wait_line(f"done {command.split()[0]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=10)


@contextmanager
def fake_services(address: str, *roles: str) -> Iterator[FakeServices]:
    fake = FakeServices(address, roles)
    try:
        yield fake
    finally:
        fake.stop()
