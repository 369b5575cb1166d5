"""Time faults on a FakeClock: wall-clock jumps of ±2 h and a 3-hour suspend.

The real wall clock cannot be changed safely on a shared machine, so these
run the real controller (real scheduler, real driver planning, real SQLite
history, real state file) on a FakeClock, stepping time exactly the way the
driver's single-shot timer would: to the moment ``driver.next_wake()`` asks
for, then ``driver.wake()``. The suspend arrives through the session
interface (a watcher object with the real ``suspending``/``resumed``
signals), as logind's PrepareForSleep would deliver it.

"Exact" here means to the millisecond the scheduler allows itself
(``TIME_TOLERANCE``), on monotonic time: the wall clock may say anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal

from desktop_app.app import compose
from desktop_app.core import events as ev
from desktop_app.core.player import FINISHED, RoutinePlayer, SegmentKind
from desktop_app.core.routine import builtin_routines_dir, load_routine
from desktop_app.core.schedule import BreakScheduler, Stage
from desktop_app.core.settings import Settings
from desktop_app.storage.history import open_history
from tests.support.app_parts import FakeIdle, RecordingNotifier, close_controller, profile_paths
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.soak

MIN = 60.0
HOUR = 3600.0
EXACT = 0.002  # seconds: the scheduler's own tolerance is 1 ms
READING_IDLE = 10.0  # real seconds since the last input: present, but not typing right now


class FakeSessionWatcher(QObject):
    """The session interface (platform/session.py) with its real signals; the test emits them."""

    locked_changed = Signal(bool)
    suspending = Signal()
    resumed = Signal()


class Rig:
    """A started controller on a FakeClock, and a record of when each prompt appeared."""

    def __init__(self, clock: FakeClock, profile: Path) -> None:
        self.clock = clock
        self.paths = profile_paths(profile)
        self.session = FakeSessionWatcher()
        # A user at the desk who is not in mid-sentence when a prompt falls due: the last input
        # was READING_IDLE ago, well past the natural pause (lull_seconds) and far from a natural
        # break. Typing at every reading would hold each hourly prompt for lull_max_wait_minutes
        # by design (docs/scheduling.md); that case has its own test below.
        self.idle = FakeIdle(READING_IDLE)
        self.history = open_history(self.paths.history_file).store
        self.controller = compose(clock, clock, Settings(), self.paths, self.history, idle_monitor=self.idle,
                                  session=self.session, notifier=RecordingNotifier())
        self.prompts: list[tuple[float, float]] = []  # (monotonic, wall) of each prompt shown
        self.controller.prompt_requested.connect(self._on_prompt_requested)
        self.controller.start()
        self.start = clock.monotonic()

    def _on_prompt_requested(self, _kind: str) -> None:
        self.prompts.append((self.clock.monotonic(), self.clock.time()))

    def run_for(self, seconds: float) -> None:
        """Let ``seconds`` pass as the driver's timer would: wake exactly when it asks to."""
        end = self.clock.monotonic() + seconds
        driver = self.controller.driver
        while self.clock.monotonic() < end:
            plan = driver.next_wake()
            step = end - self.clock.monotonic() if plan is None else min(plan[0], end - self.clock.monotonic())
            self.clock.advance(max(step, 0.0))
            driver.wake()

    def kinds_since(self, wall: float) -> list[str]:
        return [e.kind for e in self.history.events(since=wall)]


@pytest.fixture
def rig(clock: FakeClock, tmp_path: Path, qapp: Any) -> Iterator[Rig]:
    made = Rig(clock, tmp_path / "profile")
    yield made
    close_controller(made.controller)


