"""``hipbreak program [--json]`` as a real subprocess on a real history: JSON on stdout only, the right week."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.platform.paths import resolve_paths
from desktop_app.storage.history import open_history

ROOT = Path(__file__).resolve().parent.parent


def run_program(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["HIPBREAK_PROFILE_DIR"] = str(profile)
    env.update(LANGUAGE="en", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(var, None)
    return subprocess.run([sys.executable, "-m", "desktop_app", "program", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def practise(profile: Path, days: list[date], routine: str = "program-week-01", seconds: float = 160) -> None:
    paths = resolve_paths({"HIPBREAK_PROFILE_DIR": str(profile)})
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_history(paths.history_file).store
    store.append([Event(ev.ROUTINE_COMPLETED, datetime.combine(d, dtime(18, 0)).astimezone().timestamp(),
                        {"routine_id": routine, "seconds": seconds, "exercises": 4}) for d in days])
    store.close()


def test_json_on_stdout_only_with_twelve_weeks(tmp_path: Path) -> None:
    result = run_program(tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert doc["current_week"] == 1
    assert [w["week"] for w in doc["weeks"]] == list(range(1, 13))
    assert doc["weeks"][0]["routine_id"] == "program-week-01"
    assert set(doc["weeks"][0]) == {"week", "routine_id", "total_seconds", "focus"}
    seconds = [w["total_seconds"] for w in doc["weeks"]]
    assert seconds == sorted(seconds) and 60 < seconds[0] < seconds[-1] < 15 * 60
    assert all(w["focus"] for w in doc["weeks"])
    assert not (tmp_path / "data" / "history.sqlite3").exists(), "reading never creates the history"


def test_the_week_follows_the_days_practised(tmp_path: Path) -> None:
    today = date.today()
    # two full program weeks done (5 days each, a calendar week apart), and two days of the third
    start = today - timedelta(days=15)
    days = [start + timedelta(days=i) for i in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15)]
    practise(tmp_path, days)
    practise(tmp_path, [today - timedelta(days=5)], routine="desk-break", seconds=120)  # too short to count
    doc = json.loads(run_program(tmp_path, "--json").stdout)
    assert doc["current_week"] == 3
    assert doc["days_this_week"] == 2
    assert doc["days_practised"] == 12


def test_text_output_marks_the_current_week(tmp_path: Path) -> None:
    result = run_program(tmp_path)
    assert result.returncode == 0
    assert "Program week 1 of 12" in result.stdout
    assert "▶  1" in result.stdout
