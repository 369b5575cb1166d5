"""The driver and the natural-pause rule: idle is read while a prompt waits, and only then with push watches."""

from __future__ import annotations

from typing import Any

from desktop_app.core import events as ev
from desktop_app.core.schedule import BreakScheduler
from desktop_app.core.settings import Settings
from desktop_app.ui.driver import CoreDriver
from tests.support.app_parts import FakeDnd, FakeIdle, ScaledFakeClock
from tests.support.fakeclock import FakeClock


class PushIdle(FakeIdle):
    """A push backend (like Mutter's watches) that can also be asked for the idle time."""

    supports_push = True

    def start_watch(self, threshold: float, on_idle: Any, on_active: Any) -> None:
        self.threshold = threshold


def _run(clock: Any, idle: FakeIdle, settings: Settings | None = None) -> tuple[CoreDriver, BreakScheduler,
                                                                                list[str]]:
    """A driver with a do-not-disturb source that never objects: it is still asked as a prompt falls due,
    and that call runs due work, so the idle reading must already be in (found by tests/e2e/test_lull_e2e)."""
    scheduler = BreakScheduler(clock, settings or Settings(break_interval_minutes=10))
    seen: list[str] = []
    driver = CoreDriver(scheduler, clock, idle, FakeDnd(None), lambda events: seen.extend(
        f"{e.kind}:{e.data.get('reason')}" for e in events))
    driver.start()
    return driver, scheduler, seen


def _to_next_wake(clock: FakeClock, driver: CoreDriver) -> None:
    assert driver.armed_ms is not None
    clock.advance(driver.armed_ms / 1000)
    driver.wake()


def test_polling_a_due_prompt_waits_for_the_pause_then_shows(qapp: Any, clock: FakeClock) -> None:
    idle = FakeIdle(idle=0.0)  # typing
    driver, scheduler, seen = _run(clock, idle)
    for _i in range(50):
        if scheduler.status().stage.value == "due":
            break
        _to_next_wake(clock, driver)
    assert f"{ev.PROMPT_DEFERRED}:busy" in seen
    assert scheduler.waiting_for_lull()
    assert driver.armed_for == "core" and driver.armed_ms == 3000  # when 3 s without input would be complete
    _to_next_wake(clock, driver)
    assert scheduler.waiting_for_lull()  # still typing at that moment
    idle.idle = 3.0  # the person stopped for 3 s
    _to_next_wake(clock, driver)
    assert f"{ev.PROMPT_SHOWN}:lull" in seen
    assert not scheduler.waiting_for_lull()


def test_push_watches_read_idle_only_as_a_prompt_falls_due_and_while_it_waits(qapp: Any, clock: FakeClock
                                                                              ) -> None:
    idle = PushIdle(idle=0.0)
    driver, scheduler, seen = _run(clock, idle)
    assert idle.reads == 0, "with push watches nothing is polled while the app sits in the tray"
    assert driver.armed_for == "core"
    _to_next_wake(clock, driver)  # the hourly deadline
    assert idle.reads == 1
    assert scheduler.waiting_for_lull()
    reads = idle.reads
    _to_next_wake(clock, driver)
    assert idle.reads == reads + 1
    idle.idle = 4.0
    _to_next_wake(clock, driver)
    assert f"{ev.PROMPT_SHOWN}:lull" in seen
    reads = idle.reads
    driver.deliver(scheduler.skip())
    assert idle.reads == reads, "no reading once nothing waits"


