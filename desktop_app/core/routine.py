"""Routines: the data model, and loading + validating routine JSON files.

A routine is ``Routine -> Exercise -> Step``. The files are written by people
(the built-ins by us, others by users in their routines folder), so the
loader is strict and talkative rather than forgiving:

* every problem is reported at once, each naming the file, the JSON path and
  the rule, e.g. ``x.json: exercises[1].steps[0].seconds: must be 5..300, got 0``,
  so a user fixes a file in one pass instead of one error per attempt;
* unknown keys are errors (a typo like ``"secnds"`` would otherwise silently
  fall back to a default), with the close key name suggested;
* one bad file never blocks the others (:func:`load_routines`);
* illustrations must stay inside the routine's own folder, so a downloaded
  routine cannot make the app read arbitrary files.

The file format is documented for users in ``docs/routine-format.md``.
This module is pure Python: no Qt, no clock.
"""

from __future__ import annotations

import json
import os
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from desktop_app.core.localized import FALLBACK_LANGUAGE, LocalizedText
from desktop_app.i18n import _, assets_dir

Text = LocalizedText

#: One instance per distinct text, weakly held: the program weeks repeat the same exercises, so
#: the built-in routines held 1,051 texts of which 148 differ, each with all its languages
#: (~0.8 MB the idle tray app kept, issue 13). Equal texts are interchangeable (frozen values).
_SHARED_TEXTS: weakref.WeakValueDictionary[LocalizedText, LocalizedText] = weakref.WeakValueDictionary()


def _shared(text: LocalizedText) -> LocalizedText:
    """The one instance of ``text`` already loaded, or ``text`` itself."""
    return _SHARED_TEXTS.setdefault(text, text)

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1024 * 1024
HOLD_SECONDS = (5, 300)
REPS = (1, 100)
TEMPO_SECONDS = (1, 10)
EXERCISES = (1, 30)
STEPS = (1, 10)
INSTRUCTION_LINES = (1, 10)
DEFAULT_TEMPO_SECONDS = 3.0
POSITIONS = ("floor", "standing", "seated", "mixed")
STEP_KINDS = ("hold", "reps", "rest")
ILLUSTRATION_SUFFIXES = (".svg", ".png")

#: Longest allowed text per field (characters). Generous for German, tight
#: enough that a text still fits the player window at 360 px wide.
TEXT_LIMITS = {
    "title": 80,
    "summary": 400,
    "safety_note": 400,
    "instructions": 300,
    "safety": 400,
    "note": 400,
    "feel_it": 200,
    "part": 40,
    "label": 80,
    "side_labels": 60,
}

