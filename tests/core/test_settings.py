"""Settings declarations, validation, migration and replace()."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from desktop_app.core.settings import (
    DAY_NAMES,
    FIELDS,
    FIELDS_BY_NAME,
    GROUPS,
    PAUSE_OPTIONS,
    SETTINGS_VERSION,
    SNOOZE_OPTIONS,
    FieldSpec,
    Settings,
    defaults,
    migrate,
    validate,
)


def test_every_dataclass_field_is_declared_once_and_vice_versa() -> None:
    declared = [f.name for f in FIELDS]
    assert len(declared) == len(set(declared))
    assert set(declared) == {f.name for f in dataclasses.fields(Settings)}


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: s.name)
def test_settings_defaults_equal_the_declared_defaults(spec: FieldSpec) -> None:
    assert getattr(Settings(), spec.name) == spec.default
    assert getattr(defaults(), spec.name) == spec.default
    assert spec.check(spec.default) == spec.default  # a default always passes its own rule


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: s.name)
def test_every_declaration_is_complete(spec: FieldSpec) -> None:
    assert spec.group in GROUPS
    assert spec.label.strip() and spec.doc.strip()
    if spec.kind == "int":
        assert spec.minimum is not None and spec.maximum is not None
        assert spec.minimum <= spec.default <= spec.maximum


def test_menu_options_are_within_their_bounds() -> None:
    snooze = FIELDS_BY_NAME["snooze_minutes"]
    assert all(snooze.minimum <= m <= snooze.maximum for m in SNOOZE_OPTIONS)  # type: ignore[operator]
    assert all(m > 0 for m in PAUSE_OPTIONS)


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("break_interval_minutes", [10, 240, 45.0], [9, 241, True, "60", 45.5, None]),
        ("notifications_enabled", [True, False], [1, 0, "yes", None]),
        ("language", ["system", "en", "de", "es", "fr"], ["pt", "", 3]),
        ("prompt_routine", ["my-own-routine"], ["", None, 5]),
        ("work_start", ["00:00", "23:59", "09:30"], ["24:00", "9:00", "09:60", "nine", None]),
        ("working_days", [[], ["mon"], ("sun", "mon")], ["mon", ["monday"], [1], None]),
        ("daily_routine", ["full-hip-program"], [[]]),
    ],
)
def test_check_accepts_good_and_refuses_bad_values(name: str, good: list[Any], bad: list[Any]) -> None:
    spec = FIELDS_BY_NAME[name]
    for value in good:
        spec.check(value)
    for value in bad:
        with pytest.raises(ValueError, match="must be"):
            spec.check(value)


def test_days_are_normalised_to_week_order() -> None:
    assert FIELDS_BY_NAME["working_days"].check(["sun", "mon", "wed"]) == ("mon", "wed", "sun")


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [("int", "whole number 10..240"), ("bool", "true or false"), ("time", "HH:MM"), ("days", "mon, tue")],
)
def test_rule_is_plain_words(kind: str, phrase: str) -> None:
    spec = next(f for f in FIELDS if f.kind == kind and (kind != "int" or f.name == "break_interval_minutes"))
    assert phrase in spec.rule()


def test_validate_keeps_good_values_and_falls_back_per_field() -> None:
    settings, problems = validate(
        {"break_interval_minutes": 45, "snooze_minutes": 0, "language": "pt", "typo_setting": 1}
    )
    assert settings.break_interval_minutes == 45
    assert settings.snooze_minutes == FIELDS_BY_NAME["snooze_minutes"].default
    assert settings.language == "system"
    assert problems == [
        "typo_setting: unknown setting, ignored",
        "snooze_minutes: must be a whole number 1..60, got 0; using the default 10",
        "language: must be one of system, en, de, es, fr, got 'pt'; using the default 'system'",
    ]


def test_validate_of_nothing_is_the_defaults() -> None:
    assert validate({}) == (Settings(), [])


def test_to_dict_round_trips_through_migrate_and_validate() -> None:
    settings = Settings().replace(working_days=["tue", "thu"], break_interval_minutes=30, voice_enabled=True)
    data = settings.to_dict()
    assert data["version"] == SETTINGS_VERSION
    assert data["working_days"] == ["tue", "thu"]  # JSON has no tuples
    migrated, notes = migrate(data)
    assert notes == []
    assert validate(migrated) == (settings, [])


def test_replace_validates_and_names_the_field() -> None:
    settings = Settings().replace(break_interval_minutes=90)
    assert settings.break_interval_minutes == 90
    rule = r"^break_interval_minutes: must be a whole number 10\.\.240, got 5$"
    with pytest.raises(ValueError, match=rule):
        settings.replace(break_interval_minutes=5)
    with pytest.raises(ValueError, match=r"^colour: unknown setting$"):
        settings.replace(colour="red")
    assert settings.break_interval_minutes == 90  # frozen: the failed replace changed nothing


def test_migrate_version_1_renames_old_fields() -> None:
    data, notes = migrate({"interval_minutes": 50, "mute": True})
    assert data == {"break_interval_minutes": 50, "sound_enabled": False}
    assert notes == ["settings upgraded from format 1 to 2"]
    settings, problems = validate(data)
    assert (settings.break_interval_minutes, settings.sound_enabled, problems) == (50, False, [])


def test_migrate_never_overrides_a_new_field_with_an_old_one() -> None:
    data, _ = migrate({"version": 1, "interval_minutes": 50, "break_interval_minutes": 70})
    assert data["break_interval_minutes"] == 70


def test_future_version_is_rejected_not_guessed() -> None:
    with pytest.raises(ValueError, match="written by a newer HipBreak"):
        migrate({"version": SETTINGS_VERSION + 1, "break_interval_minutes": 60})


@pytest.mark.parametrize("version", [0, -1, "2", True, 1.5, None])
def test_nonsense_version_is_rejected(version: object) -> None:
    with pytest.raises(ValueError, match=r"^version: must be a whole number"):
        migrate({"version": version})


def test_day_names_are_monday_first() -> None:
    assert DAY_NAMES[0] == "mon" and DAY_NAMES[6] == "sun" and len(DAY_NAMES) == 7