def test_in_demo_the_pause_is_three_real_seconds(qapp: Any, clock: FakeClock) -> None:
    scaled = ScaledFakeClock(clock, 60.0)
    idle = FakeIdle(idle=0.0)
    driver, scheduler, seen = _run(scaled, idle, Settings(break_interval_minutes=10))
    for _i in range(50):
        if scheduler.waiting_for_lull() or scheduler.status().stage.value == "due":
            break
        assert driver.armed_ms is not None
        clock.advance(driver.armed_ms / 1000)
        driver.wake()
    assert scheduler.waiting_for_lull(), "the prompt should wait while typing"
    assert driver.armed_ms == 3000  # real milliseconds, though the schedule runs 60x
    idle.idle = 2.0
    clock.advance(2.0)
    driver.wake()
    assert scheduler.waiting_for_lull()
    idle.idle = 3.0
    clock.advance(1.0)
    driver.wake()
    assert f"{ev.PROMPT_SHOWN}:lull" in seen


class PushLullIdle(PushIdle):
    """A push backend that can also watch for the pause itself (Mutter: a second idle watch)."""

    def __init__(self, idle: float = 0.0) -> None:
        super().__init__(idle)
        self.lull_watch: tuple[float, Any] | None = None
        self.lull_calls: list[str] = []

    def start_lull_watch(self, seconds: float, on_lull: Any) -> None:
        self.lull_calls.append(f"start {seconds}")
        self.lull_watch = (seconds, on_lull)

    def stop_lull_watch(self) -> None:
        self.lull_calls.append("stop")
        self.lull_watch = None


def test_a_push_pause_watch_replaces_readings_while_a_prompt_waits(qapp: Any, clock: FakeClock) -> None:
    idle = PushLullIdle(idle=0.0)
    driver, scheduler, seen = _run(clock, idle)
    assert idle.lull_calls == [] and idle.reads == 0
    _to_next_wake(clock, driver)  # the hourly deadline: one reading says "typing"
    assert scheduler.waiting_for_lull()
    assert idle.lull_calls == ["start 3.0"], "the pause watch is set as the wait begins"
    reads = idle.reads
    # no wake for "a pause would be complete": only the longest wait is a deadline
    assert driver.armed_for == "core" and driver.armed_ms == 5 * 60 * 1000
    assert idle.reads == reads
    assert idle.lull_watch is not None
    idle.lull_watch[1](3.02)  # Mutter: idle reached 3 s
    assert f"{ev.PROMPT_SHOWN}:lull" in seen
    assert idle.lull_calls == ["start 3.0", "stop"], "removed once nothing waits"
    assert idle.reads == reads, "no polling while it waited"


def test_a_pushed_pause_asks_do_not_disturb_before_the_prompt_shows(qapp: Any, clock: FakeClock) -> None:
    """Fullscreen began while the prompt waited for a pause (a video started: no more typing).

    The pause watch then fires; the prompt must be held for the fullscreen window,
    not shown over it: do-not-disturb is asked before the reading runs due work.
    """
    idle = PushLullIdle(idle=0.0)
    dnd = FakeDnd(None)
    scheduler = BreakScheduler(clock, Settings(break_interval_minutes=10))
    seen: list[str] = []
    driver = CoreDriver(scheduler, clock, idle, dnd, lambda events: seen.extend(
        f"{e.kind}:{e.data.get('reason')}" for e in events))
    driver.start()
    _to_next_wake(clock, driver)  # the hourly deadline, typing: it waits for a pause
    assert scheduler.waiting_for_lull() and idle.lull_watch is not None
    dnd.value = "a fullscreen window is active"
    clock.advance(3.02)
    idle.lull_watch[1](3.02)  # Mutter: idle reached 3 s
    assert f"{ev.PROMPT_SHOWN}:lull" not in seen, "the prompt was shown over a fullscreen window"
    assert seen == [f"{ev.PROMPT_DEFERRED}:busy", f"{ev.PROMPT_DEFERRED}:a fullscreen window is active"]
    assert scheduler.status().deferred_reason == "a fullscreen window is active"
    assert idle.lull_calls == ["start 3.0", "stop"], "nothing waits for a pause any more"
    dnd.value = None
    _to_next_wake(clock, driver)  # the do-not-disturb re-check
    assert seen[-1] == f"{ev.PROMPT_SHOWN}:deferred_end"
