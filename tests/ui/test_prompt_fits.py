"""Nothing in the prompt is clipped at scale factors 1, 1.5 and 2, in English or German.

Each case runs in a child process because Qt reads ``QT_SCALE_FACTOR`` only when the
application starts. The child lays the prompt out as ``present()`` does and reports every
widget that got less room than its own size hint (a label that loses its end, a button whose
text would be elided, e.g. "Snooz…0 min" as seen under GNOME's Wayland title bar with the old
fixed size).
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

_CHILD = textwrap.dedent("""
    import json, sys
    from PySide6.QtWidgets import QApplication, QAbstractButton, QLabel
    from desktop_app.crash_guard import immortalize_singletons
    from desktop_app.i18n import set_language
    immortalize_singletons()
    app = QApplication(["hipbreak"])
    set_language(sys.argv[1])
    from desktop_app.ui.prompt import PromptWindow
    prompt = PromptWindow(15)
    prompt.show_status(sys.argv[2], 2 * 3600 + 35 * 60, "Hüftbeuger-Programm für den ganzen Tag")
    prompt.present(None)
    app.processEvents()
    short = []
    for widget in prompt.findChildren(QLabel) + prompt.findChildren(QAbstractButton):
        if not widget.isVisible():
            continue
        hint = widget.sizeHint()
        need_h = widget.heightForWidth(widget.width()) if widget.hasHeightForWidth() else hint.height()
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        if (not wraps and widget.width() < hint.width()) or widget.height() < need_h:
            short.append([widget.text(), widget.width(), widget.height(), hint.width(), need_h])
    size, minimum = prompt.size(), prompt.minimumSizeHint()
    print(json.dumps({"short": short, "size": [size.width(), size.height()],
                      "minimum": [minimum.width(), minimum.height()],
                      "snooze": prompt.snooze_button.text(), "hint": prompt.hint_label.text()}))
""")


@pytest.mark.parametrize("scale", ["1", "1.5", "2"])
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("kind", ["hourly", "daily"])
def test_the_prompt_gives_every_text_its_room(scale: str, language: str, kind: str) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    result = subprocess.run([sys.executable, "-c", _CHILD, language, kind], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["short"] == [], f"clipped at scale {scale} in {language}: {report['short']}"
    assert report["size"][0] >= report["minimum"][0] and report["size"][1] >= report["minimum"][1]
    if language == "de":
        assert "verschieben" in report["snooze"] and "Klick" in report["hint"]  # really German
