"""What the application layer needs from the outside, as Protocols (no Qt, no files, no OS).

Why ports: the service must run the same way with the real SQLite history,
the real notification daemon and real windows as with the Null adapters of a
read-only folder or a desktop without D-Bus, and with plain fakes in tests.
``app.py`` hands in a working object for every port, never ``None``, so no
``if x is not None`` checks spread through the service.

The adapters: ``storage.history`` (HistoryPort), ``storage.state_file.StateFile``
(StatePort), ``storage.settings_file.SettingsFile`` (SettingsStorePort),
``platform.notify`` (NotifierPort), ``platform.dnd`` (DoNotDisturbPort),
``ui.driver.CoreDriver`` (DriverPort), ``ui.navigator`` (WindowsPort) and
``ui.bridge`` (ListenerPort); ``platform.autostart`` fits AutostartPort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from desktop_app.core.events import Event
from desktop_app.core.routine import Routine
from desktop_app.core.settings import Settings


class HistoryPort(Protocol):
    """The event history (SQLite, or a Null one that keeps nothing)."""

    def append(self, events: Iterable[Event]) -> bool: ...
    def events(self, since: float | None = None, until: float | None = None,
               kinds: Any = None) -> list[Event]: ...
    def close(self) -> None: ...


class StatePort(Protocol):
    """The scheduler's saved state (last break, snooze, pause) between runs."""

    def load(self, warnings: list[str]) -> dict[str, Any] | None: ...
    def save(self, state: dict[str, Any]) -> None: ...


class SettingsStorePort(Protocol):
    """Where settings are written; returns None or one plain sentence on failure."""

    def save(self, settings: Settings) -> str | None: ...


class NotifierPort(Protocol):
    """Desktop notifications (a courtesy: the prompt window is the real thing)."""

    def notify(self, title: str, body: str, quiet: bool = False) -> bool: ...


class DoNotDisturbPort(Protocol):
    """Why prompts should wait right now (fullscreen, microphone, desktop DND), or None."""

    def reason(self) -> str | None: ...
    def apply_settings(self, settings: Any) -> None: ...


class AutostartPort(Protocol):
    """Start at login: on, off, and whether it is on."""

    def enable(self) -> Any: ...
    def disable(self) -> Any: ...
    def is_enabled(self) -> bool: ...


class DriverPort(Protocol):
    """Runs the scheduler at its deadlines (a Qt timer in the app)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def deliver(self, events: list[Event]) -> None: ...
    def wake(self) -> None: ...


#: Builds the driver for a scheduler; ``sink`` receives every event list in order.
DriverFactory = Callable[[Any, Callable[[list[Event]], None]], DriverPort]


class WindowsPort(Protocol):
    """What the service asks of the windows (``ui.navigator``); a Null one serves headless tests."""

    view_kind: str

    def present_prompt(self, kind: str, sitting_seconds: float, routine_title: str,
                       requested: bool = True) -> bool:
        """Show the prompt; ``requested`` when the person asked (not the schedule). True when the
        prompt was itself a notification (Wayland without XWayland), so no second one is sent."""
        ...

    def update_prompt(self, kind: str, sitting_seconds: float, routine_title: str) -> None: ...
    def dismiss_prompt(self) -> None: ...
    def prompt_visible(self) -> bool: ...
    def player_open(self) -> bool: ...
    def raise_player(self) -> None: ...
    def open_player(self, routine: Routine, started: Callable[[], None]) -> bool: ...
    def player_away(self, away: bool) -> None: ...
    def close_player(self) -> None: ...
    def show_home(self) -> None: ...
    def apply_settings(self, settings: Settings) -> None: ...
    def hide_windows(self) -> None: ...
    def later(self, action: Callable[[], None]) -> None: ...


class ListenerPort(Protocol):
    """Who hears what the service did (``ui.bridge`` turns these into Qt signals)."""

    def status_changed(self) -> None: ...
    def warning(self, message: str) -> None: ...
    def prompt_requested(self, kind: str) -> None: ...
    def prompt_closed(self) -> None: ...
    def quit_requested(self) -> None: ...


class NullWindows:
    """No windows (a service run headless, in tests or a future daemon)."""

    view_kind = "none"

    def present_prompt(self, kind: str, sitting_seconds: float, routine_title: str,
                       requested: bool = True) -> bool:
        return False

    def update_prompt(self, kind: str, sitting_seconds: float, routine_title: str) -> None: ...
    def dismiss_prompt(self) -> None: ...

    def prompt_visible(self) -> bool:
        return False

    def player_open(self) -> bool:
        return False

    def raise_player(self) -> None: ...

    def open_player(self, routine: Routine, started: Callable[[], None]) -> bool:
        return False

    def player_away(self, away: bool) -> None: ...
    def close_player(self) -> None: ...
    def show_home(self) -> None: ...
    def apply_settings(self, settings: Settings) -> None: ...
    def hide_windows(self) -> None: ...

    def later(self, action: Callable[[], None]) -> None:
        action()


class NullListener:
    """Hears nothing."""

    def status_changed(self) -> None: ...
    def warning(self, message: str) -> None: ...
    def prompt_requested(self, kind: str) -> None: ...
    def prompt_closed(self) -> None: ...
    def quit_requested(self) -> None: ...
