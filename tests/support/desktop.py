"""Real desktop parts for display and e2e tests: Xvfb, a private D-Bus session bus,
dunst (notification daemon) and trayer (XEmbed tray host).

Each helper starts a real process and stops it again; nothing is faked here.
Tests that need them skip with a clear reason when the binary is missing, so a
developer without the apt packages sees why, while ``scripts/test`` installs
them and CI runs everything.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest


def need(binary: str) -> str:
    """Path of ``binary``, or skip the test naming the missing package."""
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed (scripts/test installs it)")
    return path


def stop_process(proc: subprocess.Popen[Any], grace: float = 5) -> None:
    """SIGTERM ``proc`` if it still runs, wait ``grace`` seconds for it to exit, then SIGKILL it.

    Every helper that starts a process stops it this way, so none is left behind on the shared machine
    and a process that ignores SIGTERM cannot hang the test run.
    """
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def xvfb(size: str = "1280x800x24") -> Iterator[str]:
    """Start Xvfb on a free display; yields the DISPLAY string (e.g. ':42')."""
    binary = need("Xvfb")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [binary, "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp", "-ac"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
        if not number.strip():
            raise RuntimeError("Xvfb did not report a display number")
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_fd)
        stop_process(proc)


@contextmanager
def dbus_session() -> Iterator[str]:
    """Start a private session bus; yields its DBUS_SESSION_BUS_ADDRESS."""
    with dbus_daemon("--session") as address:
        yield address


@contextmanager
def dbus_daemon(*args: str, stderr: IO[bytes] | int = subprocess.DEVNULL) -> Iterator[str]:
    """Start a dbus-daemon with ``args`` (``--session``, or ``--config-file=...`` for a private system bus);
    yields the address it prints. The GNOME session starts its two buses with this too."""
    proc = subprocess.Popen([need("dbus-daemon"), "--nofork", "--print-address", *args],
                            stdout=subprocess.PIPE, stderr=stderr)
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().decode().strip()
        if not address:
            raise RuntimeError("dbus-daemon printed no address")
        yield address
    finally:
        stop_process(proc)


@contextmanager
def process(args: list[str], env: dict[str, str], log_path: Path | None = None,
            settle: float = 0.0) -> Iterator[subprocess.Popen[bytes]]:
    """Run a helper process (dunst, trayer, a window manager) for the duration of a block."""
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        if settle:
            time.sleep(settle)
        yield proc
    finally:
        stop_process(proc)
        if log_path:
            out.close()  # type: ignore[union-attr]


def desktop_env(display: str, bus: str | None = None, **extra: str) -> dict[str, str]:
    """An environment for a child process on ``display`` (and ``bus``), without offscreen Qt."""
    env = dict(os.environ)
    env["DISPLAY"] = display
    env.pop("WAYLAND_DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "xcb"
    if bus:
        env["DBUS_SESSION_BUS_ADDRESS"] = bus
    else:
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.update(extra)
    return env


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.1, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll ``predicate`` until it returns something truthy; fail the test with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def screenshot(display: str, path: Path) -> Path:
    """Save a PNG of the whole screen with ImageMagick's import."""
    binary = need("import")
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([binary, "-display", display, "-window", "root", str(path)], check=True, timeout=30)
    return path


@contextmanager
def pulseaudio(runtime_dir: Path, sink: str = "hipbreak_test", *extra_modules: str) -> Iterator[dict[str, str]]:
    """A private PulseAudio server with a null sink (and ``extra_modules``); yields the environment
    that reaches it (``XDG_RUNTIME_DIR``, ``HOME`` and ``PULSE_SERVER`` point at ``runtime_dir``).

    What plays into the sink can be recorded from ``<sink>.monitor`` with parec.
    """
    socket = runtime_dir / "pulse-native"
    args = [need("pulseaudio"), "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=no",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            f"--load=module-null-sink sink_name={sink}", *(f"--load={m}" for m in extra_modules)]
    env = dict(os.environ, HOME=str(runtime_dir), XDG_RUNTIME_DIR=str(runtime_dir),
               PULSE_SERVER=f"unix:{socket}")
    with process(args, env, log_path=runtime_dir / "pulse.log"):
        wait_for(socket.exists, what="pulseaudio to listen")
        yield env
