"""The core must stay pure Python: importing any of it must not load Qt.

Run in a fresh interpreter, because this test process may already have
imported PySide6 for other tests.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import desktop_app.core

ROOT = Path(__file__).resolve().parents[2]


def core_modules() -> list[str]:
    return sorted(
        f"desktop_app.core.{info.name}" for info in pkgutil.iter_modules(desktop_app.core.__path__)
    )


def test_the_core_has_modules_to_check() -> None:
    names = core_modules()
    assert "desktop_app.core.schedule" in names
    assert "desktop_app.core.clock" in names


def test_importing_every_core_module_loads_no_qt() -> None:
    names = core_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "qt_names = ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6')\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in qt_names)\n"
        "print('LOADED', len([m for m in sys.modules if m.startswith('desktop_app.core')]))\n"
        "print('QT', qt)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert int(lines["LOADED"]) >= len(names)
    assert lines["QT"] == "[]", f"the core pulled in Qt: {lines['QT']}"
