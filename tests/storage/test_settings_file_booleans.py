"""A settings file with ``true``/``false`` where a number belongs: that field falls back, nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.core.settings import SETTINGS_VERSION
from desktop_app.storage.settings_file import load_settings


def test_boolean_numbers_fall_back_per_field_with_a_plain_warning_and_the_file_stays(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    content = json.dumps({"version": SETTINGS_VERSION, "break_interval_minutes": True, "volume_percent": False,
                          "snooze_minutes": 15, "sound_enabled": False})
    path.write_text(content)
    result = load_settings(path)
    assert result.settings.break_interval_minutes == 60   # default, not 1
    assert result.settings.volume_percent == 70           # default, not 0
    assert result.settings.snooze_minutes == 15           # kept
    assert result.settings.sound_enabled is False         # a real boolean setting is still fine
    assert result.warnings == [
        f"Settings file {path}: break_interval_minutes: must be a whole number 10..240, got true; "
        "using the default 60",
        f"Settings file {path}: volume_percent: must be a whole number 0..100, got false; using the default 70",
    ]
    assert result.moved_to is None and path.read_text() == content


def test_a_boolean_version_moves_the_file_aside_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    content = json.dumps({"version": True, "break_interval_minutes": 45})
    path.write_text(content)
    result = load_settings(path)
    assert result.settings.break_interval_minutes == 60
    assert result.moved_to is not None and result.moved_to.read_text() == content
    (warning,) = result.warnings
    assert f"version: must be a whole number 1..{SETTINGS_VERSION}, got true" in warning
    assert str(result.moved_to) in warning
