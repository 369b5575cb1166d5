"""The atomic writer and move_aside, on real files and real read-only / full file systems."""

from __future__ import annotations

import errno
import os
import time
from datetime import datetime
from pathlib import Path

import pytest

from desktop_app.atomic_files import StorageError, atomic_write_text, describe_os_error, move_aside
from tests.storage.hostile import fill_up, readonly, tiny_disk


def test_writes_the_text_and_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "file.json"
    atomic_write_text(target, "héllo\n")
    assert target.read_text(encoding="utf-8") == "héllo\n"
    atomic_write_text(target, "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert os.listdir(target.parent) == ["file.json"], "no temp file may be left behind"


def test_a_symlinked_file_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "settings.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_read_only_folder_raises_a_plain_message_and_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    target = folder / "settings.json"
    target.write_text("old content")
    with readonly(folder):
        with pytest.raises(StorageError) as info:
            atomic_write_text(target, "new content", what="settings")
        assert os.listdir(folder) == ["settings.json"]
        assert target.read_text() == "old content"
    message = str(info.value)
    assert message.startswith("Cannot save settings: ")
    assert str(folder) in message
    assert "read-only" in message or "no permission" in message
    assert message.endswith(".")


def test_a_directory_at_the_path_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.mkdir()
    (target / "inside.txt").write_text("user data")
    with pytest.raises(StorageError, match="is a folder, not a file"):
        atomic_write_text(target, "{}", what="settings")
    assert (target / "inside.txt").read_text() == "user data"
    assert sorted(os.listdir(tmp_path)) == ["settings.json"]


def test_a_file_where_the_folder_should_be_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="Cannot save settings: "):
        atomic_write_text(blocker / "settings.json", "{}", what="settings")
    assert blocker.read_text() == "not a folder"


def test_full_disk_keeps_the_old_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", size="128k") as disk:
        target = disk / "settings.json"
        target.write_text("old content")
        filler = fill_up(disk)
        with pytest.raises(StorageError) as info:
            atomic_write_text(target, "x" * 200_000, what="settings")
        assert "the disk is full" in str(info.value)
        assert target.read_text() == "old content"
        assert sorted(os.listdir(disk)) == ["filler.bin", "settings.json"]
        filler.unlink()
        atomic_write_text(target, "after space was freed")
        assert target.read_text() == "after space was freed"


def test_move_aside_renames_with_a_timestamp_and_never_overwrites(tmp_path: Path) -> None:
    when = datetime(2026, 11, 24, 9, 5, 7)
    first = tmp_path / "settings.json"
    first.write_text("one")
    moved = move_aside(first, when)
    assert moved.name == "settings.json.bad-20261124-090507"
    assert moved.read_text() == "one"
    assert not first.exists()
    first.write_text("two")
    moved_again = move_aside(first, when)
    assert moved_again.name == "settings.json.bad-20261124-090507-2"
    assert moved.read_text() == "one" and moved_again.read_text() == "two"


def test_move_aside_moves_a_symlink_loop_itself(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    moved = move_aside(a)
    assert moved.is_symlink() and not os.path.lexists(a)


def test_move_aside_failure_is_a_storage_error(tmp_path: Path) -> None:
    expected = r"Cannot move .*missing\.json aside: .*missing\.json does not exist\."
    with pytest.raises(StorageError, match=expected):
        move_aside(tmp_path / "missing.json")


def test_temp_files_left_by_a_killed_writer_are_tidied_later(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    stale = tmp_path / ".settings.json.abc123.tmp"
    fresh = tmp_path / ".settings.json.def456.tmp"   # maybe a writer in progress right now
    other = tmp_path / ".state.json.zzz.tmp"          # belongs to another file
    for leftover in (stale, fresh, other):
        leftover.write_text("partial")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    atomic_write_text(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, fresh.name, other.name])


def test_error_wording_for_reading_and_writing(tmp_path: Path) -> None:
    denied = PermissionError(errno.EACCES, "Permission denied")
    target = tmp_path / "settings.json"
    assert describe_os_error(denied, target, reading=True) == f"no permission to read {target}"
    assert describe_os_error(denied, target) == f"no permission to write in the folder {tmp_path}"
    assert describe_os_error(OSError(errno.ENOSPC, "No space"), target) == "the disk is full"
    io_error = OSError(errno.EIO, "Input/output error")
    assert describe_os_error(io_error, target) == f"input/output error ({target})"
