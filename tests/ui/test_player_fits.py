"""Nothing in the routine player is cut off, at its smallest and its default size, in every language.

Screenshots at 360x480 showed the German buttons cut in the middle ("Übe…gen", "Neu…ten") and
the top line losing its end ("Übung 1/6 · noch 5:2…", "Exercice 1/6 · enc…"). The player now
breaks the top line at its " · " (desktop_app/ui/split_line.py) and lets a button show its icon
instead of a cut word (desktop_app/ui/button_row.py). This test holds it to that, as
tests/ui/test_prompt_fits.py does for the prompt: a child process (Qt reads ``QT_SCALE_FACTOR``
only at start-up) plays every built-in routine through the real window with the real
controls (Skip from segment to segment, Pause once in each kind of segment, then the summary
page) at MIN_SIZE and DEFAULT_SIZE, and reports every text that has less room than it needs:

* a wrapped label: a line of its text (laid out as QLabel wraps it) wider than the label, or the
  label lower than ``heightForWidth``;
* the top line: a drawn line wider than the label, or the label lower than ``heightForWidth``;
* any other label, and every button that shows words: narrower or lower than its size hint (where
  Qt's style starts eliding);
* a button that shows only its icon: without its words in its tooltip; and any button whose
  accessible name (what QAccessible hands the AT-SPI bridge) is not its words;
* any of these partly outside its parent (a row too low for its buttons cut their bottoms off).

The instructions scroll by design (vertically); their lines must still fit across, and while
they scroll they show whole lines only. The ring's own texts are tests/ui/test_ring_fits.py's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["en", "de", "es", "fr"]

_CHILD = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QAccessible, QRegion, QTextLayout, QTextOption
    from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QToolButton
    from desktop_app import i18n
    from desktop_app.crash_guard import immortalize_singletons
    from desktop_app.ui.qt_app import make_application
    immortalize_singletons()
    app = make_application(["hipbreak"])
    from desktop_app.core.player import PLAYING
    from desktop_app.core.routine import builtin_routines_dir, load_routines
    from desktop_app.core.settings import Settings
    from desktop_app.ui.player_window import DEFAULT_SIZE, MIN_SIZE, PlayerWindow
    from desktop_app.ui.split_line import SplitLine
    from tests.support.fakeclock import FakeClock

    lang = sys.argv[1]
    assert i18n.set_language(lang) == lang
    routines = load_routines([(builtin_routines_dir(), True)]).routines
    settings = Settings().replace(sound_enabled=False, voice_enabled=False)
    report = {"problems": [], "kinds": [], "iconic": {}, "checks": 0, "samples": {}, "scrolled": 0}

    def wrapped_lines(label):
        layout = QTextLayout(label.text().replace("\\n", "\\u2028"), label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        width = label.contentsRect().width() - 2 * label.margin()
        layout.beginLayout()
        widths = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            widths.append(line.naturalTextWidth())
        layout.endLayout()
        return width, widths

    def hidden_part(widget):
        return not QRegion(widget.rect()).subtracted(widget.visibleRegion()).isEmpty()

    def check(win, where):
        report["checks"] += 1
        if win.size() != win.wanted:
            report["problems"].append(f"{where}: the window is {win.width()}x{win.height()}")
        for widget in win.findChildren(QLabel) + win.findChildren(QAbstractButton):
            if widget.isVisible() and widget is not win.instructions_label and hidden_part(widget):
                report["problems"].append(f"{where}: {widget.objectName() or widget.text()!r} "
                                          f"{widget.geometry().getRect()} is partly outside its parent")
        for label in win.findChildren(QLabel):
            if not label.isVisible() or not label.text():
                continue
            name, text = label.objectName(), label.text()
            height = label.height()
            if isinstance(label, SplitLine):
                room = label.contentsRect().width()
                for line in label.lines():
                    if label.fontMetrics().horizontalAdvance(line) > room:
                        report["problems"].append(f"{where}: {name} line {line!r} wider than {room}")
                if height < label.heightForWidth(label.width()):
                    report["problems"].append(f"{where}: {name} {text!r} {height} px high, "
                                              f"needs {label.heightForWidth(label.width())}")
            elif label.wordWrap():
                room, widths = wrapped_lines(label)
                if max(widths, default=0) > room + 0.5:
                    report["problems"].append(f"{where}: {name} {text[:40]!r} has a line "
                                              f"{max(widths):.0f} px wide in {room}")
                if label is not win.instructions_label and height < label.heightForWidth(label.width()):
                    report["problems"].append(f"{where}: {name} {text[:40]!r} {height} px high, "
                                              f"needs {label.heightForWidth(label.width())}")
            else:
                hint = label.sizeHint()
                if label.width() < hint.width() or height < hint.height():
                    report["problems"].append(f"{where}: {name} {text!r} {label.width()}x{height}, "
                                              f"needs {hint.width()}x{hint.height()}")
        scroll = win.instructions_scroll
        if scroll.isVisible() and scroll.needed_height() > scroll.height():
            # it scrolls: whole lines only (a line cut through the middle looks like cut-off text)
            probe = QLabel()
            probe.setWordWrap(True)
            probe.setFont(win.instructions_label.font())
            probe.setText("one\\ntwo")
            pitch = probe.heightForWidth(300) // 2
            shown = scroll.viewport().height()
            if shown % pitch or scroll.verticalScrollBar().singleStep() != pitch:
                report["problems"].append(f"{where}: the instructions show {shown} px of {pitch} px lines")
            report["scrolled"] += 1
        for button in win.findChildren(QAbstractButton):
            if not button.isVisible():
                continue
            text, hint = button.text(), button.sizeHint()
            # what the AT-SPI bridge reads out: the words, whether the button shows them or its icon
            spoken = QAccessible.queryAccessibleInterface(button).text(QAccessible.Text.Name)
            if spoken != text or not text:
                report["problems"].append(f"{where}: button {text!r} is read out as {spoken!r}")
            if button.width() < hint.width() or button.height() < hint.height():
                report["problems"].append(f"{where}: button {text!r} {button.width()}x{button.height()}, "
                                          f"needs {hint.width()}x{hint.height()}")
            if isinstance(button, QToolButton) and \\
                    button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
                key = f"{win.wanted.width()}x{win.wanted.height()}"
                report["iconic"].setdefault(key, [])
                if text not in report["iconic"][key]:
                    report["iconic"][key].append(text)
                if button.icon().isNull() or not button.toolTip().startswith(text + "\\n"):
                    report["problems"].append(f"{where}: icon-only {text!r}: icon or tooltip missing "
                                              f"({button.toolTip()!r})")

    for size in (MIN_SIZE, DEFAULT_SIZE):
        for rid, routine in sorted(routines.items()):
            win = PlayerWindow(routine, settings, FakeClock(), lang=lang)
            win.wanted = QSize(size)
            win.show()
            win.resize(size)
            paused_kinds = set()
            while win.player.state == PLAYING:
                app.processEvents()
                segment = win.player.segments[win.player.index]
                where = f"{lang} {size.width()}x{size.height()} {rid} #{win.player.index} {segment.kind.value}"
                check(win, where)
                if segment.kind.value not in report["kinds"]:
                    report["kinds"].append(segment.kind.value)
                if segment.kind not in paused_kinds:
                    paused_kinds.add(segment.kind)
                    win.toggle_pause()
                    app.processEvents()
                    check(win, where + " paused")
                    report["samples"].setdefault("paused", win.pause_button.text())
                    win.toggle_pause()
                report["samples"].setdefault("progress", win.progress_label.text())
                win.skip()
            app.processEvents()
            check(win, f"{lang} {size.width()}x{size.height()} {rid} summary")
            if win.summary_label.isVisible() and "summary" not in report["kinds"]:
                report["kinds"].append("summary")
            win.close()
            win.compact.close()
    print(json.dumps(report))
""")


