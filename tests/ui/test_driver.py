"""The driver: one single-shot timer at the core's next deadline, adaptive idle polls, scaled time."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.events import Event
from desktop_app.core.schedule import BreakScheduler
from desktop_app.core.settings import Settings
from desktop_app.ui.driver import MAX_SLEEP_SECONDS, CoreDriver
from tests.support.app_parts import FakeDnd, FakeIdle, ScaledFakeClock
from tests.support.fakeclock import FakeClock


class _Sink:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, events: list[Event]) -> None:
        self.events += events

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]


def _driver(clock: Any, idle: Any = None, dnd: Any = None, settings: Settings | None = None
            ) -> tuple[CoreDriver, BreakScheduler, _Sink]:
    scheduler = BreakScheduler(clock, settings or Settings())
    sink = _Sink()
    driver = CoreDriver(scheduler, clock, idle, dnd, sink)
    return driver, scheduler, sink


def test_timer_is_armed_at_the_core_deadline(qapp: Any, clock: FakeClock) -> None:
    driver, scheduler, _sink = _driver(clock, settings=Settings(break_interval_minutes=10))
    driver.start()
    deadline = scheduler.next_deadline()
    assert deadline is not None
    assert driver.is_active()
    assert driver.armed_for == "core"
    assert driver.armed_ms == round((deadline - clock.monotonic()) * 1000) == 10 * 60 * 1000
    clock.minutes(4)
    driver.wake()
    assert driver.armed_ms == 6 * 60 * 1000


def test_long_sleeps_are_capped(qapp: Any, clock: FakeClock) -> None:
    driver, _scheduler, _sink = _driver(clock, settings=Settings(break_interval_minutes=240))
    driver.start()
    assert driver.armed_ms == round(MAX_SLEEP_SECONDS * 1000)


def test_rearmed_after_an_action_at_the_new_deadline(qapp: Any, clock: FakeClock) -> None:
    driver, scheduler, _sink = _driver(clock, settings=Settings(break_interval_minutes=10))
    driver.start()
    assert driver.armed_ms == 10 * 60 * 1000
    clock.minutes(10)
    driver.wake()
    assert scheduler.status().stage.value == "due"
    driver.deliver(scheduler.snooze(5))
    assert driver.armed_for == "core"
    assert driver.armed_ms == 5 * 60 * 1000


def test_no_timer_when_nothing_is_pending(qapp: Any, clock: FakeClock) -> None:
    driver, scheduler, _sink = _driver(clock)
    driver.start()
    driver.deliver(scheduler.routine_started("hip-flexor-reset"))
    assert scheduler.next_deadline() is None
    assert not driver.is_active()
    assert driver.armed_for is None


def test_idle_polls_follow_the_adaptive_rule(qapp: Any, clock: FakeClock) -> None:
    idle = FakeIdle(idle=0.0)
    driver, _scheduler, _sink = _driver(clock, idle=idle)
    driver.start()
    assert idle.reads == 1
    assert driver.armed_for == "idle"
    assert driver.armed_ms == 5 * 60 * 1000  # natural break 5 min, idle 0: nothing can happen sooner
    clock.minutes(10)
    idle.idle = 180.0
    driver.wake()
    assert driver.armed_ms == 2 * 60 * 1000  # T - idle


def test_idle_becomes_a_natural_break(qapp: Any, clock: FakeClock) -> None:
    idle = FakeIdle(idle=0.0)
    driver, scheduler, sink = _driver(clock, idle=idle)
    driver.start()
    clock.minutes(20)
    idle.idle = 6 * 60.0
    driver.wake()
    assert scheduler.status().stage.value == "away"
    assert "away_started" in sink.kinds()


def test_demo_scale_divides_deadlines_and_multiplies_idle(qapp: Any, clock: FakeClock) -> None:
    scaled = ScaledFakeClock(clock, 60.0)
    idle = FakeIdle(idle=0.0)
    driver, scheduler, _sink = _driver(scaled, idle=idle)
    driver.start()
    assert driver.factor == 60.0
    assert driver.armed_ms == 5 * 1000  # a 5-minute idle poll is 5 real seconds
    clock.advance(30)  # 30 real seconds = 30 simulated minutes
    idle.idle = 5.5  # 5.5 real seconds without input = 5.5 simulated minutes: a natural break
    driver.wake()
    assert scheduler.status().stage.value == "away"


def test_demo_reaches_the_prompt_after_one_real_minute(qapp: Any, clock: FakeClock) -> None:
    scaled = ScaledFakeClock(clock, 60.0)
    driver, scheduler, sink = _driver(scaled)
    driver.start()
    assert driver.armed_ms == 60 * 1000
    clock.advance(60)
    driver.wake()
    assert scheduler.status().stage.value == "due"
    assert "prompt_shown" in sink.kinds()


def test_the_timer_really_fires(qapp: Any, clock: FakeClock, qtbot: QtBot) -> None:
    """A deadline already reached is run from the event loop, with no wake() from the test."""
    driver, scheduler, sink = _driver(clock, settings=Settings(break_interval_minutes=10))
    driver.start()
    clock.minutes(10)
    driver._rearm()  # re-plan: the deadline is now, so the timer is armed for 0 ms
    assert driver.armed_ms == 0
    qtbot.waitUntil(lambda: "prompt_shown" in sink.kinds(), timeout=2000)
    assert driver.wakeups == 1
    assert scheduler.status().stage.value == "due"


def test_dnd_is_not_asked_while_nothing_is_due(qapp: Any, clock: FakeClock) -> None:
    dnd = FakeDnd("a call")
    driver, scheduler, _sink = _driver(clock, dnd=dnd, settings=Settings(break_interval_minutes=10))
    driver.start()
    clock.minutes(9)
    driver.wake()
    assert dnd.calls == 0
    clock.minutes(1)
    driver.wake()
    assert dnd.calls == 1
    assert scheduler.status().deferred_reason == "a call"


def test_push_backend_needs_no_polling(qapp: Any, clock: FakeClock) -> None:
    class PushIdle(FakeIdle):
        supports_push = True

        def start_watch(self, threshold: float, on_idle: Any, on_active: Any) -> None:
            self.threshold, self.on_idle, self.on_active = threshold, on_idle, on_active

    idle = PushIdle()
    driver, scheduler, _sink = _driver(clock, idle=idle)
    driver.start()
    assert idle.threshold == 5 * 60
    assert idle.reads == 0
    assert driver.armed_for == "core"
    clock.minutes(10)
    idle.on_idle(300.0)
    assert scheduler.status().stage.value == "away"
    clock.minutes(1)
    idle.on_active()
    assert scheduler.status().stage.value == "working"


@pytest.mark.parametrize("failing", [True])
def test_an_idle_monitor_that_fails_is_retried_rarely(qapp: Any, clock: FakeClock, failing: bool) -> None:
    class Broken(FakeIdle):
        def idle_seconds(self) -> float:
            raise RuntimeError("no display")

    driver, scheduler, _sink = _driver(clock, idle=Broken())
    driver.start()
    assert driver.armed_for == "retry"
    assert driver.armed_ms == 5 * 60 * 1000
    assert scheduler.status().stage.value == "working"
