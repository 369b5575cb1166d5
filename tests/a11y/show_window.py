"""The child side of the accessibility tests: show one real window on the test's X server.

    python -m tests.a11y.show_window WINDOW [ARG]

It prints ``shown`` once the window is up, then answers commands from stdin
(one per line, each answered with ``ok``) while Qt's event loop keeps running,
so the AT-SPI bridge can answer the reader at any time. Commands:

    segment N SECONDS   player: play on to segment N, then SECONDS into it
    tick SECONDS        player: let SECONDS pass (a fake clock), ticking each whole second
    focus               print what has the keyboard focus, named as AT-SPI names it (JSON)
    geometry            print the window's frame as WxH+X+Y and whether its layout fits
    quit
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSocketNotifier
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop_app.crash_guard import immortalize_singletons

immortalize_singletons()

#: A routine of our own, so the test does not depend on the built-in texts; one sided hold of 20 s,
#: long enough to have a half to announce.
TEST_ROUTINE = {
    "format": 1,
    "id": "a11y-test",
    "title": {"en": "Accessibility check"},
    "summary": {"en": "One sided stretch for the accessibility tests."},
    "position": "floor",
    "safety_note": {"en": "Stop if anything hurts. See a professional for persistent pain."},
    "exercises": [{
        "id": "kneeling-lunge",
        "title": {"en": "Kneeling lunge"},
        "instructions": [{"en": "Kneel on one knee, the other foot flat in front."},
                         {"en": "Shift your hips gently forward."}],
        "illustration": "kneeling-lunge.svg",
        "pose": "kneeling-lunge",
        "feel_it": {"en": "Along the front of the hip of the kneeling leg."},
        "safety": {"en": "Put a cushion under the knee if it presses."},
        "steps": [{"kind": "hold", "seconds": 20, "sided": True}],
    }],
}


def _fits(window: QWidget) -> bool:
    """True when no visible label is cut off: each gets at least the height its text needs."""
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        width = label.width()
        needed = label.heightForWidth(width) if label.wordWrap() else label.sizeHint().height()
        if label.height() + 1 < min(needed, label.sizeHint().height()) and not _scrolls(label):
            print(f"clipped: {label.objectName() or label.text()[:30]!r} {label.height()} < {needed}",
                  file=sys.stderr, flush=True)
            return False
        if not label.wordWrap() and label.sizeHint().width() > width + 1:
            print(f"clipped width: {label.text()[:30]!r} {width} < {label.sizeHint().width()}",
                  file=sys.stderr, flush=True)
            return False
    return True


def _visible(window: QWidget) -> bool:
    """Visible, and not deleted (a dialog with WA_DeleteOnClose is gone once Esc closed it)."""
    try:
        return window.isVisible()
    except RuntimeError:
        return False


def _scrolls(label: QLabel) -> bool:
    """The player's instructions sit in a scroll area on purpose: there, scrolling is not clipping."""
    parent = label.parentWidget()
    return parent is not None and parent.objectName() == "qt_scrollarea_viewport"


