"""PySide6's per-import check must not leave every module's source in ``linecache`` (ui/qt_app.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = """
import linecache, sys
sys.path.insert(0, {folder!r})
import desktop_app.ui.qt_app  # noqa: F401  (installs the lean check)
from shibokensupport import feature
import plain_module, uses_pyside
print(sorted(k for k in linecache.cache if k.endswith(("plain_module.py", "uses_pyside.py"))))
print(feature._mod_uses_pyside(plain_module), feature._mod_uses_pyside(uses_pyside), feature._mod_uses_pyside(sys))
"""


def test_imports_after_pyside_leave_no_source_in_linecache(tmp_path: Path) -> None:
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n" * 2000, encoding="utf-8")
    (tmp_path / "uses_pyside.py").write_text("# uses PySide6 widgets\nVALUE = 2\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", CHILD.format(folder=str(tmp_path))], capture_output=True,
                            text=True, timeout=60, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    cached, answers = result.stdout.splitlines()
    assert cached == "[]"  # PySide6's own check would have cached both files whole
    assert answers == "False True False"  # the answers inspect.getsource() would give


CLI_CHILD = """
import linecache, sys
sys.path.insert(0, {folder!r})
from desktop_app import lean_pyside
lean_pyside.install()  # what cli's start command does before ipc, the first PySide6 import
import desktop_app.ipc  # noqa: F401
import plain_module
print(sorted(k for k in linecache.cache if k.endswith(("plain_module.py", "ipc.py"))))
print("desktop_app.ui.qt_app" in sys.modules)
"""


def test_the_start_command_installs_the_check_before_the_first_pyside_import(tmp_path: Path) -> None:
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n" * 2000, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", CLI_CHILD.format(folder=str(tmp_path))], capture_output=True,
                            text=True, timeout=60, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    cached, qt_app_loaded = result.stdout.splitlines()
    assert cached == "[]"  # ipc and what follows it: no source kept, though ui.qt_app is not loaded yet
    assert qt_app_loaded == "False"
    source = (Path(__file__).resolve().parents[2] / "desktop_app" / "cli.py").read_text(encoding="utf-8")
    start = source[source.index("def _cmd_start"):]
    assert start.index("lean_pyside.install()") < start.index("from desktop_app.ipc import")
