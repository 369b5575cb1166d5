"""The window navigator: which window is open, created on first use, and what it is wired to.

Why apart from the service: what HipBreak *does* lives in
:class:`~desktop_app.application.service.AppService` (no Qt); this module
only opens, raises, updates and closes windows (prompt, routine chooser,
player, statistics, settings, about) and turns their buttons into service
calls. It implements the service's ``WindowsPort``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from desktop_app import __version__
from desktop_app.application.service import AppService
from desktop_app.core.clock import Clock
from desktop_app.core.routine import Routine
from desktop_app.core.settings import Settings
from desktop_app.i18n import _
from desktop_app.ui.prompt_presenter import PromptSetup

log = logging.getLogger(__name__)


class WindowNavigator:
    """Owns every window but the tray; the service asks it to show things (``WindowsPort``)."""

    def __init__(self, service: AppService, clock: Clock, prompt: PromptSetup | None = None) -> None:
        self._service = service
        self._clock = clock
        #: Window or notification prompt, chosen by app.py for this desktop (the window when not given).
        self._prompt_setup = prompt or PromptSetup()
        self._prompt: Any = None
        self._chooser: Any = None
        self._player: Any = None
        #: A finished player still showing its summary; closed when another routine opens.
        self._finished_player: Any = None
        self._player_geometry: bytes | None = None
        self._stats_window: Any = None
        self._settings_dialog: Any = None
        self._anchor: Callable[[], QRect | None] = lambda: None
        self._home: Callable[[], None] | None = None
        #: "tray" or "window" (the no-tray status window); set by the views.
        self.view_kind = "tray"
        #: The player plays in a short-lived child process (``ui/player_link.py``), so its multimedia
        #: libraries leave with it; set by ``app.compose`` (the real app), in-process otherwise (tests).
        self.player_in_child = False
        self._links: set[Any] = set()

    # --- what the views set ------------------------------------------------------------
    def set_anchor(self, anchor: Callable[[], QRect | None]) -> None:
        """Where the tray icon is on screen (the prompt opens next to it)."""
        self._anchor = anchor

    def set_home(self, home: Callable[[], None] | None) -> None:
        """What "show" opens when no break is due (the status window when there is no tray)."""
        self._home = home

    # --- the windows, for the views and tests -------------------------------------------
    @property
    def prompt(self) -> Any:
        """The prompt window, or None before the first prompt."""
        return self._prompt

    @property
    def chooser(self) -> Any:
        return self._chooser

    @property
    def player(self) -> Any:
        """The player of the routine playing now, or None: its window, or with ``player_in_child``
        the :class:`~desktop_app.ui.player_link.PlayerLink` to the child process playing it."""
        return self._player

    @property
    def stats_window(self) -> Any:
        return self._stats_window

    @property
    def settings_dialog(self) -> Any:
        return self._settings_dialog

    # --- WindowsPort ----------------------------------------------------------------
    def prompt_window(self) -> Any:
        """The one prompt window, created on first use."""
        if self._prompt is None:
            service = self._service
            # a window, or on Wayland without XWayland a notification with buttons (ui/prompt_presenter.py)
            self._prompt = self._prompt_setup.make(service.settings.snooze_minutes)
            self._prompt.start_requested.connect(lambda: service.open_routine(None))
            self._prompt.snooze_requested.connect(lambda minutes: service.snooze(minutes or None))
            self._prompt.skip_requested.connect(service.skip)
        return self._prompt

    def present_prompt(self, kind: str, sitting_seconds: float, routine_title: str,
                       requested: bool = True) -> bool:
        prompt = self.prompt_window()
        prompt.show_status(kind, sitting_seconds, routine_title)
        prompt.present(self._anchor(), requested)
        return bool(getattr(prompt, "notifies_itself", False))

    def update_prompt(self, kind: str, sitting_seconds: float, routine_title: str) -> None:
        if self._prompt is not None:
            self._prompt.show_status(kind, sitting_seconds, routine_title)

    def dismiss_prompt(self) -> None:
        if self._prompt is not None:
            self._prompt.dismiss()

    def prompt_visible(self) -> bool:
        return bool(self._prompt is not None and self._prompt.isVisible())

    def player_open(self) -> bool:
        """True while a routine plays, also in compact mode (where the full window is hidden)."""
        return bool(self._player is not None and self._player.is_open())

    def raise_player(self) -> None:
        if self._player is not None:
            self._player.bring_to_front()

    def open_player(self, routine: Routine, started: Callable[[], None]) -> bool:
        """A new player for ``routine``; ``started`` tells the service, before it shows."""
        if self._finished_player is not None:
            # its summary has been seen; one player window at a time (a child closes in its own time)
            getattr(self._finished_player, "close_soon", self._finished_player.close)()
            self._finished_player = None
        if self.player_in_child:
            reason = self._open_child_player(routine)
            if reason is None:
                started()
                return True
            log.warning("the player process could not start (%s); playing the routine in the app instead", reason)
        return self._open_window_player(routine, started)

    def _open_window_player(self, routine: Routine, started: Callable[[], None] | None) -> bool:
        """The player window in this process (tests, or when the child process cannot start)."""
        try:
            from desktop_app.ui.player_window import PlayerWindow
        except ImportError as exc:
            log.warning("player window not available: %s", exc)
            self._service.warn(_("The routine player is not part of this version yet."))
            return False
        self._player = PlayerWindow(routine, self._service.settings, self._clock, geometry=self._player_geometry,
                                    anchor=self._anchor())
        # Deleted when the user closes it, not when the routine ends, so the summary page stays up.
        self._player.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._player.routine_finished.connect(self._on_player_routine_finished)
        self._player.geometry_changed.connect(self._on_player_geometry_changed)
        if started is not None:
            started()
        self._player.show()
        self._player.raise_()
        return True

    def _open_child_player(self, routine: Routine) -> str | None:
        """The player in a child process (``ui/player_link.py``); None, or why it cannot start."""
        from desktop_app.ui.player_link import PlayerLink

        link = PlayerLink(routine, self._service.settings, geometry=self._player_geometry, anchor=self._anchor(),
                          )
        self._links.add(link)  # kept until its process is gone (ended)
        link.routine_finished.connect(self._on_player_routine_finished)
        link.geometry_changed.connect(self._on_player_geometry_changed)
        link.start_failed.connect(lambda reason: self._on_child_start_failed(link, reason))
        link.crashed.connect(self._on_child_crashed)
        link.ended.connect(lambda: self._on_child_ended(link))
        reason = link.start()
        if reason is not None:
            self._links.discard(link)
            link.deleteLater()
            return reason
        self._player = link
        return None

    def _on_child_start_failed(self, link: Any, reason: str) -> None:
        """The child ended before its window showed: play the routine here (it has started already)."""
        if self._player is not link:
            return
        self._player = None
        log.warning("the player process ended before showing the routine (%s); playing it in the app instead",
                    reason)
        self._open_window_player(link.routine, None)

    def _on_child_crashed(self, reason: str) -> None:
        log.warning("player process: %s", reason)
        self._service.warn(_("The routine player stopped unexpectedly. The routine was recorded as ended early; "
                             "you can start it again from the menu."))

    def _on_child_ended(self, link: Any) -> None:
        if self._finished_player is link:
            self._finished_player = None
        if self._player is link:  # gone without a word (its end was reported by the link)
            self._player = None
        self._links.discard(link)
        link.deleteLater()

    def _on_player_routine_finished(self, routine_id: str, completed: bool, seconds_done: float,
                                    exercises_done: int) -> None:
        player = self._player
        self._player = None
        if player is not None and completed:
            self._finished_player = player  # still showing the summary
        self._service.routine_finished(routine_id, completed, seconds_done, exercises_done)

    def _on_player_geometry_changed(self, geometry: bytes) -> None:
        self._player_geometry = bytes(geometry)

    def player_away(self, away: bool) -> None:
        """Lock or suspend pauses a playing routine; unlock or resume carries on."""
        if self._player is None:
            return
        if away:
            self._player.pause_for_away()
        else:
            self._player.resume_after_away()

    def close_player(self) -> None:
        if self._player is not None:
            self._player.close()  # emits routine_finished (early close)

    def show_home(self) -> None:
        if self._home is not None:
            self._home()
        else:
            self.show_chooser()

    def apply_settings(self, settings: Settings) -> None:
        if self._player is not None:
            self._player.apply_settings(settings)
        if self._prompt is not None:
            self._prompt.set_default_snooze(settings.snooze_minutes)

    def hide_windows(self) -> None:
        for window in (self._prompt, self._chooser, self._finished_player):
            if window is not None:
                window.hide()

    def later(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the event loop is free (after the current IPC reply is sent)."""
        QTimer.singleShot(0, action)

    # --- windows the menu opens ----------------------------------------------------------
    def show_chooser(self) -> None:
        """The small list of routines to start one."""
        from desktop_app.ui.routine_chooser import RoutineChooser

        if self._chooser is None:
            self._chooser = RoutineChooser()
            self._chooser.chosen.connect(self._service.open_routine)
        self._chooser.set_routines(self._service.routine_choices(), self._service.settings.prompt_routine)
        self._chooser.show()
        self._chooser.raise_()

    def show_statistics(self) -> None:
        """The statistics window, with the sitting stretch running now."""
        from desktop_app.ui.stats_window import StatsWindow

        live = self._live_stretch()
        if self._stats_window is None or not self._stats_window.isVisible():
            self._stats_window = StatsWindow(self._service.history, self._service.schedule_clock, live)
        else:
            self._stats_window.set_live(live)
        self._stats_window.show()
        self._stats_window.raise_()

    def _live_stretch(self) -> Any:
        """The sitting stretch running now, which the history only gets when it ends."""
        from desktop_app.core.stats import LiveStretch

        status = self._service.status()
        if status.sitting_since is None:
            return None
        return LiveStretch(status.sitting_since, self._service.schedule_clock.time(), status.sitting_seconds)

    def show_settings(self) -> None:
        """The settings dialog."""
        from desktop_app.ui.settings_dialog import SettingsDialog

        if self._settings_dialog is not None and self._settings_dialog.isVisible():
            self._settings_dialog.raise_()
            return
        service = self._service
        dialog = SettingsDialog(service.settings, service.save_settings, service.catalogue.reload(),
                                routines_dir=service.catalogue.user_dir, autostart=service.autostart)
        dialog.settings_applied.connect(service.apply_settings)
        self._settings_dialog = dialog
        dialog.show()
        dialog.raise_()

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

    def close_all(self) -> None:
        """Hide and drop every window (tests, after shutdown)."""
        for window in (self._prompt, self._chooser, self._player, self._finished_player,
                       self._stats_window, self._settings_dialog):
            if window is not None:
                window.hide()
                window.deleteLater()
