"""Build hook: compile the translation catalogs (assets/i18n/<lang>.po -> .mo) before setuptools runs.

Why here and not in a custom command: ``[tool.setuptools.data-files]`` in pyproject.toml is
expanded when setup() reads the configuration, so the .mo files must exist by then for a wheel
(or a regular ``pip install``) to ship them. The compiler is desktop_app/po_files.py, standard
library only, so building needs no gettext tools. Everything else is configured in pyproject.toml.
"""

import importlib.util
import sys
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_hipbreak_po_files", ROOT / "desktop_app" / "po_files.py")
assert _spec is not None and _spec.loader is not None
_po_files = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _po_files  # dataclasses look their module up there
_spec.loader.exec_module(_po_files)
_po_files.compile_catalogs(ROOT / "assets" / "i18n", "hipbreak")

setup()
