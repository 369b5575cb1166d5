"""The PyInstaller bundle: build it with scripts/build-bundle, then run it as a user would.

Marked ``bundle`` so ``scripts/test -m "not bundle"`` can skip the build; ``.ci/run``
runs everything. The build and the size are printed (run with ``-s`` to see them);
nothing here asserts on time.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.platform.autostart import exec_split
from desktop_app.platform.install_kind import DESKTOP_ID
from tests.support.desktop import wait_for, xvfb

pytestmark = pytest.mark.bundle

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is missing: install the bundle extra, .venv/bin/pip install -e '.[bundle]'")
    dist = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "PYTHON": sys.executable}
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-bundle"), "--dist", str(dist)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(
        "\n" + "\n".join(line for line in result.stdout.splitlines() if line.startswith(("bundle", "build")))
    )
    exe = dist / "hipbreak" / "hipbreak"
    assert exe.is_file() and os.access(exe, os.X_OK)
    return exe


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A throwaway profile and config home, offscreen, and no PATH to this checkout's venv."""
    profile = tmp_path / "profile"
    profile.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HIPBREAK_PROFILE_DIR=str(profile),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        HOME=str(tmp_path / "home"),
        PATH="/usr/bin:/bin",
    )
    return env


def _run(exe: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=120)