def _run(language: str, scale: str) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-c", _CHILD, language], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("scale", ["1", "2"])
@pytest.mark.parametrize("language", LANGS)
def test_the_player_gives_every_text_its_room(language: str, scale: str) -> None:
    report = _run(language, scale)
    assert report["problems"] == [], f"at scale {scale}: " + "\n".join(report["problems"][:25])
    # every kind of segment and the summary page were looked at, in this language
    assert set(report["kinds"]) == {"prep", "hold", "reps", "rest", "switch", "summary"}, report["kinds"]
    assert report["checks"] > 200 and report["scrolled"] > 20  # long instructions scroll at 360x480
    samples = report["samples"]
    really = {"en": ("Exercise", "Resume"), "de": ("Übung", "Fortsetzen"), "es": ("Ejercicio", "Reanudar"),
              "fr": ("Exercice", "Reprendre")}[language]
    assert samples["progress"].startswith(really[0]) and samples["paused"] == really[1], samples
    if language == "en":  # English words fit as words everywhere: no icon stands in for one
        assert report["iconic"] == {}, report["iconic"]
    if language == "de":  # the case from the screenshots: five German words do not fit 340 px
        assert {"Zurück", "Überspringen"} <= set(report["iconic"]["360x480"]), report["iconic"]


def test_the_progress_line_breaks_between_its_parts_before_inside_them(qapp: object) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    from desktop_app.ui.split_line import split_lines

    font = QFont()
    font.setPixelSize(11)
    metrics = QFontMetrics(font)
    text = "Übung 1/6 · noch 5:20"
    assert split_lines(text, metrics.horizontalAdvance(text), metrics) == [text]
    # one pixel short: the separator goes, each part keeps its words together
    assert split_lines(text, metrics.horizontalAdvance(text) - 1, metrics) == ["Übung 1/6", "noch 5:20"]
    narrow = metrics.horizontalAdvance("Übung 1/6") - 1
    assert split_lines(text, narrow, metrics) == ["Übung", "1/6", "noch 5:20"]  # only a part too wide wraps


