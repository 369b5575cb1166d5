"""How the break prompt is shown on this desktop: a window, a window through XWayland, or a
notification with actions. Pure: it reads only the environment passed in (and whether a file
exists), so ``hipbreak doctor`` and the app decide the same way and tests can cover every mix.

Why not simply a Qt window everywhere: measured in a real GNOME Shell 43 Wayland session
(``tests/wayland``), a window drawn through Qt's own *wayland* plugin takes the keyboard focus
from the app the person is typing in (``WA_ShowWithoutActivating`` does nothing there), ignores
stay-on-top and ``move()``, is buried by one click elsewhere and never comes forward again. The
same window drawn through XWayland (Qt's *xcb* plugin) keeps the typing where it was, stays on top
and is placed where HipBreak asks. So:

* **X11, Windows, macOS** - ``window``: the prompt window as it has always been.
* **Wayland with XWayland** (``DISPLAY`` names a live X server) - ``xwayland-window``: the whole
  UI runs on ``xcb;wayland`` (Qt falls back to its wayland plugin by itself if the X server
  refuses; the app then switches to the notification prompt, see :func:`effective_mode`).
* **Wayland without XWayland** - ``notification``: the prompt is a desktop notification with
  Start routine / Snooze / Skip buttons; the window opens only when the person asks for it.
* If the person set ``QT_QPA_PLATFORM`` themselves, that choice is kept and the mode follows it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

WINDOW = "window"
XWAYLAND_WINDOW = "xwayland-window"
NOTIFICATION = "notification"

#: What HipBreak sets for ``xwayland-window``: xcb first, Qt's wayland plugin if xcb cannot connect.
XWAYLAND_PLATFORM = "xcb;wayland"


@dataclass(frozen=True)
class PromptMode:
    """Which prompt this desktop gets, the Qt platform that needs, and why (for ``doctor``)."""

    name: str  # "window" | "xwayland-window" | "notification"
    platform: str  # the QT_QPA_PLATFORM to use, or "" to leave Qt's choice
    reason: str  # one plain sentence for doctor


def _is_wayland_session(environ: Mapping[str, str]) -> bool:
    kind = environ.get("XDG_SESSION_TYPE", "").strip().lower()
    if kind == "wayland":
        return True
    if kind in ("x11", "tty", "mir"):
        return False
    return bool(environ.get("WAYLAND_DISPLAY", "").strip())


def x_server_reachable(display: str, path_exists: Callable[[str], bool] = os.path.exists) -> bool:
    """Whether ``display`` (e.g. ``:1``) names a local X server whose socket exists.

    A remote or unusual display string (``host:0``) is trusted as given: the check is only
    there to notice the common case of a ``DISPLAY`` left over without any X server.
    """
    display = display.strip()
    if not display:
        return False
    if not display.startswith(":"):
        return True
    number = display[1:].split(".", 1)[0]
    if not number.isdigit():
        return False
    return path_exists(f"/tmp/.X11-unix/X{number}")


def select_prompt_mode(environ: Mapping[str, str], *, platform: str = sys.platform,
                       path_exists: Callable[[str], bool] = os.path.exists) -> PromptMode:
    """The prompt mode for the session described by ``environ`` (see the module docstring)."""
    if platform.startswith("win") or platform == "darwin":
        return PromptMode(WINDOW, "", "On this system the prompt is a window that stays on top "
                                      "without taking the keyboard.")
    forced = environ.get("QT_QPA_PLATFORM", "").strip()
    first = forced.split(";", 1)[0].strip().lower()
    if not _is_wayland_session(environ):
        return PromptMode(WINDOW, "", "This is an X11 session, so the prompt is a window that stays "
                                      "on top without taking the keyboard.")
    if forced:
        if first == "xcb":
            return PromptMode(XWAYLAND_WINDOW, "", f"QT_QPA_PLATFORM={forced} is set, so the prompt is a "
                                                   "window through XWayland that stays on top without "
                                                   "taking the keyboard.")
        if first.startswith("wayland"):
            return PromptMode(NOTIFICATION, "", f"QT_QPA_PLATFORM={forced} is set, and a Wayland window "
                                                "cannot stay on top or open without taking the keyboard, "
                                                "so the prompt is a notification with buttons.")
        return PromptMode(WINDOW, "", f"QT_QPA_PLATFORM={forced} is set, so the prompt is a plain window.")
    if x_server_reachable(environ.get("DISPLAY", ""), path_exists):
        return PromptMode(XWAYLAND_WINDOW, XWAYLAND_PLATFORM,
                          "This Wayland session has XWayland, so HipBreak runs through it and the prompt "
                          "is a window that stays on top without taking the keyboard.")
    return PromptMode(NOTIFICATION, "", "This Wayland session has no XWayland, and a Wayland window cannot "
                                        "stay on top or open without taking the keyboard, so the prompt is "
                                        "a notification with buttons.")


def effective_mode(chosen: PromptMode, qt_platform_name: str) -> PromptMode:
    """The mode that really applies once Qt has picked its plugin (``QGuiApplication.platformName()``).

    ``xwayland-window`` asks for ``xcb;wayland``; when the X server refuses, Qt quietly uses its
    wayland plugin, and a window there would take the keyboard, so the prompt becomes a notification.
    """
    if chosen.name == XWAYLAND_WINDOW and qt_platform_name.startswith("wayland"):
        return PromptMode(NOTIFICATION, "", "XWayland did not accept HipBreak's connection, so the prompt "
                                            "is a notification with buttons.")
    return chosen


def apply_prompt_mode(environ: dict[str, str] | os._Environ[str]) -> PromptMode:
    """Choose the mode and set ``QT_QPA_PLATFORM`` in ``environ`` when it asks for a platform.

    Must run before the QApplication is created: Qt reads the variable only then.
    """
    mode = select_prompt_mode(environ)
    if mode.platform:
        environ["QT_QPA_PLATFORM"] = mode.platform
    return mode
