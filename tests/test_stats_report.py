"""``hipbreak stats`` as a real subprocess: no display, no running app, read-only, and correct
while another process keeps writing to the history."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.export import read_days_csv
from desktop_app.platform.paths import resolve_paths
from desktop_app.storage.history import History, open_history, open_history_readonly
from tests.support.desktop import wait_for

ROOT = Path(__file__).resolve().parent.parent


def local(day: date, hour: int, minute: int = 0) -> float:
    """Epoch of a local wall time (the subprocess uses the same local zone)."""
    return datetime.combine(day, dtime(hour, minute)).astimezone().timestamp()


def run_stats(profile: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["HIPBREAK_PROFILE_DIR"] = str(profile)
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(var, None)
    return subprocess.run([sys.executable, "-m", "desktop_app", "stats", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def history_path(profile: Path) -> Path:
    return resolve_paths({"HIPBREAK_PROFILE_DIR": str(profile)}).history_file


def seed(profile: Path, today: date) -> None:
    yesterday = today - timedelta(days=1)
    events = [
        Event(ev.SITTING_STRETCH, local(yesterday, 10),
              {"start": local(yesterday, 8), "end": local(yesterday, 10), "seconds": 7200.0}),
        Event(ev.ROUTINE_COMPLETED, local(yesterday, 10, 5), {"routine_id": "hip-flexor-reset"}),
        Event(ev.SNOOZED, local(yesterday, 11), {"minutes": 10}),
        Event(ev.SITTING_STRETCH, local(today, 0, 45),
              {"start": local(today, 0, 5), "end": local(today, 0, 45), "seconds": 2400.0}),
        Event(ev.ROUTINE_COMPLETED, local(today, 0, 50), {"routine_id": "desk-break"}),
        Event(ev.NATURAL_BREAK, local(today, 0, 55), {"seconds": 400}),
        Event(ev.SKIPPED, local(today, 0, 56), {"sitting_seconds": 10}),
        Event(ev.SELF_CHECK, local(yesterday, 9), {"result": "half_hand"}),
    ]
    opened = open_history(history_path(profile))
    assert isinstance(opened.store, History)
    assert opened.store.append(events)
    opened.store.close()


def test_json_gives_today_streaks_and_days(profile_dir: Path) -> None:
    today = datetime.now().astimezone().date()
    seed(profile_dir, today)
    before = history_path(profile_dir).read_bytes()
    result = run_stats(profile_dir, "--json", "--days", "5")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == 1
    assert len(data["days"]) == 5
    reported = date.fromisoformat(data["today"]["day"])
    assert reported in (today, today + timedelta(days=1))  # a run across midnight moves "today"
    assert data["days"][-1] == data["today"]
    by_day = {row["day"]: row for row in data["days"]}
    y = by_day[(today - timedelta(days=1)).isoformat()]
    assert (y["sitting_seconds"], y["routines_completed"], y["breaks_taken"], y["snoozed"]) == (7200, 1, 1, 1)
    assert data["self_checks"] == [{"day": (today - timedelta(days=1)).isoformat(), "result": "half_hand"}]
    if reported == today:
        t = data["today"]
        assert (t["sitting_seconds"], t["longest_sitting_seconds"], t["routines_completed"],
                t["natural_breaks"], t["skipped"]) == (2400, 2400, 1, 1, 1)
        assert data["streaks"] == {"current": 2, "best": 2}
    assert history_path(profile_dir).read_bytes() == before, "read-only: the database is untouched"


def test_csv_prints_one_row_per_day(profile_dir: Path) -> None:
    today = datetime.now().astimezone().date()
    seed(profile_dir, today)
    result = run_stats(profile_dir, "--csv", "--days", "3")
    assert result.returncode == 0, result.stderr
    rows = read_days_csv(io.StringIO(result.stdout, newline=""))
    assert len(rows) == 3
    assert rows[-1].day - rows[0].day == timedelta(days=2)
    yesterday = {r.day: r for r in rows}[today - timedelta(days=1)]
    assert (yesterday.sitting_seconds, yesterday.routines_completed) == (7200, 1)
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[:2] == ["day", "sitting_seconds"]


def test_text_is_a_short_table(profile_dir: Path) -> None:
    today = datetime.now().astimezone().date()
    seed(profile_dir, today)
    result = run_stats(profile_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Today (")
    from desktop_app.locale_format import format_date  # the subprocess has this process's locale

    if lines[0] == f"Today ({format_date(today)})":  # not when the run crossed midnight
        assert ["Routines", "completed", "1"] in [line.split() for line in lines]
        assert ["Sitting", "time", "40", "min"] in [line.split() for line in lines]
    yesterday_line = next(line for line in lines if format_date(today - timedelta(days=1)) in line)
    assert "2 h 0 min" in yesterday_line
    table = [line for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    assert len(table) == 7  # --days defaults to 7


def test_no_history_yet_prints_zeros_and_a_note(profile_dir: Path) -> None:
    result = run_stats(profile_dir, "--json")
    assert result.returncode == 0
    assert "No history has been recorded yet" in result.stderr
    data = json.loads(result.stdout)
    assert data["today"]["sitting_seconds"] == 0 and data["streaks"] == {"current": 0, "best": 0}
    assert not history_path(profile_dir).exists(), "stats never creates the database"


def test_a_damaged_history_is_reported_and_left_alone(profile_dir: Path) -> None:
    path = history_path(profile_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    before = path.read_bytes()
    result = run_stats(profile_dir, "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Cannot read the history" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_stats_imports_no_qt() -> None:
    code = "import sys, desktop_app.stats_report; assert 'PySide6' not in sys.modules, 'Qt imported'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from desktop_app.core.events import Event
    from desktop_app.storage.history import open_history
    path, stop, at = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    store = open_history(path).store
    n = 0
    while not stop.exists():
        # one transaction per burst of three events, as the app writes them
        batch = [Event("routine_started", at, {"routine_id": "desk-break"}),
                 Event("routine_completed", at + 1, {"routine_id": "desk-break"}),
                 Event("natural_break", at + 2, {"seconds": 300})]
        assert store.append(batch), store.last_error
        n += 1
        time.sleep(0.003)
    store.close()
    print(n)
""")


