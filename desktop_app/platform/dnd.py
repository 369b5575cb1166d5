"""Do not disturb: reasons to hold a due prompt back for now.

A prompt that pops up over a fullscreen video, a presentation or a call is
worse than a late one, so while any enabled source reports a reason the
scheduler defers the prompt (``BreakScheduler.set_do_not_disturb(reason)``)
and shows it as soon as the reason ends, or as a quiet notification after
``max_defer_minutes``. That policy lives in the core; this module only answers
"is there a reason right now, and which?".

Sources, each switched on by a setting:

- ``dnd_fullscreen``: the active window is fullscreen. X11: ``_NET_ACTIVE_WINDOW``
  whose ``_NET_WM_STATE`` holds ``_NET_WM_STATE_FULLSCREEN`` (ctypes Xlib).
  Windows: ``SHQueryUserNotificationState`` (busy, Direct3D fullscreen,
  presentation mode, fullscreen app).
- ``dnd_notifications_inhibited``: the desktop's own do-not-disturb. The
  freedesktop ``Inhibited`` property of org.freedesktop.Notifications (Plasma,
  among others) and, on GNOME, ``show-banners`` off in
  ``org.gnome.desktop.notifications`` (read with ``gsettings``).
- ``dnd_microphone``: a program is recording from a real microphone
  (``pactl``, which PipeWire also answers through pipewire-pulse). Recording a
  sink's *monitor* (screen recorders, visualisers) does not count.

:meth:`DndWatcher.reason` is only called while a prompt is due or held, so the
subprocesses (each bounded by a timeout) never run while the app just sits in
the tray. A source that fails answers "no reason": a broken check must never
hold prompts back forever.
"""

from __future__ import annotations

import ctypes
import logging
import shutil
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from desktop_app.i18n import _
from desktop_app.platform.desktop_env import DesktopEnv, detect_desktop_env

if TYPE_CHECKING:  # imported where a query runs (see run_command)
    import subprocess

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_S = 2.0

# SHQueryUserNotificationState results (shellapi.h QUERY_USER_NOTIFICATION_STATE).
QUNS_NOT_PRESENT = 1
QUNS_BUSY = 2
QUNS_RUNNING_D3D_FULL_SCREEN = 3
QUNS_PRESENTATION_MODE = 4
QUNS_ACCEPTS_NOTIFICATIONS = 5
QUNS_QUIET_TIME = 6
QUNS_APP = 7


def fullscreen_reason() -> str:
    return _("a fullscreen window is active")


def microphone_reason() -> str:
    return _("a call seems to be in progress (microphone in use)")


def desktop_dnd_reason() -> str:
    return _("the desktop's do-not-disturb is on")


class _DndSettings(Protocol):
    dnd_fullscreen: bool
    dnd_notifications_inhibited: bool
    dnd_microphone: bool


Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def _timeout_expired() -> type[Exception]:
    """``subprocess.TimeoutExpired``, imported when a query failed (an ``except`` evaluates it then).

    ``subprocess`` also loads ``locale`` and ``selectors``; importing it with this module kept them
    in the idle tray app for good, though queries run only while a prompt is due (~0.8 MB;
    bench/RESULTS.md, "session 3").
    """
    import subprocess

    return subprocess.TimeoutExpired


