"""What kind of desktop session HipBreak is running in.

Why a module of its own: the idle backend, the do-not-disturb sources and
``hipbreak doctor`` all branch on the same facts (X11 or Wayland, which
desktop), and they must agree. Everything is read from the environment that is
passed in, never from global state, so the selection logic can be unit-tested
for every mix (GNOME on Wayland, KDE, a bare X11 window manager, ...).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

#: Values of ``session_type``.
X11 = "x11"
WAYLAND = "wayland"
WINDOWS = "windows"
MACOS = "macos"
TTY = "tty"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class DesktopEnv:
    """The facts about the session that the platform adapters need."""

    session_type: str
    #: Desktop names from ``XDG_CURRENT_DESKTOP`` (e.g. ``("ubuntu", "GNOME")``), in order.
    desktops: tuple[str, ...]
    display: str | None
    wayland_display: str | None
    platform: str

    @property
    def desktop(self) -> str:
        """The main desktop name for reports, or an empty string when none is set."""
        for name in self.desktops:
            if name.lower() not in ("ubuntu", "pop", "zorin", "unity"):
                return name
        return self.desktops[0] if self.desktops else ""

    @property
    def is_gnome(self) -> bool:
        return any(name.lower() in ("gnome", "gnome-classic", "gnome-flashback") for name in self.desktops)

    @property
    def is_kde(self) -> bool:
        return any(name.lower() == "kde" for name in self.desktops)

    @property
    def is_x11(self) -> bool:
        return self.session_type == X11

    @property
    def is_wayland(self) -> bool:
        return self.session_type == WAYLAND

    @property
    def is_linux_like(self) -> bool:
        """Linux and the BSDs: D-Bus, X11 or Wayland."""
        return self.session_type not in (WINDOWS, MACOS)

    def describe(self) -> str:
        """A short plain description such as ``Wayland, GNOME`` or ``X11, no desktop name set``."""
        kind = {
            X11: "X11",
            WAYLAND: "Wayland",
            WINDOWS: "Windows",
            MACOS: "macOS",
            TTY: "text console (no graphical session)",
            UNKNOWN: "unknown session type",
        }.get(self.session_type, self.session_type)
        if self.session_type in (WINDOWS, MACOS):
            return kind
        desktop = ":".join(self.desktops) if self.desktops else "no desktop name set"
        return f"{kind}, {desktop}"


def detect_desktop_env(environ: Mapping[str, str] | None = None, platform: str | None = None) -> DesktopEnv:
    """Read the session type and desktop from ``environ`` (default ``os.environ``).

    ``XDG_SESSION_TYPE`` wins when it names x11 or wayland; without it, a
    ``WAYLAND_DISPLAY`` means Wayland (XWayland also sets ``DISPLAY``, so
    ``DISPLAY`` alone only means X11 when no Wayland socket is named).
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    display = env.get("DISPLAY") or None
    wayland_display = env.get("WAYLAND_DISPLAY") or None
    desktops = tuple(
        part
        for part in (env.get("XDG_CURRENT_DESKTOP") or env.get("XDG_SESSION_DESKTOP") or "").split(":")
        if part
    )
    if plat.startswith("win") or plat == "cygwin":
        session_type = WINDOWS
    elif plat == "darwin":
        session_type = MACOS
    else:
        declared = (env.get("XDG_SESSION_TYPE") or "").strip().lower()
        if declared in (X11, WAYLAND):
            session_type = declared
        elif wayland_display:
            session_type = WAYLAND
        elif display:
            session_type = X11
        elif declared == TTY:
            session_type = TTY
        else:
            session_type = UNKNOWN
    return DesktopEnv(session_type, desktops, display, wayland_display, plat)