def test_stats_reads_consistently_while_another_process_writes(profile_dir: Path, tmp_path: Path) -> None:
    today = datetime.now().astimezone().date()
    seed(profile_dir, today)
    day = today - timedelta(days=2)
    path, stop = history_path(profile_dir), tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(stop), str(local(day, 14))],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        def completed_so_far() -> int:
            reader = open_history_readonly(path)
            count = len(reader.store.events(kinds=[ev.ROUTINE_COMPLETED], since=local(day, 0),
                                            until=local(day, 23)))
            reader.store.close()
            return count

        wait_for(lambda: completed_so_far() >= 20, timeout=30, what="the writer to get going")
        seen: list[int] = []
        for _run in range(3):
            result = run_stats(profile_dir, "--json", "--days", "5")
            assert result.returncode == 0, result.stderr
            row = {r["day"]: r for r in json.loads(result.stdout)["days"]}[day.isoformat()]
            # each burst is one transaction: a reader sees whole bursts, never half of one
            assert row["routines_completed"] == row["natural_breaks"] == row["breaks_taken"]
            seen.append(row["routines_completed"])
        assert seen == sorted(seen) and seen[0] >= 20
    finally:
        stop.touch()
        out, _err = writer.communicate(timeout=30)
    assert writer.returncode == 0
    total = int(out.strip())
    final = run_stats(profile_dir, "--json", "--days", "5")
    row = {r["day"]: r for r in json.loads(final.stdout)["days"]}[day.isoformat()]
    assert row["routines_completed"] == total >= seen[-1]


@pytest.mark.parametrize("bad", ["0", "x"])
def test_bad_days_argument_is_a_usage_error(profile_dir: Path, bad: str) -> None:
    result = run_stats(profile_dir, "--days", bad)
    assert result.returncode == 2
    assert "--days" in result.stderr and "Traceback" not in result.stderr
