"""scripts/update-translations on a small made-up source tree and catalog folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--source", str(tmp_path / "src"),
         "--catalog-dir", str(tmp_path / "i18n"), "--lang", "de", *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _setup(tmp_path: Path, catalog: dict[str, str] | None) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text(SOURCE)
    (tmp_path / "i18n").mkdir()
    path = tmp_path / "i18n" / "de.json"
    if catalog is not None:
        path.write_text(json.dumps(catalog))
    return path


EXPECTED = [
    "First label", "Second label", "Plain", "Single quotes", "Implicit concatenation",
    "With {count} placeholder", "{n} minute", "{n} minutes", "Module constant",
]  # fmt: skip


def test_extracts_every_marked_literal_and_reports_what_it_cannot_read(tmp_path: Path) -> None:
    path = _setup(tmp_path, None)
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    catalog = json.loads(path.read_text())
    assert sorted(catalog) == sorted(EXPECTED)
    assert all(value == "" for value in catalog.values())
    assert "_(x.attribute)" in result.stdout
    assert "not marked" not in catalog


def test_keeps_translations_reports_obsolete_and_check_fails_on_missing(tmp_path: Path) -> None:
    path = _setup(tmp_path, {"Plain": "Schlicht", "Gone from the code": "Weg"})
    check = _run(tmp_path, "--check")
    assert check.returncode == 1
    assert "1/9 translated, 8 missing, 1 obsolete" in check.stdout
    assert json.loads(path.read_text()) == {
        "Plain": "Schlicht",
        "Gone from the code": "Weg",
    }  # --check wrote nothing

    assert _run(tmp_path).returncode == 0
    catalog = json.loads(path.read_text())
    assert catalog["Plain"] == "Schlicht" and catalog["Gone from the code"] == "Weg"
    assert _run(tmp_path, "--prune").returncode == 0
    assert "Gone from the code" not in json.loads(path.read_text())


def test_check_passes_when_complete_and_catches_placeholder_mistakes(tmp_path: Path) -> None:
    complete = {text: "DE " + text for text in EXPECTED}
    path = _setup(tmp_path, complete)
    result = _run(tmp_path, "--check")
    assert result.returncode == 0, result.stdout
    assert "9/9 translated, 0 missing, 0 obsolete, 0 placeholder mismatches" in result.stdout
    path.write_text(json.dumps({**complete, "With {count} placeholder": "Mit {anzahl} Platzhalter"}))
    result = _run(tmp_path, "--check")
    assert result.returncode == 1 and "placeholders differ" in result.stdout


def test_a_broken_catalog_is_reported_not_overwritten(tmp_path: Path) -> None:
    path = _setup(tmp_path, None)
    path.write_text("[1, 2")
    result = _run(tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "de.json" in result.stderr
    assert path.read_text() == "[1, 2"