DEFAULT_SIDE_LABELS = (
    LocalizedText.of("Left side", de="Linke Seite"),
    LocalizedText.of("Right side", de="Rechte Seite"),
)
DEFAULT_SAFETY_NOTE = LocalizedText.of(
    "Stop if anything hurts. See a professional for persistent pain.",
    de="Hör auf, wenn etwas wehtut. Bei anhaltenden Schmerzen wende dich an eine Fachperson.",
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_SLUG_MAX = 60

_ROUTINE_REQUIRED = ("format", "id", "title", "summary", "position", "exercises")
_ROUTINE_OPTIONAL = ("safety_note",)
_EXERCISE_REQUIRED = ("id", "title", "instructions", "steps")
_EXERCISE_OPTIONAL = ("part", "illustration", "pose", "safety", "feel_it", "note", "side_labels")
_STEP_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # kind -> (required, optional)
    "hold": (("seconds",), ("sided", "label", "pose", "illustration")),
    "reps": (("reps",), ("tempo_seconds", "sided", "label", "pose", "illustration")),
    "rest": (("seconds",), ("label",)),
}
_ALL_STEP_KEYS = ("kind", "seconds", "reps", "tempo_seconds", "sided", "label", "pose", "illustration")


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Step:
    """One timed part of an exercise: a hold, a set of reps, or a rest."""

    kind: str  # "hold" | "reps" | "rest"
    seconds: int | None  # hold and rest
    reps: int | None  # reps only
    tempo_seconds: float | None  # reps only: seconds per rep
    sided: bool = False  # done on the left, then on the right
    label: LocalizedText | None = None  # e.g. "Reach forward", shown under the exercise title
    pose: str | None = None  # this step's own figure (e.g. the 90-90 side-lean variant); else the exercise's
    illustration: Path | None = None  # this step's own picture file; else the exercise's

    @property
    def duration_seconds(self) -> float:
        """How long one side of this step lasts."""
        if self.kind == "reps":
            assert self.reps is not None and self.tempo_seconds is not None
            return self.reps * self.tempo_seconds
        assert self.seconds is not None
        return float(self.seconds)


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to do (texts, figure) and its steps."""

    id: str
    title: LocalizedText
    instructions: tuple[LocalizedText, ...]
    steps: tuple[Step, ...]
    illustration: Path | None = None  # absolute, resolved path to an existing file
    pose: str | None = None  # pose id for the drawn figure (desktop_app/core/poses.py)
    safety: LocalizedText | None = None
    feel_it: LocalizedText | None = None  # where the stretch or the work should be felt
    note: LocalizedText | None = None
    side_labels: tuple[LocalizedText, LocalizedText] = DEFAULT_SIDE_LABELS
    part: LocalizedText | None = None  # e.g. "Warm-up", to group exercises in a longer routine

    @property
    def sided(self) -> bool:
        """True when at least one step is done on each side."""
        return any(step.sided for step in self.steps)

    @property
    def illustrations(self) -> tuple[Path, ...]:
        """Every picture file this exercise shows, in order, without repeats (steps may bring their own)."""
        paths: list[Path] = []
        for path in (self.illustration, *(step.illustration for step in self.steps)):
            if path is not None and path not in paths:
                paths.append(path)
        return tuple(paths)


@dataclass(frozen=True)
class Routine:
    """A whole routine as loaded from one file."""

    id: str
    title: LocalizedText
    summary: LocalizedText
    position: str  # "floor" | "standing" | "seated" | "mixed"
    exercises: tuple[Exercise, ...]
    safety_note: LocalizedText = DEFAULT_SAFETY_NOTE
    source: Path = field(default=Path("."))
    builtin: bool = False

    @property
    def parts(self) -> tuple[LocalizedText, ...]:
        """The distinct exercise parts in order of appearance (empty if none are named)."""
        seen: list[LocalizedText] = []
        for exercise in self.exercises:
            if exercise.part is not None and exercise.part not in seen:
                seen.append(exercise.part)
        return tuple(seen)

    def estimated_seconds(self, prep_seconds: float = 5, switch_seconds: float = 5) -> float:
        """Total playing time, counted exactly as RoutinePlayer lays out its segments."""
        total = 0.0
        for exercise in self.exercises:
            total += max(0.0, prep_seconds)
            for step in exercise.steps:
                if step.sided:
                    total += 2 * step.duration_seconds + max(0.0, switch_seconds)
                else:
                    total += step.duration_seconds
        return total


class RoutineError(Exception):
    """A routine file could not be loaded. ``messages`` lists every problem found."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class RoutineSet:
    """The result of loading several folders: good routines by id, and problems by file."""

    routines: dict[str, Routine] = field(default_factory=dict)
    errors: dict[Path, list[str]] = field(default_factory=dict)

    def messages(self) -> list[str]:
        """Every problem of every file, in load order."""
        return [message for messages in self.errors.values() for message in messages]


def builtin_routines_dir() -> Path:
    """The folder of the routines shipped with the app (also inside a bundle)."""
    return assets_dir() / "routines"


def shared_exercises_dir() -> Path:
    """The shared illustration folder that routine files may name pictures from."""
    return assets_dir() / "exercises"


# --------------------------------------------------------------------------- loading


def load_routine(path: Path, builtin: bool = False, shared_dir: Path | None = None) -> Routine:
    """Load and validate one routine file. Raises :class:`RoutineError` listing every problem.

    ``shared_dir`` is where illustrations are looked up by file name when they
    are not in the routine's own folder (default: the app's assets/exercises).
    """
    path = Path(path)
    return routine_from_data(_read_json(path), path, builtin=builtin, shared_dir=shared_dir)


def routine_from_data(data: Any, source: Path, builtin: bool = False, shared_dir: Path | None = None) -> Routine:
    """Validate decoded routine-file JSON as if it had been read from the file ``source``.

    ``source`` names the file in messages and is the folder illustrations are resolved in (it need
    not exist). Raises :class:`RoutineError` listing every problem, exactly as :func:`load_routine`.
    The player child gets its routine this way (:func:`routine_to_data` on the tray's side).
    """
    source = Path(source)
    checker = _Checker(source.name, source.parent, shared_dir if shared_dir is not None else shared_exercises_dir())
    routine = checker.routine(data, source, builtin)
    if checker.messages or routine is None:
        raise RoutineError(checker.messages or [f"{source.name}: " + _("not a valid routine")])
    return routine


