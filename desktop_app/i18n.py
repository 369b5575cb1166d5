"""Translations through Python's standard ``gettext``: ``_("English text")`` and ``ngettext``.

Why gettext and not Qt's ``tr()``: the core and the CLI translate without Qt,
and .po catalogs are what translators' tools (Poedit, Weblate, Transifex) and
distributions work with. The catalogs live in ``assets/i18n/<lang>.po``;
``scripts/update-translations`` extracts every ``_()``/``ngettext()`` string
with GNU xgettext and merges it in. The app reads compiled ``.mo`` files from
``assets/i18n/<lang>/LC_MESSAGES/hipbreak.mo``, which the setup and build steps
write (``desktop_app.po_files``; no gettext tools needed for that).

A missing translation falls back to English, so a half-finished catalog never
breaks the app. In a source checkout whose .mo is missing or older than the
.po (someone just edited a catalog), the .po is read directly.

Language choice: the ``language`` setting when it names a language, else the
system locale (``LANGUAGE``, then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
English. Qt's own strings (dialog buttons, context menus) are translated by a
QTranslator that ``desktop_app.ui.qt_app`` installs through
:func:`add_language_listener`, so this module stays free of Qt.
"""

from __future__ import annotations

import gettext
import io
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

DOMAIN = "hipbreak"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
#: Languages with a catalog (English is the source language and needs none).
SUPPORTED = ("en", "de", "es", "fr")
#: Each language's name in itself, for the language setting.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "es": "Español", "fr": "Français"}
#: Where the system's language is read from, most specific first (the GNU gettext order).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_listeners: list[Callable[[str], None]] = []


def assets_dir() -> Path:
    """The assets folder: in a PyInstaller bundle (``sys._MEIPASS``), beside the source
    tree (a checkout or an editable install), or under ``<prefix>/share/hipbreak``
    (a regular pip install, see ``[tool.setuptools.data-files]``)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    if (ASSETS_DIR / "routines").is_dir():
        return ASSETS_DIR
    installed = Path(sys.prefix) / "share" / "hipbreak" / "assets"
    return installed if installed.is_dir() else ASSETS_DIR


def locale_dir() -> Path:
    """The folder holding ``<lang>.po`` and ``<lang>/LC_MESSAGES/hipbreak.mo``."""
    return assets_dir() / "i18n"


def catalog_path(lang: str) -> Path:
    """The translators' catalog (.po) for ``lang``; not shipped in installs."""
    return locale_dir() / f"{lang}.po"


def mo_path(lang: str) -> Path:
    """The compiled catalog (.mo) for ``lang`` that the app reads."""
    return locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _code(value: str) -> str:
    """``de_AT.UTF-8@euro`` -> ``de``."""
    return value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The user's language from the environment, reduced to a supported code.

    ``LANGUAGE`` is a priority list (``pt:es``): its first supported entry wins.
    Otherwise the first set variable of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
    decides; a language we have no catalog for, or ``C``/``POSIX``, means English.
    """
    env = os.environ if environ is None else environ
    for item in env.get("LANGUAGE", "").split(":"):
        if _code(item) in SUPPORTED:
            return _code(item)
    for var in LOCALE_VARIABLES[1:]:
        value = env.get(var, "")
        if value:
            code = _code(value)
            return code if code in SUPPORTED else "en"
    if environ is not None:
        return "en"
    import locale  # only here: its alias tables stay in memory once imported (~0.45 MB)

    try:
        code = _code(locale.getlocale()[0] or "en")
    except ValueError:
        code = "en"
    return code if code in SUPPORTED else "en"


def system_territory(environ: Mapping[str, str] | None = None) -> str | None:
    """The region of the system's formats locale (``LC_ALL``, ``LC_TIME``, ``LANG``): ``de_AT`` -> ``AT``."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_TIME", "LANG"):
        value = env.get(var, "")
        if value:
            parts = value.split(".")[0].split("@")[0].replace("-", "_").split("_")
            return parts[1].upper() if len(parts) > 1 and parts[1] else None
    return None


def format_locale_name(lang: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The locale for dates, times and numbers: the UI language, in the system's region
    when the system speaks the same language (``en_GB``, ``de_AT``), else its main region;
    ``C`` for English when the system has no locale set (``C``/``POSIX`` or nothing)."""
    code = lang or _language
    env = os.environ if environ is None else environ
    territory = None
    system = next((env[var] for var in ("LC_ALL", "LC_TIME", "LANG") if env.get(var)), "C")
    if _code(system) in ("c", "posix") and code == "en":
        return "C"  # no locale chosen: 24-hour clock and ISO dates, as before there were locales
    if _code(system) == code:
        territory = system_territory(env)
    default = {"en": "US", "de": "DE", "es": "ES", "fr": "FR"}.get(code, "US")
    return f"{code}_{territory or default}"


def _load(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for ``lang``, or the .po in a checkout when it is newer; English on failure."""
    from desktop_app.po_files import PoError, compile_mo, read_po

    mo, po = mo_path(lang), catalog_path(lang)
    try:
        if po.is_file() and (not mo.is_file() or po.stat().st_mtime > mo.stat().st_mtime):
            log.debug("reading %s directly (its .mo is missing or older)", po)
            return gettext.GNUTranslations(io.BytesIO(compile_mo(read_po(po))))
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except (OSError, PoError, ValueError, UnicodeDecodeError) as exc:
        log.warning("cannot read the %s translations (%s); using English", lang, exc)
        return gettext.NullTranslations()


def N_(text: str) -> str:
    """Mark ``text`` for extraction without translating it now (xgettext ``--keyword=N_``)."""
    return text


#: argparse's own words in ``hipbreak --help`` and its errors. argparse looks them up with a
#: module-level ``_``, which :func:`_translate_argparse` points at this module's catalogs.
ARGPARSE_TEXTS = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"), N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"), N_("ignored explicit argument %r"),
    N_("one of the arguments %s is required"), N_("expected one argument"),
    N_("expected at most one argument"), N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("unexpected option string: %s"),
)


def _translate_argparse() -> None:
    """Point argparse's ``_``/``ngettext`` at ours (only when the CLI has imported argparse)."""
    argparse = sys.modules.get("argparse")
    if argparse is not None:
        setattr(argparse, "_", _)  # noqa: B010 (a module attribute named _)
        setattr(argparse, "ngettext", ngettext)  # noqa: B010


def set_language(lang: str) -> str:
    """Switch the UI language ("system" follows the environment). Returns the code now in use."""
    global _translations, _language
    code = system_language() if lang == "system" else _code(lang)
    if code not in SUPPORTED:
        log.warning("language %r is not available; using English", lang)
        code = "en"
    _translations = gettext.NullTranslations() if code == "en" else _load(code)
    changed = code != _language
    _language = code
    _translate_argparse()
    if changed:
        for listener in list(_listeners):
            try:
                listener(code)
            except Exception:  # a listener's bug must not stop the language switch
                log.exception("language listener failed")
    return _language


def add_language_listener(callback: Callable[[str], None]) -> None:
    """Call ``callback(code)`` after every change of language (the Qt translator hooks in here)."""
    if callback not in _listeners:
        _listeners.append(callback)


def remove_language_listener(callback: Callable[[str], None]) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def current_language() -> str:
    """The language code in use now."""
    return _language


def _(text: str) -> str:
    """Translate ``text`` (English source) into the current language."""
    return _translations.gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` that fits ``n`` in the current language (French
    uses the singular for 0 and 1, German and Spanish only for 1)."""
    return _translations.ngettext(singular, plural, n)