@pytest.mark.parametrize("jump", [2 * HOUR, -2 * HOUR])
def test_wall_jump_during_a_snooze_keeps_the_prompt_and_countdown_exact(rig: Rig, jump: float) -> None:
    rig.run_for(60 * MIN + 30)
    assert len(rig.prompts) == 1
    assert rig.prompts[0][0] == pytest.approx(rig.start + 60 * MIN, abs=EXACT)
    rig.controller.snooze(10)
    snoozed_at = rig.clock.monotonic()
    rig.run_for(4 * MIN)
    rig.clock.jump_wall(jump)  # NTP fix, a time-zone mistake corrected, the user setting the clock
    rig.controller.driver.wake()
    status = rig.controller.status()
    assert status.stage is Stage.SNOOZED
    assert status.next_prompt_in_seconds == pytest.approx(6 * MIN, abs=EXACT)
    assert status.snoozed_until == pytest.approx(rig.clock.time() + 6 * MIN, abs=EXACT)
    rig.run_for(6 * MIN + 30)
    assert len(rig.prompts) == 2
    assert rig.prompts[1][0] == pytest.approx(snoozed_at + 10 * MIN, abs=EXACT)
    kinds = rig.kinds_since(0)
    assert ev.AWAY_STARTED not in kinds, "a wall-clock jump is not a suspend"
    assert kinds.count(ev.SNOOZED) == 1


@pytest.mark.parametrize("jump", [2 * HOUR, -2 * HOUR])
def test_wall_jump_while_working_keeps_sitting_time_and_the_next_prompt(rig: Rig, jump: float) -> None:
    rig.run_for(25 * MIN)
    rig.clock.jump_wall(jump)
    rig.run_for(10 * MIN)
    status = rig.controller.status()
    assert status.sitting_seconds == pytest.approx(35 * MIN, abs=EXACT)
    assert status.next_prompt_in_seconds == pytest.approx(25 * MIN, abs=EXACT)
    rig.run_for(26 * MIN)
    assert [m for m, _w in rig.prompts] == pytest.approx([rig.start + 60 * MIN], abs=EXACT)


@pytest.mark.parametrize("jump", [2 * HOUR, -2 * HOUR])
def test_wall_jump_while_the_prompt_waits_for_a_pause_keeps_the_longest_wait_exact(rig: Rig, jump: float) -> None:
    rig.idle.idle = 0.0  # typing at every reading: the hourly prompt waits for a pause that never comes
    rig.run_for(60 * MIN + 30)
    assert rig.prompts == []
    status = rig.controller.status()
    assert status.stage is Stage.DUE and status.deferred_reason is not None
    rig.clock.jump_wall(jump)
    rig.controller.driver.wake()
    assert rig.prompts == [] and rig.controller.status().stage is Stage.DUE
    longest = Settings().lull_max_wait_minutes * MIN
    rig.run_for(longest)
    assert [m for m, _w in rig.prompts] == pytest.approx([rig.start + 60 * MIN + longest], abs=EXACT)
    held = rig.history.events(kinds=(ev.PROMPT_DEFERRED, ev.PROMPT_SHOWN))  # ordered by wall time, which jumped
    assert sorted((e.kind, e.data["reason"]) for e in held) == [
        (ev.PROMPT_DEFERRED, "busy"), (ev.PROMPT_SHOWN, "lull_timeout")]
    assert ev.AWAY_STARTED not in rig.kinds_since(0), "a wall-clock jump is not a suspend"


def test_three_hour_suspend_through_the_session_interface(rig: Rig) -> None:
    rig.run_for(40 * MIN)
    before = rig.clock.time()
    rig.session.suspending.emit()          # logind: PrepareForSleep(true)
    assert rig.controller.status().stage is Stage.AWAY
    rig.clock.suspend(3 * HOUR)            # asleep: wall and boot time move, monotonic does not
    rig.session.resumed.emit()             # logind: PrepareForSleep(false)
    resumed_at = rig.clock.monotonic()
    status = rig.controller.status()
    assert status.stage is Stage.WORKING
    assert status.sitting_seconds == pytest.approx(0, abs=EXACT)   # three hours away: a natural break
    assert status.next_prompt_in_seconds == pytest.approx(60 * MIN, abs=EXACT)
    kinds = rig.kinds_since(before - 1)
    assert ev.PROMPT_SHOWN not in kinds
    assert kinds.index(ev.AWAY_STARTED) < kinds.index(ev.AWAY_ENDED) < kinds.index(ev.NATURAL_BREAK)
    away = rig.history.events(kinds=(ev.AWAY_ENDED,))
    assert away[-1].data["seconds"] == pytest.approx(3 * HOUR, abs=1)
    rig.run_for(61 * MIN)
    assert [m for m, _w in rig.prompts] == pytest.approx([resumed_at + 60 * MIN], abs=EXACT)


