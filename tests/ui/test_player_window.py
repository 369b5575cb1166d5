"""PlayerWindow on the real RoutinePlayer, offscreen, with time driven by FakeClock.

The window's timers are real QTimers, but tests never wait for them: they move
the fake clock and call the window's tick slot, exactly what the timer would do.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.core.localized import LocalizedText
from desktop_app.core.player import FINISHED, PAUSED, PLAYING, SegmentKind
from desktop_app.core.routine import Exercise, Routine, Step
from desktop_app.core.settings import Settings
from desktop_app.ui.player_window import PlayerWindow
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.qt_log_ignore("qt.multimedia", "PulseAudioService", "pipewire")

L = LocalizedText.of


def make_routine() -> Routine:
    """A sided 6 s hold, 4 reps at a 2.5 s tempo, and a 5 s hold: 39 s with 3 s prep/switch."""
    lunge = Exercise(
        id="lunge", title=L("Kneeling lunge stretch"),
        instructions=(L("Kneel on one knee, the other foot flat in front."), L("Lean forward gently.")),
        steps=(Step("hold", 6, None, None, sided=True),), pose="kneeling-lunge",
        safety=L("Pad the kneeling knee."),
        side_labels=(L("Left leg forward"), L("Right leg forward")),
    )
    bridge = Exercise(id="bridge", title=L("Glute bridge"), instructions=(L("Lift the hips."),),
                      steps=(Step("reps", None, 4, 2.5),), pose="glute-bridge")
    squat = Exercise(id="squat", title=L("Deep squat"), instructions=(L("Sit low, heels down."),),
                     steps=(Step("hold", 5, None, None),), pose="deep-squat")
    return Routine(id="test-routine", title=L("Test routine"), summary=L("For tests."), position="floor",
                   exercises=(lunge, bridge, squat))


SETTINGS = Settings().replace(prep_seconds=3, switch_seconds=3, sound_enabled=True)

#: (status line, title) for each segment, in order.
EXPECTED = [
    ("Get ready · Left leg forward", "Kneeling lunge stretch"),
    ("Hold · Left leg forward", "Kneeling lunge stretch"),
    ("Switch sides · next: Right leg forward", "Kneeling lunge stretch"),
    ("Hold · Right leg forward", "Kneeling lunge stretch"),
    ("Get ready", "Glute bridge"),
    ("Reps", "Glute bridge"),
    ("Get ready", "Deep squat"),
    ("Hold", "Deep squat"),
]
TOTAL = 3 + 6 + 3 + 6 + 3 + 10 + 3 + 5


class Finished:
    def __init__(self, window: PlayerWindow) -> None:
        self.calls: list[tuple[str, bool, float, int]] = []
        window.routine_finished.connect(lambda *args: self.calls.append(tuple(args)))  # type: ignore[arg-type]


@pytest.fixture
def window(qtbot: object, clock: FakeClock) -> Iterator[PlayerWindow]:
    win = PlayerWindow(make_routine(), SETTINGS, clock)
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    cues: list[str] = []
    win.sound.play = lambda cue: cues.append(cue) or True  # type: ignore[method-assign]
    win.cues = cues  # type: ignore[attr-defined]
    yield win
    win.compact.close()


def step_to_next_segment(win: PlayerWindow, clock: FakeClock, late: float = 0.0) -> None:
    deadline = win.player.next_deadline()
    assert deadline is not None
    clock.advance_to(deadline + late)
    win.tick()


def test_starts_when_first_shown_not_before(window: PlayerWindow) -> None:
    assert window.player.state == "ready"
    assert window.active_timers() == []
    window.show()
    assert window.player.state == PLAYING
    assert window.ring.text == "3"
    assert window.status_label.text() == EXPECTED[0][0]


def test_segment_order_titles_and_side_labels(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    seen = [(window.status_label.text(), window.title_label.text())]
    while window.player.state == PLAYING:
        step_to_next_segment(window, clock)
        if window.player.state == PLAYING:
            seen.append((window.status_label.text(), window.title_label.text()))
    assert seen == EXPECTED


def test_next_line_and_overall_progress(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    assert window.next_label.text() == "Next: Hold · Left leg forward"
    assert window.progress_label.text() == f"Exercise 1/3 · 0:{TOTAL} left"
    for _ in range(3):
        step_to_next_segment(window, clock)
    assert window.next_label.text() == "Next: Glute bridge"
    clock.advance(2.2)
    window.tick()
    assert window.progress_label.text() == "Exercise 1/3 · 0:25 left"  # 39 - 14.2 s, rounded up
    assert 0.3 < window.progress_bar.value() / 1000 < 0.5


def test_mirrored_figure_for_the_right_side(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    step_to_next_segment(window, clock)
    assert window.player.progress().segment.mirrored is False
    mirrored_left = window.figure.mirrored
    step_to_next_segment(window, clock)  # switch sides (shows the side about to be done)
    step_to_next_segment(window, clock)
    assert window.player.progress().segment.side == "right"
    assert window.figure.mirrored is True
    assert mirrored_left is False


def test_rep_counter_follows_the_tempo(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    while window.player.progress().segment.kind != SegmentKind.REPS:
        step_to_next_segment(window, clock)
    reps = [window.ring.text]
    captions = {window.ring.caption}
    while window.player.progress().segment.kind == SegmentKind.REPS:
        interval = window.ticker.timer.interval()
        clock.advance(interval / 1000)
        window.tick()
        if window.player.progress().segment.kind == SegmentKind.REPS and reps[-1] != window.ring.text:
            reps.append(window.ring.text)
    assert reps == ["1", "2", "3", "4"]
    assert captions == {"rep of 4"}


def test_countdown_label_never_skips_or_repeats(window: PlayerWindow, clock: FakeClock) -> None:
    """Late ticks (up to 0.9 s) at every wakeup: each hold still shows every number exactly once."""
    rng = random.Random(7)
    window.show()
    shown: dict[int, list[str]] = {}
    while window.player.state == PLAYING:
        index = window.player.index
        if window.player.segments[index].kind != SegmentKind.REPS:
            texts = shown.setdefault(index, [])
            if not texts or texts[-1] != window.ring.text:
                texts.append(window.ring.text)
        assert window.ticker.timer.isActive()
        clock.advance(window.ticker.timer.interval() / 1000 + rng.uniform(0, 0.9))
        window.tick()
    for index, texts in shown.items():
        seconds = int(window.player.segments[index].seconds)
        assert texts == [str(n) for n in range(seconds, 0, -1)], index


def test_pause_and_resume_are_exact(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    step_to_next_segment(window, clock)
    clock.advance(2.4)
    window.tick()
    window.toggle_pause()
    assert window.player.state == PAUSED
    assert window.pause_button.text() == "Resume"
    assert window.ring.caption == "Paused"
    assert window.active_timers() == []
    before = window.player.remaining()
    clock.advance(300)
    window.tick()
    assert window.player.remaining() == pytest.approx(before)
    assert window.ring.text == "4"
    window.toggle_pause()
    assert window.player.state == PLAYING
    assert window.player.next_deadline() == pytest.approx(clock.monotonic() + before)
    assert window.ticker.timer.isActive()


def test_skip_back_restart(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    window.skip()
    assert window.status_label.text() == EXPECTED[1][0]
    window.skip()
    assert window.status_label.text() == EXPECTED[2][0]
    window.go_back()
    assert window.status_label.text() == EXPECTED[1][0]
    assert window.ring.text == "6"
    clock.advance(4)
    window.tick()
    window.restart()
    assert window.player.index == 0
    assert window.status_label.text() == EXPECTED[0][0]
    assert window.seconds_done() == pytest.approx(4)


def test_keyboard_shortcuts(window: PlayerWindow, qtbot: object, clock: FakeClock) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # type: ignore[attr-defined]
    qtbot.keyClick(window, Qt.Key.Key_Right)  # type: ignore[attr-defined]
    assert window.player.index == 1
    qtbot.keyClick(window, Qt.Key.Key_Right)  # type: ignore[attr-defined]
    qtbot.keyClick(window, Qt.Key.Key_Left)  # type: ignore[attr-defined]
    assert window.player.index == 1
    qtbot.keyClick(window, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert window.player.state == PAUSED
    qtbot.keyClick(window, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    assert window.player.state == PLAYING
    qtbot.keyClick(window, Qt.Key.Key_R)  # type: ignore[attr-defined]
    assert window.player.index == 0
    finished = Finished(window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert not window.isVisible()
    assert [c[1] for c in finished.calls] == [False]


def test_summary_and_finished_signal_once(window: PlayerWindow, clock: FakeClock) -> None:
    finished = Finished(window)
    window.show()
    geometries: list[bytes] = []
    window.geometry_changed.connect(geometries.append)
    while window.player.state == PLAYING:
        step_to_next_segment(window, clock, late=0.05)
    assert window.player.state == FINISHED
    assert len(geometries) == 1, "geometry handed over at the end, before anyone drops the window"
    assert finished.calls == [("test-routine", True, pytest.approx(TOTAL), 3)]
    assert window.pages.currentIndex() == 1
    summary = window.summary_label.text()
    assert "Time spent: 39 s" in summary
    assert "Exercises done: 3 of 3" in summary
    assert window.active_timers() == []
    assert not window.restart_button.isEnabled()
    window.restart()  # R after the end does nothing: the routine was already reported
    window.close()
    assert len(finished.calls) == 1


def test_early_close_reports_abandoned_with_seconds_done(window: PlayerWindow, clock: FakeClock) -> None:
    finished = Finished(window)
    geometries: list[bytes] = []
    window.geometry_changed.connect(geometries.append)
    window.show()
    for _ in range(5):  # through the lunge (both sides) into the bridge's get-ready
        step_to_next_segment(window, clock)
    clock.advance(1.5)
    window.tick()
    window.toggle_pause()
    clock.advance(60)  # paused time does not count
    window.close()
    assert finished.calls == [("test-routine", False, pytest.approx(3 + 6 + 3 + 6 + 3 + 1.5), 1)]
    assert len(geometries) == 1 and isinstance(geometries[0], bytes) and len(geometries[0]) > 20
    assert window.active_timers() == []


def test_skipped_exercise_is_not_counted_done(window: PlayerWindow, clock: FakeClock) -> None:
    finished = Finished(window)
    window.show()
    for _ in range(4):
        window.skip()
    while window.player.state == PLAYING:
        step_to_next_segment(window, clock)
    assert finished.calls[0][1] is True
    assert finished.calls[0][3] == 2
    assert "Exercises done: 2 of 3" in window.summary_label.text()


def test_no_timer_runs_while_hidden_or_finished(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    assert window.active_timers(), "a playing window runs its ticker"
    step_to_next_segment(window, clock)
    clock.advance(2.0)
    window.tick()
    window.hide()
    assert window.active_timers() == []
    assert all(not t.isActive() for t in window.findChildren(QTimer))
    assert window.player.state == PAUSED
    left = window.player.remaining()
    clock.advance(120)
    window.show()
    assert window.player.state == PLAYING
    assert window.player.remaining() == pytest.approx(left)
    while window.player.state == PLAYING:
        step_to_next_segment(window, clock)
    assert window.findChildren(QTimer) and all(not t.isActive() for t in window.findChildren(QTimer))


def test_frame_timer_only_during_visible_rep_sets(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    assert not window.animation_timer.isActive()
    while window.player.progress().segment.kind != SegmentKind.REPS:
        step_to_next_segment(window, clock)
    assert window.animation_timer.isActive()
    window.enter_compact()
    assert not window.animation_timer.isActive()
    assert window.ticker.timer.isActive()
    window.leave_compact()
    assert window.animation_timer.isActive()
    step_to_next_segment(window, clock)
    assert not window.animation_timer.isActive()


def test_a_rep_set_shows_key_poses_and_wakes_only_when_the_pose_changes(window: PlayerWindow,
                                                                          clock: FakeClock) -> None:
    """Follow the frame timer through the 2.5 s reps: each wake shows a new pose, at most ~3 a second,
    and over a rep the figure goes from its start position to its end position and back."""
    window.show()
    while window.player.progress().segment.kind != SegmentKind.REPS:
        step_to_next_segment(window, clock)
    start = clock.monotonic()
    shown: list[tuple[float, float]] = []
    while window.animation_timer.isActive() and clock.monotonic() - start < 5.0:
        clock.advance(window.animation_timer.interval() / 1000.0)
        before = window.figure.phase
        window.animation_timer.timeout.emit()
        assert window.figure.phase != before  # a wake that changes nothing would be wasted
        shown.append((clock.monotonic() - start, window.figure.phase))
    two_reps = [phase for at, phase in shown if at <= 5.0]
    assert 4 <= len(two_reps) <= 2 * 3 * 2.5 + 1  # at most ~3 changes a second over two 2.5 s reps
    assert {0.0, 1.0} <= set(two_reps) and any(0.0 < phase < 1.0 for phase in two_reps)
    # the end position is reached half a rep in, and the start position again at the rep's end
    end_at = next(at for at, phase in shown if phase == 1.0)
    back_at = next(at for at, phase in shown if phase == 0.0)
    assert end_at == pytest.approx(1.25, abs=0.02) and back_at == pytest.approx(2.5, abs=0.02)


def test_the_rep_tick_shows_the_start_pose_and_the_frame_timer_moves_on(window: PlayerWindow,
                                                                         clock: FakeClock) -> None:
    """Each rep's start pose falls on the rep tick: the tick shows it, and the frame timer is re-armed
    for the pose after, so that moment costs one wakeup, not two."""
    window.show()
    while window.player.progress().segment.kind != SegmentKind.REPS:
        step_to_next_segment(window, clock)
    clock.advance(2.0)  # late in the first 2.5 s rep: the figure is on its way back
    window.animation_timer.timeout.emit()
    assert 0.0 < window.figure.phase < 1.0
    clock.advance(0.5 - 0.0005)  # the rep tick, a hair before the boundary (the ticker's slack)
    window.tick()
    assert window.figure.phase == 0.0
    # armed for the next pose, about 0.27 of the 2.5 s rep away (not for a change it has already shown)
    assert 0.6 * 1000 < window.animation_timer.interval() < 0.75 * 1000


def test_no_frame_timer_for_a_rep_set_without_a_moving_figure(qtbot: object, clock: FakeClock) -> None:
    routine = make_routine()
    still = dataclasses.replace(routine.exercises[1], pose=None)  # no pose, no picture: nothing moves
    win = PlayerWindow(Routine(id="r", title=L("R"), summary=L("S"), position="floor", exercises=(still,)),
                       SETTINGS, clock)
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    while win.player.progress().segment.kind != SegmentKind.REPS:
        step_to_next_segment(win, clock)
    assert win.ticker.timer.isActive() and not win.animation_timer.isActive()
    win.compact.close()


def test_compact_mode(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    step_to_next_segment(window, clock)
    window.enter_compact()
    assert window.compact.isVisible() and not window.isVisible()
    assert window.compact.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.player.state == PLAYING, "compact mode keeps playing"
    assert window.ticker.timer.isActive()
    clock.advance(2.5)
    window.tick()
    assert window.compact.text == "4"
    assert window.compact.label == "Left leg forward"
    window.compact.expand_requested.emit()
    assert window.isVisible() and not window.compact.isVisible()
    assert window.player.state == PLAYING


def test_stay_on_top_toggle_keeps_playing(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    window.on_top_button.setChecked(True)
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.isVisible() and window.player.state == PLAYING
    window.on_top_button.setChecked(False)
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.player.state == PLAYING


def test_away_pauses_and_resumes_exactly(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    clock.advance(1.25)
    window.tick()
    window.pause_for_away()
    assert window.player.state == PAUSED
    assert window.ring.caption == "Away: paused"
    left = window.player.remaining()
    clock.advance(600)
    window.resume_after_away()
    assert window.player.state == PLAYING
    assert window.player.remaining() == pytest.approx(left)
    # A pause the user chose is not undone by coming back.
    window.toggle_pause()
    window.pause_for_away()
    window.resume_after_away()
    assert window.player.state == PAUSED


def test_sound_cues(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    cues: list[str] = window.cues  # type: ignore[attr-defined]
    assert cues == ["chime"]  # get ready
    step_to_next_segment(window, clock)  # hold left (6 s)
    cues.clear()
    while window.player.index == 1:
        clock.advance(window.ticker.timer.interval() / 1000)
        window.tick()
    assert cues == ["tick", "tick", "tick", "switch"]
    while window.player.state == PLAYING:
        step_to_next_segment(window, clock)
    assert cues[-1] == "end"


def test_voice_guidance(qtbot: object, clock: FakeClock) -> None:
    win = PlayerWindow(make_routine(), SETTINGS.replace(voice_enabled=True), clock, voice_engine="mock")
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    spoken: list[str] = []
    win.voice.spoken.connect(spoken.append)
    win.show()
    for _ in range(3):
        step_to_next_segment(win, clock)
    assert spoken == [
        "Get ready. Kneeling lunge stretch. Left leg forward.",
        "Hold for 6 seconds.",
        "Switch sides. Right leg forward.",
        "Hold for 6 seconds.",
    ]
    win.close()


def test_geometry_is_restored(qtbot: object, clock: FakeClock) -> None:
    first = PlayerWindow(make_routine(), SETTINGS, clock)
    qtbot.addWidget(first)  # type: ignore[attr-defined]
    saved: list[bytes] = []
    first.geometry_changed.connect(saved.append)
    first.show()
    first.resize(610, 700)
    first.move(40, 30)
    first.close()
    second = PlayerWindow(make_routine(), SETTINGS, clock, geometry=saved[0])
    qtbot.addWidget(second)  # type: ignore[attr-defined]
    assert second.size() == QSize(610, 700)
    third = PlayerWindow(make_routine(), SETTINGS, clock, geometry=b"not a geometry")
    qtbot.addWidget(third)  # type: ignore[attr-defined]
    assert third.width() >= 360 and third.height() >= 420


def test_geometry_on_a_missing_screen_is_not_restored(qtbot: object, clock: FakeClock) -> None:
    """A window saved on a monitor that is gone opens centred on a screen that exists."""
    first = PlayerWindow(make_routine(), SETTINGS, clock)
    qtbot.addWidget(first)  # type: ignore[attr-defined]
    first.move(9000, 9000)
    saved = bytes(first.saveGeometry().data())
    second = PlayerWindow(make_routine(), SETTINGS, clock, geometry=saved)
    qtbot.addWidget(second)  # type: ignore[attr-defined]
    screen = QApplication.primaryScreen().availableGeometry()
    assert screen.contains(second.frameGeometry().center())


def test_is_open_covers_compact_mode(window: PlayerWindow, clock: FakeClock) -> None:
    assert not window.is_open()
    window.show()
    window.enter_compact()
    assert not window.isVisible() and window.is_open()
    window.bring_to_front()
    assert window.isVisible() and not window.compact.isVisible()
    window.close()
    assert not window.is_open()


def test_text_scales_with_the_window(window: PlayerWindow) -> None:
    window.show()
    window.resize(360, 420)
    QApplication.processEvents()
    small = window.title_label.font().pixelSize()
    window.resize(1100, 1000)
    QApplication.processEvents()
    assert window.title_label.font().pixelSize() > small * 1.8
    assert window.ring.width() > 300


def test_safety_line_always_visible(window: PlayerWindow, clock: FakeClock) -> None:
    window.show()
    line = "Stop if anything hurts. See a professional for persistent pain."
    assert window.safety_label.text() == line and window.safety_label.isVisible()
    while window.player.state == PLAYING:
        step_to_next_segment(window, clock)
    assert window.safety_label.isVisible()


def clipped(win: PlayerWindow) -> list[str]:
    """Names of the labels and controls that got less room than their text needs."""
    bad = []
    for name in ("progress_label", "title_label", "status_label", "next_label",
                 "safety_label", "pause_button", "back_button", "skip_button", "restart_button",
                 "close_button", "on_top_button", "compact_button", "about_button"):
        widget = getattr(win, name)
        if not widget.isVisible():
            continue
        need_h = widget.heightForWidth(widget.width()) if widget.hasHeightForWidth() else -1
        if need_h < 0:
            need_h = widget.minimumSizeHint().height()
        if widget.height() < need_h or widget.width() < widget.minimumSizeHint().width():
            bad.append(f"{name} {widget.width()}x{widget.height()} needs {need_h}")
    scroll = win.instructions_scroll
    lines = scroll.label.fontMetrics().lineSpacing()
    if scroll.height() < min(scroll.needed_height(), 3 * lines):
        bad.append(f"instructions get {scroll.height()} px, less than three lines")
    for name in ("figure", "ring"):
        widget = getattr(win, name)
        if widget.height() < 100 or widget.width() < 100:
            bad.append(f"{name} only {widget.width()}x{widget.height()}")
    return bad


def test_fits_the_smallest_window_with_every_builtin_exercise(qtbot: object, clock: FakeClock) -> None:
    """Every built-in exercise's texts fit the smallest supported window without clipping."""
    from desktop_app.core.routine import builtin_routines_dir, load_routines

    routines = load_routines([(builtin_routines_dir(), True)]).routines
    assert routines, "the built-in routines load"
    for routine in routines.values():
        win = PlayerWindow(routine, Settings(), clock)
        qtbot.addWidget(win)  # type: ignore[attr-defined]
        win.show()
        win.resize(360, 480)
        for _ in range(len(win.player.segments)):
            QApplication.processEvents()
            assert win.size() == QSize(360, 480)
            assert not clipped(win), (routine.id, win.player.index, clipped(win))
            win.skip()
        win.close()

