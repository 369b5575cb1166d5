"""Drive a running ``hipbreak --demo`` like a (very busy) user, and check what it left behind.

Used by ``bench/soak`` (an hour: 60 simulated hours), ``bench/run`` (the
"memory after an hour" figure) and ``tests/soak/test_long_run.py`` (a
10-minute version in CI).

The user it simulates, in real seconds (the demo runs the schedule 60x, so
5 real seconds without input are a 5-minute natural break):

* types and moves the mouse in **bursts** (xdotool every ~0.6 s for 5-40 s)
  separated by **gaps**: mostly short (under the natural-break length, so
  sitting time keeps counting), sometimes long (a natural break);
* answers each prompt at random: **snooze** (random minutes), **skip**,
  **start a routine** (which plays at real speed; some are closed early with
  Escape), **standing** mode, **pause**, or walks away and leaves it
  **unanswered** until a natural break closes it;
* now and then asks for a break itself (``break-now``) or pauses and resumes.

Every action goes through the real ``hipbreak`` command line, over the real
socket. Afterwards :func:`check_profile` reads the log, the history and the
database the way a bug report would: no traceback, ``integrity_check`` ok,
and every prompt either answered or closed with a recorded "unanswered".
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import ROOT, Desktop, Launched, Memory, cli, launch_app, process_memory, tree_memory

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop_app.core import events as ev

#: Real seconds without input that the demo counts as a natural break (5 simulated minutes).
NATURAL_BREAK_REAL_S = 5.0
#: Routines the driver starts: the short built-in one mostly, the prompt's own routine sometimes.
ROUTINES = ("desk-break", "desk-break", None)
#: Settings for the soak profile: working hours and the daily session on, so nights,
#: weekends and the evening session are crossed too (60 simulated hours span 2.5 days).
SOAK_SETTINGS: dict[str, Any] = {"version": 2, "working_hours_enabled": True, "daily_session_enabled": True,
                                 "daily_routine": "desk-break", "voice_enabled": False}

#: More output than this from the app (stdout + stderr) is a flood: a warning printed in a loop.
#: The soak stops the app rather than fill the disk, and reports it as a failure.
LOG_FLOOD_BYTES = 20_000_000
#: How much of a log file is read for the checks (its start and its end).
LOG_READ_BYTES = 4_000_000

#: Events that answer (close) an open prompt.
ANSWERS = frozenset({ev.SNOOZED, ev.SKIPPED, ev.ROUTINE_STARTED, ev.PROMPT_UNANSWERED, ev.STANDING_STARTED})

Say = Callable[[str], None]


@dataclass
class SoakReport:
    """What happened during a soak and the memory it took.

    ``memory_*`` and ``rss_samples`` are the tray process alone (it lives all day; its growth is the
    soak's figure); ``tree_*`` add the player child process while one runs (it exits with its window).
    """

    real_seconds: float = 0.0
    simulated_hours: float = 0.0
    actions: Counter[str] = field(default_factory=Counter)
    states_seen: Counter[str] = field(default_factory=Counter)
    rss_samples: list[tuple[float, Memory]] = field(default_factory=list)  # (seconds since launch, app)
    tree_samples: list[tuple[float, Memory]] = field(default_factory=list)  # the same, app + children
    memory_15s: Memory | None = None
    memory_warm: Memory | None = None      # after the first routine finished (every window created once)
    memory_end: Memory | None = None       # at the end, with no routine playing
    tree_15s: Memory | None = None
    tree_warm: Memory | None = None
    tree_end: Memory | None = None

    def growth_mb_per_hour(self, after_seconds: float = 3600.0) -> float | None:
        """The app's RSS growth (least-squares slope, MB an hour) over the samples after
        ``after_seconds``; None with fewer than 3 samples there."""
        points = [(t / 3600.0, m.rss_mb) for t, m in self.rss_samples if t >= after_seconds]
        if len(points) < 3:
            return None
        mean_t = sum(t for t, _m in points) / len(points)
        mean_m = sum(m for _t, m in points) / len(points)
        spread = sum((t - mean_t) ** 2 for t, _m in points)
        if spread <= 0:
            return None
        return sum((t - mean_t) * (m - mean_m) for t, m in points) / spread
    cli_failures: list[str] = field(default_factory=list)
    exit_code: int | None = None


@dataclass
class ProfileCheck:
    """What the app left in its profile: the three soak conditions and the counts behind them."""

    problems: list[str]
    events: Counter[str]
    prompts_opened: int
    unanswered: Counter[str]
    integrity: str
    log_bytes: int

    @property
    def ok(self) -> bool:
        return not self.problems


class SoakDriver:
    """Drives one running demo instance (``launched``) on ``desk`` until a deadline."""

    def __init__(self, desk: Desktop, launched: Launched, seed: int = 1, say: Say | None = None) -> None:
        self.desk = desk
        self.app = launched
        self.rng = random.Random(seed)
        self.say = say or (lambda _text: None)
        self.report = SoakReport()
        self._last_status: dict[str, Any] = {}
        self._warm = False
        self._routine_since: float | None = None

    # --- talking to the app ----------------------------------------------------------------
    def hipbreak(self, *args: str) -> subprocess.CompletedProcess[str] | None:
        try:
            result = cli(self.desk, self.app.env, *args, timeout=30)
        except subprocess.TimeoutExpired:
            self.report.cli_failures.append(f"hipbreak {' '.join(args)}: no answer within 30 s")
            return None
        return result

    def status(self) -> dict[str, Any]:
        result = self.hipbreak("status", "--json")
        if result is None or result.returncode != 0:
            why = "timeout" if result is None else (result.stderr.strip() or f"exit {result.returncode}")
            self.report.cli_failures.append(f"status: {why}")
            return {}
        try:
            data = json.loads(result.stdout)
        except ValueError:
            self.report.cli_failures.append(f"status: not JSON: {result.stdout[:200]!r}")
            return {}
        self._last_status = data
        return data if isinstance(data, dict) else {}

    def act(self, name: str, *args: str) -> None:
        """Run a CLI action; a refusal ("no break to snooze right now") is fine, a dead socket is not."""
        result = self.hipbreak(*args)
        self.report.actions[name] += 1
        if result is None:
            return
        if result.returncode != 0:
            text = result.stderr.strip()
            if "not running" in text.lower() or "did not answer" in text.lower():
                self.report.cli_failures.append(f"{' '.join(args)}: {text}")
            else:
                self.report.actions[f"{name} refused"] += 1

    def flooding(self) -> bool:
        """True (and the app killed, the failure recorded) when the app's output runs away."""
        log = self.app.log
        try:
            size = log.stat().st_size if log is not None else 0
        except OSError:
            return False
        if size <= LOG_FLOOD_BYTES:
            return False
        self.app.proc.kill()
        self.app.proc.wait(timeout=10)
        assert log is not None
        head = read_capped(log, 4000).splitlines()
        sample = [line for line in head if "multimedia" not in line][:4]
        self.report.cli_failures.append(
            f"the app flooded its output ({size / 1e6:.0f} MB after "
            f"{time.monotonic() - self.app.started:.0f} s) and was killed; it starts: {sample}")
        return True

    # --- input --------------------------------------------------------------------------
    def _input(self) -> None:
        dx = str(self.rng.choice((1, 2, 3)))
        try:
            self.desk.xdotool("mousemove_relative", "--", dx, "0")
            self.desk.xdotool("mousemove_relative", "--", f"-{dx}", "0")
        except subprocess.SubprocessError:
            self.report.actions["xdotool failed"] += 1

    def _close_player_early(self) -> None:
        """Escape in the player window (its shortcut for closing), as a user who stops early."""
        found = self.desk.tool(["xdotool", "search", "--onlyvisible", "--name", "^HipBreak: "])
        for wid in found.stdout.split()[:1]:
            self.desk.tool(["xdotool", "windowactivate", "--sync", wid], timeout=10)
            self.desk.tool(["xdotool", "key", "--clearmodifiers", "Escape"], timeout=10)
            self.report.actions["routine closed early"] += 1

    # --- one decision -------------------------------------------------------------------
    def _answer_prompt(self) -> float:
        """Answer the open prompt; returns how many seconds to wait without input (0 = carry on)."""
        choice = self.rng.choices(
            ("snooze", "skip", "routine", "standing", "pause", "walk away"),
            weights=(30, 20, 25, 5, 5, 15))[0]
        if choice == "snooze":
            minutes = self.rng.choice((None, 1, 5, 10, 30))
            self.act("snooze", "snooze", *([str(minutes)] if minutes else []))
        elif choice == "skip":
            self.act("skip", "skip")
        elif choice == "routine":
            routine = self.rng.choice(ROUTINES)
            self.act("routine", "routine", *([routine] if routine else []))
            self._routine_since = time.monotonic()
        elif choice == "standing":
            self.act("standing", "standing")
        elif choice == "pause":
            self.act("pause", "pause", str(self.rng.choice((15, 30, 90))))
        else:
            self.report.actions["walk away"] += 1
            return NATURAL_BREAK_REAL_S + self.rng.uniform(1, 8)
        return 0.0

    def _sometimes(self, state: str) -> None:
        """Actions a user takes without a prompt."""
        roll = self.rng.random()
        if state == "paused" and roll < 0.5:
            self.act("resume", "resume")
        elif state == "standing" and roll < 0.4:
            self.act("sitting", "sitting")
        elif state in ("working", "off_hours") and roll < 0.03:
            # also outside working hours, so a soak started in the evening still sees prompts
            self.act("break-now", "break-now")
        elif state == "in_routine" and self._routine_since and roll < 0.08 \
                and time.monotonic() - self._routine_since > 20:
            self._close_player_early()

    # --- the loop -----------------------------------------------------------------------
    def sample_memory(self) -> tuple[Memory, Memory]:
        """The app's own memory and its tree's (with the player child while one runs), recorded."""
        at = time.monotonic() - self.app.started
        memory, tree = process_memory(self.app.pid), tree_memory(self.app.pid)
        self.report.rss_samples.append((at, memory))
        self.report.tree_samples.append((at, tree))
        return memory, tree

    def run(self, minutes: float) -> SoakReport:
        """Drive for ``minutes`` of real time, then let a playing routine finish and measure memory."""
        start = time.monotonic()
        deadline = start + minutes * 60.0
        first = self.status()
        sim_start = first.get("now")
        next_sample = start
        wait_15 = self.app.started + 15.0
        if time.monotonic() < wait_15:
            while time.monotonic() < wait_15:
                self._input()
                time.sleep(0.6)
        self.report.memory_15s, self.report.tree_15s = self.sample_memory()
        self.say(f"RSS after 15 s: app {self.report.memory_15s.rss_mb:.1f} MB, "
                 f"tree {self.report.tree_15s.rss_mb:.1f} MB")
        gap_until = 0.0
        burst_until = time.monotonic() + self.rng.uniform(5, 40)
        last_status = 0.0
        while time.monotonic() < deadline:
            if self.flooding():
                break
            if self.app.proc.poll() is not None:
                self.report.cli_failures.append(f"the app exited with {self.app.proc.returncode} mid-soak")
                break
            now = time.monotonic()
            if now >= next_sample:
                memory, tree = self.sample_memory()
                next_sample = now + 30.0
                self.say(f"{(now - start) / 60:5.1f} min: RSS app {memory.rss_mb:.1f} MB, "
                         f"tree {tree.rss_mb:.1f} MB, "
                         f"state {self._last_status.get('state')}, actions {dict(self.report.actions)}")
            if now < gap_until:
                time.sleep(min(0.5, gap_until - now))
                continue
            if now >= burst_until:
                # a gap: mostly shorter than a natural break, sometimes longer
                long_gap = self.rng.random() < 0.15
                length = self.rng.uniform(6, 15) if long_gap else self.rng.uniform(0.5, 4)
                gap_until = now + length
                burst_until = gap_until + self.rng.uniform(5, 40)
                self.report.actions["long gap" if long_gap else "short gap"] += 1
                continue
            self._input()
            if now - last_status >= 1.5:
                last_status = now
                state = self.status().get("state", "")
                self.report.states_seen[state] += 1
                if state == "due":
                    pause = self._answer_prompt()
                    if pause:
                        gap_until = time.monotonic() + pause
                        burst_until = gap_until + self.rng.uniform(5, 40)
                        continue
                else:
                    self._sometimes(state)
                if state not in ("due", "in_routine", "") and self._routine_since is not None:
                    self._routine_since = None
                    if not self._warm:
                        self._warm = True
                        self.report.memory_warm, self.report.tree_warm = self.sample_memory()
                        self.say(f"RSS after the first routine: app {self.report.memory_warm.rss_mb:.1f} MB, "
                                 f"tree {self.report.tree_warm.rss_mb:.1f} MB")
            time.sleep(self.rng.uniform(0.4, 0.8))
        self._finish(start, sim_start)
        return self.report

    def _finish(self, start: float, sim_start: str | None) -> None:
        """Let a playing routine end (memory is compared with no routine playing), then measure."""
        limit = time.monotonic() + 15 * 60
        while self.app.proc.poll() is None and time.monotonic() < limit:
            if self.flooding():
                return
            state = self.status().get("state")
            if state == "due":
                self.act("skip", "skip")
            elif state == "paused":
                self.act("resume", "resume")
            elif state != "in_routine":
                break
            self._input()
            time.sleep(1.0)
        time.sleep(3.0)  # let deleteLater() and the garbage collector run
        self.report.memory_end, self.report.tree_end = self.sample_memory()
        end = self.status()
        self.report.real_seconds = time.monotonic() - start
        if sim_start and end.get("now"):
            from datetime import datetime

            delta = datetime.fromisoformat(end["now"]) - datetime.fromisoformat(sim_start)
            self.report.simulated_hours = delta.total_seconds() / 3600.0

    def quit(self) -> int | None:
        """``hipbreak quit`` and the exit code (the app must end cleanly, recording APP_STOPPED)."""
        self.hipbreak("quit")
        try:
            self.report.exit_code = self.app.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.app.proc.kill()
            self.report.exit_code = None
        return self.report.exit_code


def start_soak_app(desk: Desktop, profile: Path, settings: dict[str, Any] | None = None) -> Launched:
    """``hipbreak --demo`` on ``profile`` with the soak settings, once its icon is embedded."""
    config = profile / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps(settings or SOAK_SETTINGS), encoding="utf-8")
    return launch_app(desk, profile, ["--demo"], tag="soak-app")


