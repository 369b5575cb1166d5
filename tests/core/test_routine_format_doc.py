"""docs/routine-format.md stays true: its example loads and lasts what the text says."""

from __future__ import annotations

import json
import re
from pathlib import Path

from desktop_app.core.routine import (
    EXERCISES,
    HOLD_SECONDS,
    INSTRUCTION_LINES,
    MAX_FILE_BYTES,
    REPS,
    STEPS,
    TEMPO_SECONDS,
    load_routine,
    shared_exercises_dir,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "routine-format.md"


def test_the_documented_example_loads_and_takes_170_seconds(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    example = re.search(r"```json\n(\{\n.*?\n\})\n```", text, re.S)
    assert example is not None
    path = tmp_path / "evening.json"
    path.write_text(example.group(1), encoding="utf-8")
    routine = load_routine(path)
    assert routine.id == json.loads(example.group(1))["id"] == "evening-hips"
    assert routine.exercises[0].illustration == (shared_exercises_dir() / "kneeling-lunge.svg").resolve()
    assert routine.estimated_seconds(5, 5) == 170
    assert "170 seconds in all" in text


def test_the_documented_limits_match_the_loader() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"A list of {EXERCISES[0]} to {EXERCISES[1]} exercises" in text
    assert f"A list of {STEPS[0]} to {STEPS[1]} steps" in text
    assert f"A list of {INSTRUCTION_LINES[0]} to {INSTRUCTION_LINES[1]} lines" in text
    assert f"`seconds` ({HOLD_SECONDS[0]}–{HOLD_SECONDS[1]}, whole number)" in text
    assert f"`reps` ({REPS[0]}–{REPS[1]}, whole number)" in text
    assert f"`tempo_seconds` ({TEMPO_SECONDS[0]}–{TEMPO_SECONDS[1]}," in text
    assert MAX_FILE_BYTES == 1024 * 1024 and "at most 1 MB" in text