def test_version(bundle: Path, user_env: dict[str, str]) -> None:
    result = _run(bundle, "--version", env=user_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"hipbreak {__version__}"


def test_routines_json_lists_the_bundled_routines(bundle: Path, user_env: dict[str, str]) -> None:
    result = _run(bundle, "routines", "--json", env=user_env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    routines = data["routines"] if isinstance(data, dict) else data
    ids = {r["id"] for r in routines}
    shipped = {p.stem for p in (ROOT / "assets" / "routines").glob("*.json")}
    assert shipped and shipped <= ids


def test_the_bundle_speaks_the_system_language(bundle: Path, user_env: dict[str, str]) -> None:
    """The bundle ships only the compiled catalogs (.mo) and finds them inside itself."""
    from desktop_app.po_files import read_po

    for lang in ("de", "es", "fr"):
        built_in = {e.msgid: e.msgstr[0] for e in read_po(ROOT / "assets" / "i18n" / f"{lang}.po")}["built-in"]
        env = {k: v for k, v in user_env.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
        result = _run(bundle, "routines", env={**env, "LANG": f"{lang}_{lang.upper()}.UTF-8"})
        assert result.returncode == 0, result.stderr
        assert built_in in result.stdout and "built-in" not in result.stdout, (lang, result.stdout[:500])


def test_check_routine_accepts_good_and_rejects_bad_files(
    bundle: Path, user_env: dict[str, str], tmp_path: Path
) -> None:
    good = ROOT / "assets" / "routines" / "desk-break.json"
    result = _run(bundle, "check-routine", str(good), env=user_env)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "Not A Slug"}')
    result = _run(bundle, "check-routine", str(bad), env=user_env)
    assert result.returncode == 2
    assert "bad.json: id:" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_bundle_holds_assets_and_leaves_out_unused_qt(bundle: Path) -> None:
    internal = bundle.parent / "_internal"
    for lang in ("de", "es", "fr"):  # compiled catalogs only; the translators' .po files stay out
        assert (internal / "assets" / "i18n" / lang / "LC_MESSAGES" / "hipbreak.mo").is_file(), lang
        assert any((internal / "PySide6").rglob(f"qtbase_{lang}.qm")), f"Qt's own {lang} strings are missing"
    assert not list((internal / "assets" / "i18n").glob("*.po"))
    assert (internal / "assets" / "icons" / "hipbreak.svg").is_file()
    assert {p.name for p in (internal / "assets" / "routines").glob("*.json")} == {
        p.name for p in (ROOT / "assets" / "routines").glob("*.json")
    }
    libs = {p.name for p in internal.rglob("*.so*")}
    assert any(name.startswith("libqxcb") for name in libs), "the X11 platform plugin is missing"
    for unused in ("WebEngine", "Qt63D", "Charts", "DataVisualization", "Pdf", "VirtualKeyboard", "Quick3D"):
        assert not [name for name in libs if unused in name], f"{unused} should not be bundled"


def test_autostart_from_the_bundle_points_at_the_bundle(bundle: Path, user_env: dict[str, str]) -> None:
    result = _run(bundle, "autostart", "on", env=user_env)
    assert result.returncode == 0, result.stdout + result.stderr
    entry = Path(user_env["XDG_CONFIG_HOME"]) / "autostart" / f"{DESKTOP_ID}.desktop"
    exec_line = next(line for line in entry.read_text().splitlines() if line.startswith("Exec="))
    assert exec_split(exec_line[len("Exec=") :]) == (str(bundle),)
    assert _run(bundle, "autostart", "status", env=user_env).stdout.startswith("Autostart is on.")
    assert _run(bundle, "autostart", "off", env=user_env).returncode == 0
    assert not entry.exists()


Starter = Callable[[dict[str, str]], "subprocess.Popen[str]"]


@pytest.fixture
def started(bundle: Path) -> Iterator[Starter]:
    """Start the bundled app with an environment; every started copy is stopped afterwards."""
    procs: list[subprocess.Popen[str]] = []

    def start(env: dict[str, str]) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [str(bundle)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _start_and_quit(bundle: Path, proc: subprocess.Popen[str], env: dict[str, str]) -> None:
    def answers() -> bool:
        assert proc.poll() is None, f"the bundle exited early: {proc.stdout.read() if proc.stdout else ''}"
        return _run(bundle, "status", "--json", env=env).returncode == 0

    wait_for(answers, timeout=60, what="the bundled app to answer 'status'")
    status = json.loads(_run(bundle, "status", "--json", env=env).stdout)
    assert status["state"] in ("working", "off_hours")
    assert _run(bundle, "quit", env=env).returncode == 0
    assert proc.wait(timeout=30) == 0


def test_the_bundled_app_starts_offscreen_answers_and_quits(
    bundle: Path, user_env: dict[str, str], started: Starter
) -> None:
    proc = started(user_env)
    _start_and_quit(bundle, proc, user_env)


@pytest.mark.display
def test_the_bundled_app_starts_on_a_real_x_server(
    bundle: Path, user_env: dict[str, str], started: Starter
) -> None:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    with xvfb() as display:
        env = {**user_env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
        proc = started(env)
        _start_and_quit(bundle, proc, env)


def test_the_bundle_can_speak_wayland_idle_protocols(bundle: Path, user_env: dict[str, str], tmp_path: Path) -> None:
    """pywayland's cffi module loads ``_cffi_backend`` from C, which PyInstaller cannot see; without it
    the bundle had no idle time on KDE Wayland. With no compositor the backend must fail for that reason
    (no socket), not for a missing module."""
    env = dict(user_env, XDG_SESSION_TYPE="wayland", XDG_CURRENT_DESKTOP="KDE",
               WAYLAND_DISPLAY=str(tmp_path / "no-compositor-here"), DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    result = _run(bundle, "doctor", "--json", env=env)
    assert result.returncode == 0, result.stderr
    idle = next(c for c in json.loads(result.stdout) if c["name"] == "idle")
    assert "wayland: cannot connect to the Wayland display" in idle["detail"], idle
    assert "pywayland module is not available" not in idle["detail"]


@pytest.mark.display
def test_the_bundle_plays_a_routine_in_its_own_child_process(
    bundle: Path, user_env: dict[str, str], started: Starter
) -> None:
    """A bundle has no ``python -m``: the app starts the player as ``hipbreak --player-child`` (issue 13).
    The child must be the bundle itself and show the routine, not fall back to playing in the app."""
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        pytest.skip("Xvfb or xdotool is not installed")
    with xvfb() as display:
        env = {**user_env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
        proc = started(env)
        wait_for(lambda: _run(bundle, "status", "--json", env=env).returncode == 0, timeout=60,
                 what="the bundled app to answer 'status'")
        assert _run(bundle, "routine", "desk-break", env=env).returncode == 0

        def player_child() -> list[str] | None:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    if int(stat.read_text().rsplit(")", 1)[-1].split()[1]) != proc.pid:
                        continue
                    args = (stat.parent / "cmdline").read_bytes().decode().split("\0")
                except (OSError, ValueError, IndexError):
                    continue
                if "--player-child" in args:
                    return args
            return None

        args = wait_for(player_child, timeout=30, what="the player child process of the bundled app")
        assert Path(args[0]).resolve() == bundle.resolve(), args
        window = wait_for(lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "^HipBreak: Desk-side"], env=env,
            capture_output=True, text=True).stdout.split(), timeout=30, what="the player window from the child")
        assert window
        log_file = Path(env["HIPBREAK_PROFILE_DIR"]) / "log" / "hipbreak.log"
        log_text = log_file.read_text(errors="replace") if log_file.exists() else ""
        assert "playing the routine in the app instead" not in log_text, log_text[-2000:]
        assert _run(bundle, "quit", env=env).returncode == 0
        assert proc.wait(timeout=30) == 0
        wait_for(lambda: player_child() is None, timeout=10, what="the player child to leave with the app")
