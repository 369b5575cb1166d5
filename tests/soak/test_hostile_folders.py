"""Hostile folders under the running app: it runs, tells the user once, and carries on.

The installed ``hipbreak`` runs on the real e2e desktop (Xvfb, openbox,
trayer, dunst on a private D-Bus), so "tells the user" means a real
notification reached the notification daemon; dbus-monitor records each
``Notify`` call once. Every scenario then drives several writing commands
through the real CLI (each one would write the history and the state file),
so a warning that repeated on each failed write would show up as a duplicate.

The folders are really hostile (see tests/storage/hostile.py): read-only bind
mounts as root, a real tiny tmpfs filled up, a real directory where the
settings file should be, a real symlink loop.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import Desktop, desktop
from tests.soak.conftest import App, hipbreak_command, log_text, start_app
from tests.storage.hostile import fill_up, readonly, tiny_disk

pytestmark = [pytest.mark.soak, pytest.mark.display]

#: Commands that each write the history and the state file when they apply.
WRITING = (("break-now",), ("snooze", "30"), ("pause", "20"), ("resume",), ("break-now",), ("skip",),
           ("standing",), ("sitting",))


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    with desktop(tmp_path_factory.mktemp("hostile")) as running:
        yield running


def notifications_since(desk: Desktop, offset: int) -> list[tuple[str, str]]:
    """(summary, body) of every Notify call dbus-monitor saw after byte ``offset`` of its log."""
    text = (desk.workdir / "dbus-monitor.log").read_bytes()[offset:].decode(errors="replace")
    found = []
    for chunk in text.split("member=Notify")[1:]:
        strings = re.findall(r'string "(.*?)"', chunk, re.DOTALL)
        if len(strings) >= 4:
            found.append((strings[2], strings[3]))
    return found


def monitor_offset(desk: Desktop) -> int:
    path = desk.workdir / "dbus-monitor.log"
    return path.stat().st_size if path.exists() else 0


def run_through(desk: Desktop, env: dict[str, str], log: Path) -> tuple[App, list[str]]:
    """Start the app, check it answers, drive every writing command, stop it cleanly.

    Returns the app and the bodies of the notifications it sent (warnings).
    """
    env = dict(desk.env, **env)
    offset = monitor_offset(desk)
    app = start_app(env, log)
    try:
        app.wait_answering()
        for args in WRITING:
            result = app.cli(*args)
            assert "Traceback" not in result.stderr, result.stderr
            assert result.returncode in (0, 1), result.stderr  # 1: "not applicable now", said in words
        status = app.status()
        assert status["state"] in ("working", "due", "snoozed", "paused", "standing"), status
        # a notification is sent asynchronously: give the last ones a moment to reach the bus
        time.sleep(1.0)
    finally:
        code = app.stop()
    assert code == 0, f"hipbreak did not exit cleanly ({code}):\n{app.output()}"
    bodies = [body for summary, body in notifications_since(desk, offset) if summary == "HipBreak"]
    repeated = {body: n for body, n in Counter(bodies).items() if n > 1}
    assert not repeated, f"a warning was shown more than once: {repeated}"
    assert "Traceback" not in app.output()
    return app, bodies


def profile_env(profile: Path) -> dict[str, str]:
    return {"HIPBREAK_PROFILE_DIR": str(profile)}


def write_settings(config: Path, **values: object) -> None:
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"version": 2, **values}), encoding="utf-8")


def test_config_folder_read_only(desk: Desktop, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    write_settings(profile / "config", break_interval_minutes=45)
    with readonly(profile / "config"):
        app, warnings = run_through(desk, profile_env(profile), tmp_path / "app.log")
    # the settings were read (45 minutes) and everything the app writes went to the data folder
    assert (profile / "data" / "state.json").is_file()
    assert (profile / "data" / "history.sqlite3").is_file()
    assert warnings == [], f"nothing needed writing in the config folder, yet the user was told {warnings}"
    assert "Traceback" not in log_text(profile)
    assert app.proc.returncode == 0


def test_config_folder_read_only_before_it_exists(desk: Desktop, tmp_path: Path) -> None:
    """The profile folder itself read-only with no config folder in it: defaults, one warning."""
    profile = tmp_path / "profile"
    (profile / "data").mkdir(parents=True)
    (profile / "log").mkdir()
    (profile / "run").mkdir()
    with readonly(profile):
        _app, warnings = run_through(desk, profile_env(profile), tmp_path / "app.log")
    assert any("config" in body for body in warnings), warnings


def test_data_folder_missing_and_its_parent_not_writable(desk: Desktop, tmp_path: Path) -> None:
    data_home = tmp_path / "data-home"      # holds no "hipbreak" folder, and cannot get one
    data_home.mkdir()
    private_tmp = tmp_path / "tmp"          # the socket's folder (no profile dir here: XDG paths)
    private_tmp.mkdir()
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config-home"), "XDG_DATA_HOME": str(data_home),
           "XDG_STATE_HOME": str(tmp_path / "state-home"), "TMPDIR": str(private_tmp)}
    # no HIPBREAK_PROFILE_DIR: the app must use the XDG folders
    env_without_profile = {k: v for k, v in dict(desk.env, **env).items() if k != "HIPBREAK_PROFILE_DIR"}
    with readonly(data_home):
        offset = monitor_offset(desk)
        app = start_app(env_without_profile, tmp_path / "app.log")
        try:
            app.wait_answering()
            for args in WRITING:
                result = subprocess.run([hipbreak_command(), *args], env=env_without_profile,
                                        capture_output=True, text=True, timeout=30)
                assert result.returncode in (0, 1), result.stderr
                assert "Traceback" not in result.stderr
            assert app.status()["state"] in ("working", "due", "snoozed", "paused", "standing")
            time.sleep(1.0)
        finally:
            assert app.stop() == 0, app.output()
        assert not (data_home / "hipbreak").exists()
    bodies = [b for s, b in notifications_since(desk, offset) if s == "HipBreak"]
    assert any(str(data_home / "hipbreak") in b for b in bodies), f"the user was not told: {bodies}"
    assert max(Counter(bodies).values()) == 1, f"a warning was repeated: {bodies}"
    log = (tmp_path / "state-home" / "hipbreak" / "log" / "hipbreak.log").read_text(errors="replace")
    assert "Traceback" not in log


def test_disk_full(desk: Desktop, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    (profile / "config").mkdir(parents=True)
    data = profile / "data"
    with tiny_disk(data, "256k"):
        fill_up(data)
        _app, warnings = run_through(desk, profile_env(profile), tmp_path / "app.log")
        assert warnings, "a full disk must be mentioned to the user"
        leftovers = [p.name for p in data.iterdir() if p.name != "filler.bin"]
    assert "Traceback" not in log_text(profile)
    assert all(not name.endswith(".tmp") for name in leftovers), leftovers


def test_disk_fills_up_while_running(desk: Desktop, tmp_path: Path) -> None:
    """The history and state exist, then the disk fills: later writes fail, said once, app carries on."""
    profile = tmp_path / "profile"
    (profile / "config").mkdir(parents=True)
    data = profile / "data"
    with tiny_disk(data, "512k"):
        env = dict(desk.env, **profile_env(profile))
        offset = monitor_offset(desk)
        app = start_app(env, tmp_path / "app.log")
        try:
            app.wait_answering()
            assert app.cli("break-now").returncode == 0
            fill_up(data)
            for args in WRITING * 3:
                assert app.cli(*args).returncode in (0, 1)
            assert app.status()["state"] in ("working", "due", "snoozed", "paused", "standing")
            time.sleep(1.0)
        finally:
            assert app.stop() == 0, app.output()
        bodies = [b for s, b in notifications_since(desk, offset) if s == "HipBreak"]
        assert bodies, "the user was not told that saving failed"
        assert max(Counter(bodies).values()) == 1, bodies
        os.remove(data / "filler.bin")
    assert "Traceback" not in log_text(profile)


def test_settings_file_is_a_directory(desk: Desktop, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    (profile / "config" / "settings.json").mkdir(parents=True)
    (profile / "config" / "settings.json" / "inside.txt").write_text("the user's own file")
    _app, warnings = run_through(desk, profile_env(profile), tmp_path / "app.log")
    assert len(warnings) == 1 and "settings" in warnings[0].lower(), warnings
    # the folder and what is in it are kept (moved aside at most, never deleted)
    kept = list((profile / "config").rglob("inside.txt"))
    assert kept and kept[0].read_text() == "the user's own file"


def test_symlink_loops(desk: Desktop, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    config = profile / "config"
    config.mkdir(parents=True)
    (config / "settings.json").symlink_to(config / "loop.json")
    (config / "loop.json").symlink_to(config / "settings.json")
    (profile / "data").symlink_to(profile / "data-loop")
    (profile / "data-loop").symlink_to(profile / "data")
    _app, warnings = run_through(desk, profile_env(profile), tmp_path / "app.log")
    assert any("settings" in w.lower() for w in warnings), warnings
    assert any(str(profile / "data") in w for w in warnings), warnings
    assert (profile / "data").is_symlink()  # the user's links are left as they were
