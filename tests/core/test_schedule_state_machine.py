"""Hypothesis drives the scheduler with random actions and time steps; the invariants must always hold.

Actions cover everything the app can do to the core: time passing (awake,
asleep, wall-clock jumps), idle readings (consistent ones and garbage), lock,
suspend and resume signals in any order, do-not-disturb, every user action,
new settings and app restarts through ``to_state()``. After every step the
shared :class:`~tests.core.test_workday_simulation.Audit` checks the
invariants (no stacked prompts, no prompt first after a return, sitting time
within bounds, a driver that can never spin, …).
"""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from desktop_app.core.events import Event
from desktop_app.core.schedule import AWAY_POLL_MAX_SECONDS, BreakScheduler, Stage
from desktop_app.core.settings import Settings
from tests.core.test_workday_simulation import Audit
from tests.support.fakeclock import FakeClock

seconds = st.one_of(
    st.floats(min_value=0, max_value=120),
    st.floats(min_value=120, max_value=3 * 3600),
    st.sampled_from([30.0, 299.9, 300.0, 600.0, 3600.0]),
)


class SchedulerMachine(RuleBasedStateMachine):
    @initialize(
        interval=st.sampled_from([10, 30, 60]),
        natural=st.sampled_from([1, 5]),
        reprompt=st.sampled_from([1, 10]),
        daily=st.booleans(),
        hours=st.booleans(),
        start_hour=st.integers(min_value=0, max_value=23),
    )
    def start(
        self, interval: int, natural: int, reprompt: int, daily: bool, hours: bool, start_hour: int
    ) -> None:
        self.clock = FakeClock()
        self.clock.set_local(self.clock.now().replace(hour=start_hour))
        self.settings = Settings().replace(
            break_interval_minutes=interval,
            natural_break_minutes=natural,
            reprompt_minutes=reprompt,
            daily_session_enabled=daily,
            daily_session_time="12:00",
            working_hours_enabled=hours,
        )
        self.sched = BreakScheduler(self.clock, self.settings)
        self.audit = Audit(self.clock, self.sched)
        self.last_input = self.clock.monotonic()
        self.in_routine = False

    def feed(self, events: list[Event], idle: float = 0.0) -> None:
        self.audit.feed(events, idle=idle)

    # ------------------------------------------------------------- time
    @rule(dt=seconds)
    def time_passes(self, dt: float) -> None:
        self.clock.advance(dt)
        self.feed(self.sched.update())

    @rule()
    def timer_fires_at_the_deadline(self) -> None:
        deadline = self.sched.next_deadline()
        if deadline is not None:
            self.clock.advance_to(deadline)
        self.feed(self.sched.update())

    @rule(dt=st.floats(min_value=31, max_value=20 * 3600), signals=st.booleans())
    def machine_sleeps(self, dt: float, signals: bool) -> None:
        if signals:
            self.feed(self.sched.on_suspend())
        self.clock.suspend(dt)
        self.feed(self.sched.on_resume() if signals else self.sched.update())
        self.last_input = self.clock.monotonic()  # opening the lid

    @rule(dt=st.sampled_from([-2 * 3600.0, 2 * 3600.0, -60.0, 3600.0]))
    def wall_clock_jumps(self, dt: float) -> None:
        self.clock.jump_wall(dt)
        self.feed(self.sched.update())

    # ------------------------------------------------------------- readings
    @rule()
    def user_types(self) -> None:
        self.last_input = self.clock.monotonic()
        self.feed(self.sched.on_activity())

    @rule()
    def idle_poll(self) -> None:
        idle = self.clock.monotonic() - self.last_input
        self.feed(self.sched.on_idle(idle), idle=idle)

    @rule(idle=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**9)))
    def garbage_idle_reading(self, idle: float) -> None:
        events = self.sched.on_idle(idle)
        # a nonsense reading may start an away spell, but it never crashes or stores NaN/inf
        for event in events:
            json.dumps(event.data, allow_nan=False)
        sane = float(idle) if math.isfinite(idle) and idle > 0 else 0.0
        self.audit.feed(events, idle=sane)
        assert math.isfinite(self.sched.status().sitting_seconds)

    @rule(locked=st.booleans())
    def lock(self, locked: bool) -> None:
        self.feed(self.sched.set_locked(locked))
        if not locked:
            self.last_input = self.clock.monotonic()

    @rule()
    def spurious_resume(self) -> None:
        self.feed(self.sched.on_resume())

    @rule(reason=st.sampled_from([None, "fullscreen", "microphone", ""]))
    def do_not_disturb(self, reason: str | None) -> None:
        self.feed(self.sched.set_do_not_disturb(reason))

    # ------------------------------------------------------------- user actions
    @rule(minutes=st.sampled_from([None, 5, 30]))
    def snooze(self, minutes: int | None) -> None:
        self.feed(self.sched.snooze(minutes))

    @rule()
    def skip(self) -> None:
        self.feed(self.sched.skip())

    @rule(minutes=st.sampled_from([None, 1, 30]), tomorrow=st.booleans())
    def pause(self, minutes: int | None, tomorrow: bool) -> None:
        self.feed(self.sched.pause(minutes, until_tomorrow=tomorrow))

    @rule()
    def resume(self) -> None:
        self.feed(self.sched.resume())

    @rule(standing=st.booleans())
    def standing(self, standing: bool) -> None:
        self.feed(self.sched.set_standing(standing))

    @rule()
    def break_now(self) -> None:
        self.feed(self.sched.break_now())

    @precondition(lambda self: not self.in_routine)
    @rule(routine=st.sampled_from(["hip-flexor-reset", "full-hip-program"]))
    def start_routine(self, routine: str) -> None:
        self.feed(self.sched.routine_started(routine))
        self.in_routine = True
        assert self.sched.status().stage is Stage.IN_ROUTINE

    @precondition(lambda self: self.in_routine)
    @rule(completed=st.booleans(), done=st.floats(min_value=0, max_value=900))
    def finish_routine(self, completed: bool, done: float) -> None:
        routine = self.sched.status().routine_id or "hip-flexor-reset"
        self.feed(self.sched.routine_finished(routine, completed, done, 3))
        self.in_routine = False
        self.last_input = self.clock.monotonic()
        assert self.sched.status().stage is not Stage.IN_ROUTINE

    @rule(
        interval=st.sampled_from([10, 45, 240]),
        natural=st.sampled_from([1, 5, 60]),
        hours=st.booleans(),
        daily=st.booleans(),
    )
    def change_settings(self, interval: int, natural: int, hours: bool, daily: bool) -> None:
        new = self.sched.settings.replace(
            break_interval_minutes=interval,
            natural_break_minutes=natural,
            working_hours_enabled=hours,
            daily_session_enabled=daily,
        )
        self.feed(self.sched.apply_settings(new))
        assert self.sched.settings == new

    @precondition(lambda self: not self.in_routine)
    @rule(gap=st.sampled_from([0.0, 30.0, 3600.0]))
    def app_restarts(self, gap: float) -> None:
        self.audit.feed(self.sched.close_open_prompt("quit"), quitting=True)
        assert not self.audit.open
        state = json.loads(json.dumps(self.sched.to_state()))
        self.clock.suspend(gap)
        self.sched = BreakScheduler(self.clock, self.sched.settings, state)
        self.audit.sched = self.sched
        self.audit.returned()
        # the gap passed on the wall clock only (the app was not running); a short gap still counts as sitting
        self.audit.last_reset -= gap
        self.feed(self.sched.update())

    # ------------------------------------------------------------- invariants
    @invariant()
    def status_is_consistent(self) -> None:
        status = self.sched.status()
        assert status.sitting_seconds >= 0
        assert status.interval_seconds == self.sched.settings.break_interval_minutes * 60
        if status.stage is Stage.DUE:
            assert status.next_prompt_in_seconds == 0
        if status.next_prompt_in_seconds is not None:
            assert status.next_prompt_in_seconds >= 0

    @invariant()
    def idle_poll_delay_is_sane(self) -> None:
        for idle in (0.0, 30.0, 10**6):
            delay = self.sched.idle_poll_delay(idle)
            # present: never later than a natural break could begin; away: at most the backoff cap
            assert 1.0 <= delay <= max(self.sched.settings.natural_break_minutes * 60, AWAY_POLL_MAX_SECONDS)

    def teardown(self) -> None:
        if hasattr(self, "audit"):
            self.audit.finish()


TestSchedulerMachine = SchedulerMachine.TestCase
TestSchedulerMachine.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
