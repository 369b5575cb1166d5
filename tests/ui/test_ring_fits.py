"""Every text the countdown ring can show stays inside its inner circle, in every language and scale.

A German screenshot showed "Wiederholung von 8" running under the ring's stroke at the
player's smallest window (the "8" was cut off, so it read as if the number was missing).
The ring now lays its texts out with ``ring_layout()``; the paint draws exactly what it
returns, and this test checks the same layout: each drawn line's box, measured again here
with QFontMetricsF at the baseline the painter uses, lies inside the circle the ring's
stroke leaves free. A second check looks at the painted pixels: no dark text pixel lies on
the ring's stroke.

The texts are not listed by hand: the child plays every built-in routine through the real
player core and the presenter (``player_frame``) tick by tick, so every countdown shape and
caption (get ready, hold, rep counter, rest, switch sides, paused, away) the player can show
is collected, plus the finished page's "✓ Done". Each scale runs in its own child process
because Qt reads ``QT_SCALE_FACTOR`` only at start-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Ring sizes: the player's minimum (90x90), the widget's own minimum, what the player gives it at
#: its minimum window (133 wide, from 119 to 176 high, seen in the German screenshot), and its default.
SIZES = [(90, 90), (110, 110), (133, 119), (133, 176), (220, 220)]
LANGS = ["en", "de", "es", "fr"]

_CHILD = textwrap.dedent("""
    import json, math, re, sys
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPalette
    from PySide6.QtWidgets import QApplication
    from desktop_app import i18n
    from desktop_app.crash_guard import immortalize_singletons
    immortalize_singletons()
    app = QApplication(["hipbreak"])
    from desktop_app.application.player_presenter import player_frame
    from desktop_app.core.player import PAUSED, PLAYING, RoutinePlayer
    from desktop_app.core.routine import builtin_routines_dir, load_routines
    from desktop_app.ui.countdown_ring import CAPTION_MIN_PX, NUMBER_MIN_PX, CountdownRing, ring_layout
    from tests.support.fakeclock import FakeClock

    sizes = json.loads(sys.argv[2])
    routines = load_routines([(builtin_routines_dir(), True)]).routines
    report = {"langs": {}, "problems": [], "count": 0}
    for lang in json.loads(sys.argv[1]):
        assert i18n.set_language(lang) == lang
        shown = set()
        for routine in routines.values():
            clock = FakeClock()
            player = RoutinePlayer(routine, clock, lang=lang)
            player.start()
            kinds_paused = set()
            while player.state == PLAYING:
                progress = player.progress()
                frame = player_frame(progress)
                shown.add((frame.big, frame.caption, frame.kind))
                kind = progress.segment.kind
                if kind not in kinds_paused:  # what a pause (by hand, or by being away) shows
                    kinds_paused.add(kind)
                    player.pause()
                    for away in (False, True):
                        paused = player_frame(player.progress(), away)
                        shown.add((paused.big, paused.caption, paused.kind))
                    player.resume()
                tick = player.next_display_tick()
                clock.advance_to(tick)
                player.update()
        shown.add(("✓", i18n._("Done"), "finished"))  # the summary page's ring (player_window._show_summary)
        report["langs"][lang] = sorted({caption for _big, caption, _kind in shown})
        ring = CountdownRing()
        ring.setMinimumSize(90, 90)  # as the player window allows
        palette = ring.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("white"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("black"))
        ring.setPalette(palette)
        for width, height in sizes:
            ring.resize(width, height)
            assert (ring.width(), ring.height()) == (width, height)
            for big, caption, kind in sorted(shown):
                report["count"] += 1
                where = f"{lang} {width}x{height} {big!r} {caption!r}"
                layout = ring_layout(width, height, big, caption, ring.font())
                stroke_inner = layout.ring.width() / 2 - layout.pen_width / 2
                if layout.text_radius >= stroke_inner:
                    report["problems"].append(f"{where}: text circle {layout.text_radius} not inside the stroke")
                drawn = [line.text for line in layout.caption]
                joined = " ".join(drawn).replace("- ", "-")
                if joined != caption:
                    report["problems"].append(f"{where}: caption drawn as {drawn}")
                if (layout.number.text if layout.number else "") != big:
                    report["problems"].append(f"{where}: number drawn as {layout.number}")
                if layout.number and layout.number.font.pixelSize() < NUMBER_MIN_PX:
                    report["problems"].append(f"{where}: number at {layout.number.font.pixelSize()} px")
                for line in layout.lines():
                    metrics = QFontMetricsF(line.font)  # measured again, at the painter's baseline
                    ink = metrics.tightBoundingRect(line.text).translated(line.baseline)
                    boxes = [ink]
                    if line is not layout.number:
                        if line.font.pixelSize() < CAPTION_MIN_PX:
                            report["problems"].append(f"{where}: caption at {line.font.pixelSize()} px")
                        boxes.append(QRectF(
                            line.baseline.x(), line.baseline.y() - metrics.ascent(),
                            metrics.horizontalAdvance(line.text), metrics.ascent() + metrics.descent()))
                    for box in boxes:
                        for corner in (box.topLeft(), box.topRight(), box.bottomLeft(), box.bottomRight()):
                            d = math.hypot(corner.x() - layout.centre.x(), corner.y() - layout.centre.y())
                            if d > layout.text_radius + 0.01:
                                report["problems"].append(
                                    f"{where}: {line.text!r} corner {d:.1f} px from the centre, "
                                    f"room {layout.text_radius:.1f}")
                                break
                if big in ("1", "10", "30", "1:00", "✓"):  # the pixels too, for a few numbers
                    ring.set_state(big, 0.0, caption, kind)  # no arc: only the faint track on the stroke
                    # blank out the free circle; what is still dark was drawn on or past the stroke
                    image = ring.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
                    ratio = image.devicePixelRatio()
                    painter = QPainter(image)
                    painter.setPen(QColor("white"))
                    painter.setBrush(QColor("white"))
                    painter.drawEllipse(layout.centre, stroke_inner, stroke_inner)
                    painter.end()
                    data, stride = bytes(image.constBits()), image.bytesPerLine()
                    rows = b"".join(data[y * stride:y * stride + image.width()] for y in range(image.height()))
                    dark = len(rows) - len(rows.translate(None, bytes(range(140))))
                    if dark:
                        report["problems"].append(f"{where}: {dark} dark text pixels on or outside the ring")
    print(json.dumps(report))
