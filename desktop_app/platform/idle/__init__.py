"""Idle time: how long since the user last touched the keyboard or mouse.

One small interface, :class:`IdleMonitor`, with one backend per kind of
desktop and a Null fallback. :func:`select_idle_monitor` probes them at start
in a fixed order and returns the first that answers, together with a one-line
report of what was tried, which the tray's About box and ``hipbreak doctor``
show as it is.

Probe order and why:

1. ``gnome``: Mutter's IdleMonitor over D-Bus. It works on GNOME X11 *and*
   Wayland, and pushes "idle" and "active" events, so nothing polls.
2. ``freedesktop``: ``org.freedesktop.ScreenSaver.GetSessionIdleTime``. KDE's
   kscreenlocker answers it on X11 and Wayland (in milliseconds; it forwards
   ``KIdleTime::idleTime()``). KDE's KIdleTime itself is a C++ library with
   no D-Bus service of its own, so there is no separate ``org.kde.KIdleTime``
   backend: this call *is* KIdleTime's reading.
3. ``wayland``: the compositor's ``ext-idle-notify-v1`` (or KDE's older
   ``org_kde_kwin_idle``) on our own Wayland connection, push events only.
   On Wayland it comes *before* ``freedesktop``: KWin on Wayland answers
   ``GetSessionIdleTime`` with "not supported on this platform", and wlroots
   compositors (sway, Hyprland, labwc) have only the protocol. Skipped outside
   Wayland.
4. ``x11``: the XScreenSaver extension via ctypes, on any X11 session. Skipped
   on Wayland, where XWayland only sees input to X11 windows.
5. ``windows`` (GetLastInputInfo) and ``macos`` (CGEventSource), on those systems.
6. ``none``: no idle data; lock and suspend still count as away.

Polling backends run no timers of their own: the app asks the scheduler when
to read next (``BreakScheduler.idle_poll_delay``) and calls ``idle_seconds()``
then, so the reading interval adapts (DESIGN.md "Time model").
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping

from desktop_app.i18n import _
from desktop_app.platform.desktop_env import MACOS, WINDOWS, DesktopEnv, detect_desktop_env

log = logging.getLogger(__name__)


class IdleUnavailable(Exception):
    """The idle time cannot be read now (or at all); the message says why in plain words."""


class IdleMonitor(ABC):
    """Reads the user's idle time; push backends also report idle/active transitions.

    Threading contract: every method is called on the Qt main thread, and the
    push callbacks ``on_idle`` and ``on_active`` are always invoked on the Qt
    main thread, from the Qt event loop (never from a helper thread and never
    re-entrantly from inside ``start_watch``). Callbacks must return quickly.
    """

    #: Short backend id: gnome, freedesktop, wayland, x11, windows, macos or none.
    name: str = ""
    #: One plain line for reports, e.g. "GNOME Mutter IdleMonitor over D-Bus".
    description: str = ""
    #: True when ``start_watch`` delivers idle/active events, so the app need not poll.
    supports_push: bool = False

    @abstractmethod
    def idle_seconds(self) -> float:
        """Seconds since the last keyboard or mouse input; raises IdleUnavailable when unknown."""

    def start_watch(self, threshold_seconds: float, on_idle: Callable[[float], None],
                    on_active: Callable[[], None]) -> None:
        """Push backends: call ``on_idle(idle_seconds)`` once idle reaches ``threshold_seconds``,
        then ``on_active()`` at the next input, and so on. Calling it again replaces the watch.

        Polling backends do nothing here: the app polls ``idle_seconds()`` instead.
        """
        del threshold_seconds, on_idle, on_active

    def stop_watch(self) -> None:  # noqa: B027 (optional hook: only push backends override it)
        """Remove the watch set by ``start_watch`` (no-op when there is none)."""

    def close(self) -> None:
        """Release the connection or display handle; the monitor is not used afterwards."""
        self.stop_watch()


#: A backend constructor: builds a working monitor or raises IdleUnavailable with the reason.
Factory = Callable[[DesktopEnv], IdleMonitor]


def idle_probe_plan(env: DesktopEnv) -> list[tuple[str, str | None]]:
    """The backends to try, in order, each with a reason to skip it (None = try it)."""
    if env.session_type == WINDOWS:
        return [("windows", None)]
    if env.session_type == MACOS:
        return [("macos", None)]
    if env.is_x11:
        x11_skip = None
    elif env.is_wayland:
        x11_skip = _("skipped: on Wayland, X11 idle time only sees input to X11 windows")
    else:
        x11_skip = _("skipped: no X11 display")
    if env.is_wayland:
        return [("gnome", None), ("wayland", None), ("freedesktop", None), ("x11", x11_skip)]
    return [("gnome", None), ("freedesktop", None), ("x11", x11_skip),
            ("wayland", _("skipped: not a Wayland session"))]


def _default_factories() -> dict[str, Factory]:
    """Imports stay inside the functions so a missing Qt module or library only affects its backend."""

    def gnome(env: DesktopEnv) -> IdleMonitor:
        from desktop_app.platform.idle.gnome import GnomeIdleMonitor

        return GnomeIdleMonitor()

    def freedesktop(env: DesktopEnv) -> IdleMonitor:
        from desktop_app.platform.idle.freedesktop import FreedesktopIdleMonitor

        return FreedesktopIdleMonitor()

    def wayland(env: DesktopEnv) -> IdleMonitor:
        from desktop_app.platform.idle.wayland import WaylandIdleMonitor

        return WaylandIdleMonitor(env.wayland_display)

    def x11(env: DesktopEnv) -> IdleMonitor:
        from desktop_app.platform.idle.x11 import X11IdleMonitor

        return X11IdleMonitor(env.display)

    def windows(env: DesktopEnv) -> IdleMonitor:
        from desktop_app.platform.idle.windows import WindowsIdleMonitor

        return WindowsIdleMonitor()

    def macos(env: DesktopEnv) -> IdleMonitor:
        from desktop_app.platform.idle.macos import MacIdleMonitor

        return MacIdleMonitor()

    return {"gnome": gnome, "freedesktop": freedesktop, "wayland": wayland, "x11": x11, "windows": windows,
            "macos": macos}


def _null_reason(env: DesktopEnv) -> str:
    if env.is_wayland:
        return _("Idle time cannot be read in this Wayland session ({session}): the compositor offers "
                 "neither an idle protocol (ext-idle-notify-v1) nor a D-Bus idle service. Sitting time "
                 "pauses only for screen lock and suspend.").format(session=env.describe())
    return _("No way to read idle time was found ({session}). Sitting time pauses only for "
             "screen lock and suspend.").format(session=env.describe())


def select_idle_monitor(environ: Mapping[str, str] | None = None, *,
                        factories: Mapping[str, Factory] | None = None,
                        env: DesktopEnv | None = None) -> tuple[IdleMonitor, str]:
    """Probe the backends in order and return the first that works, with a one-line report.

    ``factories`` replaces the real backend constructors (tests); ``env``
    replaces detection from ``environ``. Never raises: an unexpected error in a
    backend is logged and that backend is skipped.
    """
    from desktop_app.platform.idle.null import NullIdleMonitor

    session = env if env is not None else detect_desktop_env(environ)
    makers = dict(_default_factories())
    if factories is not None:
        makers.update(factories)
    tried: list[str] = []
    for name, skip in idle_probe_plan(session):
        if skip is not None:
            tried.append(f"{name} {skip}")
            continue
        maker = makers.get(name)
        if maker is None:
            tried.append(f"{name} " + _("not available in this build"))
            continue
        try:
            monitor = maker(session)
        except IdleUnavailable as exc:
            tried.append(f"{name}: {exc}")
            continue
        except Exception as exc:  # a broken backend must never stop start-up
            log.exception("idle backend %s failed while probing", name)
            tried.append(f"{name}: " + _("failed ({error})").format(error=exc))
            continue
        report = _("idle: {name} ({description})").format(name=monitor.name, description=monitor.description)
        if tried:
            report += "; " + _("not used: {tried}").format(tried="; ".join(tried))
        return monitor, report
    null = NullIdleMonitor(_null_reason(session))
    report = _("idle: none. {reason}").format(reason=null.reason)
    if tried:
        report += " " + _("Tried: {tried}.").format(tried="; ".join(tried))
    return null, report