def load_routines(dirs: Iterable[tuple[Path, bool]], shared_dir: Path | None = None) -> RoutineSet:
    """Load every ``*.json`` file of each ``(folder, builtin)`` pair.

    Built-in folders are read first, whatever the order given, so that a
    user's file reusing a built-in id is the one reported. A missing folder is
    simply empty (the user's routines folder need not exist).
    """
    result = RoutineSet()
    ordered = sorted(dirs, key=lambda pair: not pair[1])
    for folder, builtin in ordered:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json")
        except OSError as exc:
            result.errors[folder] = [f"{folder.name}: " + _("cannot list folder: {reason}").format(
                reason=exc.strerror or exc)]
            continue
        for file in files:
            try:
                routine = load_routine(file, builtin=builtin, shared_dir=shared_dir)
            except RoutineError as exc:
                result.errors[file] = exc.messages
                continue
            taken = result.routines.get(routine.id)
            if taken is not None:
                owner = _("built-in routine {file}") if taken.builtin else _("routine {file}")
                result.errors[file] = [
                    f"{file.name}: id: " + _("already used by {owner}; choose another id").format(
                        owner=owner.format(file=taken.source.name))
                ]
                continue
            result.routines[routine.id] = routine
    return result


class _JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers keys written twice (json keeps only the last)."""

    duplicate_keys: list[str]


def _pairs_to_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    obj.duplicate_keys = []
    for key, value in pairs:
        if key in obj and key not in obj.duplicate_keys:
            obj.duplicate_keys.append(key)
        obj[key] = value
    return obj


def _reject_constant(token: str) -> Any:
    raise ValueError(token)


def _read_json(path: Path) -> Any:
    """Read a file as JSON, refusing huge files and turning every failure into one plain message."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RoutineError([f"{name}: " + _("file is too large ({size} bytes; the limit is 1 MB)").format(
                size=size)])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RoutineError([f"{name}: " + _("cannot read file: {reason}").format(
            reason=exc.strerror or exc)]) from exc
    if len(raw) > MAX_FILE_BYTES:  # grew between stat() and read()
        raise RoutineError([f"{name}: " + _("file is too large (over 1 MB)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RoutineError([f"{name}: " + _("is not UTF-8 text (bad byte at offset {offset})").format(
            offset=exc.start)]) from exc
    try:
        return json.loads(text, object_pairs_hook=_pairs_to_object, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise RoutineError([f"{name}: " + _("invalid JSON at line {line}, column {column}: {reason}").format(
            line=exc.lineno, column=exc.colno, reason=exc.msg)]) from exc
    except ValueError as exc:  # NaN / Infinity, which JSON does not allow
        raise RoutineError([f"{name}: " + _("invalid JSON: {token} is not a number JSON allows").format(
            token=exc.args[0] if exc.args else "?")]) from exc
    except RecursionError as exc:
        raise RoutineError([f"{name}: " + _("invalid JSON: nested too deeply")]) from exc


# --------------------------------------------------------------------------- validation


def _show(value: Any) -> str:
    """A value as it appears in JSON, shortened for messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    return _show(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _key(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


class _Checker:
    """Walks decoded JSON, collecting every problem and building the model where it can.

    Each ``_x`` method returns the model value, or ``None`` after recording why
    it could not; the caller keeps going so that all problems are reported.
    """

    def __init__(self, file_name: str, folder: Path, shared_dir: Path) -> None:
        self.file_name = file_name
        self.folder = folder
        self.shared_dir = shared_dir
        self.messages: list[str] = []

    def error(self, jpath: str, rule: str) -> None:
        where = f"{jpath}: " if jpath else ""
        self.messages.append(f"{self.file_name}: {where}{rule}")

    # -- structure -----------------------------------------------------------

    def keys(self, obj: dict[str, Any], jpath: str, required: Iterable[str], optional: Iterable[str],
             known_elsewhere: Callable[[str], str | None] | None = None) -> None:
        """Report duplicate, unknown and missing keys of one object."""
        required = tuple(required)
        allowed = required + tuple(optional)
        for key in getattr(obj, "duplicate_keys", []):
            self.error(_key(jpath, key), _("appears more than once; write each key only once"))
        for key in obj:
            if key in allowed:
                continue
            misplaced = known_elsewhere(key) if known_elsewhere else None
            if misplaced:
                self.error(_key(jpath, key), misplaced)
                continue
            import difflib  # only for a mistyped key: ~0.3 MB the running app need not hold

            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                self.error(_key(jpath, key), _('unknown key; did you mean "{key}"?').format(key=close[0]))
            else:
                allowed_text = ", ".join(allowed)
                self.error(_key(jpath, key), _("unknown key (allowed: {keys})").format(keys=allowed_text))
        for key in required:
            if key not in obj:
                self.error(_key(jpath, key), _("required, but missing"))

    def object(self, value: Any, jpath: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        if not jpath:
            self.error("", _("must hold one JSON object {{...}} at the top level, got {got}").format(
                got=_type_name(value)))
            return None
        self.error(jpath, _("must be an object, got {got}").format(got=_type_name(value)))
        return None

    def list_of(self, value: Any, jpath: str, bounds: tuple[int, int], what: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.error(jpath, _("must be a list, got {got}").format(got=_type_name(value)))
            return None
        low, high = bounds
        if low == high and len(value) != low:
            self.error(jpath, _("must have exactly {count} {what}, got {got}").format(
                count=low, what=what, got=len(value)))
        elif not low <= len(value) <= high:
            self.error(jpath, _("must have {low}..{high} {what}, got {got}").format(
                low=low, high=high, what=what, got=len(value)))
        return value

    # -- scalars -------------------------------------------------------------

    def slug(self, value: Any, jpath: str) -> str | None:
        if isinstance(value, str) and _SLUG.match(value) and len(value) <= _SLUG_MAX:
            return value
        rule = _("must be a lowercase slug like \"my-routine\" (a-z, 0-9 and single hyphens, "
                 "at most {max} characters), got {got}")
        self.error(jpath, rule.format(max=_SLUG_MAX, got=_type_name(value)))
        return None

    def int_in(self, value: Any, jpath: str, bounds: tuple[int, int]) -> int | None:
        low, high = bounds
        if not _is_int(value):
            if _is_number(value):
                self.error(jpath, _("must be a whole number, got {got}").format(got=_show(value)))
            else:
                self.error(jpath, _("must be a whole number {low}..{high}, got {got}").format(
                    low=low, high=high, got=_type_name(value)))
            return None
        if not low <= value <= high:
            self.error(jpath, _("must be {low}..{high}, got {got}").format(low=low, high=high, got=value))
            return None
        return int(value)

    def number_in(self, value: Any, jpath: str, bounds: tuple[int, int]) -> float | None:
        low, high = bounds
        if not _is_number(value):
            self.error(jpath, _("must be a number {low}..{high}, got {got}").format(
                low=low, high=high, got=_type_name(value)))
            return None
        if not low <= value <= high:
            rule = _("must be {low}..{high}, got {got}")
            self.error(jpath, rule.format(low=low, high=high, got=_show(value)))
            return None
        return float(value)

    def boolean(self, value: Any, jpath: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.error(jpath, _("must be true or false, got {got}").format(got=_type_name(value)))
        return None

    def choice(self, value: Any, jpath: str, choices: tuple[str, ...]) -> str | None:
        if isinstance(value, str) and value in choices:
            return value
        self.error(jpath, _("must be one of {choices}, got {got}").format(
            choices=", ".join(choices), got=_type_name(value)))
        return None

    def text(self, value: Any, jpath: str, limit: int) -> LocalizedText | None:
        """A plain string (English) or ``{"en": ..., "de": ...}``; English is required."""
        if isinstance(value, str):
            return _shared(LocalizedText.of(value)) if self._text_ok(value, jpath, limit) else None
        if not isinstance(value, dict):
            self.error(jpath, _('must be text, or an object of language codes and texts like '
                                '{{"en": "...", "de": "..."}}, got {got}').format(got=_type_name(value)))
            return None
        ok = True
        for key in getattr(value, "duplicate_keys", []):
            self.error(_key(jpath, key), _("appears more than once; write each key only once"))
            ok = False
        texts: dict[str, str] = {}
        for code, item in value.items():
            if not _LANGUAGE_CODE.match(code):
                self.error(_key(jpath, code), _('is not a language code; use codes like "en" or "de"'))
                ok = False
            elif not isinstance(item, str):
                self.error(_key(jpath, code), _("must be text, got {got}").format(got=_type_name(item)))
                ok = False
            elif self._text_ok(item, _key(jpath, code), limit):
                texts[code] = item
            else:
                ok = False
        if FALLBACK_LANGUAGE not in value:
            self.error(jpath, _('needs the English text ("en"); other languages fall back to it'))
            ok = False
        return _shared(LocalizedText.from_mapping(texts)) if ok else None

    def _text_ok(self, value: str, jpath: str, limit: int) -> bool:
        if not value.strip():
            self.error(jpath, _("must not be empty"))
            return False
        if len(value) > limit:
            rule = _("must be at most {limit} characters, got {got}")
            self.error(jpath, rule.format(limit=limit, got=len(value)))
            return False
        return True

    def illustration(self, value: Any, jpath: str) -> Path | None:
        """Resolve a picture inside the routine's folder, or by file name in the shared folder."""
        if not isinstance(value, str) or not value.strip():
            rule = _("must be a file name like \"lunge.svg\", got {got}")
            self.error(jpath, rule.format(got=_type_name(value)))
            return None
        if value.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(value):
            self.error(jpath, _("must be a path relative to the routine's folder, got {got}").format(
                got=_show(value)))
            return None
        relative = PurePosixPath(value.replace("\\", "/"))
        if ".." in relative.parts:
            self.error(jpath, _('must stay inside the routine\'s folder (no ".."), got {got}').format(
                got=_show(value)))
            return None
        if relative.suffix.lower() not in ILLUSTRATION_SUFFIXES:
            self.error(jpath, _("must be an {kinds} file, got {got}").format(
                kinds=" or ".join(ILLUSTRATION_SUFFIXES), got=_show(value)))
            return None
        folder = self.folder.resolve()
        candidate = folder.joinpath(*relative.parts)
        if os.path.lexists(candidate):
            real = candidate.resolve()
            if not real.is_relative_to(folder):
                rule = _("points outside the routine's folder through a symbolic link: {got}")
                self.error(jpath, rule.format(got=_show(value)))
                return None
            if real.is_file():
                return real
        shared = self.shared_dir / relative.name
        if shared.is_file():
            return shared.resolve()
        self.error(jpath, _("file not found: {got} is neither in the routine's folder nor in the shared "
                            "exercises folder").format(got=_show(value)))
        return None

    # -- the three levels ----------------------------------------------------

    def routine(self, data: Any, path: Path, builtin: bool) -> Routine | None:
        obj = self.object(data, "")
        if obj is None:
            return None
        self.keys(obj, "", _ROUTINE_REQUIRED, _ROUTINE_OPTIONAL)
        if "format" in obj and (not _is_int(obj["format"]) or obj["format"] != FORMAT_VERSION):  # true == 1
            self.error("format", _("this version of HipBreak reads format {want}, got {got}").format(
                want=FORMAT_VERSION, got=_show(obj["format"])))
        routine_id = self.slug(obj["id"], "id") if "id" in obj else None
        title = self.text(obj["title"], "title", TEXT_LIMITS["title"]) if "title" in obj else None
        summary = self.text(obj["summary"], "summary", TEXT_LIMITS["summary"]) if "summary" in obj else None
        position = self.choice(obj["position"], "position", POSITIONS) if "position" in obj else None
        safety_note = DEFAULT_SAFETY_NOTE
        if "safety_note" in obj:
            given = self.text(obj["safety_note"], "safety_note", TEXT_LIMITS["safety_note"])
            safety_note = given or safety_note
        exercises: list[Exercise] = []
        raw_exercises = self.list_of(obj["exercises"], "exercises", EXERCISES, _("exercises")) \
            if "exercises" in obj else None
        seen_ids: dict[str, int] = {}
        for index, raw in enumerate(raw_exercises or []):
            exercise = self.exercise(raw, f"exercises[{index}]")
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(raw_id, str) and _SLUG.match(raw_id):
                if raw_id in seen_ids:
                    rule = _('"{id}" is already used by exercises[{other}]')
                    self.error(f"exercises[{index}].id", rule.format(id=raw_id, other=seen_ids[raw_id]))
                else:
                    seen_ids[raw_id] = index
            if exercise is not None:
                exercises.append(exercise)
        if self.messages or None in (routine_id, title, summary, position):
            return None
        assert routine_id is not None and title is not None and summary is not None and position is not None
        return Routine(id=routine_id, title=title, summary=summary, position=position,
                       exercises=tuple(exercises), safety_note=safety_note, source=path.resolve(),
                       builtin=builtin)

    def exercise(self, data: Any, jpath: str) -> Exercise | None:
        obj = self.object(data, jpath)
        if obj is None:
            return None
        before = len(self.messages)
        self.keys(obj, jpath, _EXERCISE_REQUIRED, _EXERCISE_OPTIONAL)

        def optional_text(key: str) -> LocalizedText | None:
            return self.text(obj[key], _key(jpath, key), TEXT_LIMITS[key]) if key in obj else None

        exercise_id = self.slug(obj["id"], _key(jpath, "id")) if "id" in obj else None
        title = optional_text("title")
        instructions: list[LocalizedText] = []
        if "instructions" in obj:
            lines = self.list_of(obj["instructions"], _key(jpath, "instructions"), INSTRUCTION_LINES,
                                 _("lines"))
            for i, line in enumerate(lines or []):
                text = self.text(line, f"{jpath}.instructions[{i}]", TEXT_LIMITS["instructions"])
                if text is not None:
                    instructions.append(text)
        illustration = self.illustration(obj["illustration"], _key(jpath, "illustration")) \
            if "illustration" in obj else None
        pose = self.slug(obj["pose"], _key(jpath, "pose")) if "pose" in obj else None
        side_labels = DEFAULT_SIDE_LABELS
        if "side_labels" in obj:
            labels_path = _key(jpath, "side_labels")
            raw_labels = self.list_of(obj["side_labels"], labels_path, (2, 2), _("labels (left, then right)"))
            if raw_labels is not None and len(raw_labels) == 2:
                left = self.text(raw_labels[0], f"{labels_path}[0]", TEXT_LIMITS["side_labels"])
                right = self.text(raw_labels[1], f"{labels_path}[1]", TEXT_LIMITS["side_labels"])
                if left is not None and right is not None:
                    side_labels = (left, right)
        steps: list[Step] = []
        if "steps" in obj:
            raw_steps = self.list_of(obj["steps"], _key(jpath, "steps"), STEPS, _("steps"))
            for i, raw in enumerate(raw_steps or []):
                step = self.step(raw, f"{jpath}.steps[{i}]")
                if step is not None:
                    steps.append(step)
        safety, note, part = optional_text("safety"), optional_text("note"), optional_text("part")
        feel_it = optional_text("feel_it")
        if len(self.messages) > before or exercise_id is None or title is None:
            return None
        return Exercise(id=exercise_id, title=title, instructions=tuple(instructions), steps=tuple(steps),
                        illustration=illustration, pose=pose, safety=safety, feel_it=feel_it, note=note,
                        side_labels=side_labels, part=part)

    def step(self, data: Any, jpath: str) -> Step | None:
        obj = self.object(data, jpath)
        if obj is None:
            return None
        before = len(self.messages)
        kind = self.choice(obj["kind"], _key(jpath, "kind"), STEP_KINDS) if "kind" in obj else None
        if kind is None:
            if "kind" not in obj:
                self.error(_key(jpath, "kind"), _("required, but missing"))
            self.keys(obj, jpath, (), _ALL_STEP_KEYS)
            return None
        required, optional = _STEP_KEYS[kind]

        def misplaced(key: str) -> str | None:
            if key in _ALL_STEP_KEYS:
                if kind == "rest" and key == "sided":
                    return _("a rest cannot be sided")
                return _("not used by a {kind} step").format(kind=kind)
            return None

        self.keys(obj, jpath, ("kind", *required), optional, misplaced)
        seconds = reps = None
        tempo: float | None = None
        if kind in ("hold", "rest") and "seconds" in obj:
            seconds = self.int_in(obj["seconds"], _key(jpath, "seconds"), HOLD_SECONDS)
        if kind == "reps":
            if "reps" in obj:
                reps = self.int_in(obj["reps"], _key(jpath, "reps"), REPS)
            tempo = DEFAULT_TEMPO_SECONDS
            if "tempo_seconds" in obj:
                tempo = self.number_in(obj["tempo_seconds"], _key(jpath, "tempo_seconds"), TEMPO_SECONDS)
        sided = False
        if "sided" in obj and kind != "rest":
            sided = bool(self.boolean(obj["sided"], _key(jpath, "sided")))
        label = None
        if "label" in obj:
            label = self.text(obj["label"], _key(jpath, "label"), TEXT_LIMITS["label"])
        pose = self.slug(obj["pose"], _key(jpath, "pose")) if "pose" in obj and kind != "rest" else None
        illustration = self.illustration(obj["illustration"], _key(jpath, "illustration")) \
            if "illustration" in obj and kind != "rest" else None
        if len(self.messages) > before:
            return None
        return Step(kind=kind, seconds=seconds, reps=reps, tempo_seconds=tempo, sided=sided, label=label,
                    pose=pose, illustration=illustration)


# --------------------------------------------------------------------------- writing


def routine_to_data(routine: Routine, shared_dir: Path | None = None) -> dict[str, Any]:
    """``routine`` in the routine-file format (``docs/routine-format.md``), ready for ``json.dumps``.

    Why: the tray process hands the player child its routine in this form (a readable line in a log,
    and no tie between the two processes' class layouts, as pickle had), and it is what an export
    would write. Every language of every text is kept; the safety note, side labels and ``sided``
    are left out when they are the loader's defaults, as the built-in files leave them out.
    ``routine_from_data(routine_to_data(r), r.source, r.builtin) == r`` for every routine the loader
    made (``source`` and ``builtin`` are not part of the file). Illustrations are written relative to
    the routine's folder, or by file name when they are in the shared exercises folder
    (``shared_dir``); a routine the loader could not have made (a picture anywhere else) raises
    ``ValueError``.
    """
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "id": routine.id,
        "title": routine.title.to_json(),
        "summary": routine.summary.to_json(),
        "position": routine.position,
    }
    if routine.safety_note != DEFAULT_SAFETY_NOTE:
        data["safety_note"] = routine.safety_note.to_json()
    folder = routine.source.parent
    shared = shared_dir if shared_dir is not None else shared_exercises_dir()
    data["exercises"] = [_exercise_to_data(exercise, folder, shared) for exercise in routine.exercises]
    return data


