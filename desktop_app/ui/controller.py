"""The app controller: every user action and every platform signal reaches the core here.

Why one controller: the tray menu, the prompt, the status window, the
command line (over IPC) and the desktop (lock, suspend) all change the same
schedule. Routing them through one object means each action is written once,
every event the core returns is written to the history in order, and the
views only ever *show* :meth:`AppController.status`.

The controller owns the :class:`~desktop_app.core.schedule.BreakScheduler`
and its :class:`~desktop_app.ui.driver.CoreDriver`. Windows (prompt, routine
chooser, player, statistics, settings) are created on first use.
:meth:`open_routine` is the one entry point to the player window.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from desktop_app import __version__
from desktop_app.core import events as ev
from desktop_app.core.clock import Clock
from desktop_app.core.events import Event
from desktop_app.core.routine import Routine, RoutineSet, builtin_routines_dir, load_routines
from desktop_app.core.schedule import BreakScheduler, Stage, Status
from desktop_app.core.settings import Settings
from desktop_app.i18n import _, current_language, set_language
from desktop_app.platform.paths import AppPaths
from desktop_app.storage.state_file import load_state, save_state
from desktop_app.ui.driver import CoreDriver
from desktop_app.ui.tray_menu import MenuState, RoutineChoice, applicable, format_minutes, status_line

log = logging.getLogger(__name__)


class CommandRefused(Exception):
    """A command that does not apply right now; the message is one plain sentence for the user."""


def _module_exists(name: str) -> bool:
    """True when ``name`` can be imported (windows from other issues appear once they land)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class AppController(QObject):
    """Holds the scheduler, history and settings; runs every user action.

    Signals: ``status_changed`` after anything that may change what the views
    show; ``prompt_requested(kind)`` when a prompt appears ("hourly"/"daily");
    ``prompt_closed`` when it goes; ``warning(str)`` for plain-words problems
    the user should see once (bad settings moved aside, history not saved).
    """

    status_changed = Signal()
    prompt_requested = Signal(str)
    prompt_closed = Signal()
    warning = Signal(str)
    quit_requested = Signal()

    def __init__(
        self,
        clock: Clock,
        schedule_clock: Clock,
        settings: Settings,
        paths: AppPaths,
        history: Any,
        idle_monitor: Any,
        session: Any,
        dnd: Any,
        notifier: Any,
        *,
        demo: bool = False,
        idle_report: str = "",
        warnings: list[str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._schedule_clock = schedule_clock
        self._settings = settings
        self._paths = paths
        self._history = history
        self._idle_monitor = idle_monitor
        self._session = session
        self._dnd = dnd
        self._notifier = notifier
        self._demo = demo
        self.idle_report = idle_report
        self._pending_warnings: list[str] = list(warnings or [])
        self._warned: set[str] = set()
        self._history_failed = False
        self._state_failed = False
        self._stopped = False
        state = load_state(paths.state_file, self._pending_warnings)
        try:
            self.scheduler = BreakScheduler(schedule_clock, settings, state)
        except Exception as exc:  # a state the core cannot use must not stop the app
            log.warning("saved state not usable (%s); starting fresh", exc)
            self._pending_warnings.append(
                _("The saved app state could not be used, so HipBreak starts fresh "
                  "(last break, snooze and pause are forgotten)."))
            self.scheduler = BreakScheduler(schedule_clock, settings, None)
        self._saved_state: dict[str, Any] | None = None
        self.driver = CoreDriver(self.scheduler, schedule_clock, idle_monitor, dnd, self._on_core_events,
                                 self)
        self._routines: RoutineSet | None = None
        self._prompt: Any = None
        self._chooser: Any = None
        self._player: Any = None
        #: A finished player still showing its summary; closed when another routine opens.
        self._finished_player: Any = None
        self._player_geometry: bytes | None = None
        self._player_routine_id: str | None = None
        self._stats_window: Any = None
        self._settings_dialog: Any = None
        self._anchor: Callable[[], QRect | None] = lambda: None
        self._home: Callable[[], None] | None = None
        #: "tray" or "window" (the no-tray status window); set by the app.
        self.view_kind = "tray"
        self._connect_session(session)

    # --- wiring --------------------------------------------------------------------
    def _connect_session(self, session: Any) -> None:
        if session is None:
            return
        for name, slot in (("locked_changed", self._on_session_locked_changed),
                           ("suspending", self._on_session_suspending),
                           ("resumed", self._on_session_resumed)):
            signal = getattr(session, name, None)
            if signal is not None:
                signal.connect(slot)

    def set_anchor(self, anchor: Callable[[], QRect | None]) -> None:
        """Where the tray icon is on screen (the prompt opens next to it)."""
        self._anchor = anchor

    def set_home(self, home: Callable[[], None] | None) -> None:
        """What "show" opens when no break is due (the status window when there is no tray)."""
        self._home = home

    def start(self) -> None:
        """Record the start, run the core once, arm the timer, and show any pending warnings."""
        self._record([Event(ev.APP_STARTED, self._schedule_clock.time(), {"version": __version__})])
        self.driver.start()
        for message in self._pending_warnings:
            self.warn(message)
        self._pending_warnings.clear()
        self.status_changed.emit()

    # --- reading -------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def demo(self) -> bool:
        return self._demo

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

    def routines(self) -> RoutineSet:
        """Built-in and user routines, loaded on first use."""
        if self._routines is None:
            folders = [(builtin_routines_dir(), True), (self._paths.routines_dir, False)]
            self._routines = load_routines(folders)
            for path, messages in self._routines.errors.items():
                log.warning("routine file %s not loaded: %s", path, "; ".join(messages))
        return self._routines

    def reload_routines(self) -> RoutineSet:
        """Read the routine folders again (after the user edited a file)."""
        self._routines = None
        return self.routines()

    def routine_choices(self) -> list[RoutineChoice]:
        """The routines as menus list them, in the UI language."""
        lang = current_language()
        s = self._settings
        return [
            RoutineChoice(r.id, r.title.get(lang),
                          round(r.estimated_seconds(s.prep_seconds, s.switch_seconds) / 60), r.builtin)
            for r in self.routines().routines.values()
        ]

    def menu_state(self) -> MenuState:
        """Everything the tray menu and status window show."""
        status = self.status()
        return MenuState(
            stage=status.stage.value,
            status_line=status_line(status, self.now()),
            routines=self.routine_choices(),
            default_routine_id=self._settings.prompt_routine,
            has_statistics=_module_exists("desktop_app.ui.stats_window"),
            has_settings=_module_exists("desktop_app.ui.settings_dialog"),
        )

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
            "idle_backend": getattr(self._idle_monitor, "name", "none"),
            "demo": self._demo,
            "now": self._iso(self._schedule_clock.time()),
            "status_text": status_line(s, self.now()),
            "view": self.view_kind,
            "prompt_visible": bool(self._prompt is not None and self._prompt.isVisible()),
            "player_open": self._player_open(),
            "version": __version__,
        }

    # --- core events ---------------------------------------------------------------
    def _record(self, events: list[Event]) -> None:
        """Write events to the history; say once, in plain words, if that fails."""
        if not events:
            return
        try:
            ok = self._history.append(events)
        except Exception as exc:  # the store reports its own problems; never lose the app over it
            log.warning("history append failed: %s", exc)
            ok = False
        if ok is False and not self._history_failed:
            self._history_failed = True
            self.warn(_("Your break history could not be saved, so statistics will miss this session. "
                        "Reminders keep working."))

    def _on_core_events(self, events: list[Event]) -> None:
        """Every event list from the core arrives here (through the driver), in order."""
        self._record(events)
        for event in events:
            if event.kind == ev.PROMPT_SHOWN:
                self._show_prompt(event)
            elif event.kind == ev.PROMPT_QUIET:
                self._notify(_("Time for a break"), _("A break was due while you were busy. "
                                                       "Stand up and stretch when you can."), quiet=True)
        status = self.scheduler.status()
        if status.stage != Stage.DUE and self._prompt is not None and self._prompt.isVisible():
            self._prompt.dismiss()
            self.prompt_closed.emit()
        elif self._prompt is not None and self._prompt.isVisible():
            self._prompt.show_status(status.prompt_kind or "hourly", status.sitting_seconds,
                                     self._routine_title(status.prompt_routine_id))
        self._save_state()
        self.status_changed.emit()

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
            save_state(self._paths.state_file, state)
            self._saved_state = state
            self._state_failed = False
        except Exception as exc:  # StorageError carries a plain message
            log.warning("state not saved: %s", exc)
            if not self._state_failed:
                self._state_failed = True
                self.warn(str(exc))

    def _apply(self, events: list[Event]) -> None:
        """Events from an action: record them and let the driver re-plan."""
        self.driver.deliver(events)
        if not events:
            self.status_changed.emit()

    # --- user actions (tray menu, prompt, status window, IPC) -----------------------------
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
        if self._player is not None:
            self._player.apply_settings(settings)
        apply_dnd = getattr(self._dnd, "apply_settings", None)
        if callable(apply_dnd):
            apply_dnd(settings)
        if self._prompt is not None:
            self._prompt.set_default_snooze(settings.snooze_minutes)
        self._apply(self.scheduler.apply_settings(settings))

    def show(self) -> None:
        """Left click on the tray, or a second launch: the prompt if a break is due, else home."""
        status = self.status()
        if status.stage == Stage.DUE:
            self._present_prompt(status)
        elif self._player_open():
            self._player.bring_to_front()
        elif self._home is not None:
            self._home()
        else:
            self.show_chooser()

    def show_chooser(self) -> None:
        """The small list of routines to start one."""
        from desktop_app.ui.routine_chooser import RoutineChooser

        if self._chooser is None:
            self._chooser = RoutineChooser()
            self._chooser.chosen.connect(self.open_routine)
        self._chooser.set_routines(self.routine_choices(), self._settings.prompt_routine)
        self._chooser.show()
        self._chooser.raise_()

    def open_routine(self, routine_id: str | None = None) -> bool:
        """THE one entry point to the player window (None = the routine the prompt offers).

        Returns False (after telling the user) when the routine does not exist or
        the player cannot open.
        """
        status = self.status()
        routine_id = routine_id or status.prompt_routine_id or self._settings.prompt_routine
        routine = self.routines().routines.get(routine_id)
        if routine is None:
            self.warn(_("There is no routine called “{id}”. Run “hipbreak routines” to see them all.").format(
                id=routine_id))
            return False
        if self._player_open():
            self._player.bring_to_front()
            return True
        try:
            from desktop_app.ui.player_window import PlayerWindow
        except ImportError as exc:
            log.warning("player window not available: %s", exc)
            self.warn(_("The routine player is not part of this version yet."))
            return False
        if self._finished_player is not None:
            self._finished_player.close()  # its summary has been seen; one player window at a time
            self._finished_player = None
        self._player = PlayerWindow(routine, self._settings, self._clock, geometry=self._player_geometry,
                                    anchor=self._anchor())
        # Deleted when the user closes it, not when the routine ends, so the summary page stays up.
        self._player.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._player_routine_id = routine.id
        self._player.routine_finished.connect(self._on_player_routine_finished)
        self._player.geometry_changed.connect(self._on_player_geometry_changed)
        self._apply(self.scheduler.routine_started(routine.id))
        self._player.show()
        self._player.raise_()
        return True

    def _on_player_routine_finished(self, routine_id: str, completed: bool, seconds_done: float,
                                    exercises_done: int) -> None:
        player = self._player
        self._player = None
        self._player_routine_id = None
        if player is not None and completed:
            self._finished_player = player  # still showing the summary
        self._apply(self.scheduler.routine_finished(routine_id, completed, seconds_done, exercises_done))

    def _player_open(self) -> bool:
        """True while a routine plays, also in compact mode (where the full window is hidden)."""
        return bool(self._player is not None and self._player.is_open())

    def _on_player_geometry_changed(self, geometry: bytes) -> None:
        self._player_geometry = bytes(geometry)

    def show_statistics(self) -> None:
        """The statistics window (another issue's module, found lazily)."""
        try:
            module = importlib.import_module("desktop_app.ui.stats_window")
        except ImportError:
            return
        live = self._live_stretch()
        if self._stats_window is None or not self._stats_window.isVisible():
            self._stats_window = module.StatsWindow(self._history, self._schedule_clock, live)
        else:
            self._stats_window.set_live(live)
        self._stats_window.show()
        self._stats_window.raise_()

    def _live_stretch(self) -> Any:
        """The sitting stretch running now, which the history only gets when it ends."""
        from desktop_app.core.stats import LiveStretch

        status = self.status()
        if status.sitting_since is None:
            return None
        return LiveStretch(status.sitting_since, self._schedule_clock.time(), status.sitting_seconds)

    def show_settings(self) -> None:
        """The settings dialog (another issue's module, found lazily)."""
        try:
            module = importlib.import_module("desktop_app.ui.settings_dialog")
        except ImportError:
            return
        if self._settings_dialog is not None and self._settings_dialog.isVisible():
            self._settings_dialog.raise_()
            return
        dialog = module.SettingsDialog(self._settings, self._save_settings, self.reload_routines(),
                                       routines_dir=self._paths.routines_dir)
        dialog.settings_applied.connect(self.apply_settings)
        self._settings_dialog = dialog
        dialog.show()
        dialog.raise_()

    def _save_settings(self, settings: Settings) -> str | None:
        from desktop_app.storage.settings_file import save_settings

        try:
            save_settings(self._paths.settings_file, settings)
        except Exception as exc:  # StorageError: a plain sentence
            return str(exc)
        return None

    def show_about(self) -> None:
        """About & safety: the shared "About these stretches" page."""
        try:
            from desktop_app.ui.about_dialog import show_about_stretches
        except ImportError:
            text = _("HipBreak {v} reminds you to stand up and stretch. The stretches should feel gentle; "
                     "stop if anything hurts, and ask a health professional if you are unsure.")
            QMessageBox.information(None, _("About HipBreak"), text.format(v=__version__))
            return
        show_about_stretches(None)

    def quit(self) -> None:
        """Quit from the menu or the CLI: record the stop and save state, then ask the app to leave.

        The controller does not end the event loop itself: ``run_app`` connects
        ``quit_requested`` to ``QApplication.exit(0)``, so a controller used in
        tests never stops a shared QApplication.
        """
        self.shutdown()
        self.quit_requested.emit()

    def shutdown(self) -> None:
        """Stop cleanly (idempotent): close windows, record APP_STOPPED, save state, close the history."""
        if self._stopped:
            return
        self._stopped = True
        self.driver.stop()
        if self._player is not None:
            self._player.close()  # emits routine_finished (early close) before we record the stop
        closing: list[Event] = []
        close_prompt = getattr(self.scheduler, "close_open_prompt", None)
        if callable(close_prompt):
            closing += close_prompt()
        closing.append(Event(ev.APP_STOPPED, self._schedule_clock.time(), {}))
        self._record(closing)
        self._save_state()
        for window in (self._prompt, self._chooser, self._finished_player):
            if window is not None:
                window.hide()
        try:
            self._history.close()
        except Exception as exc:
            log.warning("history close failed: %s", exc)

    # --- prompt --------------------------------------------------------------------
    def _routine_title(self, routine_id: str) -> str:
        routine: Routine | None = self.routines().routines.get(routine_id)
        return routine.title.get(current_language()) if routine is not None else routine_id

    def prompt_window(self) -> Any:
        """The one prompt window, created on first use."""
        if self._prompt is None:
            from desktop_app.ui.prompt import PromptWindow

            self._prompt = PromptWindow(self._settings.snooze_minutes)
            self._prompt.start_requested.connect(lambda: self.open_routine(None))
            self._prompt.snooze_requested.connect(lambda minutes: self.snooze(minutes or None))
            self._prompt.skip_requested.connect(self.skip)
        return self._prompt

    def _present_prompt(self, status: Status) -> None:
        prompt = self.prompt_window()
        prompt.show_status(status.prompt_kind or "hourly", status.sitting_seconds,
                           self._routine_title(status.prompt_routine_id))
        prompt.present(self._anchor())

    def _show_prompt(self, event: Event) -> None:
        status = self.scheduler.status()
        if status.stage != Stage.DUE:
            return
        self._present_prompt(status)
        kind = status.prompt_kind or "hourly"
        self.prompt_requested.emit(kind)
        if self._settings.notifications_enabled:
            title = _("Time for your daily session") if kind == "daily" else _("Time for a break")
            body = _("You have been sitting for {t}. Start “{r}”, snooze or skip from the prompt.").format(
                t=format_minutes(status.sitting_seconds), r=self._routine_title(status.prompt_routine_id))
            self._notify(title, body)

    def _notify(self, title: str, body: str, quiet: bool = False) -> None:
        if self._notifier is None:
            return
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
        self.warning.emit(message)

    # --- session signals -------------------------------------------------------------
    def _on_session_locked_changed(self, locked: bool) -> None:
        if self._player is not None:
            if locked:
                self._player.pause_for_away()
            else:
                self._player.resume_after_away()
        self._apply(self.scheduler.set_locked(bool(locked)))

    def _on_session_suspending(self) -> None:
        if self._player is not None:
            self._player.pause_for_away()
        self._apply(self.scheduler.on_suspend())

    def _on_session_resumed(self) -> None:
        if self._player is not None:
            self._player.resume_after_away()
        self._apply(self.scheduler.on_resume())

    # --- IPC -----------------------------------------------------------------------
    def handle_command(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        """Serve one IPC command (already validated by ipc/commands). Returns the reply."""
        try:
            self._run_command(cmd, args)
        except CommandRefused as exc:
            return {"ok": False, "error": str(exc)}
        reply: dict[str, Any] = {"ok": True}
        if cmd != "quit":
            reply.update(self.status_json())
        return reply

    def _require(self, rule: str, message: str) -> None:
        if not applicable(self.status().stage.value)[rule]:
            raise CommandRefused(message)

    def _run_command(self, cmd: str, args: dict[str, Any]) -> None:
        if cmd == "status":
            return
        if cmd == "show":
            self.show()
        elif cmd == "routine":
            routine_id = args.get("id")
            self._require("routine", _("A routine is already playing."))
            if routine_id is not None and routine_id not in self.routines().routines:
                message = _("There is no routine called “{id}”. Run “hipbreak routines” to list them.")
                raise CommandRefused(message.format(id=routine_id))
            if not self.open_routine(routine_id):
                raise CommandRefused(_("The routine could not be opened."))
        elif cmd == "snooze":
            self._require("snooze", _("There is no break to snooze right now."))
            self.snooze(args.get("minutes"))
        elif cmd == "skip":
            self._require("skip", _("There is no break to skip right now."))
            self.skip()
        elif cmd == "pause":
            self._require("pause", _("Reminders cannot be paused while a routine is playing."))
            self.pause(args.get("minutes"), bool(args.get("until_tomorrow", False)))
        elif cmd == "resume":
            self._require("resume", _("Reminders are not paused."))
            self.resume()
        elif cmd == "standing":
            self._require("standing", _("Standing mode cannot be turned on right now."))
            self.set_standing(True)
        elif cmd == "sitting":
            self._require("sitting", _("Standing mode is not on."))
            self.set_standing(False)
        elif cmd == "break_now":
            self._require("break_now", _("A break is already due or under way."))
            self.break_now()
        elif cmd == "quit":
            # reply first, then quit: the CLI waits for the answer
            QTimer.singleShot(0, self.quit)
        else:
            raise CommandRefused(_("Unknown command “{cmd}”.").format(cmd=cmd))
