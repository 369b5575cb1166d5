"""Dates, times and numbers follow the locale: the CLI's table, the status line's clock, the
``hipbreak stats`` text report in a subprocess, and the statistics window through QLocale."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desktop_app import i18n
from desktop_app.locale_format import format_date, format_number, format_time, format_weekday_date

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture
def locale_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the locale variables for one test; English and the process locale again afterwards."""
    for var in (*i18n.LOCALE_VARIABLES, "LC_TIME"):
        monkeypatch.delenv(var, raising=False)

    def use(lang_env: str, ui: str = "system") -> None:
        monkeypatch.setenv("LANG", lang_env)
        i18n.set_language(ui)

    yield use
    i18n.set_language("en")


@pytest.mark.parametrize(("ui", "env", "name"), [
    ("en", {"LANG": "en_US.UTF-8"}, "en_US"),
    ("en", {"LANG": "en_GB.UTF-8"}, "en_GB"),
    ("en", {"LANG": "C.UTF-8"}, "C"),
    ("en", {}, "C"),
    ("de", {"LANG": "de_AT.UTF-8"}, "de_AT"),
    ("de", {"LANG": "en_GB.UTF-8"}, "de_DE"),  # German chosen in the settings on an English system
    ("fr", {"LC_TIME": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr_CA"),
    ("es", {"LC_ALL": "es_MX.UTF-8"}, "es_MX"),
])  # fmt: skip
def test_the_formats_locale_is_the_ui_language_in_the_systems_region(ui: str, env: dict[str, str],
                                                                      name: str) -> None:
    assert i18n.format_locale_name(ui, env) == name


@pytest.mark.parametrize(("name", "day", "clock", "number"), [
    ("C", "2026-11-24", "14:05", "1,234.5"),
    ("en_US", "11/24/2026", "2:05 PM", "1,234.5"),
    ("en_GB", "24/11/2026", "14:05", "1,234.5"),
    ("de_DE", "24.11.2026", "14:05", "1.234,5"),
    ("de_AT", "24.11.2026", "14:05", "1.234,5"),
    ("es_ES", "24/11/2026", "14:05", "1.234,5"),
    ("fr_FR", "24/11/2026", "14:05", "1\u202f234,5"),
])  # fmt: skip
def test_cli_table(name: str, day: str, clock: str, number: str) -> None:
    assert format_date(DAY, name) == day
    assert format_time(time(14, 5), name) == clock
    assert format_number(1234.5, 1, name) == number
    assert format_time(time(0, 30), "en_US") == "12:30 AM"


def test_weekday_names_come_from_the_catalog(locale_env: Any) -> None:
    locale_env("de_DE.UTF-8")
    assert format_weekday_date(DAY) == "Di 24.11.2026"
    locale_env("fr_FR.UTF-8")
    assert format_weekday_date(DAY) == "mar. 24/11/2026"


def test_status_line_clock_follows_the_locale(locale_env: Any) -> None:
    from desktop_app.application.status_text import format_clock

    tz = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 24, 9, 0, tzinfo=tz)
    at_14 = datetime(2026, 11, 24, 14, 20, tzinfo=tz).timestamp()
    in_two_days = datetime(2026, 11, 26, 8, 5, tzinfo=tz).timestamp()
    locale_env("en_US.UTF-8")
    assert format_clock(at_14, now) == "2:20 PM"
    assert format_clock(in_two_days, now) == "Thu 8:05 AM"
    locale_env("de_DE.UTF-8")
    assert format_clock(at_14, now) == "14:20"
    assert format_clock(in_two_days, now) == "Do 08:05"
    locale_env("C.UTF-8")
    assert format_clock(at_14, now) == "14:20"


def test_hipbreak_stats_prints_dates_the_locale_way(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in (*i18n.LOCALE_VARIABLES, "LC_TIME", "DISPLAY")}
    env.update(HIPBREAK_PROFILE_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    today = datetime.now().astimezone().date()
    outputs = {}
    for lang in ("de_DE.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8"):
        result = subprocess.run([sys.executable, "-m", "desktop_app", "stats", "--days", "2"],
                                env={**env, "LANG": lang}, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs[lang] = result.stdout
    if datetime.now().astimezone().date() != today:
        pytest.skip("the run crossed midnight")
    assert f"Heute ({today:%d.%m.%Y})" in outputs["de_DE.UTF-8"]
    assert f"Today ({today.month}/{today.day}/{today.year})" in outputs["en_US.UTF-8"]
    assert f"Aujourd'hui ({today:%d/%m/%Y})" in outputs["fr_FR.UTF-8"]
    assert today.isoformat() not in "".join(outputs.values())


@pytest.mark.parametrize(("lang_env", "ui", "short", "long", "clock", "decimal"), [
    ("de_DE.UTF-8", "system", "Di. 24.11.26", "Dienstag, 24. November 2026", "14:00", "1,5"),
    ("en_US.UTF-8", "system", "Tue 11/24/26", "Tuesday, November 24, 2026", "2:00\u202fPM", "1.5"),
    ("fr_FR.UTF-8", "system", "mar. 24/11/2026", "mardi 24 novembre 2026", "14:00", "1,5"),
    ("es_ES.UTF-8", "system", "mar 24/11/26", "martes, 24 de noviembre de 2026", "14:00", "1,5"),
    ("C.UTF-8", "en", "Tue 24 Nov", "Tue 24 Nov 2026", "14:00", "1.5"),
])  # fmt: skip
def test_statistics_window_formats_follow_the_locale(qapp: Any, locale_env: Any, lang_env: str, ui: str,
                                                     short: str, long: str, clock: str, decimal: str) -> None:
    from desktop_app.ui import locale_dates

    locale_env(lang_env, ui)
    assert locale_dates.short_date(DAY) == short
    assert locale_dates.long_date(DAY) == long
    assert locale_dates.clock_time(datetime(2026, 11, 24, 14, 0)) == clock
    assert locale_dates.decimal(1.5) == decimal


def test_statistics_window_shows_the_live_stretch_time_the_locale_way(qtbot: Any, tmp_path: Path,
                                                                      locale_env: Any) -> None:
    from desktop_app.core.stats import LiveStretch
    from desktop_app.storage.history import open_history
    from desktop_app.ui.stats_window import StatsWindow
    from tests.support.fakeclock import FakeClock

    berlin = ZoneInfo("Europe/Berlin")
    locale_env("en_US.UTF-8")
    opened = open_history(tmp_path / "history.sqlite3")
    try:
        clock = FakeClock(datetime(2026, 11, 25, 15, 0, tzinfo=berlin), tz=berlin)
        start = datetime(2026, 11, 25, 14, 0, tzinfo=berlin).timestamp()
        window = StatsWindow(opened.store, clock, LiveStretch(start, start + 3600, 3600.0))
        qtbot.addWidget(window)
        assert window.live_note.text().endswith("since 2:00\u202fPM."), window.live_note.text()  # CLDR's narrow space
        locale_env("de_DE.UTF-8")
        window.refresh()
        assert window.live_note.text().endswith(", die du seit 14:00 sitzt."), window.live_note.text()
        window.close()
    finally:
        opened.store.close()
