"""The hourly and daily prompts as a user sees them, on a real X server.

Pictures go to a tmp folder; scripts/refresh-screenshots keeps them in docs/screenshots.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support.desktop import desktop_env, need, wait_for, xvfb
from tests.support.screenshots import picture_info, shots_dir

ROOT = Path(__file__).resolve().parents[2]

_SHOW = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from desktop_app.crash_guard import immortalize_singletons
    from desktop_app.ui.prompt import PromptWindow
    immortalize_singletons()
    app = QApplication(["hipbreak"])
    prompt = PromptWindow(10)
    prompt.show_status(sys.argv[1], float(sys.argv[2]), sys.argv[3])
    prompt.present(None)
    prompt.move(20, 20)
    print("shown", flush=True)
    QTimer.singleShot(8000, app.quit)
    app.exec()
""")


@pytest.mark.display
@pytest.mark.parametrize(("kind", "sitting", "routine", "name"), [
    ("hourly", 62 * 60, "Hip flexor reset", "prompt-hourly.png"),
    ("daily", 25 * 60, "Full hip program", "prompt-daily.png"),
])
def test_prompt_screenshot(kind: str, sitting: int, routine: str, name: str, tmp_path: Path) -> None:
    need("import")
    with xvfb("640x240x24") as display:
        env = desktop_env(display, None)
        proc = subprocess.Popen([sys.executable, "-c", _SHOW, kind, str(sitting), routine], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert proc.stdout is not None
            wait_for(lambda: "shown" in proc.stdout.readline(), timeout=20, what="the prompt to show")
            time.sleep(0.8)  # let it paint
            out = shots_dir(tmp_path) / name
            wait_for(lambda: subprocess.run(["import", "-display", display, "-window", "root", str(out)],
                                            timeout=20).returncode == 0, timeout=20, what="a screenshot")
            picture = picture_info(out)
            assert (picture.width, picture.height) == (640, 240)
            assert picture.colours > 50  # text and buttons were drawn, not an empty screen
        finally:
            proc.terminate()
            proc.wait(timeout=10)
