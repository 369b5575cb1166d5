"""Shared steps of the screenshot tests: run the window in a child process on Xvfb,
grab its part of the screen with ImageMagick, and read back what is in the picture.

Each screenshot test shows its window in a child process (so the real xcb plugin
draws it with real fonts) and takes the picture from the parent. These steps were
written out again in every such test; here they are once, so a fix to how a
picture is taken or checked reaches all of them.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.desktop import desktop_env, need, xvfb

#: The repository root: screenshot children run from here, so ``tests.support`` imports in them.
REPO = Path(__file__).resolve().parents[2]

#: Set by scripts/refresh-screenshots (to docs/screenshots) to keep the pictures; unset in test runs,
#: so running the suite never rewrites tracked files.
SCREENSHOT_DIR_ENV = "HIPBREAK_SCREENSHOT_DIR"


def shots_dir(fallback: Path) -> Path:
    """Where a test saves its screenshots: ``$HIPBREAK_SCREENSHOT_DIR`` when set, else ``fallback`` (a tmp folder)."""
    import os

    wanted = os.environ.get(SCREENSHOT_DIR_ENV)
    folder = Path(wanted) if wanted else fallback
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot_window(display: str, geometry: str, path: Path) -> Path:
    """Grab the whole screen cropped to ``geometry`` (ImageMagick's ``WxH+X+Y``).

    The root window is grabbed rather than the app's window so that popups over
    it (tooltips) are in the picture too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([need("import"), "-display", display, "-window", "root", "-crop", geometry, "+repage",
                    str(path)], check=True, timeout=30)
    return path


@dataclass(frozen=True)
class Picture:
    """What ImageMagick reads in a PNG: an unmapped or blank grab has only a few colours."""

    colours: int
    width: int
    height: int


def picture_info(path: Path) -> Picture:
    """The number of distinct colours and the size of the picture at ``path``."""
    out = subprocess.run([need("identify"), "-format", "%k %w %h", str(path)], check=True, timeout=30,
                         capture_output=True, text=True).stdout.split()
    return Picture(colours=int(out[0]), width=int(out[1]), height=int(out[2]))


@contextmanager
def window_child(args: list[str], env: dict[str, str], cwd: Path,
                 stderr: int | None = None) -> Iterator[subprocess.Popen[str]]:
    """Run a child that shows a window and talks line by line over stdin/stdout.

    Kills it when the block ends while it still runs, so a failed step leaves
    no window process behind on the shared machine.
    """
    child = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=stderr, text=True)
    try:
        assert child.stdin is not None and child.stdout is not None
        yield child
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def ask(child: subprocess.Popen[str], command: str) -> list[str]:
    """Send one command line to the child and return its one-line reply split into words."""
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(command + "\n")
    child.stdin.flush()
    return child.stdout.readline().split()


def shoot_steps(child: subprocess.Popen[str], display: str, steps: Sequence[tuple[str, str]], out_dir: Path,
                what: str) -> list[Path]:
    """Send each ``(command, file name)`` step, grab the window the child reports, then quit it.

    The child (running :func:`obey_steps`) answers every command with ``shown WxH+X+Y`` once the window has
    been drawn; ``what`` names the window in the failure message.
    """
    shots: list[Path] = []
    for command, name in steps:
        reply = ask(child, command)
        assert reply[:1] == ["shown"], f"{what} did not answer {command!r}"
        shots.append(shoot_window(display, reply[1], out_dir / name))
    assert child.stdin is not None
    child.stdin.write("quit\n")
    child.stdin.flush()
    assert child.wait(timeout=30) == 0
    return shots


def shoot_child_on_xvfb(args: list[str], steps: Sequence[tuple[str, str]], out_dir: Path, what: str,
                        **env: str) -> list[Path]:
    """Start a fresh Xvfb, run the child ``args`` on it (``env`` added) and take the pictures of ``steps``.

    For the tests whose child needs nothing but :func:`obey_steps`: the display, the child's environment,
    starting it from the repository root and :func:`shoot_steps` were the same lines in each of them.
    """
    with xvfb() as display, window_child(args, desktop_env(display, **env), REPO) as child:
        return shoot_steps(child, display, steps, out_dir, what)


def obey_steps(window: Any, handlers: Mapping[str, Callable[[list[str]], None]]) -> None:
    """The child's side of :func:`shoot_steps`: run each command line from stdin until "quit".

    ``handlers`` maps a command's first word to what it does (given the other
    words). After each command the window gets half a second to draw, then its
    frame is reported as ``shown WxH+X+Y`` for the parent to grab. Qt is
    imported here, not at the top, because the parent test process stays offscreen.
    """
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        handler = handlers.get(command[0])
        if handler is not None:
            handler(command[1:])
        for _i in range(20):
            QApplication.processEvents()
            QTest.qWait(25)
        g = window.frameGeometry()
        print(f"shown {g.width()}x{g.height()}+{g.x()}+{g.y()}", flush=True)
