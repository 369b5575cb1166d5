"""Do not disturb through the controller and the driver, with an idle monitor that is polled.

Why these exist beside the e2e test: the e2e run found the prompt shown over
a fullscreen window. With a polling idle backend (X11, the common Linux
case) the driver used to read idle time *before* asking the do-not-disturb
sources, and ``on_idle`` runs due work, so the prompt that came due was
offered before its do-not-disturb reading. Here the same path runs on a
FakeClock, so the order of calls is the only thing that decides the outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop_app.core import events as ev
from desktop_app.core.settings import Settings
from desktop_app.platform.paths import AppPaths
from desktop_app.storage.history import open_history
from desktop_app.ui.bridge import AppBridge
from tests.support.app_parts import (
    FakeDnd,
    FakeIdle,
    RecordingNotifier,
    close_controller,
    make_controller,
)
from tests.support.fakeclock import FakeClock

FULLSCREEN = "a fullscreen window is active"


class SlowIdle(FakeIdle):
    """An idle monitor whose reading takes ``cost`` seconds of (fake) time, like a real X round trip."""

    def __init__(self, clock: FakeClock, cost: float) -> None:
        super().__init__(0.0)
        self._clock = clock
        self._cost = cost

    def idle_seconds(self) -> float:
        self._clock.advance(self._cost)
        return super().idle_seconds()


@pytest.fixture
def dnd() -> FakeDnd:
    return FakeDnd(FULLSCREEN)


def _controller(clock: FakeClock, paths: AppPaths, dnd: FakeDnd, notifier: RecordingNotifier,
                idle: Any = None, **settings: Any) -> AppBridge:
    controller = make_controller(clock, paths, idle=idle if idle is not None else FakeIdle(0.0), dnd=dnd,
                                 notifier=notifier, settings=Settings().replace(**settings))
    controller.start()
    return controller


@pytest.fixture
def ctl(qapp: Any, clock: FakeClock, paths: AppPaths, dnd: FakeDnd,
        notifier: RecordingNotifier) -> Iterator[AppBridge]:
    controller = _controller(clock, paths, dnd, notifier)
    yield controller
    close_controller(controller)


def _history(paths: AppPaths) -> list[tuple[str, dict[str, Any]]]:
    opened = open_history(paths.history_file)
    try:
        return [(e.kind, dict(e.data)) for e in opened.store.events()
                if e.kind in (ev.PROMPT_SHOWN, ev.PROMPT_DEFERRED, ev.PROMPT_QUIET)]
    finally:
        opened.store.close()


def _fire(controller: AppBridge, clock: FakeClock) -> None:
    """What the driver's single-shot timer does: move to its deadline, then wake."""
    deadline = controller.scheduler.next_deadline()
    assert deadline is not None, "nothing pending: the driver would not wake"
    clock.advance_to(deadline)
    controller.driver.wake()


def _fire_until_due(controller: AppBridge, clock: FakeClock) -> None:
    for _ in range(20):
        if controller.status().stage.value == "due":
            return
        _fire(controller, clock)
    pytest.fail("the prompt never came due")


def test_a_prompt_that_comes_due_under_fullscreen_is_held(ctl: AppBridge, clock: FakeClock, dnd: FakeDnd,
                                                          notifier: RecordingNotifier, paths: AppPaths) -> None:
    _fire_until_due(ctl, clock)
    status = ctl.handle_command("status", {})
    assert status["deferred_reason"] == FULLSCREEN
    assert status["prompt_visible"] is False
    assert notifier.sent == []
    assert _history(paths) == [(ev.PROMPT_DEFERRED, {"reason": FULLSCREEN, "kind": "hourly"})]
    # held: the driver re-checks soon, not at the next interval
    assert ctl.driver.armed_for == "core"
    assert ctl.driver.armed_ms is not None and ctl.driver.armed_ms <= 30_000
    # fullscreen ends: the next wake shows it
    dnd.value = None
    _fire(ctl, clock)
    status = ctl.handle_command("status", {})
    assert status["prompt_visible"] is True and status["deferred_reason"] is None
    assert [(t, q) for t, _b, q in notifier.sent] == [("Time for a break", False)]
    kinds = [(kind, data.get("reason")) for kind, data in _history(paths)]
    assert kinds == [(ev.PROMPT_DEFERRED, FULLSCREEN), (ev.PROMPT_SHOWN, "deferred_end")]


