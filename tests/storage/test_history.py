"""The SQLite history on real files: schema, queries, damage, read-only folders, full disk, concurrency."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.storage.history import (
    SCHEMA_VERSION,
    History,
    HistoryError,
    NullHistory,
    open_history,
    open_history_readonly,
)
from tests.storage.hostile import fill_up, readonly, tiny_disk

ROOT = Path(__file__).resolve().parents[2]


def real_store(path: Path) -> History:
    opened = open_history(path)
    assert opened.warning is None, opened.warning
    assert isinstance(opened.store, History)
    return opened.store


def test_a_new_history_has_the_schema_wal_and_indexes(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history.sqlite3"
    store = real_store(path)
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"events_at", "events_kind_at"} <= indexes
    plan = " ".join(str(r) for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT kind, at, data FROM events WHERE at >= 0 AND kind IN ('snoozed')"
    ))
    assert "events_kind_at" in plan
    conn.close()


def test_append_and_query_in_time_order_with_filters(tmp_path: Path) -> None:
    store = real_store(tmp_path / "history.sqlite3")
    assert store.append([
        Event(ev.SNOOZED, 300.0, {"minutes": 10, "until": 900.0}),
        Event(ev.PROMPT_SHOWN, 100.0, {"routine_id": "hip-flexor-reset", "reason": "due"}),
        Event(ev.SKIPPED, 200.0),
    ]) is True
    assert store.append([Event(ev.SNOOZED, 150.0, {"minutes": 5, "nested": {"ünïcode": [1, 2]}})])
    assert store.append([]) is True
    assert [e.at for e in store.events()] == [100.0, 150.0, 200.0, 300.0]
    assert store.events(since=150.0, until=300.0) == [
        Event(ev.SNOOZED, 150.0, {"minutes": 5, "nested": {"ünïcode": [1, 2]}}),
        Event(ev.SKIPPED, 200.0, {}),
    ]
    assert [e.at for e in store.events(kinds={ev.SNOOZED})] == [150.0, 300.0]
    assert store.events(kinds=[]) == []
    assert store.count() == 4
    assert store.integrity_ok()
    store.close()
    # and it is all still there after reopening
    again = real_store(tmp_path / "history.sqlite3")
    assert len(again.events()) == 4
    again.close()


def test_a_row_with_unreadable_data_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    real_store(path).close()
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO events(at, kind, data) VALUES (?, ?, ?)",
                     [(1.0, "skipped", "{not json"), (2.0, "skipped", "[1, 2]")])
    conn.commit()
    conn.close()
    store = real_store(path)
    assert store.events() == [Event("skipped", 1.0, {}), Event("skipped", 2.0, {})]
    store.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_database_is_moved_aside_and_a_fresh_one_started(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "history.sqlite3"
    if damage == "garbage":
        content = os.urandom(8192)
    else:
        store = real_store(path)
        store.append([Event(ev.SKIPPED, float(i), {"pad": "x" * 300}) for i in range(3000)])
        store.close()
        content = path.read_bytes()[: path.stat().st_size // 2]
        assert not os.path.exists(f"{path}-wal"), "a clean close checkpoints the WAL"
    path.write_bytes(content)
    if damage == "garbage":
        Path(f"{path}-wal").write_bytes(b"left-over wal")
    opened = open_history(path)
    assert isinstance(opened.store, History)
    assert opened.warning is not None and "damaged" in opened.warning
    backups = sorted(p for p in tmp_path.iterdir() if p.name.startswith("history.sqlite3.bad-")
                     and not p.name.endswith(("-wal", "-shm")))
    assert len(backups) == 1
    assert str(backups[0]) in opened.warning
    assert backups[0].read_bytes() == content, "the damaged file is kept byte for byte"
    if damage == "garbage":
        assert Path(f"{backups[0]}-wal").read_bytes() == b"left-over wal", "its WAL travels with it"
    assert opened.store.append([Event(ev.SKIPPED, 1.0)])
    assert opened.store.events() == [Event(ev.SKIPPED, 1.0, {})]
    assert opened.store.integrity_ok()
    opened.store.close()


def test_a_database_from_a_newer_version_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future(x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    opened = open_history(path)
    assert isinstance(opened.store, NullHistory)
    assert opened.warning is not None and "newer HipBreak" in opened.warning
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["history.sqlite3"]


def test_read_only_data_folder_gives_a_null_history_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    path = folder / "history.sqlite3"
    store = real_store(path)
    store.append([Event(ev.SKIPPED, 5.0)])
    store.close()
    before = path.read_bytes()
    with readonly(folder):
        opened = open_history(path)
        assert isinstance(opened.store, NullHistory)
        assert opened.warning is not None
        assert opened.warning.startswith("History is not being saved: ")
        assert str(folder) in opened.warning
        assert opened.store.append([Event(ev.SKIPPED, 6.0)]) is True   # accepted, kept nowhere
        assert opened.store.events() == []
        # `hipbreak stats` can still read it
        reader = open_history_readonly(path)
        assert reader.warning is None
        assert reader.store.events() == [Event(ev.SKIPPED, 5.0, {})]
        reader.store.close()
        assert sorted(os.listdir(folder)) == ["history.sqlite3"]
    assert path.read_bytes() == before


def test_missing_data_folder_under_an_unwritable_parent(tmp_path: Path) -> None:
    parent = tmp_path / "share"
    with readonly(parent):
        opened = open_history(parent / "hipbreak" / "history.sqlite3")
    assert isinstance(opened.store, NullHistory)
    assert opened.warning is not None and opened.warning.startswith("History is not being saved: ")
    assert str(parent / "hipbreak") in opened.warning


def test_a_folder_at_the_database_path(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.mkdir()
    opened = open_history(path)
    assert isinstance(opened.store, NullHistory)
    assert opened.warning is not None and "is a folder" in opened.warning
    assert path.is_dir()


def test_full_disk_on_append_returns_false_and_keeps_what_was_saved(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", size="512k") as disk:
        store = real_store(disk / "history.sqlite3")
        assert store.append([Event(ev.SKIPPED, float(i), {"i": i}) for i in range(50)])
        filler = fill_up(disk)
        big = [Event(ev.SNOOZED, 1000.0 + i, {"pad": "y" * 2000}) for i in range(200)]
        assert store.append(big) is False
        assert store.last_error == "History could not be saved: the disk is full."
        assert [e.data["i"] for e in store.events(kinds={ev.SKIPPED})] == list(range(50))
        assert store.events(kinds={ev.SNOOZED}) == [], "a failed append stores nothing (one transaction)"
        assert store.integrity_ok()
        filler.unlink()
        assert store.append([Event(ev.SNOOZED, 2000.0)]) is True
        assert store.last_error is None
        store.close()


def test_readonly_open_of_a_missing_or_empty_file(tmp_path: Path) -> None:
    missing = tmp_path / "history.sqlite3"
    opened = open_history_readonly(missing)
    assert isinstance(opened.store, NullHistory) and opened.warning is not None
    assert "No history has been recorded yet" in opened.warning
    assert not missing.exists(), "a read-only open never creates the file"
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"x" * 4096)
    opened = open_history_readonly(garbage)
    assert isinstance(opened.store, NullHistory)
    assert opened.warning is not None and "damaged" in opened.warning
    assert garbage.read_bytes() == b"x" * 4096


def test_a_readonly_store_refuses_appends(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    real_store(path).close()
    reader = open_history_readonly(path)
    assert isinstance(reader.store, History)
    assert reader.store.append([Event(ev.SKIPPED, 1.0)]) is False
    assert reader.store.last_error is not None
    reader.store.close()


def test_events_raises_a_plain_history_error_when_the_file_breaks_underneath(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = real_store(path)
    store.append([Event(ev.SKIPPED, float(i), {"pad": "z" * 500}) for i in range(2000)])
    store.close()
    reader = open_history_readonly(path)
    assert isinstance(reader.store, History)
    with open(path, "r+b") as fh:      # scribble over the table pages
        fh.seek(8192)
        fh.write(os.urandom(200_000))
    with pytest.raises(HistoryError, match="Cannot read the history"):
        reader.store.events()
    reader.store.close()


WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from desktop_app.core.events import Event
    from desktop_app.storage.history import open_history
    store = open_history(sys.argv[1]).store
    print("ready", flush=True)
    batch = 0
    deadline = time.monotonic() + float(sys.argv[3])
    while time.monotonic() < deadline:
        ok = store.append([Event("skipped", batch + i / 100, {"batch": batch}) for i in range(10)])
        assert ok, store.last_error
        batch += 1
    print(batch, flush=True)
    store.close()
""")


def test_concurrent_read_while_another_process_writes(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    real_store(path).close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(ROOT), "1.5"],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    seen: list[int] = []
    try:
        while writer.poll() is None:
            reader = open_history_readonly(path)
            assert reader.warning is None, reader.warning
            rows = reader.store.events()
            reader.store.close()
            per_batch: dict[int, int] = {}
            for event in rows:
                per_batch[event.data["batch"]] = per_batch.get(event.data["batch"], 0) + 1
            assert set(per_batch.values()) <= {10}, "a reader must never see half a transaction"
            assert sorted(per_batch) == list(range(len(per_batch))), "and never a gap"
            seen.append(len(rows))
            time.sleep(0.01)
    finally:
        writer.wait(timeout=30)
    written = int(writer.stdout.read().strip())
    assert writer.returncode == 0
    assert len(seen) >= 3
    assert seen == sorted(seen), "the count only grows"
    assert seen[-1] <= written * 10
    final = open_history_readonly(path)
    assert len(final.store.events()) == written * 10
    final.store.close()
