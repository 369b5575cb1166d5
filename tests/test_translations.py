"""Translations end to end: the gettext catalogs are complete and consistent, the compiled
.mo files are right and are found in every install kind, the language follows the system
locale unless the settings say otherwise, plurals follow each language's rule, Qt's own
strings are translated, and switching the language changes what the windows show.
"""

from __future__ import annotations

import gettext
import io
import os
import shutil
import string
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app import i18n
from desktop_app.po_files import PoEntry, compile_catalogs, compile_mo, parse_po, read_po, statistics

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "assets" / "i18n"
LANGS = ("de", "es", "fr")


def catalog(lang: str) -> dict[str, PoEntry]:
    """The live entries of ``<lang>.po`` by English text."""
    return {e.msgid: e for e in read_po(CATALOGS / f"{lang}.po") if e.msgid and not e.obsolete}


def text(lang: str, english: str) -> str:
    return catalog(lang)[english].msgstr[0]


@pytest.fixture
def restore_language() -> Iterator[None]:
    yield
    i18n.set_language("en")


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


# ----------------------------------------------------------------------------- the catalogs


def test_update_translations_check_passes_and_reports_each_language() -> None:
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install the Debian package gettext (scripts/system-packages.txt)")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update-translations"), "--check"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr
    for lang in LANGS:  # "de: 700/710 translated (98.6%), 10 untranslated, 0 fuzzy, ..."
        line = next(line for line in result.stdout.splitlines() if line.startswith(f"{lang}: "))
        assert "untranslated" in line and "fuzzy" in line, line
        percent = float(line.split("(")[1].split("%")[0])
        assert percent >= 95.0, line


@pytest.mark.parametrize("lang", LANGS)
def test_every_translation_keeps_placeholders_and_line_breaks(lang: str) -> None:
    entries = catalog(lang)
    total, untranslated, fuzzy = statistics(list(entries.values()))
    assert total > 500 and (total - len(untranslated) - len(fuzzy)) / total >= 0.95
    for english, entry in entries.items():
        wanted = _fields(english) | (_fields(entry.msgid_plural) if entry.msgid_plural else set())
        for form in entry.msgstr:
            if not form:
                continue
            if entry.msgid_plural is None:
                assert _fields(form) == wanted, f"{lang}: placeholders differ: {english!r} -> {form!r}"
            else:
                assert _fields(form) <= wanted, f"{lang}: unknown placeholder: {english!r} -> {form!r}"
            assert form.count("\n") == english.count("\n"), f"{lang}: line breaks differ: {english!r}"
    same = [e for e, entry in entries.items() if entry.msgstr and entry.msgstr[0] == e and " " in e]
    assert len(same) <= len(entries) // 20, same  # a few ("Status: {state}") may stay as they are


def test_german_review_fixes_are_in() -> None:
    de = catalog("de")
    streak = de["Streak: {current} day now, best {best}"].msgstr
    assert all("Bestwert" in form for form in streak) and not any("bestenfalls" in f for f in streak)
    assert "das Verschieben" in de["Minutes a snooze delays the prompt (Esc on the prompt)."].msgstr[0]
    assert de["Sitting {t}"].msgstr[0].startswith("Du sitzt seit")
    assert "du sitzt seit" in de["Time for a break · sitting {t}"].msgstr[0]
    assert not any("bestenfalls" in form for entry in de.values() for form in entry.msgstr)


@pytest.mark.parametrize("lang", LANGS)
def test_the_about_and_safety_page_is_translated(lang: str) -> None:
    entries = catalog(lang)
    about = [e for e, entry in entries.items() if any(ref.startswith("desktop_app/ui/about_dialog.py")
                                                      for ref in entry.references)]
    assert len(about) >= 10, about
    for english in about:
        assert entries[english].translated, f"{lang}: about page text not translated: {english!r}"
    safety = "Stop if anything hurts. See a professional for persistent pain."
    assert entries[safety].translated and entries[safety].msgstr[0] != safety


# ----------------------------------------------------------------------------- .po -> .mo


