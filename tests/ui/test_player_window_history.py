"""A whole built-in routine played in the window with a fast (fake) clock, wired to the real
BreakScheduler and the real SQLite history the way the controller wires them: the
events land in history and the core's sitting time resets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core import events as ev
from desktop_app.core.routine import builtin_routines_dir, load_routine
from desktop_app.core.schedule import BreakScheduler, Stage
from desktop_app.core.settings import Settings
from desktop_app.storage.history import open_history
from desktop_app.ui.player_window import PlayerWindow
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.qt_log_ignore("qt.multimedia", "PulseAudioService", "pipewire")


def wire(window: PlayerWindow, scheduler: BreakScheduler, history: object) -> list[tuple]:
    """What the controller does with the signal: tell the core, write what it returns."""
    calls: list[tuple] = []

    def on_finished(routine_id: str, completed: bool, seconds: float, exercises: int) -> None:
        calls.append((routine_id, completed, seconds, exercises))
        history.append(scheduler.routine_finished(routine_id, completed, seconds, exercises))  # type: ignore[attr-defined]

    window.routine_finished.connect(on_finished)
    return calls


def play_all(window: PlayerWindow, clock: FakeClock) -> None:
    while window.player.state == "playing":
        deadline = window.player.next_deadline()
        assert deadline is not None
        clock.advance_to(deadline + 0.02)
        window.tick()


def test_completed_routine_is_recorded_and_resets_sitting(qtbot: object, clock: FakeClock,
                                                          tmp_path: Path) -> None:
    settings = Settings()
    history = open_history(tmp_path / "history.sqlite3").store
    scheduler = BreakScheduler(clock, settings)
    history.append(scheduler.update())
    clock.minutes(45)
    history.append(scheduler.update())
    assert scheduler.status().sitting_seconds == pytest.approx(45 * 60, abs=1)

    routine = load_routine(builtin_routines_dir() / "hip-flexor-reset.json", builtin=True)
    window = PlayerWindow(routine, settings, clock)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    calls = wire(window, scheduler, history)
    history.append(scheduler.routine_started(routine.id))
    assert scheduler.status().stage == Stage.IN_ROUTINE
    window.show()
    play_all(window, clock)

    planned = routine.estimated_seconds(settings.prep_seconds, settings.switch_seconds)
    assert calls == [(routine.id, True, pytest.approx(planned, abs=0.01), len(routine.exercises))]
    assert scheduler.status().stage == Stage.WORKING
    assert scheduler.status().sitting_seconds == pytest.approx(0, abs=1)
    kinds = [e.kind for e in history.events()]
    assert kinds.index(ev.ROUTINE_STARTED) < kinds.index(ev.ROUTINE_COMPLETED)
    done = history.events(kinds=[ev.ROUTINE_COMPLETED])
    assert len(done) == 1
    assert done[0].data["routine_id"] == routine.id
    assert done[0].data["seconds"] == pytest.approx(planned, abs=0.01)
    assert done[0].data["exercises"] == len(routine.exercises)
    window.close()
    assert len(history.events(kinds=[ev.ROUTINE_COMPLETED, ev.ROUTINE_ABANDONED])) == 1
    history.close()


def test_early_close_is_recorded_as_abandoned(qtbot: object, clock: FakeClock, tmp_path: Path) -> None:
    settings = Settings()
    history = open_history(tmp_path / "history.sqlite3").store
    scheduler = BreakScheduler(clock, settings)
    history.append(scheduler.update())
    clock.minutes(30)
    routine = load_routine(builtin_routines_dir() / "hip-flexor-reset.json", builtin=True)
    window = PlayerWindow(routine, settings, clock)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    wire(window, scheduler, history)
    history.append(scheduler.routine_started(routine.id))
    window.show()
    clock.advance(20)
    window.tick()
    window.close()
    abandoned = history.events(kinds=[ev.ROUTINE_ABANDONED])
    assert len(abandoned) == 1
    assert abandoned[0].data["seconds_done"] == pytest.approx(20, abs=0.01)
    # 20 s is under early_close_break_seconds (60): not a break, sitting time goes on.
    assert abandoned[0].data["counted_as_break"] is False
    assert scheduler.status().sitting_seconds > 29 * 60
    history.close()
