"""The tray menu (also used by the no-tray status window) and the one-line status text.

The menu holds no rules of its own: which items apply in which stage is
the command table's ``applicable`` (``application/commands.py``), and every
item calls one method of the app (:class:`MenuActions`). The same menu object serves the tray
icon and the status window, so both always offer the same actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.application.commands import applicable
from desktop_app.application.routines import RoutineChoice
from desktop_app.application.status_text import format_clock, format_minutes, status_line
from desktop_app.core.settings import PAUSE_OPTIONS, SNOOZE_OPTIONS
from desktop_app.i18n import _

#: Re-exported for the windows that still import them from here (the words live in the application).
__all__ = ["MenuActions", "MenuState", "RoutineChoice", "TrayMenu", "applicable", "format_clock", "format_minutes",
           "menu_text", "status_line"]


class MenuActions(Protocol):
    """What the menu asks of the controller. Each item calls exactly one of these."""

    def open_routine(self, routine_id: str | None) -> object: ...
    def break_now(self) -> None: ...
    def snooze(self, minutes: int | None = None) -> None: ...
    def skip(self) -> None: ...
    def pause(self, minutes: int | None = None, until_tomorrow: bool = False) -> None: ...
    def resume(self) -> None: ...
    def set_standing(self, standing: bool) -> None: ...
    def show_statistics(self) -> None: ...
    def show_settings(self) -> None: ...
    def show_about(self) -> None: ...
    def quit(self) -> None: ...


@dataclass(frozen=True)
class MenuState:
    """Everything the menu shows, taken from the controller in one go."""

    stage: str                     # a Stage value
    status_line: str
    routines: Sequence[RoutineChoice]
    default_routine_id: str
    has_statistics: bool = False   # the statistics window module exists
    has_settings: bool = False     # the settings dialog module exists


def menu_text(text: str) -> str:
    """``text`` shown literally in a menu: a lone "&" would otherwise become a keyboard mnemonic."""
    return text.replace("&", "&&")


class TrayMenu(QMenu):
    """The tray's context menu. Call :meth:`refresh` with a fresh :class:`MenuState` to update it."""

    def __init__(self, actions: MenuActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._default_routine = ""
        self._routine_ids: tuple[str, ...] = ()
        self.setAccessibleName(_("HipBreak menu"))
        self.status_action = self.addAction("")
        self.status_action.setEnabled(False)
        self.addSeparator()
        self.start_default = self.addAction(_("Start routine"))
        self.start_default.triggered.connect(lambda: actions.open_routine(self._default_routine))
        self.routines_menu = self.addMenu(_("All routines"))
        self.addSeparator()
        self.break_now_action = self._add(_("Take a break now"), actions.break_now)
        self.snooze_menu = self.addMenu(_("Snooze"))
        for minutes in SNOOZE_OPTIONS:
            self._add(_("{m} min").format(m=minutes), self._bind(actions.snooze, minutes), self.snooze_menu)
        self.skip_action = self._add(_("Skip this break"), actions.skip)
        self.addSeparator()
        self.pause_menu = self.addMenu(_("Pause"))
        for minutes in PAUSE_OPTIONS:
            self._add(format_minutes(minutes * 60), self._bind(actions.pause, minutes), self.pause_menu)
        self._add(_("Until tomorrow"), lambda: actions.pause(None, True), self.pause_menu)
        self.resume_action = self._add(_("Resume"), actions.resume)
        self.standing_action = self._add(_("I'm standing"), lambda: actions.set_standing(True))
        self.sitting_action = self._add(_("I'm sitting again"), lambda: actions.set_standing(False))
        self.addSeparator()
        self.statistics_action = self._add(_("Statistics…"), actions.show_statistics)
        self.settings_action = self._add(_("Settings…"), actions.show_settings)
        self.about_action = self._add(_("About & safety"), actions.show_about)
        show_welcome = getattr(actions, "show_welcome", None)  # the app's bridge has it; test fakes may not
        self.welcome_action = self._add(_("Welcome and setup…"), show_welcome) if callable(show_welcome) else None
        self.addSeparator()
        self.quit_action = self._add(_("Quit"), actions.quit)

    def _add(self, text: str, slot: Callable[[], object], menu: QMenu | None = None) -> QAction:
        action = (menu or self).addAction(menu_text(text))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    @staticmethod
    def _bind(method: Callable[[int], object], minutes: int) -> Callable[[], object]:
        return lambda: method(minutes)

    def refresh(self, state: MenuState) -> None:
        """Show ``state``: the status line, item availability and the routine list."""
        self.status_action.setText(menu_text(state.status_line))
        rules = applicable(state.stage)
        default = next((r for r in state.routines if r.id == state.default_routine_id), None)
        self._default_routine = state.default_routine_id
        self.start_default.setText(menu_text(
            _("Start “{title}”").format(title=default.title) if default else _("Start routine")))
        self.start_default.setEnabled(rules["routine"] and default is not None)
        ids = tuple(r.id for r in state.routines)
        if ids != self._routine_ids:
            self._routine_ids = ids
            self.routines_menu.clear()
            for routine in state.routines:
                self._add(routine.title, self._bind_routine(routine.id), self.routines_menu)
        self.routines_menu.setEnabled(rules["routine"] and bool(state.routines))
        self.break_now_action.setEnabled(rules["break_now"])
        self.snooze_menu.setEnabled(rules["snooze"])
        self.skip_action.setEnabled(rules["skip"])
        self.pause_menu.setEnabled(rules["pause"])
        self.resume_action.setEnabled(rules["resume"])
        self.standing_action.setVisible(not rules["sitting"])
        self.standing_action.setEnabled(rules["standing"])
        self.sitting_action.setVisible(rules["sitting"])
        # windows from other issues: hidden until their module exists, never shown dead
        self.statistics_action.setVisible(state.has_statistics)
        self.settings_action.setVisible(state.has_settings)

    def _bind_routine(self, routine_id: str) -> Callable[[], object]:
        return lambda: self._actions.open_routine(routine_id)
