"""Equal texts in routine files are loaded as one object (the program weeks repeat the same exercises).

Why it matters: the idle tray app keeps the catalogue, and every text carries all its languages;
without sharing the built-in routines held about seven copies of each (issue 13, bench/RESULTS.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.core.localized import LocalizedText
from desktop_app.core.routine import builtin_routines_dir, load_routines


def _texts(value: object, found: list[LocalizedText]) -> list[LocalizedText]:
    """Every LocalizedText reachable from a loaded routine (dataclasses, tuples)."""
    if isinstance(value, LocalizedText):
        found.append(value)
    elif isinstance(value, tuple):
        for item in value:
            _texts(item, found)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _texts(getattr(value, name), found)
    return found


def test_the_builtin_routines_hold_each_distinct_text_once() -> None:
    loaded = load_routines([(builtin_routines_dir(), True)])
    assert not loaded.errors
    texts = _texts(tuple(loaded.routines.values()), [])
    distinct = set(texts)
    assert len(texts) > 3 * len(distinct)  # the weeks do repeat texts: the sharing has something to do
    assert len({id(text) for text in texts}) == len(distinct)  # one object per distinct text


def test_shared_texts_keep_each_files_own_languages(tmp_path: Path) -> None:
    def routine(rid: str, title: object) -> dict[str, object]:
        return {"format": 1, "id": rid, "title": title, "summary": "Stretches.", "position": "standing",
                "exercises": [{"id": "lunge", "title": "Lunge", "instructions": ["Step forward."],
                               "steps": [{"kind": "hold", "seconds": 30}]}]}

    (tmp_path / "a.json").write_text(json.dumps(routine("a", {"en": "Stretch", "de": "Dehnen"})), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(routine("b", "Stretch")), encoding="utf-8")
    loaded = load_routines([(tmp_path, False)])
    assert not loaded.errors, loaded.errors
    a, b = loaded.routines["a"], loaded.routines["b"]
    assert a.title.get("de") == "Dehnen" and b.title.get("de") == "Stretch"  # equal English, not the same text
    assert a.exercises[0].title is b.exercises[0].title  # the same text, one object
