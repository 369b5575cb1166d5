"""A real accessibility stack for tests: Xvfb, a private session bus, the AT-SPI bus and registry,
and a reader that sees the app the way a screen reader (Orca) does.

How it fits together:

* :func:`a11y_desktop` starts Xvfb and a private D-Bus session bus, and tells that
  bus to start AT-SPI (``at-spi-bus-launcher``, from Debian's at-spi2-core) with its
  own ``XDG_RUNTIME_DIR``, so the accessibility bus socket lives in a throwaway
  folder and never meets another test's or the user's. The launcher and its
  registry end when the session bus ends.
* The app under test runs as a child with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``
  (Qt then exposes its widgets on the AT-SPI bus without waiting for a screen
  reader to switch accessibility on).
* :class:`Reader` runs ``tests/support/atspi_reader.py`` with the system Python,
  which has Debian's pyatspi; the venv's Python cannot import GObject
  introspection. Each call is a fresh process, so a reader never holds state
  between the steps of a test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.desktop import dbus_session, desktop_env, need, process, wait_for, xvfb

SYSTEM_PYTHON = "/usr/bin/python3"
READER = Path(__file__).with_name("atspi_reader.py")
APP_NAME = "hipbreak"


def need_atspi() -> None:
    """Skip, naming the Debian package, when the AT-SPI stack or pyatspi is missing."""
    if not Path("/usr/libexec/at-spi-bus-launcher").exists():
        pytest.skip("at-spi2-core is not installed (scripts/test installs it)")
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("python3-pyatspi is not installed (scripts/test installs it)")
    need("xdotool")


@dataclass
class A11yDesktop:
    """What a test needs to start the app and read it."""

    display: str
    bus: str
    runtime_dir: Path

    def app_env(self, **extra: str) -> dict[str, str]:
        """The environment for the app child: this display and bus, accessibility always on."""
        settings = {"QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1", "XDG_RUNTIME_DIR": str(self.runtime_dir),
                    "QT_LOGGING_RULES": "qt.multimedia.*=false;qt.qpa.*=false", **extra}
        return desktop_env(self.display, self.bus, **settings)

    def reader(self) -> Reader:
        return Reader(desktop_env(self.display, self.bus, XDG_RUNTIME_DIR=str(self.runtime_dir)))

    def key(self, *keys: str) -> None:
        """Press keys with xdotool, as a keyboard-only user would (into the focused window)."""
        for key in keys:
            subprocess.run([need("xdotool"), "key", key],
                           env=desktop_env(self.display), check=True, timeout=10)
            time.sleep(0.15)

    def activate(self, title: str) -> None:
        """Give the window called ``title`` the keyboard, as Alt+Tab in the window manager would."""
        env = desktop_env(self.display)
        found = wait_for(lambda: subprocess.run([need("xdotool"), "search", "--onlyvisible", "--name", title],
                                                env=env, capture_output=True, text=True).stdout.split(),
                         timeout=15, what=f"a window called {title!r}")
        # Seen here: with accessibility on, when the window was activated within about a second of
        # appearing, every key of the run was lost (Qt's focus never moved); with a 2 s wait, none
        # in dozens of runs. Our guess (not proven) is Qt's AT-SPI key hand-over (each key goes to
        # the registry first) before its bridge has finished registering. A user does not type into
        # a window in its first two seconds; the test waits as long.
        time.sleep(2.0)
        subprocess.run([need("xdotool"), "windowactivate", "--sync", found[-1]], env=env, timeout=10,
                       capture_output=True)
        time.sleep(0.5)


@contextmanager
def a11y_desktop(size: str = "1280x800x24", window_manager: bool = True) -> Iterator[A11yDesktop]:
    """Xvfb (+ openbox), a private session bus and the AT-SPI bus and registry it starts on demand."""
    need_atspi()
    # a short path: the AT-SPI bus is a Unix socket in here, and socket paths are limited to 108 bytes
    runtime_dir = Path(tempfile.mkdtemp(prefix="hb-a11y-"))
    runtime_dir.chmod(0o700)
    try:
        with xvfb(size) as display, dbus_session() as bus:
            env = desktop_env(display, bus)
            # services this bus starts (the AT-SPI launcher) get their own runtime folder and the display
            subprocess.run([need("dbus-send"), f"--bus={bus}", "--type=method_call", "--print-reply",
                            "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus.UpdateActivationEnvironment",
                            f"dict:string:string:XDG_RUNTIME_DIR,{runtime_dir},DISPLAY,{display}"],
                           env=env, check=True, capture_output=True, timeout=20)
            desktop = A11yDesktop(display, bus, runtime_dir)
            if window_manager:
                with process([need("openbox")], env, log_path=runtime_dir / "openbox.log", settle=0.5):
                    yield desktop
            else:
                yield desktop
    finally:
        shutil.rmtree(runtime_dir, ignore_errors=True)


def find(nodes: list[dict[str, Any]], *, role: str | None = None, name: str | None = None,
         showing: bool = True) -> list[dict[str, Any]]:
    """The nodes with ``role`` and ``name`` (either may be None for "any"); only showing ones by default."""
    return [n for n in nodes
            if (role is None or n["role"] == role) and (name is None or n["name"] == name)
            and (not showing or "showing" in n["states"])]


class Reader:
    """One atspi_reader.py process (system Python) serving questions for the length of a test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> Reader:
        self._proc = subprocess.Popen([SYSTEM_PYTHON, str(READER), "serve"], env=self.env, text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdout is not None
        first = self._proc.stdout.readline()
        assert first.strip() == "ready", f"the AT-SPI reader did not start: {first!r}"
        return self

    def close(self) -> None:
        if self._proc is None:
            return
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def _ask(self, *words: str) -> Any:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None, "reader not started"
        proc.stdin.write(" ".join(words) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line, "the AT-SPI reader ended"
        reply = json.loads(line)
        assert not (isinstance(reply, dict) and "error" in reply), f"AT-SPI reader: {reply['error']}"
        return reply

    def tree(self, app: str = APP_NAME) -> list[dict[str, Any]]:
        """Every accessible of ``app`` (empty while the app is not on the bus yet)."""
        return list(self._ask("tree", app))

    def wait_tree(self, predicate: Any, what: str, app: str = APP_NAME, timeout: float = 20) -> list[dict[str, Any]]:
        """Read the tree until ``predicate(tree)`` holds (Qt registers and fills it asynchronously)."""
        holder: list[list[dict[str, Any]]] = []

        def ready() -> bool:
            nodes = self.tree(app)
            holder[:] = [nodes]
            return bool(nodes) and bool(predicate(nodes))

        wait_for(ready, timeout=timeout, interval=0.3, what=what)
        return holder[0]

    def focus(self, app: str = APP_NAME) -> dict[str, Any] | None:
        """The accessible that has the keyboard focus."""
        node = self._ask("focus", app)
        return node if isinstance(node, dict) else None

    def listen(self, *types: str) -> None:
        """Start recording AT-SPI events of ``types`` (e.g. "object:announcement")."""
        self._ask("listen", *types)

    def events(self) -> list[dict[str, Any]]:
        """The events recorded since the last call."""
        return list(self._ask("events"))


@contextmanager
def reading(desktop: A11yDesktop) -> Iterator[Reader]:
    """A reader for ``desktop`` for the length of the block."""
    reader = desktop.reader().start()
    try:
        yield reader
    finally:
        reader.close()
