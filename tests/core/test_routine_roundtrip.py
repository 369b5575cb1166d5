"""routine_to_data writes a routine in the routine-file format, and loading that gives the routine back.

Why it matters: the tray process hands the player child its routine in this form (the ``open``
message, ui/player_link.py), so whatever the loader can produce must survive the trip unchanged,
every language of every text included; and a dump must be a file the loader accepts as it is.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.localized import LocalizedText
from desktop_app.core.routine import (
    DEFAULT_SAFETY_NOTE,
    DEFAULT_SIDE_LABELS,
    HOLD_SECONDS,
    POSITIONS,
    REPS,
    TEMPO_SECONDS,
    Exercise,
    Routine,
    RoutineError,
    Step,
    builtin_routines_dir,
    load_routine,
    load_routines,
    routine_from_data,
    routine_to_data,
    shared_exercises_dir,
)

CASES = Path(__file__).parent / "routine_cases"
DOC = Path(__file__).resolve().parents[2] / "docs" / "routine-format.md"


def _through_json(routine: Routine) -> Routine:
    """What the player child gets: the dump as a JSON line, decoded and loaded again."""
    line = json.dumps(routine_to_data(routine), ensure_ascii=True)
    assert "\n" not in line
    return routine_from_data(json.loads(line), routine.source, builtin=routine.builtin)


def _builtin() -> list[Routine]:
    loaded = load_routines([(builtin_routines_dir(), True)])
    assert not loaded.errors
    return sorted(loaded.routines.values(), key=lambda routine: routine.id)


@pytest.mark.parametrize("routine", _builtin(), ids=lambda routine: routine.id)
def test_every_builtin_routine_and_program_week_comes_back_equal(routine: Routine) -> None:
    back = _through_json(routine)
    assert back == routine
    assert back.builtin and back.source == routine.source
    assert routine_to_data(back) == routine_to_data(routine)


@pytest.mark.parametrize("routine", _builtin(), ids=lambda routine: routine.id)
def test_the_dump_of_a_builtin_file_is_that_file(routine: Routine) -> None:
    """Same keys, same values, all four languages: the dump is the routine format, not a look-alike."""
    assert routine_to_data(routine) == json.loads(routine.source.read_text(encoding="utf-8"))


def test_the_builtins_cover_what_the_format_holds() -> None:
    """So the two tests above really exercise sides, reps, tempo, rests, labels, poses, pictures, languages."""
    routines = _builtin()
    steps = [step for r in routines for e in r.exercises for step in e.steps]
    exercises = [e for r in routines for e in r.exercises]
    assert {step.kind for step in steps} == {"hold", "reps", "rest"}
    assert any(step.sided for step in steps) and any(step.label for step in steps)
    assert any(step.pose for step in steps) and any(step.illustration for step in steps)
    assert any(e.illustration and e.pose and e.feel_it and e.safety and e.part for e in exercises)
    assert any(e.side_labels != DEFAULT_SIDE_LABELS for e in exercises)
    assert any(r.safety_note != DEFAULT_SAFETY_NOTE for r in routines)
    assert {"en", "de", "es", "fr"} <= set(routines[0].title.languages)
    assert any(r.id.startswith("program-week-") for r in routines)


def test_a_users_routine_with_its_own_pictures_comes_back_equal(tmp_path: Path) -> None:
    folder = tmp_path / "routines"
    shutil.copytree(CASES / "pictures", folder / "pictures")
    shutil.copy(CASES / "valid.json", folder / "valid.json")
    routine = load_routine(folder / "valid.json")
    assert routine.exercises[0].illustration == (folder / "pictures" / "lunge.svg").resolve()
    data = routine_to_data(routine)
    assert data["exercises"][0]["illustration"] == "pictures/lunge.svg"
    assert data["exercises"][1]["steps"][0]["tempo_seconds"] == 2.5
    assert data["title"] == {"en": "My routine", "de": "Meine Routine"}
    assert data["summary"] == "A small routine used by the tests."  # English only: a plain string
    back = _through_json(routine)
    assert back == routine and not back.builtin


def test_the_documented_example_comes_back_equal(tmp_path: Path) -> None:
    example = re.search(r"```json\n(\{\n.*?\n\})\n```", DOC.read_text(encoding="utf-8"), re.S)
    assert example is not None
    path = tmp_path / "evening.json"
    path.write_text(example.group(1), encoding="utf-8")
    routine = load_routine(path)
    data = routine_to_data(routine)
    assert data["exercises"][0]["illustration"] == "kneeling-lunge.svg"  # a shared picture, by name
    assert _through_json(routine) == routine


def test_texts_loaded_from_a_dump_are_the_shared_ones() -> None:
    """The loader's interning applies to a routine read from data too (one object per distinct text)."""
    routine = _builtin()[0]
    back = _through_json(routine)
    assert back.title is routine.title
    assert back.exercises[0].instructions[0] is routine.exercises[0].instructions[0]