def test_compiled_catalog_matches_gnu_msgunfmt_and_python_reads_it(tmp_path: Path) -> None:
    po = tmp_path / "xx.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        '#: a.py:1\nmsgid "Hello"\nmsgstr "Bonjour"\n\n'
        '#, fuzzy\nmsgid "Maybe"\nmsgstr "Peut-être"\n\n'
        'msgid "Missing"\nmsgstr ""\n\n'
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} jour"\nmsgstr[1] "{n} jours"\n\n'
        'msgctxt "menu"\nmsgid "Quit"\nmsgstr "Quitter"\n\n'
        'msgid ""\n"Two\\n"\n"lines"\nmsgstr ""\n"Deux\\n"\n"lignes"\n\n'
        '#~ msgid "Old"\n#~ msgstr "Vieux"\n',
        encoding="utf-8")  # fmt: skip
    data = compile_mo(read_po(po))
    tr = gettext.GNUTranslations(io.BytesIO(data))
    assert tr.gettext("Hello") == "Bonjour"
    assert tr.gettext("Maybe") == "Maybe"  # fuzzy entries are not used
    assert tr.gettext("Missing") == "Missing"
    assert tr.gettext("Old") == "Old"  # obsolete entries are not compiled
    assert tr.pgettext("menu", "Quit") == "Quitter"
    assert tr.gettext("Two\nlines") == "Deux\nlignes"
    assert [tr.ngettext("{n} day", "{n} days", n) for n in (0, 1, 2)] == ["{n} jour", "{n} jour", "{n} jours"]
    if shutil.which("msgunfmt"):
        mo = tmp_path / "xx.mo"
        mo.write_bytes(data)
        shown = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True, check=True).stdout
        again = {e.msgid: e.msgstr for e in parse_po(shown) if e.msgid}
        assert again == {"Hello": ["Bonjour"], "{n} day": ["{n} jour", "{n} jours"], "Quit": ["Quitter"],
                         "Two\nlines": ["Deux\nlignes"]}


def test_compile_catalogs_writes_the_gettext_layout_once(tmp_path: Path) -> None:
    shutil.copy(CATALOGS / "fr.po", tmp_path / "fr.po")
    [mo] = compile_catalogs(tmp_path, "hipbreak")
    assert mo == tmp_path / "fr" / "LC_MESSAGES" / "hipbreak.mo"
    stamp = mo.stat().st_mtime_ns
    compile_catalogs(tmp_path, "hipbreak")
    assert mo.stat().st_mtime_ns == stamp  # unchanged bytes are not rewritten
    tr = gettext.translation("hipbreak", str(tmp_path), languages=["fr"])
    assert tr.gettext("Take a break now") == text("fr", "Take a break now")


def test_a_broken_catalog_falls_back_to_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                restore_language: None) -> None:
    assert i18n.set_language("xx") == "en"
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "de.po").write_text('msgid "Take a break now"\nmsgstr "unterminated\n')
    monkeypatch.setattr(i18n, "assets_dir", lambda: tmp_path)
    assert i18n.set_language("de") == "de"
    assert i18n._("Take a break now") == "Take a break now"


def test_the_app_reads_the_mo_when_no_po_is_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  restore_language: None) -> None:
    """Installs ship only .mo files (the wheel's data files, the bundle)."""
    compile_catalogs(CATALOGS, "hipbreak", tmp_path / "i18n")
    assert not list((tmp_path / "i18n").glob("*.po"))
    monkeypatch.setattr(i18n, "assets_dir", lambda: tmp_path)
    assert i18n.set_language("es") == "es"
    assert i18n._("Take a break now") == text("es", "Take a break now") != "Take a break now"


# ----------------------------------------------------------------------------- choosing the language


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "de_AT.UTF-8"}, "de"),
    ({"LANG": "fr_CA.UTF-8"}, "fr"),
    ({"LANG": "es_MX.UTF-8"}, "es"),
    ({"LANG": "pt_BR.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"}, "fr"),
    ({"LC_MESSAGES": "es_ES.UTF-8", "LANG": "de_DE.UTF-8"}, "es"),
    ({"LANGUAGE": "pt:es:de", "LANG": "fr_FR.UTF-8"}, "es"),
    ({"LANGUAGE": "pt", "LANG": "fr_FR.UTF-8"}, "fr"),
    ({"LANGUAGE": "de", "LC_ALL": "es_ES.UTF-8"}, "de"),
])  # fmt: skip
def test_system_language_follows_the_environment(env: dict[str, str], expected: str) -> None:
    assert i18n.system_language(env) == expected


def test_settings_override_the_system_language(monkeypatch: pytest.MonkeyPatch, restore_language: None) -> None:
    for var in i18n.LOCALE_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert i18n.set_language("system") == "de"
    assert i18n._("Quit") == text("de", "Quit")
    assert i18n.set_language("fr") == "fr"
    assert i18n._("Quit") == text("fr", "Quit")
    assert i18n.set_language("es_ES") == "es"