def test_a_slow_idle_reading_at_the_due_time_does_not_slip_the_prompt_past_dnd(
        qapp: Any, clock: FakeClock, paths: AppPaths, dnd: FakeDnd, notifier: RecordingNotifier) -> None:
    """The timer fires a hair before the due time (Qt rounds to whole ms); the idle reading takes
    a moment; by the time the core runs, the prompt is due. It must still see do-not-disturb."""
    controller = _controller(clock, paths, dnd, notifier, idle=SlowIdle(clock, 0.002))
    try:
        deadline = controller.scheduler.next_deadline()  # the prompt: nothing else is planned
        assert deadline is not None
        clock.advance_to(deadline - 0.001)  # 1 ms early
        controller.driver.wake()
        assert controller.status().stage.value == "due"
        assert controller.handle_command("status", {})["prompt_visible"] is False
        assert notifier.sent == []
        assert [kind for kind, _data in _history(paths)] == [ev.PROMPT_DEFERRED]
    finally:
        close_controller(controller)


def test_held_past_max_defer_sends_one_quiet_notification(qapp: Any, clock: FakeClock, paths: AppPaths,
                                                          dnd: FakeDnd, notifier: RecordingNotifier) -> None:
    controller = _controller(clock, paths, dnd, notifier, max_defer_minutes=5)
    try:
        _fire_until_due(controller, clock)
        for _ in range(40):  # re-checks every 30 s while held; 5 minutes is ten of them
            if controller.status().stage.value != "due":
                break
            _fire(controller, clock)
        status = controller.handle_command("status", {})
        assert status["state"] == "working"
        assert status["prompt_visible"] is False
        assert len(notifier.sent) == 1
        title, body, quiet = notifier.sent[0]
        assert quiet is True and title == "Time for a break" and body.startswith("A break was due")
        history = _history(paths)
        assert [kind for kind, _data in history] == [ev.PROMPT_DEFERRED, ev.PROMPT_QUIET]
        assert history[1][1]["reason"] == FULLSCREEN
    finally:
        close_controller(controller)



def test_held_for_a_pause_then_for_fullscreen_logs_one_deferral_per_reason_not_per_poll(
        qapp: Any, clock: FakeClock, paths: AppPaths, notifier: RecordingNotifier) -> None:
    """A prompt that falls due mid-typing waits for a pause (``busy``); fullscreen then holds it.

    The history says each reason once, when the wait changed (docs/scheduling.md,
    "Events written"); the driver's wakes while it stays held add nothing.
    Do-not-disturb is asked when the prompt could show: here at the longest wait.
    """
    dnd = FakeDnd(None)
    controller = _controller(clock, paths, dnd, notifier)  # FakeIdle(0.0): typing at every reading
    try:
        _fire_until_due(controller, clock)
        due_at = clock.monotonic()
        assert controller.scheduler.waiting_for_lull()
        dnd.value = FULLSCREEN  # a video goes fullscreen while the person keeps typing
        longest = Settings().lull_max_wait_minutes * 60.0
        while clock.monotonic() < due_at + longest + 5 * 60.0:  # the driver wakes every 3 s, then every 30 s
            _fire(controller, clock)
        status = controller.handle_command("status", {})
        assert status["state"] == "due"
        assert status["deferred_reason"] == FULLSCREEN and status["prompt_visible"] is False
        assert notifier.sent == []
        history = _history(paths)
        assert [(k, d["reason"]) for k, d in history] == [
            (ev.PROMPT_DEFERRED, "busy"), (ev.PROMPT_DEFERRED, FULLSCREEN)]
        dnd.value = None  # fullscreen ends while the person still types: it shows at once
        _fire(controller, clock)
        assert controller.handle_command("status", {})["prompt_visible"] is True
        assert [(k, d["reason"]) for k, d in _history(paths)] == [
            (ev.PROMPT_DEFERRED, "busy"), (ev.PROMPT_DEFERRED, FULLSCREEN), (ev.PROMPT_SHOWN, "deferred_end")]
    finally:
        close_controller(controller)