# --- afterwards -------------------------------------------------------------------------------
def read_capped(path: Path, limit: int) -> str:
    """The start and the end of a file, at most ``limit`` bytes in all (a flooded log can be gigabytes)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if size <= limit:
            data = fh.read()
        else:
            head = fh.read(limit // 2)
            fh.seek(size - limit // 2)
            data = head + b"\n[...]\n" + fh.read()
    return data.decode("utf-8", errors="replace")


_EXCEPTION_LINE = re.compile(r"Traceback \(most recent call last\)|unexpected error|^\S*(Error|Exception):",
                             re.MULTILINE)


def log_problems(texts: dict[str, str]) -> list[str]:
    """Lines that show an exception, per log file (empty when there are none)."""
    problems = []
    for name, text in texts.items():
        for match in _EXCEPTION_LINE.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            problems.append(f"{name}: {text[line_start:line_end if line_end >= 0 else None][:200]}")
    return problems


def prompt_problems(events: list[tuple[float, str, dict[str, Any]]]) -> tuple[list[str], int, Counter[str]]:
    """Every prompt opened must be answered, or closed with a PROMPT_UNANSWERED record.

    A PROMPT_SHOWN while a prompt is already open is the same prompt shown
    again (a repeat, break-now, the daily session taking it over). The last
    prompt must be closed too: on quit the app records it as unanswered.
    """
    problems: list[str] = []
    opened = 0
    unanswered: Counter[str] = Counter()
    open_at: float | None = None
    for at, kind, data in events:
        if kind == ev.PROMPT_SHOWN:
            if open_at is None:
                opened += 1
                open_at = at
        elif kind in ANSWERS:
            if kind == ev.PROMPT_UNANSWERED:
                unanswered[str(data.get("why"))] += 1
            open_at = None
        elif kind == ev.APP_STARTED and open_at is not None:
            problems.append(f"a prompt shown at {open_at:.0f} was never answered before the app restarted")
            open_at = None
    if open_at is not None:
        problems.append(f"the last prompt (shown at {open_at:.0f}) has no answer and no unanswered record")
    return problems, opened, unanswered


def check_profile(profile: Path, extra_logs: list[Path] | None = None) -> ProfileCheck:
    """The soak conditions on what the app left behind in ``profile``."""
    problems: list[str] = []
    logs: dict[str, str] = {}
    for path in sorted((profile / "log").glob("hipbreak.log*")) + list(extra_logs or []):
        if path.is_file():
            logs[path.name] = read_capped(path, LOG_READ_BYTES)
    problems += log_problems(logs)
    history = profile / "data" / "history.sqlite3"
    integrity = "missing"
    rows: list[tuple[float, str, dict[str, Any]]] = []
    if history.is_file():
        db = sqlite3.connect(f"file:{history}?mode=ro", uri=True)
        try:
            integrity = "; ".join(str(r[0]) for r in db.execute("PRAGMA integrity_check"))
        finally:
            db.close()
        from desktop_app.storage.history import open_history_readonly

        reader = open_history_readonly(history)
        if reader.warning:
            problems.append(f"history: {reader.warning}")
        rows = [(e.at, e.kind, e.data) for e in reader.store.events()]
        reader.store.close()
    if integrity != "ok":
        problems.append(f"PRAGMA integrity_check: {integrity}")
    prompt_issues, opened, unanswered = prompt_problems(rows)
    problems += prompt_issues
    return ProfileCheck(problems, Counter(kind for _at, kind, _data in rows), opened, unanswered, integrity,
                        sum(len(t) for t in logs.values()))
