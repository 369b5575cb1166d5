"""The app service: every user action and every platform signal reaches the core here (no Qt).

Why one service: the tray menu, the prompt, the status window, the command
line (over IPC) and the desktop (lock, suspend) all change the same
schedule. Routing them through one object means each action is written once,
every event the core returns is written to the history in order, the state
is saved after every change, and the views only ever *show* :meth:`status`.

The service owns the :class:`~desktop_app.core.schedule.BreakScheduler`; a
driver (a Qt timer in the app, see ``ui/driver.py``) runs it at its deadlines
and hands every event list to :meth:`on_core_events`. Windows are behind
:class:`~.ports.WindowsPort` and listeners behind :class:`~.ports.ListenerPort`,
both attached after construction (``ui.bridge`` does that), so the service
can also run headless with the Null ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from desktop_app import __version__
from desktop_app.application.commands import COMMANDS, CommandRefused
from desktop_app.application.ports import (
    AutostartPort,
    DoNotDisturbPort,
    DriverFactory,
    HistoryPort,
    ListenerPort,
    NotifierPort,
    NullListener,
    NullWindows,
    SettingsStorePort,
    StatePort,
    WindowsPort,
)
from desktop_app.application.routines import RoutineCatalogue, RoutineChoice
from desktop_app.application.status_text import format_minutes, status_line
from desktop_app.core import events as ev
from desktop_app.core.clock import Clock
from desktop_app.core.events import Event
from desktop_app.core.schedule import BreakScheduler, Stage, Status
from desktop_app.core.settings import Settings
from desktop_app.i18n import _, set_language

log = logging.getLogger(__name__)


class AppService:
    """Holds the scheduler, history, state and settings; runs every user action and command."""

    def __init__(
        self,
        schedule_clock: Clock,
        settings: Settings,
        *,
        history: HistoryPort,
        state: StatePort,
        settings_store: SettingsStorePort,
        notifier: NotifierPort,
        dnd: DoNotDisturbPort,
        catalogue: RoutineCatalogue,
        make_driver: DriverFactory,
        autostart: AutostartPort | None = None,
        idle_name: str = "none",
        demo: bool = False,
        warnings: list[str] | None = None,
    ) -> None:
        self._schedule_clock = schedule_clock
        self._settings = settings
        self.history = history
        self._state = state
        self._settings_store = settings_store
        self._notifier = notifier
        self._dnd = dnd
        self.catalogue = catalogue
        #: Start at login; None where the app has no way to (the settings window then hides the choice).
        self.autostart = autostart
        self.idle_name = idle_name
        self.demo = demo
        self._windows: WindowsPort = NullWindows()
        self._listener: ListenerPort = NullListener()
        self._pending_warnings: list[str] = list(warnings or [])
        self._warned: set[str] = set()
        self._history_failed = False
        self._state_failed = False
        self._stopped = False
        saved = state.load(self._pending_warnings)
        try:
            self.scheduler = BreakScheduler(schedule_clock, settings, saved)
        except Exception as exc:  # a state the core cannot use must not stop the app
            log.warning("saved state not usable (%s); starting fresh", exc)
            self._pending_warnings.append(
                _("The saved app state could not be used, so HipBreak starts fresh "
                  "(last break, snooze and pause are forgotten)."))
            self.scheduler = BreakScheduler(schedule_clock, settings, None)
        self._saved_state: dict[str, Any] | None = None
        self.driver = make_driver(self.scheduler, self.on_core_events)

    def attach(self, windows: WindowsPort, listener: ListenerPort) -> None:
        """The windows and whoever listens (``ui.bridge``); before :meth:`start`."""
        self._windows = windows
        self._listener = listener

    def start(self) -> None:
        """Record the start, run the core once, arm the timer, and show any pending warnings."""
        self._record([Event(ev.APP_STARTED, self._schedule_clock.time(), {"version": __version__})])
        self.driver.start()
        for message in self._pending_warnings:
            self.warn(message)
        self._pending_warnings.clear()
        self._listener.status_changed()

    # --- reading -------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def schedule_clock(self) -> Clock:
        """The clock the schedule runs on (60x in ``--demo``)."""
        return self._schedule_clock

    def status(self) -> Status:
        """The scheduler's status right now."""
        return self.scheduler.status()

    def now(self) -> datetime:
        """Local time on the schedule clock (simulated in ``--demo``)."""
        return self._schedule_clock.now()

    def status_text(self) -> str:
        """The one-line state (tooltip, menu, status window)."""
        return status_line(self.status(), self.now())

    def routine_choices(self) -> list[RoutineChoice]:
        """The routines as menus list them, in the UI language.

        Of the twelve program weeks only the one the daily session offers is listed (the
        others stay startable by id, ``hipbreak routine program-week-05``): twelve near-equal
        entries would bury the three routines people pick from.
        """
        from desktop_app.core.program import week_of_routine

        keep = self._settings.daily_routine
        return [c for c in self.catalogue.choices(self._settings.prep_seconds, self._settings.switch_seconds)
                if week_of_routine(c.id) is None or c.id == keep]

    def _iso(self, epoch: float | None) -> str | None:
        if epoch is None:
            return None
        tz = self.now().tzinfo
        return datetime.fromtimestamp(epoch, tz).isoformat(timespec="seconds")

    def status_json(self) -> dict[str, Any]:
        """The ``status --json`` fields (times on the schedule clock, so simulated in ``--demo``)."""
        s = self.status()
        next_in = s.next_prompt_in_seconds
        return {
            "state": s.stage.value,
            "sitting_seconds": round(s.sitting_seconds, 1),
            "sitting_since": self._iso(s.sitting_since),
            "next_prompt_in_seconds": None if next_in is None else round(next_in, 1),
            "next_prompt_at": self._iso(s.next_prompt_at),
            "snoozed_until": self._iso(s.snoozed_until),
            "paused_until": self._iso(s.paused_until),
            "deferred_reason": s.deferred_reason,
            "away_reason": s.away_reason,
            "prompt_kind": s.prompt_kind,
            "prompt_routine_id": s.prompt_routine_id,
            "routine_id": s.routine_id,
            "interval_seconds": s.interval_seconds,
            "idle_backend": self.idle_name,
            "demo": self.demo,
            "now": self._iso(self._schedule_clock.time()),
            "status_text": status_line(s, self.now()),
            "view": self._windows.view_kind,
            "prompt_visible": self._windows.prompt_visible(),
            "player_open": self._windows.player_open(),
            "version": __version__,
        }

    # --- core events ---------------------------------------------------------------
    def _record(self, events: list[Event]) -> None:
        """Write events to the history; say once, in plain words, if that fails."""
        if not events:
            return
        try:
            ok = self.history.append(events)
        except Exception as exc:  # the store reports its own problems; never lose the app over it
            log.warning("history append failed: %s", exc)
            ok = False
        if ok is False and not self._history_failed:
            self._history_failed = True
            self.warn(_("Your break history could not be saved, so statistics will miss this session. "
                        "Reminders keep working."))

    def on_core_events(self, events: list[Event]) -> None:
        """Every event list from the core arrives here (through the driver), in order."""
        self._record(events)
        for event in events:
            if event.kind == ev.PROMPT_SHOWN:
                self._show_prompt()
            elif event.kind == ev.PROMPT_QUIET:
                self._notify(_("Time for a break"), _("A break was due while you were busy. "
                                                       "Stand up and stretch when you can."), quiet=True)
        status = self.scheduler.status()
        if status.stage != Stage.DUE and self._windows.prompt_visible():
            self._windows.dismiss_prompt()
            self._listener.prompt_closed()
        elif self._windows.prompt_visible():
            self._windows.update_prompt(status.prompt_kind or "hourly", status.sitting_seconds,
                                        self.catalogue.title(status.prompt_routine_id))
        self._save_state()
        self._listener.status_changed()

    def _save_state(self) -> None:
        """Persist the scheduler's state when it changed (atomic write; said once if it fails)."""
        try:
            state = self.scheduler.to_state()
        except Exception as exc:
            log.warning("scheduler state not available: %s", exc)
            return
        if state == self._saved_state:
            return
        try:
            self._state.save(state)
            self._saved_state = state
            self._state_failed = False
        except Exception as exc:  # StorageError carries a plain message
            log.warning("state not saved: %s", exc)
            if not self._state_failed:
                self._state_failed = True
                self.warn(str(exc))

    def _apply(self, events: list[Event]) -> None:
        """Events from an action: the driver records them and re-plans."""
        self.driver.deliver(events)
        if not events:
            self._listener.status_changed()

    # --- user actions (tray menu, prompt, status window, IPC) -----------------------
    def break_now(self) -> None:
        self._apply(self.scheduler.break_now())

    def snooze(self, minutes: int | None = None) -> None:
        self._apply(self.scheduler.snooze(minutes or None))

    def skip(self) -> None:
        self._apply(self.scheduler.skip())

    def pause(self, minutes: int | None = None, until_tomorrow: bool = False) -> None:
        self._apply(self.scheduler.pause(minutes, until_tomorrow=until_tomorrow))

    def resume(self) -> None:
        self._apply(self.scheduler.resume())

    def set_standing(self, standing: bool) -> None:
        self._apply(self.scheduler.set_standing(standing))

    def apply_settings(self, settings: Settings) -> None:
        """New settings from the settings dialog: reschedule, re-voice and re-language at once."""
        if settings.language != self._settings.language:
            set_language(settings.language)
        self._settings = settings
        self._windows.apply_settings(settings)
        self._dnd.apply_settings(settings)
        self._apply(self.scheduler.apply_settings(settings))

    def save_settings(self, settings: Settings) -> str | None:
        """Write the settings file; None, or one plain sentence when it failed."""
        return self._settings_store.save(settings)

    def show(self) -> None:
        """Left click on the tray, or a second launch: the prompt if a break is due, else home."""
        status = self.status()
        if status.stage == Stage.DUE:
            self._present_prompt(status)
        elif self._windows.player_open():
            self._windows.raise_player()
        else:
            self._windows.show_home()

    def open_routine(self, routine_id: str | None = None) -> bool:
        """THE one entry point to the player window (None = the routine the prompt offers).

        Returns False (after telling the user) when the routine does not exist or
        the player cannot open.
        """
        status = self.status()
        routine_id = routine_id or status.prompt_routine_id or self._settings.prompt_routine
        routine = self.catalogue.get(routine_id)
        if routine is None:
            self.warn(_("There is no routine called “{id}”. Run “hipbreak routines” to see them all.").format(
                id=routine_id))
            return False
        if self._windows.player_open():
            self._windows.raise_player()
            return True
        return self._windows.open_player(routine, lambda: self._apply(self.scheduler.routine_started(routine.id)))

    def routine_finished(self, routine_id: str, completed: bool, seconds_done: float, exercises_done: int) -> None:
        """The player window ended a routine (done, or closed early)."""
        self._apply(self.scheduler.routine_finished(routine_id, completed, seconds_done, exercises_done))

    def quit(self) -> None:
        """Quit from the menu or the CLI: record the stop and save state, then ask the app to leave.

        The service does not end the event loop itself: the listener's
        ``quit_requested`` does (``run_app`` connects it to ``QApplication.exit``),
        so a service used in tests never stops a shared QApplication.
        """
        self.shutdown()
        self._listener.quit_requested()

    def quit_soon(self) -> None:
        """Quit once the current command has been answered."""
        self._windows.later(self.quit)

    def shutdown(self) -> None:
        """Stop cleanly (idempotent): close windows, record APP_STOPPED, save state, close the history."""
        if self._stopped:
            return
        self._stopped = True
        self.driver.stop()
        self._windows.close_player()  # reports routine_finished (early close) before the stop is recorded
        closing: list[Event] = list(self.scheduler.close_open_prompt())
        closing.append(Event(ev.APP_STOPPED, self._schedule_clock.time(), {}))
        self._record(closing)
        self._save_state()
        self._windows.hide_windows()
        try:
            self.history.close()
        except Exception as exc:
            log.warning("history close failed: %s", exc)

    # --- prompt --------------------------------------------------------------------
    def _present_prompt(self, status: Status, requested: bool = True) -> bool:
        return self._windows.present_prompt(status.prompt_kind or "hourly", status.sitting_seconds,
                                            self.catalogue.title(status.prompt_routine_id), requested)

    def _show_prompt(self) -> None:
        status = self.scheduler.status()
        if status.stage != Stage.DUE:
            return
        notified = self._present_prompt(status, requested=False)
        kind = status.prompt_kind or "hourly"
        self._listener.prompt_requested(kind)
        if self._settings.notifications_enabled and not notified:
            title = _("Time for your daily session") if kind == "daily" else _("Time for a break")
            body = _("You have been sitting for {t}. Start “{r}”, snooze or skip from the prompt.").format(
                t=format_minutes(status.sitting_seconds), r=self.catalogue.title(status.prompt_routine_id))
            self._notify(title, body)

    def _notify(self, title: str, body: str, quiet: bool = False) -> None:
        try:
            self._notifier.notify(title, body, quiet=quiet)
        except Exception as exc:  # notifications are a courtesy; the prompt window is the real thing
            log.warning("notification failed: %s", exc)

    def warn(self, message: str) -> None:
        """Tell the user about a problem once (the views show it)."""
        if message in self._warned:
            return
        self._warned.add(message)
        log.warning("%s", message)
        self._listener.warning(message)

    # --- session signals -------------------------------------------------------------
    def on_locked_changed(self, locked: bool) -> None:
        self._windows.player_away(bool(locked))
        self._apply(self.scheduler.set_locked(bool(locked)))

    def on_suspending(self) -> None:
        self._windows.player_away(True)
        self._apply(self.scheduler.on_suspend())

    def on_resumed(self) -> None:
        self._windows.player_away(False)
        self._apply(self.scheduler.on_resume())

    # --- commands (IPC) --------------------------------------------------------------
    def handle_command(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        """Serve one command (already validated against the table). Returns the reply."""
        spec = COMMANDS.get(cmd)
        try:
            if spec is None:
                raise CommandRefused(_("Unknown command “{cmd}”.").format(cmd=cmd))
            if not spec.applicable(self.status().stage.value):
                refused = spec.refused() if spec.refused is not None else _("HipBreak refused the command.")
                raise CommandRefused(refused)
            spec.handler(self, args)
        except CommandRefused as exc:
            return {"ok": False, "error": str(exc)}
        reply: dict[str, Any] = {"ok": True}
        if cmd != "quit":
            reply.update(self.status_json())
        return reply


#: For callers that want a callback type without importing the class.
CommandHandler = Callable[[str, dict[str, Any]], dict[str, Any]]
