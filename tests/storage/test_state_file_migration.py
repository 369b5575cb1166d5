"""The state file's version is read: old formats are upgraded, a newer or nonsense one is moved aside.

A state file from a newer HipBreak (after a downgrade, or a profile shared between two
machines) must not be guessed at: a wrongly read pause or snooze would silence prompts.
It is kept under another name, so going back to the newer version loses nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.schedule import STATE_VERSION, BreakScheduler
from desktop_app.core.settings import Settings
from desktop_app.storage import state_file
from desktop_app.storage.state_file import load_state, save_state
from tests.support.fakeclock import FakeClock


def backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".bad-" in p.name)


def test_what_the_scheduler_saves_loads_back_unchanged(tmp_path: Path) -> None:
    state = BreakScheduler(FakeClock(), Settings()).to_state()
    assert state["version"] == STATE_VERSION
    save_state(tmp_path / "state.json", state)
    warnings: list[str] = []
    assert load_state(tmp_path / "state.json", warnings) == state
    assert warnings == [] and backups(tmp_path) == []


def test_a_file_without_a_version_is_read_as_the_first_format(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"standing": True, "saved_at": 5.0}))
    warnings: list[str] = []
    assert load_state(path, warnings) == {"standing": True, "saved_at": 5.0}
    assert warnings == [] and path.exists()


@pytest.mark.parametrize("future", [STATE_VERSION + 1, 99])
def test_a_newer_format_is_moved_aside_never_lost_with_a_plain_warning(tmp_path: Path, future: int) -> None:
    path = tmp_path / "state.json"
    content = json.dumps({"version": future, "paused_until": 2e9, "some_new_field": [1, 2]}).encode()
    path.write_bytes(content)
    warnings: list[str] = []
    assert load_state(path, warnings) == {}
    (backup,) = backups(tmp_path)
    assert backup.read_bytes() == content, "the newer app's file is kept byte for byte"
    assert not path.exists()
    assert warnings == [
        f"The app state file could not be used: it was written by a newer version of HipBreak (state format "
        f"{future}; this version reads up to format {STATE_VERSION}). It was kept as {backup}; HipBreak starts "
        "fresh (last break, snooze and pause are forgotten)."
    ]
    # and the app's next save starts a new file beside the kept one
    save_state(path, {"version": STATE_VERSION})
    assert backups(tmp_path) == [backup] and load_state(path) == {"version": STATE_VERSION}


@pytest.mark.parametrize(("version", "shown"), [(True, "true"), (False, "false"), ("1", '"1"'), (1.5, "1.5"),
                                                (0, "0"), (None, "null")])
def test_a_nonsense_version_is_moved_aside(tmp_path: Path, version: object, shown: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": version}))
    warnings: list[str] = []
    assert load_state(path, warnings) == {}
    (backup,) = backups(tmp_path)
    assert json.loads(backup.read_text()) == {"version": version}
    (warning,) = warnings
    assert f"its version must be a whole number from 1 to {STATE_VERSION}, got {shown}." in warning


def test_an_older_format_is_upgraded_step_by_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No older format exists yet (format 1 is the first), so this drives the machinery with two made-up steps."""

    def one_to_two(data: dict[str, Any]) -> dict[str, Any]:
        data["standing"] = data.pop("upright")
        return data

    def two_to_three(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "steps_seen": data.get("steps_seen", 0) + 1}

    monkeypatch.setattr(state_file, "STATE_VERSION", 3)
    monkeypatch.setattr(state_file, "_MIGRATIONS", {1: one_to_two, 2: two_to_three})
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 1, "upright": True}))
    warnings: list[str] = []
    assert load_state(path, warnings) == {"version": 3, "standing": True, "steps_seen": 1}
    path.write_text(json.dumps({"version": 2, "standing": False}))
    assert load_state(path, warnings) == {"version": 3, "standing": False, "steps_seen": 1}
    assert warnings == [] and backups(tmp_path) == []


def test_a_newer_file_at_start_up_gives_a_fresh_scheduler_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": STATE_VERSION + 1, "standing": True, "saved_at": 0}))
    scheduler = BreakScheduler(FakeClock(), Settings(), load_state(path, []))
    assert scheduler.status().stage.value == "working"
