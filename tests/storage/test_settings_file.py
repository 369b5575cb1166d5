"""Loading and saving the settings file, with every kind of bad file a user (or a crash) can leave."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.atomic_files import StorageError
from desktop_app.core.settings import SETTINGS_VERSION, Settings, defaults
from desktop_app.storage.settings_file import load_settings, save_settings, settings_text
from tests.storage.hostile import readonly


def backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".bad-" in p.name)


def test_missing_file_gives_defaults_and_no_warning(tmp_path: Path) -> None:
    result = load_settings(tmp_path / "settings.json")
    assert result.settings == defaults()
    assert result.warnings == []
    assert result.moved_to is None
    assert list(tmp_path.iterdir()) == []


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    chosen = defaults().replace(break_interval_minutes=45, working_days=["mon", "wed"], language="de")
    save_settings(path, chosen)
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION
    result = load_settings(path)
    assert result.settings == chosen
    assert result.warnings == []


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"break_interval_minutes": 45,', "not valid JSON (line 1"),        # truncated
        (b"\x00\x00\x00\x00garbage\xff\xfe", "not UTF-8"),                    # corrupt bytes
        (b"", "empty"),                                                      # a crash on a non-atomic writer
        (b"[1, 2, 3]", "a list instead of a set of named settings"),         # wrong type
        (b'"hello"', "a text string instead"),
        (b"null", "null instead"),
        (b'{"version": 99, "break_interval_minutes": 30}', "newer HipBreak"),  # future version
        (b'{"version": "two"}', "version: must be a whole number"),
        (b"[" * 100_000, "not valid JSON"),                                   # recursion bomb
    ],
)
def test_unusable_file_is_moved_aside_and_defaults_load(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    result = load_settings(path)
    assert result.settings == defaults()
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert why in warning
    (backup,) = backups(tmp_path)
    assert result.moved_to == backup
    assert backup.name.startswith("settings.json.bad-")
    assert str(backup) in warning, "the warning must name the backup so the user can find their file"
    assert backup.read_bytes() == content, "the user's bytes are kept exactly"
    assert not path.exists()


def test_a_bad_field_falls_back_alone_and_the_file_stays(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    content = json.dumps({"version": SETTINGS_VERSION, "break_interval_minutes": 5000,
                          "snooze_minutes": "ten", "natural_break_minutes": 7, "volume_percent": 30})
    path.write_text(content)
    result = load_settings(path)
    assert result.settings.break_interval_minutes == 60       # default
    assert result.settings.snooze_minutes == 10               # default
    assert result.settings.natural_break_minutes == 7         # kept
    assert result.settings.volume_percent == 30               # kept
    assert len(result.warnings) == 2
    assert any("break_interval_minutes" in w and "10..240" in w and "5000" in w for w in result.warnings)
    assert any("snooze_minutes" in w and "'ten'" in w for w in result.warnings)
    assert result.moved_to is None
    assert path.read_text() == content
    assert backups(tmp_path) == []


def test_an_old_format_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "interval_minutes": 90, "mute": True}))
    result = load_settings(path)
    assert result.settings.break_interval_minutes == 90
    assert result.settings.sound_enabled is False
    assert result.warnings == []
    assert result.notes == ["settings upgraded from format 1 to 2"]


def test_a_directory_at_the_settings_path_is_kept_and_saving_says_why(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    (path / "note.txt").write_text("mine")
    result = load_settings(path)
    assert result.settings == defaults()
    assert len(result.warnings) == 1 and "is a folder, not a file" in result.warnings[0]
    assert result.moved_to is None
    assert (path / "note.txt").read_text() == "mine"
    with pytest.raises(StorageError, match=r"Cannot save settings: .* is a folder, not a file"):
        save_settings(path, defaults())
    assert (path / "note.txt").read_text() == "mine"


def test_a_symlink_loop_is_moved_aside_and_saving_works_after(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    other = tmp_path / "other.json"
    path.symlink_to(other)
    other.symlink_to(path)
    result = load_settings(path)
    assert result.settings == defaults()
    assert len(result.warnings) == 1 and "points back to itself" in result.warnings[0]
    assert result.moved_to is not None and result.moved_to.is_symlink()
    save_settings(path, defaults().replace(snooze_minutes=15))
    assert load_settings(path).settings.snooze_minutes == 15


def test_a_dangling_symlink_is_treated_as_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    target = tmp_path / "dotfiles" / "hipbreak.json"
    target.parent.mkdir()
    path.symlink_to(target)
    assert load_settings(path).warnings == []
    save_settings(path, defaults().replace(snooze_minutes=5))
    assert path.is_symlink() and json.loads(target.read_text())["snooze_minutes"] == 5


def test_read_only_config_folder_loads_fine_and_saving_fails_with_a_plain_message(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    path = folder / "settings.json"
    save_settings(path, defaults().replace(break_interval_minutes=50))
    before = path.read_bytes()
    with readonly(folder):
        loaded = load_settings(path)
        assert loaded.settings.break_interval_minutes == 50 and loaded.warnings == []
        with pytest.raises(StorageError) as info:
            save_settings(path, defaults().replace(break_interval_minutes=70))
        assert path.read_bytes() == before
        assert sorted(os.listdir(folder)) == ["settings.json"]
    assert str(info.value).startswith("Cannot save settings: ")
    assert str(folder) in str(info.value)


def test_an_unusable_file_in_a_read_only_folder_is_kept_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    path = folder / "settings.json"
    path.write_text("{broken")
    with readonly(folder):
        result = load_settings(path)
        assert path.read_text() == "{broken"
    assert result.settings == defaults()
    assert result.moved_to is None
    assert len(result.warnings) == 1
    assert "could not be moved aside" in result.warnings[0] and "left in place" in result.warnings[0]


def test_the_file_is_readable_json_with_every_field(tmp_path: Path) -> None:
    text = settings_text(Settings())
    data = json.loads(text)
    assert data["version"] == SETTINGS_VERSION
    assert data["working_days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert text.endswith("\n") and "\n  " in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=300),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
            st.sampled_from(["version", "break_interval_minutes", "working_days", "x"]) | st.text(),
            inner, max_size=5),
        max_leaves=12,
    ).map(lambda v: json.dumps(v).encode()),
))
def test_any_bytes_load_without_an_exception(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz" / "settings.json"
    path.parent.mkdir(exist_ok=True)
    for old in path.parent.iterdir():
        old.unlink()
    path.write_bytes(content)
    result = load_settings(path)
    assert isinstance(result.settings, Settings)
    if result.moved_to is not None:
        assert result.moved_to.read_bytes() == content
    else:
        assert path.read_bytes() == content
