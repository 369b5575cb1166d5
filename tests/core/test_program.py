"""The 12-week program: days practised move it on, a missed week costs nothing, and the routine files match."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.program import (
    WEEKS,
    Program,
    ProgramError,
    load_program,
    parse_program,
    practised_days,
    progress,
    routine_id,
    self_check_trend,
    week_of_routine,
    week_on,
)
from desktop_app.core.routine import builtin_routines_dir, load_routine
from desktop_app.i18n import assets_dir

PROGRAM = load_program()
MONDAY = date(2026, 11, 2)


def days(*offsets: int) -> list[date]:
    return [MONDAY + timedelta(days=o) for o in offsets]


def test_the_shipped_program_has_twelve_weeks_that_grow_gently() -> None:
    assert len(PROGRAM.weeks) == WEEKS
    assert [w.week for w in PROGRAM.weeks] == list(range(1, 13))
    counts = [len(w.doses) for w in PROGRAM.weeks]
    assert counts == sorted(counts), "no week drops exercises"
    assert counts[0] <= 4
    first = {d.exercise for d in PROGRAM.weeks[0].doses}
    last = {d.exercise for d in PROGRAM.weeks[-1].doses}
    assert {"glute-bridge"} <= first, "strengthening from week 1"
    assert {"dead-bug", "side-lying-leg-raise"} <= last - first, "more strengthening added later"
    lunge = [next(d.seconds for d in w.doses if d.exercise == "kneeling-lunge") for w in PROGRAM.weeks]
    assert lunge == sorted(lunge) and lunge[0] < lunge[-1]


def test_week_routine_ids() -> None:
    assert routine_id(3) == "program-week-03"
    assert week_of_routine("program-week-12") == 12
    assert week_of_routine("program-week-13") is None
    assert week_of_routine("desk-break") is None


def test_no_practice_is_week_one() -> None:
    p = progress([], MONDAY, PROGRAM)
    assert (p.current_week, p.days_this_week, p.days_practised) == (1, 0, 0)
    assert p.week_started is None


def test_five_days_and_a_calendar_week_move_it_on() -> None:
    practised = days(0, 1, 2, 3, 4)
    on_friday = progress(practised, MONDAY + timedelta(days=4), PROGRAM)
    assert (on_friday.current_week, on_friday.days_this_week) == (1, 5)
    assert on_friday.next_week_from == MONDAY + timedelta(days=7)
    on_sunday = progress(practised, MONDAY + timedelta(days=6), PROGRAM)
    assert on_sunday.current_week == 1, "not faster than one week a week"
    next_monday = progress(practised, MONDAY + timedelta(days=7), PROGRAM)
    assert (next_monday.current_week, next_monday.days_this_week) == (2, 0)


def test_daily_practice_does_not_rush_ahead() -> None:
    practised = days(*range(28))  # every day for four weeks
    assert progress(practised, MONDAY + timedelta(days=27), PROGRAM).current_week == 4


def test_a_missed_week_costs_nothing() -> None:
    practised = days(0, 1, 2)
    later = MONDAY + timedelta(days=30)
    p = progress(practised, later, PROGRAM)
    assert (p.current_week, p.days_this_week) == (1, 3), "the program waits, it never goes back"
    p = progress([*practised, *days(30, 31)], MONDAY + timedelta(days=30), PROGRAM)
    assert (p.current_week, p.days_this_week) == (1, 4), "back after a month: the same week goes on"
    p = progress([*practised, *days(30, 31)], MONDAY + timedelta(days=31), PROGRAM)
    assert (p.current_week, p.days_this_week) == (2, 0), "five days done, and more than a week since it began"


def test_fewer_days_a_week_take_longer_calendar_time() -> None:
    practised = days(*[w * 7 + d for w in range(6) for d in (0, 2, 4)])  # three days a week for six weeks
    p = progress(practised, MONDAY + timedelta(days=41), PROGRAM)
    assert p.current_week == 4  # 18 days practised at 5 a week
    assert p.days_practised == 18


def test_it_stops_at_week_twelve() -> None:
    practised = days(*range(200))
    p = progress(practised, MONDAY + timedelta(days=199), PROGRAM)
    assert p.current_week == WEEKS
    assert p.finished


def test_days_after_today_are_ignored() -> None:
    assert progress(days(0, 1, 2), MONDAY, PROGRAM).days_practised == 1


def _completed(day: date, routine: str, seconds: float) -> Event:
    at = datetime(day.year, day.month, day.day, 18, 0, tzinfo=timezone.utc).timestamp()
    return Event(ev.ROUTINE_COMPLETED, at, {"routine_id": routine, "seconds": seconds, "exercises": 3})


def test_what_counts_as_a_day_practised() -> None:
    log = [
        _completed(MONDAY, "program-week-01", 150),       # a program routine, however short
        _completed(MONDAY + timedelta(days=1), "desk-break", 120),   # the quick desk break does not count
        _completed(MONDAY + timedelta(days=2), "hip-flexor-reset", 270),  # a floor routine does
        Event(ev.ROUTINE_ABANDONED, _completed(MONDAY + timedelta(days=3), "program-week-01", 10).at,
              {"routine_id": "program-week-01", "seconds_done": 10.0, "counted_as_break": False, "exercises": 0}),
        _completed(MONDAY + timedelta(days=2), "program-week-01", 150),  # twice a day is one day
    ]
    assert practised_days(log, timezone.utc, PROGRAM) == days(0, 2)


def test_self_checks_are_grouped_by_program_week() -> None:
    practised = days(*range(0, 14))
    checks = [(MONDAY, "no_room"), (MONDAY + timedelta(days=3), "half_hand"),
              (MONDAY + timedelta(days=10), "half_hand")]
    assert week_on(MONDAY + timedelta(days=10), practised, PROGRAM) == 2
    assert self_check_trend(checks, practised, PROGRAM) == [(1, "half_hand"), (2, "half_hand")]


def test_a_broken_program_is_refused_with_the_place() -> None:
    data = json.loads((assets_dir() / "program" / "program.json").read_text(encoding="utf-8"))
    data["weeks"][2]["exercises"][0] = {"id": "cat-cow", "reps": 0}
    with pytest.raises(ProgramError, match=r"weeks\[2\]\.exercises\[0\]\.reps"):
        parse_program(data)
    data["weeks"] = data["weeks"][:11]
    with pytest.raises(ProgramError, match="exactly 12"):
        parse_program(data)


def test_each_week_is_a_valid_routine_that_matches_the_program() -> None:
    totals = []
    for week in PROGRAM.weeks:
        routine = load_routine(builtin_routines_dir() / f"{week.routine_id}.json", builtin=True)
        assert routine.id == week.routine_id
        assert [e.id for e in routine.exercises] == [d.exercise for d in week.doses]
        for exercise, dose in zip(routine.exercises, week.doses, strict=True):
            work = [s for s in exercise.steps if s.kind != "rest"]
            if dose.seconds is not None:
                assert {s.seconds for s in work} == {dose.seconds}
            else:
                assert [s.reps for s in work] == [dose.reps] * dose.sets
        assert "professional" in str(routine.safety_note)
        totals.append(routine.estimated_seconds(5, 5))
    assert totals == sorted(totals), "no week is shorter than the one before"
    assert totals[0] < 5 * 60 and totals[-1] < 15 * 60


def test_the_focus_lines_promise_nothing() -> None:
    promise = re.compile(r"\b(cure|fix|guarantee|will (?:fix|cure|heal|make)|heal|pain[- ]free|results?)\b", re.I)
    for week in PROGRAM.weeks:
        text = week.focus.english
        assert not promise.search(text), text
        assert week.focus.get("de") != text, "a German focus line"


def test_build_program_check_passes_on_the_committed_files() -> None:
    """The routine files are built from the program (scripts/build-program); they must not drift from it.

    The exercise texts are copied from the built-in routines, which others may be changing, so this
    compares the program's own part: exercise ids and doses (above), and the file list here.
    """
    files = sorted(p.name for p in builtin_routines_dir().glob("program-week-*.json"))
    assert files == [f"program-week-{n:02d}.json" for n in range(1, 13)]
    result = subprocess.run([sys.executable, "scripts/build-program", "--help"], capture_output=True, text=True,
                            cwd=builtin_routines_dir().parent.parent, check=False)
    assert result.returncode == 0 and "--check" in result.stdout


def test_program_defaults() -> None:
    assert Program(PROGRAM.weeks, 5, 7, 240) == PROGRAM