def _exercise_to_data(exercise: Exercise, folder: Path, shared: Path) -> dict[str, Any]:
    data: dict[str, Any] = {"id": exercise.id}
    if exercise.part is not None:
        data["part"] = exercise.part.to_json()
    data["title"] = exercise.title.to_json()
    data["instructions"] = [line.to_json() for line in exercise.instructions]
    if exercise.illustration is not None:
        data["illustration"] = _illustration_name(exercise.illustration, folder, shared)
    if exercise.pose is not None:
        data["pose"] = exercise.pose
    for key, text in (("feel_it", exercise.feel_it), ("safety", exercise.safety), ("note", exercise.note)):
        if text is not None:
            data[key] = text.to_json()
    if exercise.side_labels != DEFAULT_SIDE_LABELS:
        data["side_labels"] = [label.to_json() for label in exercise.side_labels]
    data["steps"] = [_step_to_data(step, folder, shared) for step in exercise.steps]
    return data


def _step_to_data(step: Step, folder: Path, shared: Path) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": step.kind}
    if step.kind == "reps":
        data["reps"] = step.reps
        tempo = step.tempo_seconds  # written even when it is the default, as the built-in files do
        if tempo is not None:
            data["tempo_seconds"] = int(tempo) if float(tempo).is_integer() else tempo
    else:
        data["seconds"] = step.seconds
    if step.sided:
        data["sided"] = True
    if step.label is not None:
        data["label"] = step.label.to_json()
    if step.pose is not None:
        data["pose"] = step.pose
    if step.illustration is not None:
        data["illustration"] = _illustration_name(step.illustration, folder, shared)
    return data


def _illustration_name(path: Path, folder: Path, shared: Path) -> str:
    """How a routine file names ``path``: relative to its folder, or a shared picture's file name."""
    own = folder.resolve()
    if path.is_relative_to(own):
        return path.relative_to(own).as_posix()
    if path.parent == shared.resolve() and not os.path.lexists(own / path.name):
        return path.name  # the loader looks in the routine's own folder first
    raise ValueError(f"{path} is neither in the routine's folder {own} nor in the shared folder {shared}")
