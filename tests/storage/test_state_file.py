"""The app state file: round trip, and bad files moved aside with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.atomic_files import StorageError
from desktop_app.storage.state_file import load_state, save_state
from tests.storage.hostile import readonly


def test_round_trip_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "state.json"
    warnings: list[str] = []
    assert load_state(path, warnings) == {}
    assert warnings == []
    state = {"last_break_at": 1764000000.5, "snoozed_until": None, "standing": True, "geometry": "AAEC"}
    save_state(path, state)
    assert load_state(path) == state


@pytest.mark.parametrize("content", [b"{half", b"[1]", b"\xff\xfe", b""])
def test_bad_state_is_moved_aside_and_forgotten(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    warnings: list[str] = []
    assert load_state(path, warnings) == {}
    assert len(warnings) == 1
    (backup,) = [p for p in tmp_path.iterdir() if ".bad-" in p.name]
    assert str(backup) in warnings[0]
    assert backup.read_bytes() == content
    assert not path.exists()


def test_a_folder_at_the_state_path_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.mkdir()
    warnings: list[str] = []
    assert load_state(path, warnings) == {}
    assert path.is_dir() and len(warnings) == 1 and "folder" in warnings[0]


def test_saving_into_a_read_only_folder_raises_a_plain_message(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    save_state(folder / "state.json", {"a": 1})
    with readonly(folder), pytest.raises(StorageError, match="Cannot save the app state: "):
        save_state(folder / "state.json", {"a": 2})
    assert load_state(folder / "state.json") == {"a": 1}
