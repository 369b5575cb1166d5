#!/usr/bin/env python3
"""How long the statistics window takes to get its data from a one-year history.

Measures, on a synthetic year built by ``bench/make_history.py`` (about
50,000 events; built into a temporary file unless a path is given):

* **stats window data**: open the history read-only, run the two queries and
  compute today, 30 daily rows, streaks, the 12-week grid and the self-check
  log (``core.stats.load_snapshot``); the figure the issue targets (< 50 ms);
* each part on its own (queries, daily rows), and ``daily_rows`` over the
  whole year in memory (50,000 events in one pass);
* opening the history for writing (with its ``quick_check``), as at app start.

Each figure is the median of several runs (min and max shown too), because
the machine is shared and noisy. Prints a table; nothing is asserted.

    python bench/stats_bench.py [HISTORY.sqlite3] [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_history import synthetic_events, write_history

from desktop_app.core import stats
from desktop_app.storage.history import History, open_history, open_history_readonly

TARGET_MS = 50.0


def timed(runs: int, fn: Callable[[], object]) -> tuple[float, float, float]:
    """(median, min, max) in milliseconds over ``runs`` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the stats window's data from a year of history.")
    parser.add_argument("history", nargs="?", type=Path, help="an existing history (default: build one)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)

    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    today = datetime.now(tz).date()
    tmp = None
    if args.history is None:
        tmp = tempfile.TemporaryDirectory(prefix="hipbreak-bench-")
        path = Path(tmp.name) / "history.sqlite3"
        t0 = time.perf_counter()
        write_history(path, synthetic_events(365, today, tz, seed=1)).close()
        print(f"built a synthetic year in {time.perf_counter() - t0:.1f} s")
    else:
        path = args.history

    reader = open_history_readonly(path)
    if reader.warning or not isinstance(reader.store, History):
        print(f"cannot read {path}: {reader.warning}")
        return 1
    store = reader.store
    all_events = store.events()
    first = datetime.fromtimestamp(all_events[0].at, tz).date() if all_events else today
    print(f"history: {path} ({path.stat().st_size / 1e6:.1f} MB, {len(all_events)} events, "
          f"{first} .. {today})")

    def window_data() -> object:
        opened = open_history_readonly(path)
        try:
            return stats.load_snapshot(opened.store, today, tz, days=30)
        finally:
            opened.store.close()

    month_start = stats.local_midnight(today - timedelta(days=29), tz)
    recent = store.events(since=month_start, kinds=stats.DAY_KINDS)
    figures = [
        ("stats window data (open + 2 queries + all figures)", timed(args.runs, window_data), TARGET_MS),
        ("  query: last 30 days, per-day kinds", timed(args.runs, lambda: store.events(
            since=month_start, kinds=stats.DAY_KINDS)), None),
        ("  query: completed routines + self-checks, all time", timed(args.runs, lambda: store.events(
            kinds=(stats.ROUTINE_COMPLETED, stats.SELF_CHECK))), None),
        ("  daily_rows: 30 days", timed(args.runs, lambda: stats.daily_rows(
            recent, today - timedelta(days=29), today, tz)), None),
        (f"daily_rows: whole year in memory ({len(all_events)} events)",
         timed(args.runs, lambda: stats.daily_rows(all_events, first, today, tz)), TARGET_MS),
        ("query: every event of the year (CSV export)", timed(max(3, args.runs // 3), store.events), None),
    ]
    store.close()

    def open_rw() -> None:
        opened = open_history(path)
        opened.store.close()

    start_up = timed(max(3, args.runs // 3), open_rw)
    figures.append(("open for writing at app start (incl. quick_check)", start_up, None))

    print(f"\n{'figure':58} {'median':>9} {'min':>9} {'max':>9}  target")
    for name, (median, low, high), target in figures:
        goal = f"< {target:.0f} ms {'ok' if median < target else 'MISSED'}" if target else ""
        print(f"{name:58} {median:7.1f}ms {low:7.1f}ms {high:7.1f}ms  {goal}")
    snapshot = stats.load_snapshot(open_history_readonly(path).store, today, tz)
    print(f"\ntoday: {snapshot.today}\nstreaks: {snapshot.streaks}; self-checks: {len(snapshot.self_checks)}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
