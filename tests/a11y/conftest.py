"""Shared steps of the AT-SPI tests: a real accessibility desktop, and a window shown in a child."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.atspi import A11yDesktop, Reader, a11y_desktop, reading
from tests.support.screenshots import window_child

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def desktop() -> Iterator[A11yDesktop]:
    with a11y_desktop() as running:
        yield running


@pytest.fixture
def reader(desktop: A11yDesktop) -> Iterator[Reader]:
    with reading(desktop) as serving:
        yield serving


class Shown:
    """A window shown by tests/a11y/show_window.py in a child process."""

    def __init__(self, child: subprocess.Popen[str]) -> None:
        self.child = child

    def command(self, line: str) -> str:
        assert self.child.stdin is not None and self.child.stdout is not None
        self.child.stdin.write(line + "\n")
        self.child.stdin.flush()
        return self.child.stdout.readline().strip()

    def focus(self) -> dict[str, Any]:
        """What has the keyboard focus in the child, named as Qt names it on the AT-SPI bus."""
        reply = json.loads(self.command("focus"))
        assert isinstance(reply, dict)
        return reply

    def tab_order(self, desktop: A11yDesktop, presses: int, key: str = "Tab") -> list[str]:
        """The focused control's name before each of ``presses`` presses of ``key``, and after the last.

        The focus is read from the child (the same name Qt gives AT-SPI), not through a
        reader, so that no AT-SPI client is busy with the app while keys arrive.
        """
        names = [str(self.focus()["name"])]
        for _press in range(presses):
            before = self.focus()
            desktop.key(key)
            # Qt hands each key to the AT-SPI registry first and handles it when that answers
            # (up to 100 ms later), so wait for the focus to move, or for a second if it does not
            deadline = time.monotonic() + 1.0
            after = self.focus()
            while after == before and time.monotonic() < deadline:
                time.sleep(0.05)
                after = self.focus()
            names.append(str(after["name"]))
        return names

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
