"""The 12-week program: which week someone is in, and the routine of each week (pure, no Qt, no clock).

Why it counts days practised and not calendar weeks: a program that moves on
with the calendar punishes a missed week (you come back to harder holds) and
rushes anyone who practises only some days. Here a program week is done after
``days_per_week`` days with practice, and never sooner than
``min_calendar_days_per_week`` calendar days after it began, so it grows no
faster than weekly and simply waits for you when you are away. Nothing ever
goes back a week.

What counts as a day practised: a day on which a routine of the program was
completed, or any routine of at least ``practice_min_seconds`` (so the floor
routine counts, the 2-minute desk break does not).

The program itself is data (``assets/program/program.json``): per week a focus
line and the dose of each exercise. ``scripts/build-program`` turns it into
ordinary routine files (``assets/routines/program-week-NN.json``), copying each
exercise's text, poses and pictures from the built-in routines, so the player,
the command line and the settings treat program weeks like any other routine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.localized import LocalizedText
from desktop_app.i18n import assets_dir

WEEKS = 12
ROUTINE_PREFIX = "program-week-"
#: Rest between two sets of a rep exercise, in seconds.
SET_REST_SECONDS = 20
#: The built-in routines the program takes its exercises from, first match wins.
SOURCE_ROUTINES = ("full-hip-program", "hip-flexor-reset", "desk-break")


def program_file() -> Path:
    return assets_dir() / "program" / "program.json"


def routine_id(week: int) -> str:
    """``program-week-03`` for week 3."""
    return f"{ROUTINE_PREFIX}{week:02d}"


def week_of_routine(routine: str) -> int | None:
    """3 for ``program-week-03``; None for a routine outside the program."""
    if not routine.startswith(ROUTINE_PREFIX):
        return None
    tail = routine[len(ROUTINE_PREFIX):]
    return int(tail) if tail.isdigit() and 1 <= int(tail) <= WEEKS else None


@dataclass(frozen=True)
class Dose:
    """How much of one exercise a week asks for: hold seconds, or reps per set and sets."""

    exercise: str
    seconds: int | None = None
    reps: int | None = None
    sets: int = 1


@dataclass(frozen=True)
class Week:
    week: int
    focus: LocalizedText
    doses: tuple[Dose, ...]

    @property
    def routine_id(self) -> str:
        return routine_id(self.week)


@dataclass(frozen=True)
class Program:
    weeks: tuple[Week, ...]
    days_per_week: int = 5
    min_calendar_days_per_week: int = 7
    practice_min_seconds: int = 240


class ProgramError(ValueError):
    """The program file is broken (a bug in the shipped data; the message names the place)."""


def _int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProgramError(f"{where}: must be a whole number {low}..{high}, got {value!r}")
    return value


def parse_program(data: Mapping[str, Any]) -> Program:
    """Check and build the program from its JSON document."""
    weeks_data = data.get("weeks")
    if not isinstance(weeks_data, list) or len(weeks_data) != WEEKS:
        raise ProgramError(f"weeks: must list exactly {WEEKS} weeks")
    weeks: list[Week] = []
    for index, item in enumerate(weeks_data):
        where = f"weeks[{index}]"
        if not isinstance(item, dict):
            raise ProgramError(f"{where}: must be an object")
        number = _int(item.get("week"), f"{where}.week", index + 1, index + 1)
        focus = item.get("focus")
        if not isinstance(focus, dict) or not isinstance(focus.get("en"), str) or not focus["en"]:
            raise ProgramError(f"{where}.focus: must have an English text")
        doses: list[Dose] = []
        for j, dose in enumerate(item.get("exercises") or []):
            at = f"{where}.exercises[{j}]"
            if not isinstance(dose, dict) or not isinstance(dose.get("id"), str):
                raise ProgramError(f"{at}: must be an object with an id")
            seconds = _int(dose["seconds"], f"{at}.seconds", 5, 300) if "seconds" in dose else None
            reps = _int(dose["reps"], f"{at}.reps", 1, 50) if "reps" in dose else None
            if (seconds is None) == (reps is None):
                raise ProgramError(f"{at}: give either seconds (a hold) or reps")
            sets = _int(dose.get("sets", 1), f"{at}.sets", 1, 3)
            doses.append(Dose(dose["id"], seconds, reps, sets))
        if not doses:
            raise ProgramError(f"{where}.exercises: must not be empty")
        weeks.append(Week(number, LocalizedText.from_mapping(focus), tuple(doses)))
    return Program(
        tuple(weeks),
        days_per_week=_int(data.get("days_per_week", 5), "days_per_week", 1, 7),
        min_calendar_days_per_week=_int(data.get("min_calendar_days_per_week", 7),
                                        "min_calendar_days_per_week", 1, 14),
        practice_min_seconds=_int(data.get("practice_min_seconds", 240), "practice_min_seconds", 0, 3600),
    )


def load_program(path: Path | None = None) -> Program:
    """The shipped program. Raises ProgramError (with the place) if the file is broken."""
    source = path or program_file()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProgramError(f"{source.name}: cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ProgramError(f"{source.name}: must be a JSON object")
    return parse_program(data)


# --------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class Progress:
    """Where someone is in the program on a given day."""

    current_week: int
    #: Days practised in the current week so far (0..days_per_week; stays at the goal while the week waits
    #: for its calendar days).
    days_this_week: int
    days_per_week: int
    days_practised: int
    #: The local day the current week began (its first practised day), or None before any practice.
    week_started: date | None
    #: The first day the next week can begin (None in week 12, or before any practice this week).
    next_week_from: date | None

    @property
    def finished(self) -> bool:
        """All 12 weeks reached and the last one practised in full."""
        return self.current_week == WEEKS and self.days_this_week >= self.days_per_week


def practised_days(events: Iterable[Event], tz: tzinfo, program: Program) -> list[date]:
    """The local days with practice, oldest first: a program routine or a long enough routine completed."""
    days: set[date] = set()
    for event in events:
        if event.kind != ev.ROUTINE_COMPLETED:
            continue
        rid = str(event.data.get("routine_id", ""))
        seconds = event.data.get("seconds")
        long_enough = isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and \
            seconds >= program.practice_min_seconds
        if week_of_routine(rid) is not None or long_enough:
            days.add(datetime.fromtimestamp(event.at, tz).date())
    return sorted(days)


def _weeks_by_day(days: Sequence[date], program: Program) -> list[tuple[date, int]]:
    """Each practised day with the program week it belonged to."""
    out: list[tuple[date, int]] = []
    week, start, count = 1, None, 0
    for day in days:
        if start is None:
            start = day
        if (week < WEEKS and count >= program.days_per_week
                and day >= start + timedelta(days=program.min_calendar_days_per_week)):
            week, start, count = week + 1, day, 0
        count += 1
        out.append((day, week))
    return out


def progress(days: Sequence[date], today: date, program: Program) -> Progress:
    """Where the program stands on ``today`` given the practised ``days`` (sorted, none after today)."""
    days = sorted(d for d in set(days) if d <= today)
    by_day = _weeks_by_day(days, program)
    if not by_day:
        return Progress(1, 0, program.days_per_week, 0, None, None)
    week = by_day[-1][1]
    in_week = [d for d, w in by_day if w == week]
    start, count = in_week[0], len(in_week)
    next_from = start + timedelta(days=program.min_calendar_days_per_week) if week < WEEKS else None
    if week < WEEKS and count >= program.days_per_week and next_from is not None and today >= next_from:
        # the week is done and its calendar days are over: the next session belongs to the next week
        return Progress(week + 1, 0, program.days_per_week, len(days), None, None)
    return Progress(week, min(count, program.days_per_week), program.days_per_week, len(days), start,
                    next_from)


def week_on(day: date, days: Sequence[date], program: Program) -> int:
    """The program week someone was in on ``day`` (for dating a self-check)."""
    return progress([d for d in days if d <= day], day, program).current_week


def self_check_trend(checks: Sequence[tuple[date, str]], days: Sequence[date],
                     program: Program) -> list[tuple[int, str]]:
    """The self-check log as (program week, latest result in that week), in week order."""
    latest: dict[int, str] = {}
    for day, result in sorted(checks, key=lambda c: c[0]):
        latest[week_on(day, days, program)] = result
    return sorted(latest.items())


# --------------------------------------------------------------------------- building routines


def _step_template(exercise: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    return [dict(s) for s in exercise.get("steps", []) if s.get("kind") == kind]


def build_steps(exercise: Mapping[str, Any], dose: Dose) -> list[dict[str, Any]]:
    """The steps for one exercise at one week's dose, keeping the source's labels, sides and poses."""
    if dose.seconds is not None:
        holds = _step_template(exercise, "hold") or [{"kind": "hold"}]
        return [{**step, "seconds": dose.seconds} for step in holds]
    reps = _step_template(exercise, "reps") or [{"kind": "reps"}]
    template = {k: v for k, v in reps[0].items() if k != "label"}
    template["reps"] = dose.reps
    if dose.sets == 1:
        return [template]
    steps: list[dict[str, Any]] = []
    for n in range(1, dose.sets + 1):
        if n > 1:
            steps.append({"kind": "rest", "seconds": SET_REST_SECONDS, "label": {"en": "Rest", "de": "Pause",
                                                                                     "es": "Descanso", "fr": "Repos"}})
        steps.append({**template, "label": {"en": f"Set {n}", "de": f"Satz {n}", "es": f"Serie {n}",
                                            "fr": f"Série {n}"}})
    return steps


def find_exercises(routines: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Exercise documents by id, the first routine that has one wins."""
    found: dict[str, dict[str, Any]] = {}
    for routine in routines:
        for exercise in routine.get("exercises", []):
            found.setdefault(str(exercise.get("id")), dict(exercise))
    return found


def week_document(week: Week, exercises: Mapping[str, Mapping[str, Any]],
                  safety_note: Mapping[str, str]) -> dict[str, Any]:
    """One week as a routine file (the format of docs/routine-format.md)."""
    built: list[dict[str, Any]] = []
    floor = False
    for dose in week.doses:
        source = exercises.get(dose.exercise)
        if source is None:
            raise ProgramError(f"week {week.week}: no built-in exercise called {dose.exercise!r}")
        copy = {k: v for k, v in source.items() if k not in ("steps", "part")}
        copy["steps"] = build_steps(source, dose)
        built.append(copy)
        floor = floor or dose.exercise not in ("leg-swings", "hip-circles", "standing-march")
    focus = week.focus.to_json()
    return {
        "format": 1,
        "id": week.routine_id,
        "title": {"en": f"Program week {week.week} of {WEEKS}", "de": f"Programm, Woche {week.week} von {WEEKS}",
                  "es": f"Programa, semana {week.week} de {WEEKS}",
                  "fr": f"Programme, semaine {week.week} sur {WEEKS}"},
        "summary": focus,
        "position": "mixed" if floor else "standing",
        "safety_note": dict(safety_note),
        "exercises": built,
    }
