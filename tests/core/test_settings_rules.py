"""The numbers users read about settings are the numbers the code uses.

docs/scheduling.md and the settings window promise defaults, ranges and the snooze and
pause choices. Single-point faults (bench/mutation) that moved one of them by one went
unnoticed, so each promise is checked here against the declarations in core/settings.py.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from desktop_app.core.settings import (
    FIELDS,
    FIELDS_BY_NAME,
    PAUSE_OPTIONS,
    SETTINGS_VERSION,
    SNOOZE_OPTIONS,
    Settings,
    defaults,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "scheduling.md").read_text(encoding="utf-8")

#: The ranges the settings window states beside each number (FieldSpec.rule()).
RANGES = {
    "break_interval_minutes": (10, 240),
    "natural_break_minutes": (1, 60),
    "snooze_minutes": (1, 60),
    "reprompt_minutes": (1, 120),
    "early_close_break_seconds": (0, 900),
    "prep_seconds": (0, 30),
    "switch_seconds": (2, 30),
    "volume_percent": (0, 100),
    "max_defer_minutes": (5, 240),
}


def documented_defaults() -> dict[str, int]:
    """``name`` (default N) and ``name``, N as docs/scheduling.md writes them."""
    found = {name: int(value) for name, value in re.findall(r"`(\w+)`,?\s+\(?default (\d+)", DOC)}
    found.update({name: int(value) for name, value in re.findall(r"default `(\w+)`, (\d+)", DOC)})
    return found


def test_the_documented_defaults_are_the_real_ones() -> None:
    documented = documented_defaults()
    assert {"break_interval_minutes", "natural_break_minutes", "snooze_minutes", "max_defer_minutes"} <= set(
        documented), documented
    for name, value in documented.items():
        assert FIELDS_BY_NAME[name].default == value, name
        assert getattr(Settings(), name) == value, name


def test_the_snooze_choices_are_the_documented_ones() -> None:
    offered = re.search(r"the prompt also offers ([\d, and]+)\)", DOC)
    assert offered is not None
    assert SNOOZE_OPTIONS == tuple(int(n) for n in re.findall(r"\d+", offered.group(1))) == (5, 10, 15, 30)


def test_the_pause_choices_are_the_documented_ones() -> None:
    offered = re.search(r"for a while \(30 min, 1 h, 2 h\)", DOC)
    assert offered is not None
    assert PAUSE_OPTIONS == (30, 60, 120)


def test_the_documented_early_close_range_is_the_real_one() -> None:
    assert "adjustable 0–900" in DOC
    spec = FIELDS_BY_NAME["early_close_break_seconds"]
    assert (spec.minimum, spec.maximum) == (0, 900)


@pytest.mark.parametrize(("name", "bounds"), sorted(RANGES.items()))
def test_each_number_setting_takes_exactly_its_range(name: str, bounds: tuple[int, int]) -> None:
    spec = FIELDS_BY_NAME[name]
    low, high = bounds
    assert spec.rule() == f"must be a whole number {low}..{high}"
    assert spec.check(low) == low and spec.check(high) == high
    for outside in (low - 1, high + 1):
        with pytest.raises(ValueError, match=re.escape(f"{low}..{high}, got {outside}")):
            spec.check(outside)


def test_every_number_setting_has_its_range_listed_here() -> None:
    assert {spec.name for spec in FIELDS if spec.kind == "int" and not spec.name.startswith("lull")} <= set(RANGES)


def test_defaults_and_the_dataclass_agree_field_by_field() -> None:
    """Settings() is what a new user gets; the declarations are what the window and the file say."""
    fresh = defaults()
    for spec in FIELDS:
        assert getattr(fresh, spec.name) == spec.default, spec.name


def test_the_file_format_version_is_two() -> None:
    """Version 2 renamed interval_minutes and mute; a file claiming 3 comes from a newer HipBreak."""
    assert SETTINGS_VERSION == 2
    assert Settings().to_dict()["version"] == 2


def test_settings_and_their_declarations_cannot_be_changed_in_place() -> None:
    """Settings are swapped whole (replace() validates); nobody may bend a value or a rule in passing."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().snooze_minutes = 99  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        FIELDS_BY_NAME["snooze_minutes"].maximum = 999  # type: ignore[misc]
