#!/usr/bin/env python3
"""Build a realistic one-year synthetic HipBreak history (about 50,000 events).

Why synthetic and why this shape: the statistics window and ``hipbreak stats``
must stay fast after a year of daily use, so the benchmark needs a year of the
kinds of rows a heavy user really produces: many short idle "away" spells, a
prompt about every hour with the usual mix of routines, snoozes, skips and
unanswered prompts, locks for meetings, a daily session on some days, the odd
standing-desk spell and a monthly pelvic-tilt self-check. The random seed is
fixed, so every run builds the same history.

    python bench/make_history.py OUT.sqlite3 [--days 365] [--seed 1] [--end YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.storage.history import History, open_history

ROUTINES = ("hip-flexor-reset", "desk-side-quick-break")
#: Tuned so that a year comes to about 50,000 events (a heavy, desk-bound user who locks the
#: screen whenever stepping away, and still sits long enough for roughly hourly prompts).
MEAN_SECONDS_BETWEEN_LOCKS = 190.0
MEAN_SECONDS_BETWEEN_BREAKS = 5400.0


def local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


class _Day:
    """Simulates one working session minute by minute (coarsely) and collects its events."""

    def __init__(self, rng: random.Random, start: float, end: float) -> None:
        self.rng = rng
        self.t = start
        self.end = end
        self.out: list[Event] = []
        self.sitting_since = start
        self.last_break = start

    def emit(self, kind: str, at: float, **data: object) -> None:
        self.out.append(Event(kind, at, dict(data)))

    def end_stretch(self, at: float) -> None:
        if at - self.sitting_since >= 60:
            start = self.sitting_since
            self.emit(ev.SITTING_STRETCH, at, start=start, end=at, seconds=at - start)

    def reset_sitting(self, at: float) -> None:
        self.sitting_since = at
        self.last_break = at

    def away(self, reason: str, seconds: float) -> None:
        start = self.t
        self.emit(ev.AWAY_STARTED, start, reason=reason, since=start)
        self.t += seconds
        self.emit(ev.AWAY_ENDED, self.t, reason=reason, seconds=seconds)
        if seconds >= 300:  # the default natural break threshold
            self.end_stretch(start)
            self.emit(ev.NATURAL_BREAK, self.t, seconds=seconds, returned_at=self.t)
            self.reset_sitting(self.t)

    def routine(self, routine_id: str) -> None:
        rng = self.rng
        self.emit(ev.ROUTINE_STARTED, self.t, routine_id=routine_id)
        self.end_stretch(self.t)
        length = 270 if routine_id == "hip-flexor-reset" else 130
        if rng.random() < 0.85:
            self.t += length
            self.emit(ev.ROUTINE_COMPLETED, self.t, routine_id=routine_id, seconds=length, exercises=5)
            self.reset_sitting(self.t)
        else:
            done = rng.uniform(10, length - 10)
            self.t += done
            counted = done >= 60
            self.emit(ev.ROUTINE_ABANDONED, self.t, routine_id=routine_id, seconds_done=done,
                      counted_as_break=counted)
            if counted:
                self.reset_sitting(self.t)
            else:
                self.sitting_since = self.t

    def prompt(self) -> None:
        rng = self.rng
        if rng.random() < 0.08:
            reason = rng.choice(["fullscreen", "microphone", "inhibited"])
            self.emit(ev.PROMPT_DEFERRED, self.t, reason=reason)
            self.t += rng.uniform(120, 1200)
        self.emit(ev.PROMPT_SHOWN, self.t, routine_id=ROUTINES[0], reason="due")
        for _repeat in range(3):
            answer = rng.random()
            self.t += rng.uniform(3, 40)
            if answer < 0.50:
                self.routine(rng.choice(ROUTINES))
                return
            if answer < 0.72:
                minutes = rng.choice([5, 10, 10, 15, 30])
                self.emit(ev.SNOOZED, self.t, minutes=minutes, until=self.t + minutes * 60)
                self.work(minutes * 60)
                self.emit(ev.PROMPT_SHOWN, self.t, routine_id=ROUTINES[0], reason="due")
                continue
            if answer < 0.84:
                self.emit(ev.SKIPPED, self.t, sitting_seconds=self.t - self.sitting_since)
                self.last_break = self.t
                return
            self.t += 600
            self.emit(ev.PROMPT_SHOWN, self.t, routine_id=ROUTINES[0], reason="repeat")
        self.emit(ev.PROMPT_UNANSWERED, self.t, why="away")
        self.away("idle", self.rng.uniform(300, 900))

    def work(self, seconds: float) -> None:
        """Sit and type for ``seconds``, stepping away now and then.

        Idle gaps shorter than the away threshold leave no trace in the history,
        so only spells that do are simulated, as two independent random
        processes: brief screen locks (fetching a coffee, a colleague at the
        desk: away, but too short to be a break) and real breaks of 5-20
        minutes (idle or locked: natural breaks).
        """
        rng = self.rng
        stop = min(self.t + seconds, self.end)
        while self.t < stop:
            to_lock = rng.expovariate(1 / MEAN_SECONDS_BETWEEN_LOCKS)
            to_break = rng.expovariate(1 / MEAN_SECONDS_BETWEEN_BREAKS)
            gap = min(to_lock, to_break)
            if self.t + gap >= stop:
                self.t = stop
                break
            self.t += gap
            if to_lock < to_break:
                self.away("lock", rng.uniform(20, 240))
            else:
                self.away(rng.choice(["idle", "idle", "lock"]), rng.uniform(300, 1200))

    def run(self) -> list[Event]:
        rng = self.rng
        self.emit(ev.APP_STARTED, self.t, version="0.1.0")
        standing_until = None
        while self.t < self.end:
            roll = rng.random()
            if roll < 0.03:
                self.away("lock", rng.uniform(1800, 3600))       # a meeting
            elif roll < 0.06 and standing_until is None:
                self.emit(ev.STANDING_STARTED, self.t)
                self.end_stretch(self.t)
                standing_until = self.t + rng.uniform(900, 2700)
            if standing_until is not None and self.t >= standing_until:
                self.emit(ev.STANDING_ENDED, self.t, reason="user")
                self.sitting_since = self.t
                standing_until = None
            self.work(min(3600 - (self.t - self.last_break), 900) if self.t - self.last_break < 3600 else 60)
            if self.t - self.last_break >= 3600 and self.t < self.end:
                self.prompt()
        self.end_stretch(self.end)
        self.emit(ev.APP_STOPPED, self.end)
        return self.out


def synthetic_events(days: int = 365, end: date | None = None, tz: tzinfo | None = None,
                     seed: int = 1) -> list[Event]:
    """A deterministic list of events for the ``days`` days ending on ``end`` (inclusive), in time order."""
    tz = tz or local_tz()
    end = end or datetime.now(tz).date()
    rng = random.Random(seed)
    out: list[Event] = []
    for offset in range(days - 1, -1, -1):
        day = end - timedelta(days=offset)
        working = day.weekday() < 5
        if rng.random() > (0.95 if working else 0.25):
            continue
        start_minute = rng.randint(8 * 60, 9 * 60 + 45)
        length = rng.randint(7 * 60, 10 * 60) if working else rng.randint(60, 240)
        start = datetime.combine(day, time(0), tzinfo=tz).timestamp() + start_minute * 60
        sim = _Day(rng, start, start + length * 60)
        day_events = sim.run()
        if rng.random() < 0.3:  # the daily session
            sim.t = sim.end + rng.uniform(60, 600)
            sim.emit(ev.PROMPT_SHOWN, sim.t, routine_id="full-hip-program", reason="daily")
            sim.t += rng.uniform(5, 60)
            sim.emit(ev.ROUTINE_STARTED, sim.t, routine_id="full-hip-program")
            sim.t += 780
            sim.emit(ev.ROUTINE_COMPLETED, sim.t, routine_id="full-hip-program", seconds=780, exercises=14)
        if day.day == 1 or (day.day <= 3 and rng.random() < 0.3):
            sim.emit(ev.SELF_CHECK, sim.t + 60, result=rng.choice(["whole_hand", "half_hand", "no_room"]))
        out.extend(day_events)
    out.sort(key=lambda e: e.at)
    return out


def write_history(path: Path, events: list[Event]) -> History:
    opened = open_history(path)
    if opened.warning or not isinstance(opened.store, History):
        raise SystemExit(f"cannot open {path}: {opened.warning}")
    store = opened.store
    for i in range(0, len(events), 5000):
        if not store.append(events[i:i + 5000]):
            raise SystemExit(f"cannot write {path}: {store.last_error}")
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument("out", type=Path, help="SQLite file to create (must not exist)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=date.fromisoformat, default=None, help="last day (default: today)")
    args = parser.parse_args(argv)
    if args.out.exists():
        parser.error(f"{args.out} exists; refusing to add to it")
    events = synthetic_events(args.days, args.end, seed=args.seed)
    store = write_history(args.out, events)
    store.close()
    kinds: dict[str, int] = {}
    for e in events:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    print(f"{args.out}: {len(events)} events over {args.days} days, {args.out.stat().st_size / 1e6:.1f} MB")
    for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:20} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
