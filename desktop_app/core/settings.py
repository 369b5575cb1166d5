"""User settings, declared once.

Every setting is declared exactly once in :data:`FIELDS`, with its type,
default, bounds, tab and a one-line doc. Validation, the settings window (which
is generated from these declarations), the docs and the file format all read
the same list, so adding a setting never needs new widget code.

Validation never raises for a bad value: the field falls back to its default
and a message naming the field and the rule is returned, so one typo in a
hand-edited file costs one field, not the whole file.

App *state* (last break, snooze-until and so on) is deliberately not here; it
lives in its own file so that "Restore defaults" can never touch it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

#: Bump when a field is renamed or its meaning changes, and add a step to ``_MIGRATIONS``.
SETTINGS_VERSION = 2

#: Snooze lengths offered in menus and on the prompt, in minutes.
SNOOZE_OPTIONS: tuple[int, ...] = (5, 10, 15, 30)

#: Pause lengths offered in the tray menu, in minutes (plus "until tomorrow").
PAUSE_OPTIONS: tuple[int, ...] = (30, 60, 120)

Kind = Literal["bool", "int", "choice", "time", "days", "str"]
Group = Literal["Breaks", "Routines", "Sound & voice", "Schedule", "Do not disturb", "System"]

GROUPS: tuple[Group, ...] = ("Breaks", "Routines", "Sound & voice", "Schedule", "Do not disturb", "System")

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class FieldSpec:
    """The declaration of one setting."""

    name: str
    kind: Kind
    default: Any
    label: str
    doc: str
    group: Group
    minimum: int | None = None
    maximum: int | None = None
    #: For ``choice`` fields: the allowed values. Routine ids are open-ended, so
    #: routine choices use ``choices=None`` and are checked against the loaded routines by the UI.
    choices: tuple[str, ...] | None = None
    unit: str = ""

    def rule(self) -> str:
        """The rule in plain words, as shown beside an invalid value and in tooltips."""
        if self.kind == "int":
            return f"must be a whole number {self.minimum}..{self.maximum}"
        if self.kind == "bool":
            return "must be true or false"
        if self.kind == "choice" and self.choices:
            return "must be one of " + ", ".join(self.choices)
        if self.kind == "time":
            return "must be a time written HH:MM (24-hour)"
        if self.kind == "days":
            return "must be a list of days from " + ", ".join(DAY_NAMES)
        return "must be text"

    def check(self, value: Any) -> Any:
        """Return the normalised value, or raise ValueError with the rule broken."""
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError(f"{self.rule()}, got {value!r}")
        if self.kind == "int":
            if isinstance(value, bool):  # JSON true/false are not 1 and 0 (bool is an int in Python)
                raise ValueError(f"{self.rule()}, got {_shown(value)}")
            if not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise ValueError(f"{self.rule()}, got {value!r}")
            assert self.minimum is not None and self.maximum is not None
            if not self.minimum <= value <= self.maximum:
                raise ValueError(f"{self.rule()}, got {value}")
            return value
        if self.kind == "choice":
            if not isinstance(value, str) or not value:
                raise ValueError(f"{self.rule()}, got {value!r}")
            if self.choices and value not in self.choices:
                raise ValueError(f"{self.rule()}, got {value!r}")
            return value
        if self.kind == "time":
            if not isinstance(value, str) or not _TIME_RE.match(value):
                raise ValueError(f"{self.rule()}, got {value!r}")
            return value
        if self.kind == "days":
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(d, str) and d in DAY_NAMES for d in value
            ):
                raise ValueError(f"{self.rule()}, got {value!r}")
            return tuple(d for d in DAY_NAMES if d in value)
        if not isinstance(value, str):
            raise ValueError(f"{self.rule()}, got {value!r}")
        return value


def _shown(value: Any) -> str:
    """A value as the user wrote it: JSON's ``true``/``false``, not Python's ``True``/``False``."""
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


FIELDS: tuple[FieldSpec, ...] = (
    # Breaks
    FieldSpec("break_interval_minutes", "int", 60, "Break every", "Minutes of sitting before a break prompt.",
              "Breaks", 10, 240, unit="min"),
    FieldSpec("natural_break_minutes", "int", 5, "Natural break after",
              "Minutes without keyboard or mouse input that count as a break you took by yourself.",
              "Breaks", 1, 60, unit="min"),
    FieldSpec("snooze_minutes", "int", 10, "Default snooze", "Minutes a snooze delays the prompt (Esc on the prompt).",
              "Breaks", 1, 60, unit="min"),
    FieldSpec("reprompt_minutes", "int", 10, "Repeat an unanswered prompt after",
              "Minutes before a prompt nobody answered is shown again.", "Breaks", 1, 120, unit="min"),
    FieldSpec("early_close_break_seconds", "int", 60, "A routine closed early counts as a break after",
              "Seconds of a routine that must be done for it to reset sitting time when closed early.",
              "Breaks", 0, 900, unit="s"),
    FieldSpec("notifications_enabled", "bool", True, "Also send a desktop notification",
              "Send a native notification together with the prompt window.", "Breaks"),
    FieldSpec("lull_seconds", "int", 3, "Wait for a pause in typing of",
              "When a break falls due while you are typing, the prompt waits until keyboard and mouse have "
              "been still this long (0: show it at once).", "Breaks", 0, 30, unit="s"),
    FieldSpec("lull_max_wait_minutes", "int", 5, "Wait for that pause at most",
              "After this long the prompt shows even if you are still typing.", "Breaks", 1, 30, unit="min"),
    # Routines
    FieldSpec("prompt_routine", "choice", "hip-flexor-reset", "Routine for hourly breaks",
              "The routine that the hourly prompt offers.", "Routines"),
    FieldSpec("daily_routine", "choice", "full-hip-program", "Routine for the daily session",
              "The longer routine offered once a day at the daily session time.", "Routines"),
    FieldSpec("daily_session_enabled", "bool", False, "Daily session reminder",
              "Offer one longer routine each day at a chosen time.", "Routines"),
    FieldSpec("daily_session_time", "time", "17:30", "Daily session time",
              "When the daily session is offered (24-hour clock).", "Routines"),
    FieldSpec("daily_follows_program", "bool", False, "Daily session follows the 12-week program",
              "The daily session offers this week's routine of the 12-week program instead of the routine "
              "chosen above.", "Routines"),
    FieldSpec("prep_seconds", "int", 5, "Get ready time", "Seconds to get into position before each exercise.",
              "Routines", 0, 30, unit="s"),
    FieldSpec("switch_seconds", "int", 5, "Switch sides time", "Seconds to change sides on a sided exercise.",
              "Routines", 2, 30, unit="s"),
    # Sound & voice
    FieldSpec("sound_enabled", "bool", True, "Sound cues", "Ticks before a hold ends, a chime on each new segment.",
              "Sound & voice"),
    FieldSpec("volume_percent", "int", 70, "Volume", "Loudness of the sound cues.", "Sound & voice", 0, 100,
              unit="%"),
    FieldSpec("voice_enabled", "bool", False, "Spoken guidance",
              "Speak the name of each exercise and side, for following along from the floor.", "Sound & voice"),
    # Schedule
    FieldSpec("working_hours_enabled", "bool", False, "Only during working hours",
              "Outside these days and hours no prompts are shown.", "Schedule"),
    FieldSpec("working_days", "days", ("mon", "tue", "wed", "thu", "fri"), "Working days",
              "Days on which prompts are shown.", "Schedule"),
    FieldSpec("work_start", "time", "09:00", "Working hours start", "Start of working hours (24-hour clock).",
              "Schedule"),
    FieldSpec("work_end", "time", "17:30", "Working hours end", "End of working hours (24-hour clock).", "Schedule"),
    # Do not disturb
    FieldSpec("dnd_fullscreen", "bool", True, "Hold prompts during fullscreen",
              "Wait while a fullscreen window (video, presentation, game) is active.", "Do not disturb"),
    FieldSpec("dnd_notifications_inhibited", "bool", True, "Respect the desktop's do-not-disturb",
              "Wait while the desktop has notifications turned off.", "Do not disturb"),
    FieldSpec("dnd_microphone", "bool", True, "Hold prompts during calls",
              "Wait while an application is recording from the microphone.", "Do not disturb"),
    FieldSpec("max_defer_minutes", "int", 60, "Hold a prompt at most",
              "After this long, a held prompt is sent as a quiet notification instead.", "Do not disturb", 5, 240,
              unit="min"),
    # System
    FieldSpec("language", "choice", "system", "Language", "Language of the interface and routines.", "System",
              choices=("system", "en", "de", "es", "fr")),
)

FIELDS_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Settings:
    """A validated, immutable set of user settings. Build it with :func:`validate`."""

    break_interval_minutes: int = 60
    natural_break_minutes: int = 5
    snooze_minutes: int = 10
    reprompt_minutes: int = 10
    early_close_break_seconds: int = 60
    notifications_enabled: bool = True
    lull_seconds: int = 3
    lull_max_wait_minutes: int = 5
    prompt_routine: str = "hip-flexor-reset"
    daily_routine: str = "full-hip-program"
    daily_session_enabled: bool = False
    daily_session_time: str = "17:30"
    daily_follows_program: bool = False
    prep_seconds: int = 5
    switch_seconds: int = 5
    sound_enabled: bool = True
    volume_percent: int = 70
    voice_enabled: bool = False
    working_hours_enabled: bool = False
    working_days: tuple[str, ...] = field(default=("mon", "tue", "wed", "thu", "fri"))
    work_start: str = "09:00"
    work_end: str = "17:30"
    dnd_fullscreen: bool = True
    dnd_notifications_inhibited: bool = True
    dnd_microphone: bool = True
    max_defer_minutes: int = 60
    language: str = "system"

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied and validated; raises ValueError naming the field."""
        for name, value in changes.items():
            spec = FIELDS_BY_NAME.get(name)
            if spec is None:
                raise ValueError(f"{name}: unknown setting")
            try:
                changes[name] = spec.check(value)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form, including the format version."""
        data: dict[str, Any] = {"version": SETTINGS_VERSION}
        for spec in FIELDS:
            value = getattr(self, spec.name)
            data[spec.name] = list(value) if isinstance(value, tuple) else value
        return data


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 called the interval ``interval_minutes`` and stored mute as ``mute``."""
    if "interval_minutes" in data:
        data.setdefault("break_interval_minutes", data.pop("interval_minutes"))
    if "mute" in data:
        mute = data.pop("mute")
        if isinstance(mute, bool):
            data.setdefault("sound_enabled", not mute)
    return data


