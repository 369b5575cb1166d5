"""Stats read back from a real SQLite history equal stats computed from the events in memory.

Uses the benchmark's synthetic-history generator for two months of realistic
rows, so the generator itself is also kept honest (plausible counts, time order).
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

from desktop_app.core import events as ev
from desktop_app.core import stats
from desktop_app.storage.history import History, open_history_readonly

BENCH = Path(__file__).resolve().parents[2] / "bench" / "make_history.py"
BERLIN = ZoneInfo("Europe/Berlin")


def make_history_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_history", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_history", module)
    spec.loader.exec_module(module)
    return module


def test_snapshot_from_sqlite_equals_snapshot_from_memory(tmp_path: Path) -> None:
    gen = make_history_module()
    today = date(2026, 3, 31)                     # the range holds the spring DST change
    events = gen.synthetic_events(days=60, end=today, tz=BERLIN, seed=3)
    assert events == sorted(events, key=lambda e: e.at)
    assert 5000 < len(events) < 12000, "about 50,000 a year"
    path = tmp_path / "history.sqlite3"
    gen.write_history(path, events).close()

    reader = open_history_readonly(path)
    assert isinstance(reader.store, History)
    from_db = stats.load_snapshot(reader.store, today, BERLIN, days=30)
    reader.store.close()
    in_memory = stats.StatsSnapshot(
        today=stats.day_totals(events, today, BERLIN),
        rows=stats.daily_rows(events, date(2026, 3, 2), today, BERLIN),
        streaks=stats.streaks(events, today, BERLIN),
        grid=stats.consistency_grid(events, today, BERLIN),
        self_checks=stats.self_checks(events, BERLIN),
    )
    assert from_db == in_memory
    # the synthetic user really does things on working days
    assert sum(r.prompts for r in from_db.rows) > 100
    assert sum(r.routines_completed for r in from_db.rows) > 10
    completed = sum(1 for e in events if e.kind == ev.ROUTINE_COMPLETED)
    assert completed >= sum(r.routines_completed for r in from_db.rows)
