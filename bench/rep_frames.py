#!/usr/bin/env python3
"""A contact sheet of the figure's key poses through a rep set, to look at the motion.

The real ``PlayerWindow`` plays a routine offscreen on a fake clock; the script
follows the frame timer exactly as it would fire (the clock jumps to each
deadline) and grabs the figure after every wake, so the sheet shows every pose
a user sees, with the time it appears and how long it stays:

    .venv/bin/python bench/rep_frames.py --routine desk-break --seconds 3 --out /tmp/march.png
    .venv/bin/python bench/rep_frames.py --routine full-hip-program --exercise glute-bridge --out /tmp/bridge.png

It prints the schedule (time, pose, seconds shown) and the number of wakes a
second. Nothing is asserted; the rules are tested in tests/core/test_rep_keyframes.py
and tests/ui/test_player_window.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_app.core.player import SegmentKind  # noqa: E402
from desktop_app.core.routine import builtin_routines_dir, load_routine  # noqa: E402
from desktop_app.core.settings import Settings  # noqa: E402
from desktop_app.crash_guard import immortalize_singletons  # noqa: E402
from desktop_app.ui.player_window import PlayerWindow  # noqa: E402
from tests.support.fakeclock import FakeClock  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", default="desk-break", help="a built-in routine id")
    parser.add_argument("--exercise", help="the exercise whose rep set to show (default: the first rep set)")
    parser.add_argument("--seconds", type=float, default=0.0, help="how much of the set (default: two reps)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the contact sheet (PNG)")
    parser.add_argument("--columns", type=int, default=8)
    args = parser.parse_args()

    immortalize_singletons()  # as the app does (PySide6 6.12 on Python 3.11; see crash_guard)
    app = QApplication.instance() or QApplication([])
    clock = FakeClock()
    routine = load_routine(builtin_routines_dir() / f"{args.routine}.json", builtin=True)
    window = PlayerWindow(routine, Settings().replace(sound_enabled=False), clock)
    window.resize(500, 640)
    window.show()
    while True:
        progress = window.player.progress()
        if progress.segment.kind == SegmentKind.REPS and (
                args.exercise is None or window.routine.exercises[progress.segment.exercise_index].id == args.exercise):
            break
        deadline = window.player.next_deadline()
        if deadline is None:
            print("no such rep set", file=sys.stderr)
            return 1
        clock.advance(deadline - clock.monotonic() + 0.001)
        window.tick()
    tempo = progress.segment.tempo_seconds or 1.0
    span = args.seconds or 2 * tempo
    app.processEvents()
    start = clock.monotonic()
    frames: list[tuple[float, float, QPixmap]] = [(0.0, window.figure.phase, window.figure.grab())]
    while window.animation_timer.isActive() and clock.monotonic() - start < span:
        clock.advance(window.animation_timer.interval() / 1000.0)
        window.animation_timer.timeout.emit()
        frames.append((clock.monotonic() - start, window.figure.phase, window.figure.grab()))
    frames = [f for f in frames if f[0] < span]
    print(f"{window.routine.exercises[progress.segment.exercise_index].id}: tempo {tempo:g} s, "
          f"{len(frames) - 1} pose changes in {span:g} s ({(len(frames) - 1) / span:.1f} a second)")
    for index, (at, phase, _pixmap) in enumerate(frames):
        until = frames[index + 1][0] if index + 1 < len(frames) else span
        print(f"  {at:6.3f} s  position {phase:.3f}  shown {until - at:.3f} s")

    cell = frames[0][2].size()
    label = 18
    rows = (len(frames) + args.columns - 1) // args.columns
    sheet = QPixmap(cell.width() * min(args.columns, len(frames)), (cell.height() + label) * rows)
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    for index, (at, phase, pixmap) in enumerate(frames):
        x = (index % args.columns) * cell.width()
        y = (index // args.columns) * (cell.height() + label)
        painter.drawPixmap(x, y + label, pixmap)
        painter.setPen(QColor("black"))
        painter.drawText(QRect(x, y, cell.width(), label), Qt.AlignmentFlag.AlignCenter,
                         f"t={at:.2f}s  pos {phase:.2f}")
        painter.setPen(QColor("#bbbbbb"))
        painter.drawRect(x, y, cell.width() - 1, cell.height() + label - 1)
    painter.end()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(str(args.out))
    print(f"contact sheet: {args.out}")
    frames.clear()
    window.close()
    window.compact.close()
    window.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
