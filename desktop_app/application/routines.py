"""The routine catalogue: the built-in folder plus the user's, loaded once (pure Python, no Qt).

Why one object: the tray menu, the chooser, the prompt's routine title, the
``routine`` command and ``hipbreak routines`` all need the same list. Reading
the folders once, on first use, keeps start-up light; :meth:`reload` reads
them again after the user edited a file (the settings window offers that).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.routine import Routine, RoutineSet, builtin_routines_dir, load_routines
from desktop_app.i18n import current_language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoutineChoice:
    """A routine as menus and the chooser list it: id, title in the UI language, length."""

    id: str
    title: str
    minutes: int = 0
    builtin: bool = True


class RoutineCatalogue:
    """Built-in and user routines, loaded on first use and kept."""

    def __init__(self, user_dir: Path, builtin_dir: Path | None = None) -> None:
        self.user_dir = user_dir
        self._builtin_dir = builtin_dir
        self._loaded: RoutineSet | None = None

    def load(self) -> RoutineSet:
        """Everything found, good routines and problems by file (loaded once)."""
        if self._loaded is None:
            builtin = self._builtin_dir if self._builtin_dir is not None else builtin_routines_dir()
            self._loaded = load_routines([(builtin, True), (self.user_dir, False)])
            for path, messages in self._loaded.errors.items():
                log.warning("routine file %s not loaded: %s", path, "; ".join(messages))
        return self._loaded

    def reload(self) -> RoutineSet:
        """Read the folders again (after the user edited a file)."""
        self._loaded = None
        return self.load()

    def routines(self) -> dict[str, Routine]:
        """Good routines by id."""
        return self.load().routines

    def get(self, routine_id: str) -> Routine | None:
        return self.routines().get(routine_id)

    def title(self, routine_id: str) -> str:
        """The routine's title in the UI language, or the id when there is no such routine."""
        routine = self.get(routine_id)
        return routine.title.get(current_language()) if routine is not None else routine_id

    def choices(self, prep_seconds: float, switch_seconds: float) -> list[RoutineChoice]:
        """The routines as menus list them, in the UI language."""
        lang = current_language()
        return [
            RoutineChoice(r.id, r.title.get(lang), round(r.estimated_seconds(prep_seconds, switch_seconds) / 60),
                          r.builtin)
            for r in self.routines().values()
        ]