_MIGRATIONS = {1: _migrate_1_to_2}


def migrate(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Bring a settings mapping of any known version up to :data:`SETTINGS_VERSION`.

    Raises ValueError for a file written by a *newer* HipBreak, which we cannot
    read safely; the caller moves such a file aside rather than overwrite it.
    """
    result = dict(data)
    notes: list[str] = []
    version = result.pop("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version: must be a whole number 1..{SETTINGS_VERSION}, got {_shown(version)}")
    if version > SETTINGS_VERSION:
        raise ValueError(
            f"version: this file was written by a newer HipBreak (format {version}; "
            f"this version reads up to {SETTINGS_VERSION})"
        )
    while version < SETTINGS_VERSION:
        result = _MIGRATIONS[version](result)
        notes.append(f"settings upgraded from format {version} to {version + 1}")
        version += 1
    return result, notes


def validate(data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
    """Build :class:`Settings` from a (migrated) mapping.

    Returns the settings and a list of plain-words problems. A bad or unknown
    field never fails the whole load: bad values fall back to their default,
    unknown keys are reported and dropped.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS_BY_NAME and key != "version":
            problems.append(f"{key}: unknown setting, ignored")
    for spec in FIELDS:
        if spec.name not in data:
            continue
        try:
            values[spec.name] = spec.check(data[spec.name])
        except ValueError as exc:
            problems.append(f"{spec.name}: {exc}; using the default {spec.default!r}")
    return Settings(**values), problems


def defaults() -> Settings:
    """The settings a new user starts with."""
    return Settings()
