"""``hipbreak routines --json --detail``: each exercise's doses, sides, caution, feel-it and picture files.

The pure function is checked on the real built-in routines; the command line
runs as a person would run it (a subprocess, no display, a throwaway profile
with one user routine of its own).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.core.routine import builtin_routines_dir, load_routines
from desktop_app.routine_report import exercise_seconds, routine_exercises

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"id", "title", "seconds", "sides", "caution", "feel_it", "illustrations"}

USER_ROUTINE = {
    "format": 1, "id": "my-evening", "title": "My evening", "summary": "Two things.", "position": "floor",
    "exercises": [
        {"id": "lunge", "title": "Lunge", "instructions": ["Kneel."], "illustration": "own.png",
         "steps": [{"kind": "reps", "reps": 5, "tempo_seconds": 2.5, "sided": True}]},
    ],
}


def run_cli(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HIPBREAK_PROFILE_DIR=str(profile), PYTHONPATH=str(ROOT), LANGUAGE="en")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], env=env, capture_output=True,
                          text=True, timeout=60, cwd=profile)


def test_the_hip_flexor_reset_in_detail() -> None:
    routine = load_routines([(builtin_routines_dir(), True)]).routines["hip-flexor-reset"]
    detail = routine_exercises(routine, "en")
    assert [d["id"] for d in detail] == ["kneeling-lunge", "ninety-ninety", "deep-squat", "wide-child-pose",
                                         "knee-to-chest"]
    by_id = {d["id"]: d for d in detail}
    assert all(set(d) == KEYS for d in detail)
    assert by_id["kneeling-lunge"]["seconds"] == 30 and by_id["kneeling-lunge"]["sides"] == 2
    assert by_id["ninety-ninety"]["seconds"] == [30, 30] and by_id["ninety-ninety"]["sides"] == 2
    assert by_id["deep-squat"]["seconds"] == 30 and by_id["deep-squat"]["sides"] == 1
    assert by_id["wide-child-pose"]["seconds"] == [20, 20] and by_id["wide-child-pose"]["sides"] == 1
    assert by_id["knee-to-chest"]["seconds"] == 20
    exercises = builtin_routines_dir().parent / "exercises"
    assert by_id["ninety-ninety"]["illustrations"] == [
        str((exercises / "ninety-ninety.svg").resolve()), str((exercises / "ninety-ninety-side.svg").resolve())]
    assert by_id["wide-child-pose"]["illustrations"] == [
        str((exercises / "wide-child-pose.svg").resolve()), str((exercises / "wide-child-reach.svg").resolve())]
    for d in detail:
        assert d["caution"] and d["feel_it"], d["id"]
        assert all(Path(p).is_absolute() and Path(p).is_file() for p in d["illustrations"])
    german = {d["id"]: d for d in routine_exercises(routine, "de")}
    assert german["knee-to-chest"]["title"] == "Knie zur Brust"
    assert german["knee-to-chest"]["feel_it"] != by_id["knee-to-chest"]["feel_it"]


def test_rep_sets_count_reps_times_tempo() -> None:
    routine = load_routines([(builtin_routines_dir(), True)]).routines["full-hip-program"]
    bridge = next(e for e in routine.exercises if e.id == "glute-bridge")
    assert exercise_seconds(bridge) == [36, 20, 36]  # 12 reps x 3 s, a 20 s rest, 12 x 3 s


def test_cli_prints_the_detail_as_json_on_stdout_only(profile_dir: Path) -> None:
    user_dir = profile_dir / "config" / "routines"
    user_dir.mkdir(parents=True)
    (user_dir / "my-evening.json").write_text(json.dumps(USER_ROUTINE), encoding="utf-8")
    (user_dir / "own.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = run_cli(profile_dir, "routines", "--json", "--detail")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    routines = {r["id"]: r for r in data["routines"]}
    assert {"hip-flexor-reset", "desk-break", "full-hip-program", "my-evening"} <= set(routines)
    for routine in routines.values():
        assert isinstance(routine["exercises"], list) and routine["exercises"]
        for exercise in routine["exercises"]:
            assert set(exercise) == KEYS
            assert exercise["sides"] in (1, 2)
            assert isinstance(exercise["seconds"], (int, float, list))
    (mine,) = routines["my-evening"]["exercises"]
    assert mine == {"id": "lunge", "title": "Lunge", "seconds": 12.5, "sides": 2, "caution": None,
                    "feel_it": None, "illustrations": [str((user_dir / "own.png").resolve())]}
    # without --detail the list stays short: the exercise count, as before
    plain = json.loads(run_cli(profile_dir, "routines", "--json").stdout)
    assert {r["id"]: r["exercises"] for r in plain["routines"]}["hip-flexor-reset"] == 5


def test_detail_without_json_is_a_plain_usage_error(profile_dir: Path) -> None:
    result = run_cli(profile_dir, "routines", "--detail")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "hipbreak: --detail only goes with --json."
