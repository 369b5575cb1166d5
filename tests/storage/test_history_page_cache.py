"""The history's SQLite page cache stays small (issue 13: what the idle tray app keeps).

SQLite's default keeps up to about 2 MB of pages per connection, and opening the history reads
every page (``PRAGMA quick_check``), so a long history stayed in memory for as long as the app ran.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.events import Event
from desktop_app.storage.history import CACHE_KIB, History, open_history


def test_the_history_connection_keeps_a_small_page_cache(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = open_history(path).store
    assert isinstance(store, History)
    store.append([Event("prompt_shown", 1_700_000_000.0 + i, {"routine_id": "desk-break"}) for i in range(3000)])
    store.close()
    reopened = open_history(path).store  # a history that already holds events: the check reads them all
    assert isinstance(reopened, History)
    try:
        assert reopened._conn.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
        assert CACHE_KIB <= 512
        assert len(reopened.events(kinds=["prompt_shown"])) == 3000  # everything still reads back
    finally:
        reopened.close()
