"""The tray menu (also used by the no-tray status window) and the one-line status text.

The menu holds no rules of its own: which items apply in which stage is
written down once in :func:`applicable`, and every item calls one method of
the controller (:class:`MenuActions`). The same menu object serves the tray
icon and the status window, so both always offer the same actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.core.schedule import Status
from desktop_app.core.settings import PAUSE_OPTIONS, SNOOZE_OPTIONS
from desktop_app.i18n import _


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
class RoutineChoice:
    """A routine as menus and the chooser list it: id, title in the UI language, length."""

    id: str
    title: str
    minutes: int = 0
    builtin: bool = True


@dataclass(frozen=True)
class MenuState:
    """Everything the menu shows, taken from the controller in one go."""

    stage: str                     # a Stage value
    status_line: str
    routines: Sequence[RoutineChoice]
    default_routine_id: str
    has_statistics: bool = False   # the statistics window module exists
    has_settings: bool = False     # the settings dialog module exists


def applicable(stage: str) -> dict[str, bool]:
    """Which menu items make sense in ``stage`` (a Stage value). The one place these rules live."""
    in_routine = stage == "in_routine"
    return {
        "routine": not in_routine,
        "break_now": stage not in ("due", "in_routine"),
        "snooze": stage in ("due", "snoozed"),
        "skip": stage in ("due", "snoozed"),
        "pause": not in_routine,
        "resume": stage == "paused",
        "standing": stage not in ("in_routine", "standing"),
        "sitting": stage == "standing",
    }


def format_minutes(seconds: float) -> str:
    """A duration in plain words: "42 min", "1 h 5 min", "less than a minute"."""
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return _("less than a minute")
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return _("{m} min").format(m=minutes)
    if rest == 0:
        return _("{h} h").format(h=hours)
    return _("{h} h {m} min").format(h=hours, m=rest)


def format_clock(epoch: float, now: datetime) -> str:
    """A wall time as "14:20", or "tomorrow 09:00" when it is not today (local time of ``now``)."""
    when = datetime.fromtimestamp(epoch, now.tzinfo)
    hhmm = when.strftime("%H:%M")
    if when.date() == now.date():
        return hhmm
    if when.date() == (now + timedelta(days=1)).date():
        return _("tomorrow {time}").format(time=hhmm)
    return when.strftime("%a %H:%M")


def status_line(status: Status, now: datetime) -> str:
    """The one-line state shown in the tooltip, the menu's first line and the status window.

    ``now`` is the schedule clock's local time (simulated time in ``--demo``).
    """
    stage = status.stage.value
    sitting = status.sitting_seconds
    if stage == "due":
        if status.deferred_reason:
            return _("Break due · held back ({reason})").format(reason=status.deferred_reason)
        if status.prompt_kind == "daily":
            return _("Time for your daily session")
        return _("Time for a break · sitting {t}").format(t=format_minutes(sitting))
    if stage == "snoozed":
        if status.snoozed_until:
            return _("Snoozed until {time}").format(time=format_clock(status.snoozed_until, now))
        return _("Snoozed")
    if stage == "paused":
        until = status.paused_until
        if until is None:
            return _("Paused")
        when = datetime.fromtimestamp(until, now.tzinfo)
        if when.date() == (now + timedelta(days=1)).date() and when.hour < 12:
            return _("Paused until tomorrow")
        return _("Paused until {time}").format(time=format_clock(until, now))
    if stage == "in_routine":
        return _("Routine in progress")
    if stage == "away":
        words = {"lock": _("screen locked"), "suspend": _("computer asleep"), "idle": _("no input")}
        return _("Away ({why})").format(why=words.get(str(status.away_reason), _("no input")))
    if stage == "standing":
        return _("Standing · reminders wait until you sit again")
    if stage == "off_hours":
        return _("Outside working hours")
    next_in = status.next_prompt_in_seconds
    if next_in is None:
        return _("Sitting {t}").format(t=format_minutes(sitting))
    # "break in" rounds up, so it never says "0 min" while a minute is left
    return _("Sitting {t} · break in {n}").format(t=format_minutes(sitting), n=format_minutes(next_in + 59))


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
