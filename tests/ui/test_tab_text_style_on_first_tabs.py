"""The tab label style is installed when the first window with tabs is built, not at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = """
from desktop_app.ui.qt_app import make_application
from desktop_app.ui.tab_text_style import TabTextStyle, tab_widget
app = make_application(["hipbreak"])
before = isinstance(app.style(), TabTextStyle)
first = tab_widget()
style = app.style()
second = tab_widget()
print(before, isinstance(style, TabTextStyle), app.style() is style, type(first).__name__)
"""


def test_the_style_comes_with_the_first_tabs_and_only_once() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "QTabWidget"]
