"""Fixtures for tests in real Wayland sessions: one GNOME Shell per test run, the installed
``hipbreak`` started in it as a user would, and a Wayland-native app the person types in.

The GNOME session is session-scoped: starting gnome-shell costs a few seconds, and the tests
only need a fresh *app* (each gets its own profile), not a fresh desktop.

Screenshots go to a temporary folder, or to ``$HIPBREAK_WAYLAND_SHOTS`` when that is set
(``scripts/refresh-wayland-screenshots`` sets it and copies them into docs/screenshots) or to
``$HIPBREAK_SCREENSHOT_DIR`` like every other screenshot test, so a plain test run never writes
into tracked files.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.app_status import status_reply
from tests.support.desktop import stop_process, wait_for
from tests.support.gnome_session import GnomeSession, gnome_session
from tests.support.screenshots import shots_dir

ROOT = Path(__file__).resolve().parents[2]
TYPING_APP = Path(__file__).with_name("typing_app.py")


@pytest.fixture(scope="session")
def gnome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GnomeSession]:
    with gnome_session(tmp_path_factory.mktemp("gnome")) as session:
        yield session


@pytest.fixture(scope="session")
def wayland_shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests put their screenshots of the prompt."""
    wanted = os.environ.get("HIPBREAK_WAYLAND_SHOTS")
    if wanted:
        folder = Path(wanted)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return shots_dir(tmp_path_factory.mktemp("wayland-shots"))  # $HIPBREAK_SCREENSHOT_DIR, as elsewhere


def hipbreak_command() -> str:
    found = shutil.which("hipbreak", path=str(Path(sys.executable).parent))
    assert found, "the installed hipbreak command is not next to the test interpreter (.venv/bin)"
    return found


@dataclass
class SessionApp:
    """The installed hipbreak running in a session, with its own profile folder."""

    env: dict[str, str]
    profile: Path
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path = field(default_factory=Path)

    def start(self, *args: str) -> None:
        self.log_path = self.profile / "app-output.log"
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen([hipbreak_command(), *args], env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT)

    def run(self, *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
        return subprocess.run([hipbreak_command(), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def status(self) -> dict[str, Any] | None:
        return status_reply(self.run("status", "--json", timeout=10))

    def wait_status(self, what: str, timeout: float = 30, **wanted: Any) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            status = self.status()
            if self.proc is not None and self.proc.poll() is not None:
                pytest.fail(f"hipbreak exited ({self.proc.returncode}):\n{self.log()}")
            return status if status and all(status.get(k) == v for k, v in wanted.items()) else None

        found = wait_for(check, timeout=timeout, interval=0.3, what=what)
        assert isinstance(found, dict)
        return found

    def events(self, *kinds: str) -> list[tuple[str, dict[str, Any]]]:
        """History events (kind, data) of the given kinds, oldest first, read like ``hipbreak stats``."""
        path = self.profile / "data" / "history.sqlite3"
        if not path.exists():
            return []
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            rows = db.execute("SELECT kind, data FROM events ORDER BY at, id").fetchall()
        return [(k, json.loads(d)) for k, d in rows if not kinds or k in kinds]

    def log(self) -> str:
        text = self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
        app_log = self.profile / "log" / "hipbreak.log"
        if app_log.exists():
            text += "\n--- hipbreak.log ---\n" + app_log.read_text(errors="replace")[-5000:]
        return text

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace=10)


def write_settings(profile: Path, **values: Any) -> None:
    folder = profile / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(json.dumps({"version": 2, **values}), encoding="utf-8")


def app_in(session: GnomeSession, profile: Path, **extra_env: str) -> SessionApp:
    """A hipbreak for ``session`` (not started): its env has no QT_QPA_PLATFORM unless given."""
    env = dict(session.env)
    env["HIPBREAK_PROFILE_DIR"] = str(profile)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra_env)
    return SessionApp(env=env, profile=profile)


@dataclass
class TypingApp:
    """The Wayland-native app the person types in; ``text()`` is everything it received."""

    proc: subprocess.Popen[str]
    out: Path
    title: str

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8") if self.out.exists() else ""


def start_typing_app(session: GnomeSession, folder: Path, title: str = "Notes - typing here") -> TypingApp:
    env = dict(session.env, QT_QPA_PLATFORM="wayland")
    out = folder / "typed.txt"
    proc = subprocess.Popen([sys.executable, str(TYPING_APP), str(out), title], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline().split()
    assert first == ["platform", "wayland"], f"the typing app is not a Wayland client: {first}"
    wait_for(lambda: session.window(title), timeout=20, what="the typing app's window")
    session.activate(title)
    wait_for(lambda: session.focused_title() == title, timeout=10, what="the typing app to have the focus")
    return TypingApp(proc, out, title)


@pytest.fixture
def typing_app(gnome: GnomeSession, tmp_path: Path) -> Iterator[TypingApp]:
    app = start_typing_app(gnome, tmp_path)
    try:
        yield app
    finally:
        app.proc.terminate()
        app.proc.wait(timeout=10)
