"""JSON ``true`` and ``false`` are not 1 and 0: routine and settings values that must be numbers refuse them.

Python's ``bool`` is a subclass of ``int`` (``True == 1``), so any check written as
``isinstance(value, int)`` or ``value != 1`` quietly lets a boolean through. A routine
whose hold lasts ``true`` seconds, or a settings file whose interval is ``false``,
is a typo the user should be told about in the same plain words as any other bad value.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_app.core.routine import RoutineError, load_routine
from desktop_app.core.settings import FIELDS, FIELDS_BY_NAME, SETTINGS_VERSION, migrate, validate

CASES = Path(__file__).resolve().parent / "routine_cases"
INT_FIELDS = [spec for spec in FIELDS if spec.kind == "int"]


def _routine_with(tmp_path: Path, where: tuple[object, ...], value: object) -> Path:
    """valid.json with the value at ``where`` (a path of keys and indexes) replaced by ``value``."""
    data = json.loads((CASES / "valid.json").read_text(encoding="utf-8"))
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copytree(CASES / "pictures", folder / "pictures")
    path = folder / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _messages(path: Path, tmp_path: Path) -> list[str]:
    shared = tmp_path / "shared"
    shared.mkdir()
    with pytest.raises(RoutineError) as info:
        load_routine(path, shared_dir=shared)
    return info.value.messages


@pytest.mark.parametrize(("where", "expected"), [
    (("format",), "r.json: format: this version of HipBreak reads format 1, got {got}"),
    (("exercises", 0, "steps", 0, "seconds"), "r.json: exercises[0].steps[0].seconds: "
                                              "must be a whole number 5..300, got {got}"),
    (("exercises", 1, "steps", 0, "reps"), "r.json: exercises[1].steps[0].reps: "
                                           "must be a whole number 1..100, got {got}"),
    (("exercises", 1, "steps", 0, "tempo_seconds"), "r.json: exercises[1].steps[0].tempo_seconds: "
                                                    "must be a number 1..10, got {got}"),
    (("exercises", 1, "steps", 1, "seconds"), "r.json: exercises[1].steps[1].seconds: "
                                              "must be a whole number 5..300, got {got}"),
])  # fmt: skip
@pytest.mark.parametrize("value", [True, False])
def test_a_routine_refuses_a_boolean_where_a_number_belongs(
    tmp_path: Path, where: tuple[object, ...], expected: str, value: bool
) -> None:
    path = _routine_with(tmp_path, where, value)
    assert _messages(path, tmp_path) == [expected.format(got=json.dumps(value))]


def test_format_one_still_loads(tmp_path: Path) -> None:
    """The format check used to be ``!= 1``, which ``true`` passes in Python; the real 1 must still pass."""
    path = _routine_with(tmp_path, ("format",), 1)
    shared = tmp_path / "shared"
    shared.mkdir()
    assert load_routine(path, shared_dir=shared).id == "my-routine"


@pytest.mark.parametrize("spec", INT_FIELDS, ids=[spec.name for spec in INT_FIELDS])
@pytest.mark.parametrize("value", [True, False])
def test_every_number_setting_refuses_a_boolean_and_says_so_in_json_words(spec: object, value: bool) -> None:
    name = spec.name  # type: ignore[attr-defined]
    settings, problems = validate({name: value})
    default = FIELDS_BY_NAME[name].default
    assert getattr(settings, name) == default
    word = "true" if value else "false"
    assert problems == [f"{name}: {FIELDS_BY_NAME[name].rule()}, got {word}; using the default {default!r}"]


def test_a_boolean_number_setting_costs_only_that_field() -> None:
    settings, problems = validate({"break_interval_minutes": True, "snooze_minutes": 15, "volume_percent": False})
    assert settings.snooze_minutes == 15
    assert settings.break_interval_minutes == 60 and settings.volume_percent == 70
    assert [p.split(":")[0] for p in problems] == ["break_interval_minutes", "volume_percent"]


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_settings_version_is_refused_in_json_words(value: bool) -> None:
    word = "true" if value else "false"
    with pytest.raises(ValueError) as info:
        migrate({"version": value, "break_interval_minutes": 60})
    assert str(info.value) == f"version: must be a whole number 1..{SETTINGS_VERSION}, got {word}"


def test_replace_refuses_a_boolean_number_too() -> None:
    from desktop_app.core.settings import Settings

    with pytest.raises(ValueError, match=r"^break_interval_minutes: must be a whole number 10\.\.240, got true$"):
        Settings().replace(break_interval_minutes=True)
