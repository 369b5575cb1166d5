"""The bridge between the Qt-free service and the Qt views.

Why a bridge: :class:`~desktop_app.application.service.AppService` reports
what happened through plain callbacks (its ``ListenerPort``); the tray, the
status window and the tests want Qt signals, delivered on the main thread.
This object turns one into the other, and is what the views hold: it offers
the service's actions and reads (the tray menu's ``MenuActions``) and the
navigator's windows in one place, without owning any rule itself.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QRect, Signal

from desktop_app.application.routines import RoutineChoice
from desktop_app.application.service import AppService
from desktop_app.core.clock import Clock
from desktop_app.core.schedule import Status
from desktop_app.core.settings import Settings
from desktop_app.ui.navigator import WindowNavigator
from desktop_app.ui.prompt_presenter import PromptSetup
from desktop_app.ui.tray_menu import MenuState


def _module_exists(name: str) -> bool:
    """True when ``name`` can be imported (a build may leave a window out)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class AppBridge(QObject):
    """The service as the views see it, with Qt signals.

    Signals: ``status_changed`` after anything that may change what the views
    show; ``prompt_requested(kind)`` when a prompt appears ("hourly"/"daily");
    ``prompt_closed`` when it goes; ``warning(str)`` for plain-words problems
    the user should see once; ``quit_requested`` when the app should leave.
    """

    status_changed = Signal()
    prompt_requested = Signal(str)
    prompt_closed = Signal()
    warning = Signal(str)
    quit_requested = Signal()

    def __init__(self, service: AppService, clock: Clock, session: Any = None,
                 parent: QObject | None = None, *, prompt: PromptSetup | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.navigator = WindowNavigator(service, clock, prompt)
        service.attach(self.navigator, _Listener(self))
        if isinstance(service.driver, QObject) and service.driver.parent() is None:
            service.driver.setParent(self)
        self._connect_session(session)

    def _connect_session(self, session: Any) -> None:
        """Lock, unlock, suspend and resume reach the service (a Null session never signals)."""
        for name, slot in (("locked_changed", self.service.on_locked_changed),
                           ("suspending", self.service.on_suspending),
                           ("resumed", self.service.on_resumed)):
            signal = getattr(session, name, None)
            if signal is not None:
                signal.connect(slot)

    # --- what the views set ------------------------------------------------------------
    def set_anchor(self, anchor: Callable[[], QRect | None]) -> None:
        self.navigator.set_anchor(anchor)

    def set_home(self, home: Callable[[], None] | None) -> None:
        self.navigator.set_home(home)

    @property
    def view_kind(self) -> str:
        return self.navigator.view_kind

    @view_kind.setter
    def view_kind(self, kind: str) -> None:
        self.navigator.view_kind = kind

    # --- reading ---------------------------------------------------------------------
    @property
    def scheduler(self) -> Any:
        return self.service.scheduler

    @property
    def driver(self) -> Any:
        return self.service.driver

    @property
    def settings(self) -> Settings:
        return self.service.settings

    @property
    def demo(self) -> bool:
        return self.service.demo

    @property
    def schedule_clock(self) -> Clock:
        return self.service.schedule_clock

    def status(self) -> Status:
        return self.service.status()

    def now(self) -> datetime:
        return self.service.now()

    def status_text(self) -> str:
        return self.service.status_text()

    def status_json(self) -> dict[str, Any]:
        return self.service.status_json()

    def routine_choices(self) -> list[RoutineChoice]:
        return self.service.routine_choices()

    def menu_state(self) -> MenuState:
        """Everything the tray menu and status window show."""
        return MenuState(
            stage=self.service.status().stage.value,
            status_line=self.service.status_text(),
            routines=self.service.routine_choices(),
            default_routine_id=self.service.settings.prompt_routine,
            has_statistics=_module_exists("desktop_app.ui.stats_window"),
            has_settings=_module_exists("desktop_app.ui.settings_dialog"),
        )

    # --- actions (MenuActions) -----------------------------------------------------------
    def start(self) -> None:
        self.service.start()

    def handle_command(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        return self.service.handle_command(cmd, args)

    def break_now(self) -> None:
        self.service.break_now()

    def snooze(self, minutes: int | None = None) -> None:
        self.service.snooze(minutes)

    def skip(self) -> None:
        self.service.skip()

    def pause(self, minutes: int | None = None, until_tomorrow: bool = False) -> None:
        self.service.pause(minutes, until_tomorrow)

    def resume(self) -> None:
        self.service.resume()

    def set_standing(self, standing: bool) -> None:
        self.service.set_standing(standing)

    def apply_settings(self, settings: Settings) -> None:
        self.service.apply_settings(settings)

    def open_routine(self, routine_id: str | None = None) -> bool:
        return self.service.open_routine(routine_id)

    def show(self) -> None:
        self.service.show()

    def show_chooser(self) -> None:
        self.navigator.show_chooser()

    def show_statistics(self) -> None:
        self.navigator.show_statistics()

    def show_settings(self) -> None:
        self.navigator.show_settings()

    def show_about(self) -> None:
        self.navigator.show_about()

    def show_welcome(self) -> None:
        """The welcome window again, with the current settings (``ui/welcome_window.py``)."""
        from desktop_app.ui.welcome_window import show_welcome

        show_welcome(self)

    def prompt_window(self) -> Any:
        return self.navigator.prompt_window()

    def warn(self, message: str) -> None:
        self.service.warn(message)

    def quit(self) -> None:
        self.service.quit()

    def shutdown(self) -> None:
        self.service.shutdown()


class _Listener:
    """The service's ``ListenerPort``: each callback emits the bridge's signal."""

    def __init__(self, bridge: AppBridge) -> None:
        self._bridge = bridge

    def status_changed(self) -> None:
        self._bridge.status_changed.emit()

    def warning(self, message: str) -> None:
        self._bridge.warning.emit(message)

    def prompt_requested(self, kind: str) -> None:
        self._bridge.prompt_requested.emit(kind)

    def prompt_closed(self) -> None:
        self._bridge.prompt_closed.emit()

    def quit_requested(self) -> None:
        self._bridge.quit_requested.emit()
