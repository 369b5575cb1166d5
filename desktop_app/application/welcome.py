"""The welcome's choices and the daily session's link to the 12-week program, without Qt.

Why apart from the window (``ui/welcome_window.py``): the app keeps the daily session on the
current program week from the start on, but shows the window only on a first start or from
the menu. With both in one module, every start imported the window's Qt classes (~0.5 MB the
idle tray app kept, issue 13); now the window module loads when the window is shown.

What is here: the choices as plain values and the settings they stand for, the first-start
marker, and :class:`WelcomeSetup`, which keeps the daily routine on the program week (at start
and after each routine) and applies choices. The window's controller in ``ui`` extends it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.application.ports import AutostartPort
from desktop_app.core import events as ev
from desktop_app.core.program import load_program, practised_days, progress, routine_id
from desktop_app.core.settings import Settings
from desktop_app.i18n import _

log = logging.getLogger(__name__)

#: The routine for an hourly break at the desk (standing, about 2 minutes, fine in office clothes).
DESK_ROUTINE = "desk-break"
#: The floor routine (five floor stretches), for people who pick the floor for the hourly break.
FLOOR_ROUTINE = "hip-flexor-reset"
#: The daily routine when the program is not followed.
DAILY_WITHOUT_PROGRAM = "full-hip-program"
MARKER_NAME = "welcome.json"


@dataclass(frozen=True)
class WelcomeChoices:
    """What the welcome window asks, as plain values."""

    daily_enabled: bool = True
    daily_time: str = "17:30"
    follow_program: bool = True
    hourly_at_desk: bool = True
    working_hours: bool = False
    work_start: str = "09:00"
    work_end: str = "17:30"
    autostart: bool = True
    sound: bool = True
    voice: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, autostart: bool) -> WelcomeChoices:
        return cls(settings.daily_session_enabled, settings.daily_session_time, settings.daily_follows_program,
                   settings.prompt_routine != FLOOR_ROUTINE, settings.working_hours_enabled, settings.work_start,
                   settings.work_end, autostart, settings.sound_enabled, settings.voice_enabled)


def welcome_settings(base: Settings, choices: WelcomeChoices, week_routine: str) -> Settings:
    """The settings the choices stand for, on top of ``base`` (every other setting is kept)."""
    daily = week_routine if choices.follow_program else DAILY_WITHOUT_PROGRAM
    return base.replace(
        daily_session_enabled=choices.daily_enabled,
        daily_session_time=choices.daily_time,
        daily_follows_program=choices.follow_program,
        daily_routine=daily,
        prompt_routine=DESK_ROUTINE if choices.hourly_at_desk else FLOOR_ROUTINE,
        working_hours_enabled=choices.working_hours,
        work_start=choices.work_start,
        work_end=choices.work_end,
        sound_enabled=choices.sound,
        voice_enabled=choices.voice,
    )


# --------------------------------------------------------------------------- first start


def marker_path(settings_file: Path) -> Path:
    return Path(settings_file).with_name(MARKER_NAME)


def is_first_start(settings_file: Path) -> bool:
    """Nobody has set this app up yet: no settings, no welcome marker, no broken settings moved aside.

    A settings file that was moved aside (``settings.json.bad-<time>``) means
    someone used the app before; they are told about that file, not welcomed.
    """
    settings_file = Path(settings_file)
    if settings_file.exists() or marker_path(settings_file).exists():
        return False
    try:
        return not any(settings_file.parent.glob(settings_file.name + ".bad-*"))
    except OSError:
        return False


def mark_welcomed(settings_file: Path, when: float) -> str | None:
    """Write the marker (atomically); a plain problem sentence if that failed, else None."""
    from desktop_app.atomic_files import StorageError, atomic_write_text

    try:
        atomic_write_text(marker_path(settings_file),
                          json.dumps({"version": 1, "welcomed_at": when}) + "\n", what=_("welcome marker"))
    except StorageError as exc:
        return str(exc)
    return None


# --------------------------------------------------------------------------- program week and choices


class WelcomeSetup:
    """Keeps the daily session on the program week and applies the welcome's choices.

    ``bridge`` is the running app as the windows see it (``ui.bridge.AppBridge``: ``service``,
    ``status()``, ``status_changed``, ``warn()``); only those are used, so no Qt is imported here.
    """

    def __init__(self, bridge: Any, autostart: AutostartPort | None = None,
                 settings_file: Path | None = None) -> None:
        self._bridge = bridge
        self._autostart = autostart
        #: Where the welcome marker goes once a first-start welcome was answered.
        self._settings_file = settings_file
        self._last_stage: str | None = None

    @property
    def autostart(self) -> AutostartPort | None:
        return self._autostart

    @property
    def settings_file(self) -> Path | None:
        return self._settings_file

    def attach(self) -> None:
        """Become the app's welcome, follow the program week after each routine, and check it now."""
        self._bridge.welcome = self
        self._bridge.status_changed.connect(self._on_status_changed)
        self.sync_daily_routine()

    # --- program week ----------------------------------------------------------------------
    def current_week_routine(self) -> str:
        """The routine of the program week the person is in now (week 1 if the history cannot tell)."""
        service = self._bridge.service
        try:
            prog = load_program()
            now = service.schedule_clock.now()
            events = service.history.events(kinds=[ev.ROUTINE_COMPLETED])
            week = progress(practised_days(events, now.tzinfo, prog), now.date(), prog).current_week
        except Exception as exc:  # ProgramError, HistoryError (plain sentences): the daily session still works
            log.warning("program week unknown (%s); using week 1", exc)
            week = 1
        return routine_id(week)

    def sync_daily_routine(self) -> None:
        """Point the daily session at this week's program routine, if it follows the program."""
        service = self._bridge.service
        settings: Settings = service.settings
        if not settings.daily_follows_program:
            return
        wanted = self.current_week_routine()
        if wanted == settings.daily_routine or service.catalogue.get(wanted) is None:
            return
        self._apply(settings.replace(daily_routine=wanted))
        log.info("daily session now offers %s", wanted)

    def _on_status_changed(self) -> None:
        stage = self._bridge.status().stage.value
        ended = self._last_stage == "in_routine" and stage != "in_routine"
        self._last_stage = stage
        if ended:
            self.sync_daily_routine()

    # --- applying the choices ---------------------------------------------------------------
    def _autostart_state(self) -> tuple[bool, bool]:
        api = self._autostart
        if api is None:
            return False, False
        try:
            return bool(api.supported()), bool(api.is_enabled())
        except Exception as exc:  # AutostartError: shown as unavailable, never a crash
            log.warning("autostart state unavailable: %s", exc)
            return False, False

    def _minutes(self) -> tuple[int, int]:
        """The desk and floor routines' playing time with the person's get-ready and switch settings."""
        service = self._bridge.service
        settings: Settings = service.settings
        found: list[int] = []
        for rid, fallback in ((DESK_ROUTINE, 2), (FLOOR_ROUTINE, 5)):
            routine = service.catalogue.get(rid)
            seconds = routine.estimated_seconds(settings.prep_seconds, settings.switch_seconds) if routine else 0
            found.append(max(1, round(seconds / 60)) if seconds else fallback)
        return found[0], found[1]

    def apply(self, choices: WelcomeChoices, autostart_was: bool, first_start: bool = False) -> None:
        """Save and apply the choices; turn start-at-login on or off when it changed.

        After a first-start welcome the marker is written, so it is not shown
        again even if the settings file is later moved aside as broken. If the
        app is stopped while the welcome is still open, it comes back next time.
        """
        settings = welcome_settings(self._bridge.service.settings, choices, self.current_week_routine())
        self._apply(settings)
        if first_start and self._settings_file is not None:
            problem = mark_welcomed(self._settings_file, self._bridge.service.schedule_clock.time())
            if problem:
                log.warning("welcome marker not written: %s", problem)
        api = self._autostart
        supported, _enabled = self._autostart_state()
        if api is not None and supported and choices.autostart != autostart_was:
            try:
                api.enable() if choices.autostart else api.disable()
            except Exception as exc:  # AutostartError carries a plain sentence
                self._bridge.warn(_("Start at login could not be changed: {error}").format(error=exc))

    def _apply(self, settings: Settings) -> None:
        service = self._bridge.service
        problem = service.save_settings(settings)
        if problem:
            self._bridge.warn(problem)  # applied for this session anyway; the message says what went wrong
        service.apply_settings(settings)
