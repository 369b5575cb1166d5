"""Screenshots of every settings tab, taken from a real Xvfb with ImageMagick.

The dialog runs in a child process on the Xvfb display (this very file, run as
a script), so it is drawn by the real xcb platform plugin with real fonts, not
the offscreen one. The test drives it over stdin ("tab N", "invalid") and
grabs its part of the screen after each step. Set ``HIPBREAK_SCREENSHOT_DIR`` (for
example to ``docs/screenshots``) to keep the pictures; otherwise they go to a
temporary folder and are only checked.

    HIPBREAK_SCREENSHOT_DIR=docs/screenshots .venv/bin/python -m pytest -m display \
        tests/ui/test_settings_dialog_screenshots.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.desktop import need  # noqa: E402
from tests.support.screenshots import obey_steps, picture_info, shoot_child_on_xvfb, shots_dir  # noqa: E402

SHOT_NAMES = ("breaks", "routines", "sound-voice", "schedule", "do-not-disturb", "system")


def _child(folder: Path) -> int:
    """Show the dialog and obey "tab N" / "invalid" / "quit" lines from stdin."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.routine import builtin_routines_dir, load_routines
    from desktop_app.core.settings import Settings
    from desktop_app.ui.settings_dialog import SettingsDialog

    routines = folder / "routines"
    routines.mkdir(parents=True, exist_ok=True)
    good = json.loads((builtin_routines_dir() / "desk-break.json").read_text(encoding="utf-8"))
    good.update(id="evening-hips", title="Evening hips")
    (routines / "evening-hips.json").write_text(json.dumps(good), encoding="utf-8")
    bad = dict(good, id="Bad Id", position="lying")
    (routines / "broken.json").write_text(json.dumps(bad), encoding="utf-8")

    app = QApplication(sys.argv[:1])
    settings = Settings().replace(daily_session_enabled=True, working_hours_enabled=True)
    loaded = load_routines([(builtin_routines_dir(), True), (routines, False)])
    dialog = SettingsDialog(settings, lambda s: None, loaded, routines_dir=routines)

    def type_an_invalid_interval(_args: list[str]) -> None:
        dialog.tabs.setCurrentIndex(0)
        spin = dialog.rows["break_interval_minutes"].editor.widget
        spin.setFocus()
        spin.lineEdit().selectAll()  # type: ignore[attr-defined]
        QTest.keyClicks(spin.lineEdit(), "5")  # type: ignore[attr-defined]

    dialog.show()
    obey_steps(dialog, {"tab": lambda args: dialog.tabs.setCurrentIndex(int(args[0])),
                        "invalid": type_an_invalid_interval})
    dialog.close()
    dialog.deleteLater()  # before the app, so Python's exit frees nothing Qt still owns
    QTest.qWait(50)
    app.shutdown()
    return 0


@pytest.mark.display
def test_screenshots_of_every_settings_tab(tmp_path: Path) -> None:
    need("Xvfb")
    home = tmp_path / "home"
    home.mkdir()
    steps = [(f"tab {i}", f"settings-{name}.png") for i, name in enumerate(SHOT_NAMES)]
    steps.append(("invalid", "settings-breaks-invalid.png"))
    shots = shoot_child_on_xvfb([sys.executable, __file__, "child", str(tmp_path / "child")], steps,
                                shots_dir(tmp_path / "shots"), "the dialog", HOME=str(home),
                                XDG_CONFIG_HOME=str(home / ".config"),
                                HIPBREAK_PROFILE_DIR=str(tmp_path / "profile"), LANGUAGE="en")
    for path in shots:
        picture = picture_info(path)
        assert picture.width >= 500 and picture.height >= 400, f"{path.name} is {picture.width}x{picture.height}"
        assert picture.colours > 8, f"{path.name} looks blank"


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "child":
    sys.exit(_child(Path(sys.argv[2])))
