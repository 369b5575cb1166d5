"""``hipbreak program [--json]``: the 12-week program and where you are in it, without a display.

Like ``hipbreak stats`` it imports no Qt, reads the history read-only (so it
works while the app runs and over ssh) and never creates or repairs anything.
The week is computed by :mod:`desktop_app.core.program` from the days
practised, exactly as the statistics window and the daily session do.

``--json`` prints only JSON on stdout::

    {"current_week": 3, "days_practised": 12, "days_this_week": 2, "days_per_week": 5,
     "weeks": [{"week": 1, "routine_id": "program-week-01", "total_seconds": 156, "focus": "..."}, ...]}

``total_seconds`` is the playing time with your get-ready and switch-sides settings.
Exit codes: 0 printed, 1 the program or the history cannot be read.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TextIO

from desktop_app.core import events as ev
from desktop_app.core.program import ProgramError, Progress, load_program, practised_days, progress
from desktop_app.core.routine import builtin_routines_dir, load_routines
from desktop_app.i18n import _, current_language
from desktop_app.platform.paths import AppPaths
from desktop_app.stats_report import read_then_close
from desktop_app.storage.history import open_history_readonly

EXIT_OK = 0
EXIT_UNREADABLE = 1


def program_json(prog: Any, current: Progress, totals: dict[str, float], lang: str = "en") -> dict[str, Any]:
    """The ``--json`` document."""
    return {
        "current_week": current.current_week,
        "days_practised": current.days_practised,
        "days_this_week": current.days_this_week,
        "days_per_week": current.days_per_week,
        "weeks": [
            {
                "week": week.week,
                "routine_id": week.routine_id,
                "total_seconds": round(totals.get(week.routine_id, 0.0)),
                "focus": week.focus.get(lang),
            }
            for week in prog.weeks
        ],
    }


def write_text(doc: dict[str, Any], out: TextIO) -> None:
    """For people: the week you are in, then the twelve weeks."""
    out.write(_("Program week {week} of 12 · {done} of {goal} days practised this week").format(
        week=doc["current_week"], done=doc["days_this_week"], goal=doc["days_per_week"]) + "\n")
    out.write(_("A week moves on after {goal} days with practice, never sooner than a calendar week. "
                "A missed week costs nothing: the program waits for you.").format(goal=doc["days_per_week"])
              + "\n\n")
    for week in doc["weeks"]:
        mark = "▶" if week["week"] == doc["current_week"] else " "
        minutes = round(week["total_seconds"] / 60)
        out.write(f"{mark} {week['week']:>2}  {minutes:>2} min  {week['routine_id']}  {week['focus']}\n")


def main(as_json: bool, paths: AppPaths, today: date | None = None, tz: tzinfo | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the program; ``today``, ``tz``, ``out`` and ``err`` exist for tests."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    zone = tz or datetime.now().astimezone().tzinfo
    assert zone is not None
    day = today or datetime.now(zone).date()
    try:
        prog = load_program()
    except ProgramError as exc:
        print(_("The program cannot be read: {reason}").format(reason=exc), file=err)
        return EXIT_UNREADABLE
    prep, switch = _timing(paths)
    found = load_routines([(builtin_routines_dir(), True), (Path(paths.routines_dir), False)])
    totals = {rid: r.estimated_seconds(prep, switch) for rid, r in found.routines.items()}
    events = read_then_close(open_history_readonly(Path(paths.history_file)).store,
                             lambda s: s.events(kinds=[ev.ROUTINE_COMPLETED]), err)
    if events is None:
        return EXIT_UNREADABLE
    current = progress(practised_days(events, zone, prog), day, prog)
    doc = program_json(prog, current, totals, current_language())
    if as_json:
        json.dump(doc, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        write_text(doc, out)
    return EXIT_OK


def _timing(paths: AppPaths) -> tuple[float, float]:
    """Get-ready and switch-sides seconds from the settings file (read only; defaults if unreadable)."""
    from desktop_app.core.settings import Settings, migrate, validate

    try:
        data = json.loads(Path(paths.settings_file).read_text(encoding="utf-8"))
        settings, _problems = validate(migrate(data)[0]) if isinstance(data, dict) else (Settings(), [])
    except (OSError, ValueError):
        settings = Settings()
    return float(settings.prep_seconds), float(settings.switch_seconds)


__all__ = ["EXIT_OK", "EXIT_UNREADABLE", "main", "program_json", "write_text"]