def _cli(profile: Path, env_lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in i18n.LOCALE_VARIABLES}
    env.update(HIPBREAK_PROFILE_DIR=str(profile), LANG=env_lang, PYTHONPATH=str(ROOT))
    env.pop("DISPLAY", None)
    return subprocess.run([sys.executable, "-m", "desktop_app", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_speaks_the_system_language_unless_the_settings_choose(tmp_path: Path) -> None:
    result = _cli(tmp_path, "fr_FR.UTF-8", "routines")
    assert result.returncode == 0, result.stderr
    assert text("fr", "(about {m} min, {where})").split("{")[0] in result.stdout
    assert text("fr", "built-in") in result.stdout

    settings = tmp_path / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"language": "es"}', encoding="utf-8")
    result = _cli(tmp_path, "fr_FR.UTF-8", "routines")
    assert result.returncode == 0, result.stderr
    assert text("es", "built-in") in result.stdout and text("fr", "built-in") not in result.stdout


# ----------------------------------------------------------------------------- plurals


def test_plurals_follow_each_language(restore_language: None) -> None:
    forms: dict[str, list[str]] = {}
    for lang in LANGS:
        i18n.set_language(lang)
        forms[lang] = [i18n.ngettext("{n} day", "{n} days", n).format(n=n) for n in (0, 1, 2)]
    one, many = catalog("fr")["{n} day"].msgstr
    assert forms["fr"] == [one.format(n=0), one.format(n=1), many.format(n=2)]  # French: 0 is singular
    one, many = catalog("de")["{n} day"].msgstr
    assert forms["de"] == [many.format(n=0), one.format(n=1), many.format(n=2)]
    one, many = catalog("es")["{n} day"].msgstr
    assert forms["es"] == [many.format(n=0), one.format(n=1), many.format(n=2)]
    i18n.set_language("en")
    assert [i18n.ngettext("{n} day", "{n} days", n) for n in (0, 1, 2)] == ["{n} days", "{n} day", "{n} days"]


def test_no_plural_is_made_by_hand_in_the_code() -> None:
    """Plurals go through ngettext: no "(s)" texts and no ``n == 1`` choices of wording."""
    offenders = []
    for path in (ROOT / "desktop_app").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for number, line in enumerate(source.splitlines(), 1):
            if "(s)" in line and "_(" in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, offenders


# ----------------------------------------------------------------------------- install kinds


def test_the_wheel_ships_compiled_catalogs_and_an_installed_copy_finds_them(tmp_path: Path) -> None:
    """Build a real wheel from a copy of the tree, install it into a fresh venv, ask it for French."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "desktop_app", src / "desktop_app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assets", src / "assets", ignore=shutil.ignore_patterns("LC_MESSAGES"))
    assert not list((src / "assets" / "i18n").rglob("*.mo"))  # the build must compile them itself
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(src)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    [wheel] = wheels.glob("hipbreak-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for lang in LANGS:
        assert any(n.endswith(f"data/share/hipbreak/assets/i18n/{lang}/LC_MESSAGES/hipbreak.mo") for n in names), lang
    assert not [n for n in names if n.endswith(".po")]

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                              "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr[-3000:]
    probe = ("from desktop_app import i18n; i18n.set_language('fr'); "
             "print(i18n.mo_path('fr')); print(i18n._('Take a break now'))")
    result = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    mo_line, translated = result.stdout.splitlines()
    assert mo_line.startswith(str(venv / "share" / "hipbreak" / "assets" / "i18n")), mo_line
    assert translated == text("fr", "Take a break now")


def test_setup_venv_compiles_the_catalogs_the_checkout_uses() -> None:
    """The venv (editable) install reads assets/ in the checkout; scripts/setup-venv compiles there."""
    assert "desktop_app.po_files" in (ROOT / "scripts" / "setup-venv").read_text()
    assert "desktop_app.po_files" in (ROOT / "scripts" / "build-bundle").read_text()
    for lang in LANGS:
        assert i18n.mo_path(lang).is_file(), f"run scripts/setup-venv: {i18n.mo_path(lang)} is missing"


# ----------------------------------------------------------------------------- Qt


@pytest.mark.parametrize("lang", LANGS)
def test_qt_translator_translates_dialog_buttons_and_the_line_edit_menu(qapp: Any, lang: str,
                                                                       restore_language: None) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop_app.ui.qt_app import install_qt_translations

    buttons = QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save
    install_qt_translations(qapp)
    before = QDialogButtonBox(buttons)
    assert sorted(b.text().replace("&", "") for b in before.buttons()) == ["Cancel", "Save"]
    i18n.set_language(lang)
    box = QDialogButtonBox(buttons)
    translated = sorted(b.text().replace("&", "") for b in box.buttons())
    expected = {"de": ["Abbrechen", "Speichern"], "es": ["Cancelar", "Guardar"], "fr": ["Annuler", "Enregistrer"]}
    assert translated == expected[lang]
    # the line-edit context menu is Qt's too
    from PySide6.QtWidgets import QLineEdit

    field = QLineEdit()
    menu = field.createStandardContextMenu()
    assert menu is not None
    words = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()]
    assert "Undo" not in words and "Paste" not in words, words
    undo = {"de": "Rückgängig", "es": "Deshacer", "fr": "Annuler"}[lang]
    assert undo in words, words
    menu.deleteLater()
    i18n.set_language("en")
    qapp.processEvents()  # QDialogButtonBox retranslates its buttons on LanguageChange
    assert sorted(b.text().replace("&", "") for b in box.buttons()) == ["Cancel", "Save"]
    english = field.createStandardContextMenu()
    assert english is not None and "Undo" in [a.text().split("\t")[0].replace("&", "") for a in english.actions()]
    english.deleteLater()


# ----------------------------------------------------------------------------- windows


def _untranslated(texts: list[str], lang: str) -> list[str]:
    """Texts still in English although the catalog has a translation."""
    entries = catalog(lang)
    return [t for t in texts if t in entries and entries[t].translated and entries[t].msgstr[0] != t]


@pytest.mark.parametrize("lang", LANGS)
def test_tray_menu_is_translated(qapp: Any, lang: str, profile_dir: Path, clock: Any,
                                 restore_language: None) -> None:
    from PySide6.QtWidgets import QMenu

    from desktop_app.ui.tray_menu import TrayMenu
    from tests.support.app_parts import close_controller, make_controller, profile_paths

    i18n.set_language(lang)
    ctl = make_controller(clock, profile_paths(profile_dir))
    ctl.start()
    try:
        menu = TrayMenu(ctl)
        menu.refresh(ctl.menu_state())
        texts: list[str] = []
        for action in menu.actions():
            texts.append(action.text().replace("&&", "&"))
            sub = action.menu()
            if isinstance(sub, QMenu):
                texts += [a.text().replace("&&", "&") for a in sub.actions()]
        for english in ("Take a break now", "Snooze", "Pause", "Settings…", "Quit", "Skip this break"):
            assert text(lang, english) in texts, (english, texts)
        assert not _untranslated(texts, lang), texts
        menu.deleteLater()
    finally:
        close_controller(ctl)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.qt_log_ignore("qt.multimedia", "PulseAudioService", "pipewire")
def test_player_window_is_translated(qtbot: Any, clock: Any, lang: str, restore_language: None) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from desktop_app.core.routine import builtin_routines_dir, load_routine
    from desktop_app.core.settings import Settings
    from desktop_app.ui.player_window import SAFETY_LINE, PlayerWindow

    i18n.set_language(lang)
    routine = load_routine(builtin_routines_dir() / "hip-flexor-reset.json", builtin=True)
    window = PlayerWindow(routine, Settings(), clock, lang=lang)
    qtbot.addWidget(window)
    window.sound.play = lambda cue: True  # no audio device needed
    window.show()
    texts = [w.text() for w in window.findChildren(QLabel)] + [
        w.text() for w in window.findChildren(QAbstractButton)
    ]
    texts += [w.toolTip() for w in window.findChildren(QAbstractButton) if w.toolTip()]
    note = routine.safety_note  # the routine's own note in this language, else the catalog's line
    assert (note.get(lang) if lang in note.languages else text(lang, SAFETY_LINE)) in texts
    assert not _untranslated([t for t in texts if t], lang), texts
    window.close()
    window.compact.close()


def test_tab_labels_keep_their_accents(qapp: Any) -> None:
    """Fusion clips an unselected tab's label to 12 px of a 14 px font: "Übungsfolgen" lost its dots."""
    from PySide6.QtWidgets import QTabWidget, QWidget

    from desktop_app.ui.tab_text_style import TabTextStyle, install_tab_text_style

    def unselected_tab(text: str) -> Any:
        tabs = QTabWidget()
        tabs.addTab(QWidget(), "Pausen")
        tabs.addTab(QWidget(), text)
        tabs.resize(300, 80)
        tabs.show()
        qapp.processEvents()
        image = tabs.grab(tabs.tabBar().tabRect(1)).toImage()
        tabs.close()
        return image

    install_tab_text_style(qapp)
    assert isinstance(qapp.style(), TabTextStyle)
    with_dots, without = unselected_tab("Übungsfolgen"), unselected_tab("Ubungsfolgen")
    assert with_dots != without, "the dots of Ü are clipped away"


def test_the_cli_help_and_errors_are_translated_argparse_words_included(tmp_path: Path) -> None:
    result = _cli(tmp_path, "de_DE.UTF-8", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(text("de", "usage: ")), result.stdout[:80]
    assert text("de", "positional arguments") + ":" in result.stdout
    assert text("de", "show this help message and exit") in result.stdout
    assert "usage:" not in result.stdout and "options:" not in result.stdout

    result = _cli(tmp_path, "de_DE.UTF-8", "frobnicate")
    assert result.returncode == 2
    line = result.stderr.strip()
    problem = text("de", "unknown command '{cmd}'").format(cmd="frobnicate")
    assert line == "hipbreak: " + text("de", "{problem} (see 'hipbreak --help').").format(
        problem=problem[:1].upper() + problem[1:]), line  # not argparse's "argument BEFEHL: invalid choice"
