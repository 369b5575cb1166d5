"""scripts/update-translations on a small made-up source tree and catalog folder (real xgettext/msgmerge)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.po_files import PoEntry, format_po, read_po

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "update-translations"


SOURCE = """
from desktop_app.i18n import _, ngettext

TITLE = "Module constant"
FIELDS = (("a", "First label"), ("b", "Second label"))


def f(n, x):
    for _name, label in FIELDS:
        print(_(label))
    print(_("Plain"), _('Single quotes'), _("Implicit " "concatenation"))
    print(_("With {count} placeholder").format(count=n))
    print(ngettext("{n} minute", "{n} minutes", n))
    print(_(TITLE))
    print(_(x.attribute))
    print("not marked")
"""

EXPECTED = [
    "First label", "Second label", "Plain", "Single quotes", "Implicit concatenation",
    "With {count} placeholder", "{n} minute", "Module constant",
]  # fmt: skip


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install the Debian package gettext (scripts/system-packages.txt)")
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--source", str(tmp_path / "src"),
         "--catalog-dir", str(tmp_path / "i18n"), "--lang", "fr", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _setup(tmp_path: Path, entries: list[PoEntry] | None) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text(SOURCE)
    (tmp_path / "i18n").mkdir()
    path = tmp_path / "i18n" / "fr.po"
    if entries is not None:
        header = PoEntry("", msgstr=["Content-Type: text/plain; charset=UTF-8\n"
                                     "Plural-Forms: nplurals=2; plural=(n > 1);\n"])
        path.write_text(format_po([header, *entries]), encoding="utf-8")
    return path


def _live(path: Path) -> dict[str, PoEntry]:
    return {e.msgid: e for e in read_po(path) if e.msgid and not e.obsolete}


def test_extracts_every_marked_literal_and_reports_what_it_cannot_read(tmp_path: Path) -> None:
    path = _setup(tmp_path, None)
    result = _run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    catalog = _live(path)
    assert sorted(catalog) == sorted(EXPECTED)
    assert catalog["{n} minute"].msgid_plural == "{n} minutes"
    assert all(not any(e.msgstr) for e in catalog.values())
    assert "nplurals=2; plural=(n > 1);" in path.read_text(encoding="utf-8")  # French plural rule
    assert "_(x.attribute)" in result.stdout
    assert "not marked" not in catalog
    assert (tmp_path / "i18n" / "hipbreak.pot").is_file()  # the translators' template


def test_keeps_translations_marks_changed_text_fuzzy_and_check_fails_below_the_threshold(tmp_path: Path) -> None:
    path = _setup(tmp_path, [PoEntry("Plain", msgstr=["Simple"]),
                             PoEntry("With {count} placeholders", msgstr=["Avec {count} variables"]),
                             PoEntry("Gone from the code", msgstr=["Parti"])])
    before = path.read_text(encoding="utf-8")
    check = _run(tmp_path, "--check")
    assert check.returncode == 1
    assert "fr: 1/8 translated (12.5%), 6 untranslated, 1 fuzzy, 1 obsolete" in check.stdout, check.stdout
    assert "untranslated  " in check.stdout and "fuzzy         " in check.stdout
    assert path.read_text(encoding="utf-8") == before  # --check wrote nothing

    assert _run(tmp_path).returncode == 0
    catalog = _live(path)
    assert catalog["Plain"].msgstr == ["Simple"] and catalog["Plain"].translated
    fuzzy = catalog["With {count} placeholder"]
    assert fuzzy.fuzzy and fuzzy.msgstr == ["Avec {count} variables"]  # kept for review, not used
    assert "#~ msgid \"Gone from the code\"" in path.read_text(encoding="utf-8")
    assert _run(tmp_path, "--prune").returncode == 0
    assert "Gone from the code" not in path.read_text(encoding="utf-8")
    assert _run(tmp_path, "--check", "--min-percent", "10").returncode == 0


def test_check_passes_when_complete_and_catches_placeholder_mistakes(tmp_path: Path) -> None:
    entries = [PoEntry(text, msgstr=["FR " + text]) for text in EXPECTED if text != "{n} minute"]
    entries.append(PoEntry("{n} minute", "{n} minutes", msgstr=["{n} minute", "{n} minutes"]))
    path = _setup(tmp_path, entries)
    result = _run(tmp_path, "--check")
    assert result.returncode == 0, result.stdout
    assert "fr: 8/8 translated (100.0%), 0 untranslated, 0 fuzzy, 0 obsolete, 0 placeholder mismatches" in result.stdout
    text = path.read_text(encoding="utf-8").replace('msgstr "FR With {count} placeholder"',
                                                     'msgstr "FR Avec {nombre} variable"')
    path.write_text(text, encoding="utf-8")
    result = _run(tmp_path, "--check")
    # msgmerge checks python-brace-format entries itself and marks a mismatch fuzzy (so it is
    # not used); either way the check fails and names the entry.
    assert result.returncode == 1
    flagged = [line for line in result.stdout.splitlines() if "With {count} placeholder" in line]
    assert flagged and ("fuzzy" in flagged[0] or "placeholders differ" in flagged[0]), result.stdout


def test_compile_writes_mo_files_the_app_can_read(tmp_path: Path) -> None:
    _setup(tmp_path, [PoEntry("Plain", msgstr=["Simple"])])
    result = _run(tmp_path, "--compile")
    assert result.returncode == 0, result.stderr
    import gettext

    tr = gettext.translation("hipbreak", str(tmp_path / "i18n"), languages=["fr"])
    assert tr.gettext("Plain") == "Simple"


def test_a_broken_catalog_is_reported_not_overwritten(tmp_path: Path) -> None:
    path = _setup(tmp_path, None)
    path.write_text('msgid "Plain"\nmsgstr "unterminated\n')
    result = _run(tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "fr.po" in result.stderr
    assert path.read_text() == 'msgid "Plain"\nmsgstr "unterminated\n'
