"""Shared steps of the AT-SPI tests: a real accessibility desktop, and a window shown in a child."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.atspi import A11yDesktop, a11y_desktop
from tests.support.screenshots import window_child

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def desktop() -> Iterator[A11yDesktop]:
    with a11y_desktop() as running:
        yield running


class Shown:
    """A window shown by tests/a11y/show_window.py in a child process."""

    def __init__(self, child: subprocess.Popen[str]) -> None:
        self.child = child

    def command(self, line: str) -> str:
        assert self.child.stdin is not None and self.child.stdout is not None
        self.child.stdin.write(line + "\n")
        self.child.stdin.flush()
        return self.child.stdout.readline().strip()

    def alive(self) -> bool:
        return self.child.poll() is None


@contextmanager
def show(desktop: A11yDesktop, window: str, arg: str = "", **env: str) -> Iterator[Shown]:
    """Show ``window`` on ``desktop`` with accessibility on; quit it when the block ends."""
    args = [sys.executable, "-m", "tests.a11y.show_window", window, arg]
    with window_child(args, desktop.app_env(**env), ROOT, stderr=None) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "shown", f"the {window} child said {line!r}"
        shown = Shown(child)
        yield shown
        if shown.alive():
            assert child.stdin is not None
            child.stdin.write("quit\n")
            child.stdin.flush()
            child.wait(timeout=20)
