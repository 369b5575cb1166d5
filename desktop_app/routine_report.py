"""What each exercise of a routine asks of a person, as plain data for ``hipbreak routines --json --detail``.

Why a module of its own: the CLI only formats and prints; this decides what
"detail" means (doses, sides, the caution and where to feel it, the picture
files), so it can be tested without a command line and kept when the CLI's
shape changes. Pure Python, no Qt.
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.routine import Exercise, Routine


def exercise_seconds(exercise: Exercise) -> float | list[float]:
    """How long the exercise runs on one side: one number for a single step, else one per step.

    A rep set counts its reps times its tempo; the prep and switch pauses the
    player adds are not counted (they depend on the settings).
    """
    seconds = [_number(step.duration_seconds) for step in exercise.steps]
    return seconds[0] if len(seconds) == 1 else seconds


def exercise_detail(exercise: Exercise, lang: str) -> dict[str, Any]:
    """One exercise as JSON-ready data, its texts in ``lang`` (English where a text lacks it)."""
    return {
        "id": exercise.id,
        "title": exercise.title.get(lang),
        "seconds": exercise_seconds(exercise),
        "sides": 2 if exercise.sided else 1,
        "caution": exercise.safety.get(lang) if exercise.safety is not None else None,
        "feel_it": exercise.feel_it.get(lang) if exercise.feel_it is not None else None,
        "illustrations": [str(path) for path in exercise.illustrations],
    }


def routine_exercises(routine: Routine, lang: str) -> list[dict[str, Any]]:
    """Every exercise of ``routine`` in order, as :func:`exercise_detail` gives it."""
    return [exercise_detail(exercise, lang) for exercise in routine.exercises]


def _number(value: float) -> float:
    """Whole seconds as an int in the JSON (30, not 30.0); fractions stay as they are."""
    return int(value) if float(value).is_integer() else value