def run_command(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a short query command with a timeout; raises OSError/TimeoutExpired like subprocess.run."""
    import subprocess

    return subprocess.run(args, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False)


@dataclass(frozen=True)
class SourceStatus:
    """One source as ``hipbreak doctor`` shows it."""

    name: str
    setting: str
    enabled: bool
    available: bool
    detail: str


class DndSource(ABC):
    """One reason to hold prompts. ``check`` never raises: trouble means "no reason"."""

    name: str = ""
    #: The Settings field that switches this source on.
    setting: str = ""
    available: bool = True
    detail: str = ""

    @abstractmethod
    def check(self) -> str | None:
        """The reason as a short plain phrase, or None."""

    def problem(self) -> str | None:
        """For ``hipbreak doctor``: why this source can't work right now, or None when it can."""
        return None if self.available else self.detail


# -- fullscreen ---------------------------------------------------------------------------------


class X11FullscreenSource(DndSource):
    name = "fullscreen window (X11)"
    setting = "dnd_fullscreen"

    def __init__(self, display: str | None) -> None:
        from desktop_app.platform.xlib import XDisplay, XlibUnavailable

        self._display: Any = None
        try:
            self._display = XDisplay(display)
        except XlibUnavailable as exc:
            self.available = False
            self.detail = str(exc)
            return
        self.detail = _("_NET_ACTIVE_WINDOW with _NET_WM_STATE_FULLSCREEN on {display}").format(
            display=display)

    def check(self) -> str | None:
        from desktop_app.platform.xlib import XA_ATOM, XA_WINDOW

        display = self._display
        if display is None or not display.handle:
            return None
        active = display.get_property_longs(display.root, "_NET_ACTIVE_WINDOW", XA_WINDOW, 1)
        if not active or not active[0]:
            return None
        states = display.get_property_longs(active[0], "_NET_WM_STATE", XA_ATOM)
        if states and display.atom("_NET_WM_STATE_FULLSCREEN") in states:
            return fullscreen_reason()
        return None

    def close(self) -> None:
        if self._display is not None:
            self._display.close()


def reason_for_notification_state(state: int) -> str | None:
    """Map a QUERY_USER_NOTIFICATION_STATE to a reason. "Not present" (locked, screen saver)
    is the session watcher's business, and "quiet time" (Windows' first hour after setup)
    is not the user asking for quiet, so neither holds a prompt here."""
    if state in (QUNS_BUSY, QUNS_RUNNING_D3D_FULL_SCREEN, QUNS_APP):
        return fullscreen_reason()
    if state == QUNS_PRESENTATION_MODE:
        return _("presentation mode is on")
    return None


class WindowsFullscreenSource(DndSource):
    name = "fullscreen or presentation (Windows)"
    setting = "dnd_fullscreen"
    detail = "SHQueryUserNotificationState"

    def __init__(self) -> None:
        self._query: Any = None
        if not sys.platform.startswith("win"):
            self.available = False
            self.detail = _("not running on Windows")
            return
        windll: Any = getattr(ctypes, "windll")  # noqa: B009 (only exists on Windows)
        self._query = windll.shell32.SHQueryUserNotificationState

    def check(self) -> str | None:
        if self._query is None:
            return None
        state = ctypes.c_int(0)
        if self._query(ctypes.byref(state)) != 0:  # an HRESULT other than S_OK
            return None
        return reason_for_notification_state(state.value)


# -- the desktop's own do-not-disturb ----------------------------------------------------------


class NotificationsInhibitedSource(DndSource):
    name = "notifications inhibited (freedesktop)"
    setting = "dnd_notifications_inhibited"
    detail = "org.freedesktop.Notifications Inhibited property"

    SERVICE = "org.freedesktop.Notifications"
    PATH = "/org/freedesktop/Notifications"

    def __init__(self, bus: Any) -> None:
        self._bus = bus
        if bus is None:
            self.available = False
            self.detail = _("no D-Bus session bus")

    def check(self) -> str | None:
        if self._bus is None:
            return None
        from desktop_app.platform.idle.dbus_support import DBusCallError, get_property, name_has_owner

        if not name_has_owner(self._bus, self.SERVICE):
            return None
        try:
            inhibited = get_property(self._bus, self.SERVICE, self.PATH, self.SERVICE, "Inhibited")
        except DBusCallError as exc:  # most servers (dunst, GNOME) have no such property
            log.debug("Inhibited not readable: %s", exc)
            return None
        return desktop_dnd_reason() if inhibited is True else None

    def problem(self) -> str | None:
        """Most servers (dunst, GNOME Shell) don't offer the property; Plasma does."""
        if self._bus is None:
            return self.detail
        from desktop_app.platform.idle.dbus_support import DBusCallError, get_property, name_has_owner

        if not name_has_owner(self._bus, self.SERVICE):
            return _("no notification server on the session bus")
        try:
            get_property(self._bus, self.SERVICE, self.PATH, self.SERVICE, "Inhibited")
        except DBusCallError:
            return _("the notification server has no Inhibited property")
        return None


def show_banners_off(output: str) -> bool:
    """``gsettings get`` prints ``false`` when GNOME's do-not-disturb is on."""
    return output.strip().lower() == "false"


class GnomeShowBannersSource(DndSource):
    name = "GNOME do-not-disturb (show-banners)"
    setting = "dnd_notifications_inhibited"
    detail = "gsettings get org.gnome.desktop.notifications show-banners"
    COMMAND: tuple[str, ...] = ("gsettings", "get", "org.gnome.desktop.notifications", "show-banners")

    def __init__(self, run: Runner = run_command) -> None:
        self._run = run
        if shutil.which("gsettings") is None:
            self.available = False
            self.detail = _("gsettings is not installed")

    def problem(self) -> str | None:
        if not self.available:
            return self.detail
        try:
            result = self._run(list(self.COMMAND))
        except (OSError, _timeout_expired()) as exc:
            return _("gsettings failed: {error}").format(error=exc)
        if result.returncode != 0:
            return _("the GNOME notification settings are not installed")
        return None

    def check(self) -> str | None:
        if not self.available:
            return None
        try:
            result = self._run(list(self.COMMAND))
        except (OSError, _timeout_expired()) as exc:
            log.info("gsettings failed: %s", exc)
            return None
        if result.returncode != 0:
            return None
        return desktop_dnd_reason() if show_banners_off(result.stdout) else None


# -- microphone ---------------------------------------------------------------------------------


def microphone_in_use(source_outputs: str, sources: str) -> bool:
    """From ``pactl list short source-outputs`` and ``pactl list short sources``: is any stream
    recording from a source that is not a sink's monitor?

    source-outputs columns: id, source index, client, driver, sample spec.
    sources columns: index, name, driver, sample spec, state.
    """
    names: dict[str, str] = {}
    for line in sources.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            names[parts[0].strip()] = parts[1].strip()
    for line in source_outputs.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        name = names.get(parts[1].strip(), "")
        if name.endswith(".monitor"):
            continue
        return True
    return False


class MicrophoneSource(DndSource):
    name = "microphone in use (PulseAudio/PipeWire)"
    setting = "dnd_microphone"
    detail = "pactl list short source-outputs"

    def __init__(self, run: Runner = run_command) -> None:
        self._run = run
        if shutil.which("pactl") is None:
            self.available = False
            self.detail = _("pactl is not installed (package pulseaudio-utils)")

    def check(self) -> str | None:
        if not self.available:
            return None
        try:
            outputs = self._run(["pactl", "list", "short", "source-outputs"])
            if outputs.returncode != 0 or not outputs.stdout.strip():
                return None
            sources = self._run(["pactl", "list", "short", "sources"])
        except (OSError, _timeout_expired()) as exc:
            log.info("pactl failed: %s", exc)
            return None
        if sources.returncode != 0:
            return None
        return microphone_reason() if microphone_in_use(outputs.stdout, sources.stdout) else None

    def problem(self) -> str | None:
        if not self.available:
            return self.detail
        try:
            result = self._run(["pactl", "info"])
        except (OSError, _timeout_expired()) as exc:
            return _("pactl failed: {error}").format(error=exc)
        if result.returncode != 0:
            return _("no PulseAudio or PipeWire sound server answered")
        return None


# -- the watcher ----------------------------------------------------------------------------------


class DndWatcher:
    """Combines the sources the settings switch on; :meth:`reason` gives the first reason found."""

    def __init__(self, sources: Sequence[DndSource], settings: _DndSettings | None = None) -> None:
        self._sources = list(sources)
        self._enabled = {"dnd_fullscreen": True, "dnd_notifications_inhibited": True, "dnd_microphone": True}
        if settings is not None:
            self.apply_settings(settings)

    def apply_settings(self, settings: _DndSettings) -> None:
        self._enabled = {
            "dnd_fullscreen": bool(settings.dnd_fullscreen),
            "dnd_notifications_inhibited": bool(settings.dnd_notifications_inhibited),
            "dnd_microphone": bool(settings.dnd_microphone),
        }

    def reason(self) -> str | None:
        """Why a prompt should wait right now, or None. Cheap sources are asked first."""
        for source in self._sources:
            if not self._enabled.get(source.setting, False) or not source.available:
                continue
            try:
                found = source.check()
            except Exception:  # a broken source must not block prompts or crash the app
                log.exception("do-not-disturb source %s failed", source.name)
                continue
            if found:
                return found
        return None

    def statuses(self) -> list[SourceStatus]:
        return [SourceStatus(s.name, s.setting, self._enabled.get(s.setting, False), s.available, s.detail)
                for s in self._sources]

    def sources(self) -> list[DndSource]:
        return list(self._sources)

    def close(self) -> None:
        for source in self._sources:
            closer = getattr(source, "close", None)
            if callable(closer):
                closer()


class NullDnd:
    """No do-not-disturb sources: prompts are never held (a desktop where none could be built)."""

    def reason(self) -> str | None:
        return None

    def apply_settings(self, settings: _DndSettings) -> None:
        """Nothing to switch."""

    def statuses(self) -> list[SourceStatus]:
        return []

    def close(self) -> None:
        """Nothing to close."""


def build_dnd_watcher(settings: _DndSettings | None = None, env: DesktopEnv | None = None,
                      bus: Any = None) -> DndWatcher:
    """The sources that make sense on this desktop, in cheap-first order.

    ``bus`` is the session QDBusConnection (default: the process's session bus).
    """
    session = env if env is not None else detect_desktop_env()
    sources: list[DndSource] = []
    if session.session_type == "windows":
        sources.append(WindowsFullscreenSource())
    elif session.is_x11:
        sources.append(X11FullscreenSource(session.display))
    if session.is_linux_like:
        if bus is None:
            from desktop_app.platform.idle.dbus_support import session_bus

            bus = session_bus()
        sources.append(NotificationsInhibitedSource(bus))
        if session.is_gnome:
            sources.append(GnomeShowBannersSource())
        sources.append(MicrophoneSource())
    return DndWatcher(sources, settings)
