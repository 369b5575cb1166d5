"""German end to end: the catalog is complete and consistent, and switching the language
really changes what the tray menu and the player window show.
"""

from __future__ import annotations

import json
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app import i18n

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "assets" / "i18n" / "de.json"


@pytest.fixture
def german() -> Iterator[dict[str, str]]:
    """The UI in German for one test, English again afterwards."""
    assert i18n.set_language("de") == "de"
    try:
        yield json.loads(CATALOG.read_text(encoding="utf-8"))
    finally:
        i18n.set_language("en")


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_update_translations_check_finds_nothing_missing() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update-translations"), "--check"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr


def test_every_translation_keeps_the_placeholders_and_is_german() -> None:
    catalog: dict[str, str] = json.loads(CATALOG.read_text(encoding="utf-8"))
    assert catalog, "assets/i18n/de.json is empty"
    for english, german in catalog.items():
        assert german.strip(), f"no translation for {english!r}"
        assert _fields(german) == _fields(english), f"placeholders differ: {english!r} -> {german!r}"
        assert german.count("\n") == english.count("\n"), f"line breaks differ: {english!r}"
    same = [english for english, german in catalog.items() if english == german and " " in english]
    # Some texts are the same in both languages ("Status: {state}"), but not many sentences.
    assert len(same) <= len(catalog) // 20, same


def test_switching_language_switches_the_text(german: dict[str, str]) -> None:
    assert i18n.current_language() == "de"
    assert i18n._("Take a break now") == german["Take a break now"] != "Take a break now"
    assert i18n.ngettext("{n} exercise", "{n} exercises", 2) == german.get("{n} exercises", "{n} exercises")
    i18n.set_language("en")
    assert i18n._("Take a break now") == "Take a break now"


def test_unknown_language_and_broken_catalog_fall_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert i18n.set_language("xx") == "en"
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "de.json").write_text("{not json")
    monkeypatch.setattr(i18n, "assets_dir", lambda: tmp_path)
    try:
        assert i18n.set_language("de") == "de"
        assert i18n._("Take a break now") == "Take a break now"
    finally:
        monkeypatch.undo()
        i18n.set_language("en")


def test_system_language_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "de_AT.UTF-8")
    assert i18n.system_language() == "de"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert i18n.system_language() == "en"


def _untranslated(texts: list[str], catalog: dict[str, str]) -> list[str]:
    """Texts still in English although the catalog has a German version."""
    return [t for t in texts if t in catalog and catalog[t] != t]


def test_tray_menu_in_german(qapp: Any, german: dict[str, str], profile_dir: Path, clock: Any) -> None:
    from PySide6.QtWidgets import QMenu

    from desktop_app.ui.tray_menu import TrayMenu
    from tests.support.app_parts import close_controller, make_controller, profile_paths

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
            assert german[english] in texts, (english, texts)
        assert not _untranslated(texts, german), texts
        # The live status line at the top is German too.
        assert texts[0].startswith(german["Sitting {t} · break in {n}"].split("{")[0]), texts[0]
        # Routine titles come from the routine files' German fields.
        routine_titles = [t for t in texts if t and t not in german.values()]
        assert routine_titles, texts
        menu.deleteLater()
    finally:
        close_controller(ctl)


@pytest.mark.qt_log_ignore("qt.multimedia", "PulseAudioService", "pipewire")
def test_player_window_in_german(qtbot: Any, german: dict[str, str], clock: Any) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from desktop_app.core.routine import builtin_routines_dir, load_routine
    from desktop_app.core.settings import Settings
    from desktop_app.ui.player_window import SAFETY_LINE, PlayerWindow

    routine = load_routine(builtin_routines_dir() / "hip-flexor-reset.json", builtin=True)
    window = PlayerWindow(routine, Settings(), clock, lang="de")
    qtbot.addWidget(window)
    window.sound.play = lambda cue: True  # no audio device needed
    window.show()
    texts = [w.text() for w in window.findChildren(QLabel)] + [
        w.text() for w in window.findChildren(QAbstractButton)
    ]
    texts += [w.toolTip() for w in window.findChildren(QAbstractButton) if w.toolTip()]
    assert german[SAFETY_LINE] in texts
    assert routine.title.get("de") in window.windowTitle() and routine.title.get("de") != str(routine.title)
    assert not _untranslated([t for t in texts if t], german), texts
    visible_german = [t for t in texts if t in german.values()]
    assert len(visible_german) >= 3, texts
    window.close()
    window.compact.close()
