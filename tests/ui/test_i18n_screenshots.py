"""The prompt, the player and the settings window in German, Spanish and French, on a real X server.

Each language runs in a child process (this file, run as a script) that speaks that
language through the settings override (``set_language``), installs Qt's own
translations as the app does (``make_application``), shows each window in turn and
answers with the window's frame and every visible text still in English although the
catalog translates it. The parent grabs the window with ImageMagick. Pictures go to a
tmp folder; ``scripts/i18n-screenshots`` keeps them as docs/screenshots/i18n-*.png.
Look at them after a change: clipping, long words, leftovers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.desktop import desktop_env, need, xvfb  # noqa: E402
from tests.support.screenshots import ask, picture_info, shoot_window, shots_dir, window_child  # noqa: E402

LANGS = ("de", "es", "fr")
WINDOWS = ("prompt", "player", "settings")


def _visible_texts(root: object) -> list[str]:
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget, QWidget

    assert isinstance(root, QWidget)
    texts: list[str] = [root.windowTitle()]
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if widget.toolTip():
            texts.append(widget.toolTip())
    return [t.replace("&", "") for t in texts if t]


def _child(lang: str, folder: Path) -> int:
    """Show each window in ``lang`` on request; reply ``shown GEOMETRY <json leftovers>``."""
    from PySide6.QtTest import QTest

    from desktop_app import i18n
    from desktop_app.core.routine import builtin_routines_dir, load_routine, load_routines
    from desktop_app.core.settings import Settings
    from desktop_app.crash_guard import immortalize_singletons
    from desktop_app.po_files import read_po
    from desktop_app.ui.player_window import PlayerWindow
    from desktop_app.ui.prompt import PromptWindow
    from desktop_app.ui.qt_app import make_application
    from desktop_app.ui.settings_dialog import SettingsDialog
    from tests.support.fakeclock import FakeClock

    immortalize_singletons()
    app = make_application(["hipbreak"])
    assert i18n.set_language(lang) == lang
    translated = {e.msgid for e in read_po(ROOT / "assets" / "i18n" / f"{lang}.po")
                  if e.msgid and e.translated and e.msgstr[0] != e.msgid}
    routine = load_routine(builtin_routines_dir() / "hip-flexor-reset.json", builtin=True)
    shown: list[object] = []

    def prompt() -> object:
        window = PromptWindow(10)
        window.show_status("hourly", 62 * 60, routine.title.get(lang))
        window.present(None)
        window.move(20, 20)
        return window

    def player() -> object:
        clock = FakeClock()
        window = PlayerWindow(routine, Settings().replace(sound_enabled=False), clock, lang=lang)
        window.move(20, 20)
        window.resize(500, 640)
        window.show()
        while window.player.state == "playing" and window.player.index < 1:
            deadline = window.player.next_deadline()
            assert deadline is not None
            clock.advance_to(deadline)
            window.tick()
        clock.advance(12.0)
        window.tick()
        return window

    def settings() -> object:
        routines = folder / "routines"
        routines.mkdir(parents=True, exist_ok=True)
        loaded = load_routines([(builtin_routines_dir(), True), (routines, False)])
        window = SettingsDialog(Settings().replace(language=lang), lambda s: None, loaded, routines_dir=routines)
        window.move(20, 20)
        window.show()
        return window

    makers = {"prompt": prompt, "player": player, "settings": settings}
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        for old in shown:
            old.close()  # type: ignore[attr-defined]
        window = makers[words[0]]()
        shown.append(window)
        for _i in range(20):
            app.processEvents()
            QTest.qWait(25)
        leftovers = sorted({t for t in _visible_texts(window) if t in translated})
        g = window.frameGeometry()  # type: ignore[attr-defined]
        print(f"shown {g.width()}x{g.height()}+{g.x()}+{g.y()} {json.dumps(leftovers)}", flush=True)
    for old in shown:
        old.close()  # type: ignore[attr-defined]
    QTest.qWait(50)
    return 0


@pytest.mark.display
@pytest.mark.parametrize("lang", LANGS)
def test_windows_in_each_language(lang: str, tmp_path: Path) -> None:
    need("Xvfb")
    need("import")
    out_dir = shots_dir(tmp_path / "shots")
    with xvfb("1280x800x24") as display:
        env = desktop_env(display, HIPBREAK_PROFILE_DIR=str(tmp_path / "profile"),
                          QT_LOGGING_RULES="qt.multimedia.*=false;qt.qpa.*=false")
        with window_child([sys.executable, __file__, "child", lang, str(tmp_path / "child")], env, ROOT) as child:
            for name in WINDOWS:
                reply = ask(child, name)
                assert reply[:1] == ["shown"], f"the {name} window did not answer: {reply}"
                leftovers = json.loads(" ".join(reply[2:]))
                assert not leftovers, f"{lang} {name}: still in English: {leftovers}"
                path = shoot_window(display, reply[1], out_dir / f"i18n-{lang}-{name}.png")
                picture = picture_info(path)
                assert picture.width >= 300 and picture.height >= 100, f"{path.name}: {picture}"
                assert picture.colours > 20, f"{path.name} looks blank"
            assert child.stdin is not None
            child.stdin.write("quit\n")
            child.stdin.flush()
            assert child.wait(timeout=30) == 0


if __name__ == "__main__" and len(sys.argv) > 3 and sys.argv[1] == "child":
    sys.exit(_child(sys.argv[2], Path(sys.argv[3])))
