"""Routine loading and validation: one broken file per rule, every message checked word for word.

The broken files live in ``routine_cases/``; cases that need the file system
in a particular state (symlinks, huge or non-UTF-8 files, colliding ids) are
built in a temporary folder by the test itself.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from desktop_app.core.localized import LocalizedText
from desktop_app.core.routine import (
    DEFAULT_SAFETY_NOTE,
    DEFAULT_SIDE_LABELS,
    MAX_FILE_BYTES,
    Routine,
    RoutineError,
    load_routine,
    load_routines,
)

CASES = Path(__file__).resolve().parent / "routine_cases"

# fmt: off
EXPECTED: dict[str, list[str]] = {
    "bad_seconds.json": [
        "bad_seconds.json: exercises[1].steps[0].seconds: must be 5..300, got 0",
    ],
    "bounds.json": [
        "bounds.json: exercises[0].steps[0].reps: must be 1..100, got 0",
        "bounds.json: exercises[0].steps[1].reps: must be 1..100, got 101",
        "bounds.json: exercises[0].steps[1].tempo_seconds: must be 1..10, got 0.5",
        "bounds.json: exercises[0].steps[2].tempo_seconds: must be 1..10, got 11",
        "bounds.json: exercises[0].steps[3].seconds: must be 5..300, got 301",
        "bounds.json: exercises[0].steps[4].seconds: must be a whole number, got 30.5",
        'bounds.json: exercises[0].steps[5].seconds: must be a whole number 5..300, got "30"',
        "bounds.json: exercises[0].steps[6].seconds: must be 5..300, got 4",
        'bounds.json: exercises[0].steps[7].sided: must be true or false, got "yes"',
        "bounds.json: exercises[0].steps[8].tempo_seconds: must be a number 1..10, got true",
    ],
    "counts.json": [
        "counts.json: exercises[0].instructions: must have 1..10 lines, got 0",
        "counts.json: exercises[0].steps: must have 1..10 steps, got 0",
        "counts.json: exercises[1].steps: must have 1..10 steps, got 11",
    ],
    "no_exercises.json": [
        "no_exercises.json: exercises: must have 1..30 exercises, got 0",
    ],
    "duplicates.json": [
        "duplicates.json: title: appears more than once; write each key only once",
        'duplicates.json: exercises[1].id: "same" is already used by exercises[0]',
    ],
    "future_format.json": [
        "future_format.json: format: this version of HipBreak reads format 1, got 2",
    ],
    "illustrations.json": [
        "illustrations.json: exercises[0].illustration: must be a path relative to the routine's folder, "
        'got "/etc/hostname.svg"',
        "illustrations.json: exercises[1].illustration: must be a path relative to the routine's folder, "
        'got "C:\\\\pictures\\\\lunge.svg"',
        "illustrations.json: exercises[2].illustration: must stay inside the routine's folder (no \"..\"), "
        'got "pictures/../../secret.svg"',
        'illustrations.json: exercises[3].illustration: file not found: "pictures/nowhere.svg" is neither '
        "in the routine's folder nor in the shared exercises folder",
        "illustrations.json: exercises[4].illustration: must be an .svg or .png file, "
        'got "pictures/lunge.gif"',
        'illustrations.json: exercises[5].illustration: must be a file name like "lunge.svg", got ""',
    ],
    "invalid_json.json": [
        "invalid_json.json: invalid JSON at line 4, column 1: "
        "Expecting property name enclosed in double quotes",
    ],
    "kinds.json": [
        'kinds.json: exercises[0].steps[0].kind: must be one of hold, reps, rest, got "stretch"',
        "kinds.json: exercises[0].steps[1].kind: required, but missing",
        "kinds.json: exercises[0].steps[2].sided: a rest cannot be sided",
        "kinds.json: exercises[0].steps[3].reps: not used by a hold step",
        "kinds.json: exercises[0].steps[4].reps: required, but missing",
        "kinds.json: exercises[0].steps[5].tempo: unknown key (allowed: kind, seconds, label)",
    ],
    "localized.json": [
        'localized.json: title: needs the English text ("en"); other languages fall back to it',
        "localized.json: summary.en: must not be empty",
        'localized.json: safety_note.deutsch: is not a language code; use codes like "en" or "de"',
        "localized.json: exercises[0].title.de: must be text, got 7",
        "localized.json: exercises[0].instructions[0]: must not be empty",
        "localized.json: exercises[0].steps[0].label: must be at most 80 characters, got 94",
        "localized.json: exercises[0].safety: must be at most 400 characters, got 408",
    ],
    "missing_fields.json": [
        "missing_fields.json: id: required, but missing",
        "missing_fields.json: title: required, but missing",
        "missing_fields.json: summary: required, but missing",
        "missing_fields.json: position: required, but missing",
        "missing_fields.json: exercises[0].id: required, but missing",
        "missing_fields.json: exercises[0].title: required, but missing",
        "missing_fields.json: exercises[0].instructions: required, but missing",
        "missing_fields.json: exercises[0].steps[0].kind: required, but missing",
    ],
    "nan.json": [
        "nan.json: invalid JSON: NaN is not a number JSON allows",
    ],
    "not_object.json": [
        "not_object.json: must hold one JSON object {...} at the top level, got a list",
    ],
    "side_labels.json": [
        "side_labels.json: exercises[0].side_labels: must have exactly 2 labels (left, then right), got 1",
        "side_labels.json: exercises[1].side_labels[1]: must be text, or an object of language codes and "
        'texts like {"en": "...", "de": "..."}, got 2',
    ],
    "unknown_keys.json": [
        'unknown_keys.json: tittle: unknown key; did you mean "title"?',
        "unknown_keys.json: title: required, but missing",
        "unknown_keys.json: exercises[0].colour: unknown key (allowed: id, title, instructions, steps, part, "
        "illustration, pose, safety, feel_it, note, side_labels)",
        'unknown_keys.json: exercises[0].steps[0].secnds: unknown key; did you mean "seconds"?',
    ],
    "wrong_types.json": [
        'wrong_types.json: id: must be a lowercase slug like "my-routine" (a-z, 0-9 and single hyphens, '
        'at most 60 characters), got "My Routine"',
        'wrong_types.json: title: must be text, or an object of language codes and texts like '
        '{"en": "...", "de": "..."}, got 5',
        'wrong_types.json: summary: must be text, or an object of language codes and texts like '
        '{"en": "...", "de": "..."}, got a list',
        'wrong_types.json: position: must be one of floor, standing, seated, mixed, got "couch"',
        'wrong_types.json: exercises[0].instructions: must be a list, got "Just one string."',
        'wrong_types.json: exercises[0].pose: must be a lowercase slug like "my-routine" '
        '(a-z, 0-9 and single hyphens, at most 60 characters), got "Lunge Pose"',
        "wrong_types.json: exercises[0].steps: must be a list, got an object",
    ],
}
# fmt: on


@pytest.fixture
def shared_dir(tmp_path: Path) -> Path:
    """An empty shared illustration folder, so the cases never depend on assets/exercises."""
    folder = tmp_path / "shared-exercises"
    folder.mkdir()
    return folder


def messages_of(path: Path, shared: Path) -> list[str]:
    with pytest.raises(RoutineError) as info:
        load_routine(path, shared_dir=shared)
    assert str(info.value) == "\n".join(info.value.messages)
    return info.value.messages


def test_every_broken_case_file_has_expected_messages() -> None:
    on_disk = {p.name for p in CASES.glob("*.json")} - {"valid.json"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_reports_every_problem(name: str, shared_dir: Path) -> None:
    assert messages_of(CASES / name, shared_dir) == EXPECTED[name]


def test_valid_file_loads_into_the_model(shared_dir: Path) -> None:
    routine = load_routine(CASES / "valid.json", shared_dir=shared_dir)
    assert isinstance(routine, Routine)
    assert routine.id == "my-routine"
    assert routine.title.get("de") == "Meine Routine"
    assert routine.title.get("fr") == "My routine"  # falls back to English
    assert str(routine.summary) == "A small routine used by the tests."
    assert routine.position == "mixed"
    assert routine.safety_note == DEFAULT_SAFETY_NOTE
    assert routine.source == (CASES / "valid.json").resolve()
    assert routine.builtin is False
    lunge, march = routine.exercises
    assert lunge.illustration == (CASES / "pictures" / "lunge.svg").resolve()
    assert lunge.pose == "kneeling-lunge"
    assert [str(t) for t in lunge.side_labels] == ["Left leg forward", "Right leg forward"]
    assert [line.get("de") for line in lunge.instructions] == ["Step forward.", "Lehn dich vor."]
    assert lunge.sided and not march.sided
    (hold,) = lunge.steps
    assert (hold.kind, hold.seconds, hold.sided, hold.reps) == ("hold", 30, True, None)
    assert march.side_labels == DEFAULT_SIDE_LABELS
    assert march.part == LocalizedText.of("Warm-up")
    assert routine.parts == (LocalizedText.of("Warm-up"),)
    reps, rest, default_tempo = march.steps
    assert (reps.kind, reps.reps, reps.tempo_seconds, reps.duration_seconds) == ("reps", 12, 2.5, 30.0)
    assert reps.label is not None and str(reps.label) == "Set 1"
    assert (rest.kind, rest.seconds, rest.sided) == ("rest", 10, False)
    assert default_tempo.tempo_seconds == 3.0  # the documented default
    # prep 5 + 30 + switch 5 + 30, then prep 5 + 30 + 10 + 12
    assert routine.estimated_seconds(prep_seconds=5, switch_seconds=5) == 70 + 57
    assert routine.estimated_seconds(prep_seconds=0, switch_seconds=0) == 60 + 52


def test_shared_folder_supplies_illustration_by_file_name(tmp_path: Path, shared_dir: Path) -> None:
    (shared_dir / "lunge.svg").write_text("<svg/>", encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    data = json.loads((CASES / "valid.json").read_text(encoding="utf-8"))
    data["exercises"][0]["illustration"] = "lunge.svg"
    (folder / "r.json").write_text(json.dumps(data), encoding="utf-8")
    routine = load_routine(folder / "r.json", shared_dir=shared_dir)
    assert routine.exercises[0].illustration == (shared_dir / "lunge.svg").resolve()
    # a picture of the same name in the routine's own folder wins over the shared one
    (folder / "lunge.svg").write_text("<svg/>", encoding="utf-8")
    routine = load_routine(folder / "r.json", shared_dir=shared_dir)
    assert routine.exercises[0].illustration == (folder / "lunge.svg").resolve()


def copy_valid(folder: Path, name: str = "r.json", **changes: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = json.loads((CASES / "valid.json").read_text(encoding="utf-8"))
    data.update(changes)
    shutil.copytree(CASES / "pictures", folder / "pictures", dirs_exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlink_escaping_the_folder_is_refused(tmp_path: Path, shared_dir: Path) -> None:
    outside = tmp_path / "outside.svg"
    outside.write_text("<svg/>", encoding="utf-8")
    path = copy_valid(tmp_path / "mine")
    (path.parent / "pictures" / "lunge.svg").unlink()
    os.symlink(outside, path.parent / "pictures" / "lunge.svg")
    assert messages_of(path, shared_dir) == [
        "r.json: exercises[0].illustration: points outside the routine's folder through a symbolic link: "
        '"pictures/lunge.svg"'
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlink_inside_the_folder_is_fine(tmp_path: Path, shared_dir: Path) -> None:
    path = copy_valid(tmp_path / "mine")
    target = path.parent / "pictures" / "real.svg"
    (path.parent / "pictures" / "lunge.svg").rename(target)
    os.symlink(target, path.parent / "pictures" / "lunge.svg")
    assert load_routine(path, shared_dir=shared_dir).exercises[0].illustration == target.resolve()


def test_file_over_one_megabyte_is_refused_unread(tmp_path: Path, shared_dir: Path) -> None:
    path = copy_valid(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(" " * (MAX_FILE_BYTES + 1 - path.stat().st_size))
    size = path.stat().st_size
    assert size == MAX_FILE_BYTES + 1
    assert messages_of(path, shared_dir) == [f"r.json: file is too large ({size} bytes; the limit is 1 MB)"]


def test_file_of_exactly_one_megabyte_is_accepted(tmp_path: Path, shared_dir: Path) -> None:
    path = copy_valid(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(" " * (MAX_FILE_BYTES - path.stat().st_size))
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_routine(path, shared_dir=shared_dir).id == "my-routine"


def test_non_utf8_file(tmp_path: Path, shared_dir: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"title": "Übung"}'.encode("latin-1"))
    assert messages_of(path, shared_dir) == ["latin1.json: is not UTF-8 text (bad byte at offset 11)"]


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path, shared_dir: Path) -> None:
    path = copy_valid(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_routine(path, shared_dir=shared_dir).id == "my-routine"


def test_deeply_nested_json_is_a_message_not_a_crash(tmp_path: Path, shared_dir: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert messages_of(path, shared_dir) == ["deep.json: invalid JSON: nested too deeply"]


def test_unreadable_path_is_a_message(tmp_path: Path, shared_dir: Path) -> None:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    (messages,) = [messages_of(folder, shared_dir)]
    assert len(messages) == 1 and messages[0].startswith("folder.json: cannot read file: ")


def test_too_many_exercises(tmp_path: Path, shared_dir: Path) -> None:
    exercise = {"id": "x", "title": "X", "instructions": ["Go."], "steps": [{"kind": "hold", "seconds": 5}]}
    exercises = [dict(exercise, id=f"x{i}") for i in range(31)]
    path = copy_valid(tmp_path, exercises=exercises)
    assert messages_of(path, shared_dir) == ["r.json: exercises: must have 1..30 exercises, got 31"]
    path = copy_valid(tmp_path, exercises=exercises[:30])
    assert len(load_routine(path, shared_dir=shared_dir).exercises) == 30


@pytest.mark.parametrize(("routine_id", "shown"), [
    ("a", None), ("hip-flexor-2", None), ("x" * 60, None),
    ("x" * 61, '"' + "x" * 36 + "..."),  # long values are shortened in messages
    ("Hip", '"Hip"'), ("-hip", '"-hip"'), ("hip-", '"hip-"'), ("hip--flexor", '"hip--flexor"'),
    ("hip_flexor", '"hip_flexor"'), ("", '""'),
])
def test_id_slug_rule(tmp_path: Path, shared_dir: Path, routine_id: str, shown: str | None) -> None:
    path = copy_valid(tmp_path, id=routine_id)
    if shown is None:
        assert load_routine(path, shared_dir=shared_dir).id == routine_id
    else:
        assert messages_of(path, shared_dir) == [
            'r.json: id: must be a lowercase slug like "my-routine" (a-z, 0-9 and single hyphens, '
            f"at most 60 characters), got {shown}"
        ]


@pytest.mark.parametrize(("field", "value", "ok"), [
    ("seconds", 5, True), ("seconds", 300, True), ("seconds", 4, False), ("seconds", 301, False),
])
def test_hold_bounds_are_inclusive(
    tmp_path: Path, shared_dir: Path, field: str, value: int, ok: bool
) -> None:
    data = json.loads((CASES / "valid.json").read_text(encoding="utf-8"))
    data["exercises"][0]["steps"][0][field] = value
    path = copy_valid(tmp_path, exercises=data["exercises"])
    if ok:
        assert load_routine(path, shared_dir=shared_dir).exercises[0].steps[0].seconds == value
    else:
        assert messages_of(path, shared_dir) == [
            f"r.json: exercises[0].steps[0].seconds: must be 5..300, got {value}"
        ]


def test_load_routines_keeps_good_files_and_reports_bad_ones(tmp_path: Path, shared_dir: Path) -> None:
    builtin = tmp_path / "builtin"
    user = tmp_path / "user"
    copy_valid(builtin, "mine.json")
    copy_valid(user, "a-good.json", id="good-one")
    shutil.copy(CASES / "bad_seconds.json", user / "b-bad.json")
    copy_valid(user, "c-clash.json")  # same id as the built-in
    copy_valid(user, "d-twice.json", id="good-one")  # same id as another user routine
    (user / "notes.txt").write_text("not a routine", encoding="utf-8")
    # the user folder is listed first: built-ins still win the id
    dirs = [(user, False), (builtin, True), (tmp_path / "missing", False)]
    result = load_routines(dirs, shared_dir=shared_dir)
    assert list(result.routines) == ["my-routine", "good-one"]
    assert result.routines["my-routine"].builtin is True
    assert result.routines["good-one"].builtin is False
    assert result.errors == {
        user / "b-bad.json": ["b-bad.json: exercises[1].steps[0].seconds: must be 5..300, got 0"],
        user / "c-clash.json": [
            "c-clash.json: id: already used by built-in routine mine.json; choose another id"
        ],
        user / "d-twice.json": ["d-twice.json: id: already used by routine a-good.json; choose another id"],
    }
    assert result.messages() == [m for ms in result.errors.values() for m in ms]


def test_language_fallbacks() -> None:
    text = LocalizedText.of("Rest", de="Pause")
    assert text.get("de") == "Pause"
    assert text.get("de_AT") == "Pause"
    assert text.get("de-CH") == "Pause"
    assert text.get("es") == "Rest"
    assert str(text) == "Rest"
    assert text.to_json() == {"de": "Pause", "en": "Rest"}
    assert LocalizedText.of("Rest").to_json() == "Rest"
    with pytest.raises(ValueError):
        LocalizedText((("de", "Pause"),))