def routine_with_a_picture_elsewhere(folder: Path, routine_id: str = "r") -> Routine:
    """A routine whose picture is in neither its own folder nor the shared one (the loader never
    makes such a routine, so the file format cannot name the picture)."""
    elsewhere = folder / "elsewhere.svg"
    elsewhere.write_text("<svg/>", encoding="utf-8")
    exercise = Exercise(id="lunge", title=LocalizedText.of("Lunge"), instructions=(LocalizedText.of("Go."),),
                        steps=(Step("hold", 20, None, None),), illustration=elsewhere)
    return Routine(id=routine_id, title=LocalizedText.of("R"), summary=LocalizedText.of("S"), position="mixed",
                   exercises=(exercise,), source=folder / "routines" / f"{routine_id}.json")


def test_a_picture_the_format_cannot_name_is_refused(tmp_path: Path) -> None:
    routine = routine_with_a_picture_elsewhere(tmp_path)
    with pytest.raises(ValueError, match="neither in the routine's folder"):
        routine_to_data(routine)


def test_broken_data_is_reported_like_a_broken_file(tmp_path: Path) -> None:
    data = routine_to_data(_builtin()[0])
    data["exercises"][0]["steps"][0]["seconds" if "seconds" in data["exercises"][0]["steps"][0] else "reps"] = 0
    del data["summary"]
    with pytest.raises(RoutineError) as raised:
        routine_from_data(data, tmp_path / "sent.json")
    assert "sent.json: summary: required, but missing" in raised.value.messages
    assert any(m.startswith("sent.json: exercises[0].steps[0].") and "got 0" in m for m in raised.value.messages)


# --------------------------------------------------------------------------- any valid routine

_LANGUAGES = st.sampled_from(["de", "es", "fr", "pt-BR", "nl", "de_AT"])
_WORDS = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(str.strip)
_SLUGS = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}\Z")


@st.composite
def _texts(draw: st.DrawFn) -> LocalizedText:
    others = draw(st.dictionaries(_LANGUAGES, _WORDS, max_size=3))
    return LocalizedText.from_mapping({"en": draw(_WORDS), **others})


def _pictures(folder: Path) -> st.SearchStrategy[Path | None]:
    shared = sorted(p.resolve() for p in shared_exercises_dir().glob("*.svg"))[:5]
    return st.one_of(st.none(), st.sampled_from([(folder / "pictures" / "own.svg").resolve(), *shared]))


@st.composite
def _steps(draw: st.DrawFn, folder: Path) -> Step:
    kind = draw(st.sampled_from(["hold", "reps", "rest"]))
    label = draw(st.none() | _texts())
    if kind == "rest":
        return Step("rest", draw(st.integers(*HOLD_SECONDS)), None, None, label=label)
    pose, picture, sided = draw(st.none() | _SLUGS), draw(_pictures(folder)), draw(st.booleans())
    if kind == "hold":
        return Step("hold", draw(st.integers(*HOLD_SECONDS)), None, None, sided, label, pose, picture)
    tempo = draw(st.one_of(st.integers(*TEMPO_SECONDS).map(float),
                           st.floats(*TEMPO_SECONDS, allow_nan=False, allow_infinity=False)))
    return Step("reps", None, draw(st.integers(*REPS)), tempo, sided, label, pose, picture)


@st.composite
def _routines(draw: st.DrawFn, folder: Path) -> Routine:
    ids = draw(st.lists(_SLUGS, min_size=1, max_size=4, unique=True))
    exercises = tuple(
        Exercise(id=exercise_id, title=draw(_texts()), instructions=tuple(draw(st.lists(_texts(), min_size=1,
                                                                                          max_size=3))),
                 steps=tuple(draw(st.lists(_steps(folder), min_size=1, max_size=3))),
                 illustration=draw(_pictures(folder)), pose=draw(st.none() | _SLUGS),
                 safety=draw(st.none() | _texts()), feel_it=draw(st.none() | _texts()),
                 note=draw(st.none() | _texts()),
                 side_labels=draw(st.just(DEFAULT_SIDE_LABELS) | st.tuples(_texts(), _texts())),
                 part=draw(st.none() | _texts()))
        for exercise_id in ids)
    return Routine(id=draw(_SLUGS), title=draw(_texts()), summary=draw(_texts()),
                   position=draw(st.sampled_from(POSITIONS)), exercises=exercises,
                   safety_note=draw(st.just(DEFAULT_SAFETY_NOTE) | _texts()),
                   source=(folder / "mine.json").resolve(), builtin=draw(st.booleans()))


def _folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("routines")
    (folder / "pictures").mkdir()
    (folder / "pictures" / "own.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def routine_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _folder(tmp_path_factory)


def test_any_valid_routine_comes_back_equal(routine_folder: Path) -> None:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_routines(routine_folder))
    def check(routine: Routine) -> None:
        data: Any = routine_to_data(routine)
        assert _through_json(routine) == routine, json.dumps(data, ensure_ascii=False)[:2000]

    check()
