"""A thin translation layer: ``_("English text")`` returns the text in the UI language.

Why not Qt's ``tr()``: the core and the CLI must translate without Qt, and
Qt's tooling (lupdate/lrelease, .ts/.qm files) adds a build step. Catalogs
are plain JSON files ``assets/i18n/<lang>.json`` mapping English source text
to its translation; ``scripts/update-translations`` extracts every ``_()``
string from the source and reports what is missing. A missing entry falls back
to English, so a half-finished catalog never breaks the app.
"""

from __future__ import annotations

import json
import locale
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
SUPPORTED = ("en", "de")

_catalog: dict[str, str] = {}
_language = "en"


def catalog_path(lang: str) -> Path:
    """Where the catalog for ``lang`` lives."""
    return assets_dir() / "i18n" / f"{lang}.json"


def assets_dir() -> Path:
    """The assets folder: in a PyInstaller bundle (``sys._MEIPASS``), beside the source
    tree (a checkout or an editable install), or under ``<prefix>/share/hipbreak``
    (a regular pip install, see ``[tool.setuptools.data-files]``)."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    if (ASSETS_DIR / "routines").is_dir():
        return ASSETS_DIR
    installed = Path(sys.prefix) / "share" / "hipbreak" / "assets"
    return installed if installed.is_dir() else ASSETS_DIR


def system_language() -> str:
    """The user's language from the environment, reduced to a supported code."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            code = value.split(":")[0].split("_")[0].split(".")[0].lower()
            if code in SUPPORTED:
                return code
            if code and code not in ("c", "posix"):
                return "en"
    try:
        code = (locale.getlocale()[0] or "en").split("_")[0].lower()
    except ValueError:
        code = "en"
    return code if code in SUPPORTED else "en"


def set_language(lang: str) -> str:
    """Switch the UI language ("system" follows the environment). Returns the code now in use."""
    global _catalog, _language
    code = system_language() if lang == "system" else lang
    if code not in SUPPORTED:
        log.warning("language %r is not available; using English", lang)
        code = "en"
    _language = code
    _catalog = {}
    if code != "en":
        path = catalog_path(code)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                _catalog = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and v}
        except (OSError, ValueError) as exc:
            log.warning("cannot read translations %s (%s); using English", path, exc)
    return _language


def current_language() -> str:
    """The language code in use now."""
    return _language


def _(text: str) -> str:
    """Translate ``text`` (English source) into the current language."""
    return _catalog.get(text, text)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Pick singular or plural English source by ``n``, then translate it."""
    return _(singular if n == 1 else plural)