def test_suspend_during_a_snooze_then_the_prompt_waits_a_full_interval(rig: Rig) -> None:
    rig.run_for(60 * MIN + 5)
    rig.controller.snooze(10)
    rig.run_for(2 * MIN)
    rig.session.suspending.emit()
    rig.clock.suspend(3 * HOUR)
    rig.session.resumed.emit()
    resumed_at = rig.clock.monotonic()
    # the three hours away were the break the snooze was waiting for: no stale prompt on wake-up
    assert rig.controller.status().stage is Stage.WORKING
    rig.run_for(59 * MIN)
    assert len(rig.prompts) == 1
    rig.run_for(2 * MIN)
    assert len(rig.prompts) == 2
    assert rig.prompts[1][0] == pytest.approx(resumed_at + 60 * MIN, abs=EXACT)


# --- a routine on the core: the player's countdown and the scheduler around it --------------------------
@pytest.mark.parametrize("jump", [2 * HOUR, -2 * HOUR])
def test_wall_jumps_during_a_routine_change_no_countdown(clock: FakeClock, jump: float) -> None:
    routine = load_routine(builtin_routines_dir() / "desk-break.json", builtin=True)
    sched = BreakScheduler(clock, Settings())
    clock.minutes(30)
    sched.update()
    sched.routine_started(routine.id)
    player = RoutinePlayer(routine, clock, prep_seconds=5, switch_seconds=5)
    player.start()
    begin = clock.monotonic()
    ends: list[float] = []
    jumped = 0
    while player.state != FINISHED:
        deadline = player.next_deadline()
        assert deadline is not None
        if len(ends) in (2, 5) and jumped < len(ends):
            clock.advance((deadline - clock.monotonic()) / 2)
            left = player.remaining()
            clock.jump_wall(jump if len(ends) == 2 else -jump)   # there and back again
            jumped = len(ends)
            assert player.remaining() == left
            assert sched.update() == [] and sched.status().stage is Stage.IN_ROUTINE
        clock.advance_to(deadline)
        for event in player.update():
            if event.kind in ("segment_started", "finished"):
                ends.append(clock.monotonic())
    planned = [begin + s.start_offset + s.seconds for s in player.segments]
    assert ends == pytest.approx(planned, abs=1e-9)
    assert ends[-1] - begin == pytest.approx(player.total_seconds, abs=1e-9)
    assert any(s.kind == SegmentKind.HOLD for s in player.segments)
    out = sched.routine_finished(routine.id, True, player.elapsed_active(), player.exercises_done())
    done = [e for e in out if e.kind == ev.ROUTINE_COMPLETED]
    assert done and done[0].data["seconds"] == pytest.approx(player.total_seconds, abs=1e-3)
    assert sched.next_deadline() == pytest.approx(clock.monotonic() + 60 * MIN, abs=EXACT)
    assert sched.status().sitting_seconds == pytest.approx(0, abs=EXACT)


def test_suspend_during_a_routine_freezes_the_countdown(clock: FakeClock) -> None:
    routine = load_routine(builtin_routines_dir() / "desk-break.json", builtin=True)
    player = RoutinePlayer(routine, clock)
    player.start()
    clock.advance(3.25)
    left = player.remaining()
    player.pause()                          # the controller pauses the player on "suspending"
    clock.suspend(3 * HOUR)
    player.resume()
    assert player.remaining() == pytest.approx(left, abs=1e-9)
    assert player.elapsed_active() == pytest.approx(3.25, abs=1e-9)
