"""Path resolution: XDG variables, the one-folder profile, socket names, and folder creation."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import appdirs
import pytest

from desktop_app.platform.paths import AppPaths, ensure_dir, resolve_paths

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are a Linux rule")


@linux_only
def test_xdg_variables_are_honoured(tmp_path: Path) -> None:
    env = {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    paths = resolve_paths(env)
    assert paths.settings_file == tmp_path / "cfg" / "hipbreak" / "settings.json"
    assert paths.routines_dir == tmp_path / "cfg" / "hipbreak" / "routines"
    assert paths.history_file == tmp_path / "data" / "hipbreak" / "history.sqlite3"
    assert paths.state_file == tmp_path / "data" / "hipbreak" / "state.json"
    assert paths.log_file == tmp_path / "state" / "hipbreak" / "log" / "hipbreak.log"
    assert paths.runtime_dir == tmp_path / "run" / "hipbreak"
    assert paths.profile_dir is None


@linux_only
def test_defaults_follow_home_when_no_xdg_variables(tmp_path: Path) -> None:
    paths = resolve_paths({"HOME": str(tmp_path)})
    assert paths.config_dir == tmp_path / ".config" / "hipbreak"
    assert paths.data_dir == tmp_path / ".local" / "share" / "hipbreak"
    assert paths.log_dir == tmp_path / ".local" / "state" / "hipbreak" / "log"
    # relative XDG values are invalid by the spec and ignored
    assert resolve_paths({"HOME": str(tmp_path), "XDG_CONFIG_HOME": "rel/cfg"}).config_dir == paths.config_dir


@linux_only
def test_config_and_data_match_what_appdirs_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """We read XDG variables from the mapping we are given; appdirs reads os.environ. Both must agree."""
    monkeypatch.delenv("HIPBREAK_PROFILE_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    paths = resolve_paths(os.environ)
    assert paths.config_dir == Path(appdirs.user_config_dir("hipbreak"))
    assert paths.data_dir == Path(appdirs.user_data_dir("hipbreak"))
    assert str(paths.config_dir).startswith(str(tmp_path / "c"))


def test_profile_dir_puts_everything_in_one_folder(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    paths = resolve_paths({"HIPBREAK_PROFILE_DIR": str(profile), "XDG_CONFIG_HOME": str(tmp_path / "x")})
    for folder in (paths.config_dir, paths.data_dir, paths.log_dir, paths.runtime_dir):
        assert profile in folder.parents
    assert paths.profile_dir == profile
    assert not profile.exists(), "resolving must not create anything"


def test_socket_names_separate_users_and_profiles(tmp_path: Path) -> None:
    real = resolve_paths({"HOME": str(tmp_path)})
    a = resolve_paths({"HIPBREAK_PROFILE_DIR": str(tmp_path / "a")})
    b = resolve_paths({"HIPBREAK_PROFILE_DIR": str(tmp_path / "b")})
    names = {real.socket_name, a.socket_name, b.socket_name}
    assert len(names) == 3
    uid = str(os.getuid()) if hasattr(os, "getuid") else None
    if uid is not None:
        assert all(uid in name for name in names)
    assert a.socket_name == resolve_paths({"HIPBREAK_PROFILE_DIR": str(tmp_path / "a")}).socket_name
    assert all(len(n) < 60 and "/" not in n for n in names)


def test_resolving_under_an_unusable_home_does_not_fail(tmp_path: Path) -> None:
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("not a folder")
    paths = resolve_paths({"HOME": str(blocker)})
    assert isinstance(paths, AppPaths)
    message = ensure_dir(paths.config_dir)
    assert message is not None
    assert str(paths.config_dir) in message
    assert "part of that path is a file" in message


def test_ensure_dir_creates_nested_folders_and_reports_a_file_in_the_way(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    assert ensure_dir(target) is None
    assert target.is_dir()
    assert ensure_dir(target) is None  # idempotent
    in_the_way = tmp_path / "file"
    in_the_way.write_text("x")
    message = ensure_dir(in_the_way)
    assert message is not None and "in the way" in message
    assert in_the_way.read_text() == "x"


def test_ensure_dir_reports_a_read_only_parent(tmp_path: Path) -> None:
    from tests.storage.hostile import readonly

    parent = tmp_path / "ro"
    with readonly(parent):
        message = ensure_dir(parent / "data")
    assert message is not None
    assert str(parent / "data") in message