def test_a_button_row_gives_up_words_in_its_order_and_takes_them_back(qtbot: object) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSizePolicy, QToolButton

    from desktop_app.ui.button_row import ButtonRow
    from desktop_app.ui.drawn_icons import drawn_icon

    buttons = []
    for text, icon in (("Pausieren", "pause"), ("Zurück", "back"), ("Überspringen", "skip")):
        button = QToolButton()
        button.setText(text)
        button.setAccessibleName(text)
        button.setToolTip(f"what {text} does")
        button.setIcon(drawn_icon(icon, button.palette()))
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        buttons.append(button)
    pause, back, skip = buttons
    row = ButtonRow(buttons, icon_first=(back, skip, pause))
    qtbot.addWidget(row)  # type: ignore[attr-defined]
    row.show()
    wide = row.sizeHint().width()
    row.resize(wide, row.sizeHint().height())
    qtbot.waitUntil(lambda: row.width() == wide)  # type: ignore[attr-defined]
    assert row.iconic() == [] and all(b.width() >= b.sizeHint().width() for b in buttons)
    row.resize(wide - 5, row.height())
    qtbot.waitUntil(lambda: row.width() == wide - 5)  # type: ignore[attr-defined]
    assert row.iconic() == [back]  # the first in the order, and only as many as needed
    assert back.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert back.toolTip() == "Zurück\nwhat Zurück does" and back.accessibleName() == "Zurück"
    assert all(b.width() >= b.sizeHint().width() for b in buttons)  # the words left fit whole
    row.resize(row.minimumSizeHint().width(), row.height())
    qtbot.waitUntil(lambda: row.iconic() == [pause, back, skip])  # type: ignore[attr-defined]
    row.resize(wide, row.height())
    qtbot.waitUntil(lambda: row.iconic() == [])  # type: ignore[attr-defined]
    assert back.toolTip() == "what Zurück does"


def test_the_drawn_icons_take_the_themes_text_colour(qapp: object) -> None:
    """Light icons on a dark theme, dark ones on a light theme (Fusion's own media icons stay black)."""
    from PySide6.QtGui import QColor, QPalette

    from desktop_app.ui.drawn_icons import DRAWINGS, drawn_icon

    for text_colour in ("#f0f0f0", "#101010"):
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.ButtonText, QColor(text_colour))
        for name in DRAWINGS:
            image = drawn_icon(name, palette).pixmap(18, 18).toImage()
            inked = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
                     if image.pixelColor(x, y).alpha() > 200]
            assert len(inked) > 15, f"{name}: nothing drawn"
            lightness = {round(c.lightnessF(), 1) for c in inked}
            assert lightness == {round(QColor(text_colour).lightnessF(), 1)}, (name, text_colour, lightness)