def build(kind: str, arg: str) -> tuple[QWidget, dict[str, Any]]:
    """The window ``kind`` with realistic content, and what the commands need."""
    state: dict[str, Any] = {}
    if kind == "prompt":
        from desktop_app.ui.prompt import PromptWindow

        prompt = PromptWindow(10)
        prompt.show_status(arg or "hourly", 62 * 60, "Hip flexor reset")
        prompt.present(None)
        return prompt, state
    if kind == "player":
        from desktop_app.core.routine import load_routine
        from desktop_app.core.settings import Settings
        from desktop_app.ui.player_window import PlayerWindow
        from tests.support.fakeclock import FakeClock

        path = Path(arg) / "a11y-test.json"
        path.write_text(json.dumps(TEST_ROUTINE), encoding="utf-8")
        clock = FakeClock()
        routine = load_routine(path, builtin=False)
        player = PlayerWindow(routine, Settings().replace(sound_enabled=False, voice_enabled=False), clock)
        player.move(0, 0)
        player.show()
        state["clock"] = clock
        return player, state
    if kind == "settings":
        from desktop_app.core.settings import Settings
        from desktop_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(Settings(), save=lambda _s: None, autostart=None, routines_dir=Path(arg))
        dialog.show()
        return dialog, state
    if kind == "stats":
        from datetime import datetime

        from desktop_app.storage.history import open_history
        from desktop_app.ui.stats_window import StatsWindow
        from tests.support.fakeclock import FakeClock
        from tests.ui.test_stats_window import BERLIN, LIVE, seeded_events

        opened = open_history(Path(arg) / "history.sqlite3")
        opened.store.append(seeded_events())
        clock = FakeClock(datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN), tz=BERLIN)
        stats = StatsWindow(opened.store, clock, LIVE)
        stats.show()
        state["history"] = opened.store
        return stats, state
    if kind == "chooser":
        from desktop_app.ui.routine_chooser import RoutineChooser
        from desktop_app.ui.tray_menu import RoutineChoice

        chooser = RoutineChooser()
        chooser.set_routines([RoutineChoice("hip-flexor-reset", "Hip flexor reset", 5),
                              RoutineChoice("desk-break", "Desk-side quick break", 2)], "hip-flexor-reset")
        chooser.show()
        return chooser, state
    if kind == "about":
        from desktop_app.ui.about_dialog import AboutStretchesDialog

        about = AboutStretchesDialog()
        about.show()
        return about, state
    if kind == "status":
        from desktop_app.ui.status_window import StatusWindow
        from tests.support.app_parts import make_controller, profile_paths
        from tests.support.fakeclock import FakeClock

        controller = make_controller(FakeClock(), profile_paths(Path(arg)))
        window = StatusWindow(controller)
        window.present()
        state["controller"] = controller
        return window, state
    raise SystemExit(f"unknown window {kind!r}")


def main() -> int:
    kind, arg = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    app = QApplication(["hipbreak"])
    app.setQuitOnLastWindowClosed(False)  # as in the app: a closed window leaves the process running
    window, state = build(kind, arg)
    app.processEvents()
    print("shown", flush=True)

    def handle(words: list[str]) -> None:
        player: Any = window
        if words[0] == "segment":
            index, into = int(words[1]), float(words[2])
            while player.player.index < index:
                deadline = player.player.next_deadline()
                state["clock"].advance_to(deadline)
                player.tick()
                app.processEvents()
            state["clock"].advance(into)
            player.tick()
        elif words[0] == "tick":
            for _second in range(int(words[1])):
                state["clock"].advance(1.0)
                player.tick()
                app.processEvents()
        elif words[0] == "focus":
            # what has the keyboard, named as Qt tells assistive technology (the AT-SPI name)
            focused = app.focusWidget()
            iface = QAccessible.queryAccessibleInterface(focused) if focused is not None else None
            print(json.dumps({"class": focused.metaObject().className() if focused else None,
                              "name": iface.text(QAccessible.Text.Name) if iface is not None else None,
                              "window_visible": _visible(window),
                              "minimized": _visible(window) and window.isMinimized(),
                              "visible_windows": sorted(w.windowTitle() for w in app.topLevelWidgets()
                                                        if w.isVisible())}), flush=True)
            return
        elif words[0] == "geometry":
            g = window.frameGeometry()  # device-independent pixels; the screenshot needs the screen's own
            ratio = window.devicePixelRatioF()
            print(f"{round(g.width() * ratio)}x{round(g.height() * ratio)}+{round(g.x() * ratio)}"
                  f"+{round(g.y() * ratio)} fits={_fits(window)}", flush=True)
            return
        print("ok", flush=True)

    def on_stdin() -> None:
        line = sys.stdin.readline()
        words = line.split()
        if not line or (words and words[0] == "quit"):
            app.exit(0)  # not quit(): Qt 6's quit asks every window to close, and the status window refuses
            return
        if words:
            handle(words)

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_stdin)
    app.exec()
    if "controller" in state:
        from tests.support.app_parts import close_controller

        close_controller(state["controller"])
    if _visible(window):
        window.hide()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    raise SystemExit(main())
