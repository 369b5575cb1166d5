"""The caution and "feel it" lines in the player: always shown in full, at every size and language.

The review found the caution cut off at the player's small size, where it was the
last line of the scrolling instructions. These walk every segment of the three
built-in routines at the default and the smallest window size, in every language
the routines are written in, and check the cue label's geometry as laid out.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.core.routine import Routine, builtin_routines_dir, load_routines
from desktop_app.core.settings import Settings
from desktop_app.ui.player_window import DEFAULT_SIZE, MIN_SIZE, PlayerWindow
from tests.support.fakeclock import FakeClock

pytestmark = pytest.mark.qt_log_ignore("qt.multimedia", "PulseAudioService", "pipewire", "propagateSizeHints")

THE_THREE = ("hip-flexor-reset", "desk-break", "full-hip-program")
SETTINGS = Settings().replace(sound_enabled=False, voice_enabled=False)


@pytest.fixture(scope="module")
def routines() -> dict[str, Routine]:
    loaded = load_routines([(builtin_routines_dir(), True)]).routines
    return {rid: loaded[rid] for rid in THE_THREE}


def top(widget: QWidget, window: QWidget) -> int:
    return widget.mapTo(window, QPoint(0, 0)).y()


@pytest.mark.parametrize("lang", ["en", "de", "es", "fr"])
def test_caution_and_feel_it_are_never_clipped(qtbot: object, clock: FakeClock, routines: dict[str, Routine],
                                               lang: str) -> None:
    for routine in routines.values():
        win = PlayerWindow(routine, SETTINGS, clock, lang=lang)
        qtbot.addWidget(win)  # type: ignore[attr-defined]
        win.show()
        for size in (MIN_SIZE, DEFAULT_SIZE):
            win.resize(size)
            for index, segment in enumerate(win.player.segments):
                win.player.index = index
                win._refresh(full=True)  # show this segment without running the clock
                QApplication.processEvents()
                where = f"{lang} {routine.id} segment {index} at {size.width()}x{size.height()}"
                assert win.size() == size, where
                cue = win.cue_label
                assert cue.isVisible(), where
                text = cue.text()
                assert segment.safety and segment.safety in text, where
                assert segment.feel_it and segment.feel_it in text, where
                # every line of it is laid out: the label is as tall as its wrapped text needs
                assert cue.height() >= cue.heightForWidth(cue.width()), where
                # and nothing sits on top of it: below the figure and the ring, above the instructions
                media_bottom = max(top(w, win) + w.height() for w in (win.figure, win.ring))
                assert top(cue, win) >= media_bottom, where
                assert top(cue, win) + cue.height() <= top(win.instructions_scroll, win), where
                assert top(cue, win) + cue.height() <= top(win.safety_label, win), where
                # the figure stays a figure
                assert win.figure.height() >= 88 and win.figure.width() >= 120, where
        win.close()
        win.compact.close()


def test_the_instructions_no_longer_carry_the_caution(qtbot: object, clock: FakeClock,
                                                       routines: dict[str, Routine]) -> None:
    win = PlayerWindow(routines["hip-flexor-reset"], SETTINGS, clock, lang="en")
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    segment = win.player.segments[0]
    assert segment.safety is not None
    assert segment.safety not in win.instructions_label.text()
    assert win.cue_label.text().startswith("Feel it: ")
    win.close()
    win.compact.close()


def test_floor_routines_show_how_to_get_down_and_up(qtbot: object, clock: FakeClock,
                                                     routines: dict[str, Routine]) -> None:
    shown = {}
    for routine_id in ("hip-flexor-reset", "desk-break"):
        win = PlayerWindow(routines[routine_id], SETTINGS, clock, lang="de")
        qtbot.addWidget(win)  # type: ignore[attr-defined]
        shown[routine_id] = win.safety_label.text()
        win.close()
        win.compact.close()
    assert "Vierfüßlerstand" in shown["hip-flexor-reset"]
    assert "Fachperson" in shown["desk-break"] and "Vierfüßlerstand" not in shown["desk-break"]
