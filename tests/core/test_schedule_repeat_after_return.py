"""An open prompt is not repeated in the quiet time after a return (found by the Hypothesis state machine)."""

from __future__ import annotations

from desktop_app.core import events as ev
from desktop_app.core.schedule import BreakScheduler
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock


def test_no_repeat_right_after_coming_back() -> None:
    clock = FakeClock()
    sched = BreakScheduler(clock, Settings().replace(break_interval_minutes=10, natural_break_minutes=1,
                                                     reprompt_minutes=1))
    sched.pause()
    sched.set_locked(True)
    clock.suspend(60.0)
    sched.update()
    assert [e.kind for e in sched.break_now()].count(ev.PROMPT_SHOWN) == 1
    deadline = sched.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline)
    sched.update()
    back = sched.set_locked(False)
    assert ev.PROMPT_SHOWN not in [e.kind for e in back], "the first thing after a return is not a prompt"
    deadline = sched.next_deadline()
    assert deadline is not None and deadline >= clock.monotonic() + 60.0 - 1e-3  # the grace after a return
    clock.advance_to(deadline)
    assert [e.data["reason"] for e in sched.update() if e.kind == ev.PROMPT_SHOWN] == ["repeat"]