""")


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
def test_every_ring_text_lies_inside_the_inner_circle(scale: str) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(LANGS), json.dumps(SIZES)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["problems"] == [], f"at scale {scale}: " + "\n".join(report["problems"][:20])
    # really every kind of ring text, really translated: e.g. the German rep counter and "get ready"
    assert "Wiederholung von 8" in report["langs"]["de"] and "Bereit machen" in report["langs"]["de"]
    assert "répétition sur 8" in report["langs"]["fr"] and "Changez de côté" in report["langs"]["fr"]
    for lang in LANGS:
        captions = report["langs"][lang]
        assert len(captions) >= 9, (lang, captions)  # get ready, seconds, reps, rest, switch, paused, away, done
    assert report["count"] > 4 * len(SIZES) * 20


def test_a_caption_too_wide_for_one_line_is_wrapped_not_cut(qapp: object) -> None:
    """The case from the screenshot: at the player's minimum ring the German rep caption takes two lines."""
    from PySide6.QtGui import QFont

    from desktop_app.ui.countdown_ring import CAPTION_MIN_PX, ring_layout

    layout = ring_layout(133, 166, "1", "Wiederholung von 8", QFont())
    assert [line.text for line in layout.caption] == ["Wiederholung", "von 8"]
    assert all(line.font.pixelSize() >= CAPTION_MIN_PX for line in layout.caption)
    short = ring_layout(220, 220, "12", "Hold", QFont())
    assert [line.text for line in short.caption] == ["Hold"]  # a short one stays on one line
