"""Start HipBreak at login: XDG autostart, the Windows Run key, a macOS LaunchAgent.

Why this shape: a tray app that doesn't start at login is forgotten within
days, yet an autostart entry is the user's file in the user's folder. So:

* each entry runs the command that is *really* installed (see
  :mod:`desktop_app.platform.install_kind`), never ``sys.argv[0]``;
* every entry carries a HipBreak mark (``X-HipBreak-Autostart=true`` in the
  .desktop file, ``HipBreakAutostart`` in the plist, the ``HipBreak`` value
  naming a hipbreak command in the Run key), and HipBreak refuses to change
  or delete an entry without it;
* the state is always read back from disk (or the registry), so the settings
  window shows what will really happen at the next login;
* enabling twice is the same as enabling once.

One module per backend (``xdg``, ``flatpak``, ``windows``, ``macos``, ``null``,
like ``platform/idle``), the ``Exec=`` line in ``desktop_entry``, the choice of
backend in ``selection`` and the command line in ``cli``; this package face
hands the names on. Every OS specific sits behind :class:`AutostartBackend`; the backend is picked
by :func:`select_backend` from arguments (platform, home, environment), so
the Windows and macOS paths run in tests here against a fake registry and
temporary folders. Failures raise :class:`AutostartError` whose text is a
plain sentence for the user.

The settings window uses the module functions :func:`supported`,
:func:`is_enabled`, :func:`enable` and :func:`disable`; the CLI uses
:func:`main` (``hipbreak autostart on|off|status``).
"""

from __future__ import annotations

from desktop_app.platform.autostart.base import (
    DESKTOP_FILE,
    PLIST_MARK,
    RUN_KEY_PATH,
    RUN_VALUE,
    XDG_MARK,
    AutostartBackend,
    AutostartError,
    AutostartState,
)
from desktop_app.platform.autostart.cli import main
from desktop_app.platform.autostart.desktop_entry import autostart_desktop_entry, exec_quote, exec_split
from desktop_app.platform.autostart.flatpak import FlatpakPortalAutostart, PortalRequest, gdbus_background_request
from desktop_app.platform.autostart.macos import LaunchAgentAutostart, launch_agent_plist
from desktop_app.platform.autostart.null import NullAutostart
from desktop_app.platform.autostart.selection import (
    describe,
    disable,
    enable,
    is_enabled,
    select_backend,
    status,
    supported,
)
from desktop_app.platform.autostart.windows import (
    RunKey,
    WindowsRunAutostart,
    WinregRunKey,
    windows_command_line,
    windows_split,
)
from desktop_app.platform.autostart.xdg import XdgAutostart

__all__ = [
    "DESKTOP_FILE",
    "PLIST_MARK",
    "RUN_KEY_PATH",
    "RUN_VALUE",
    "XDG_MARK",
    "AutostartBackend",
    "AutostartError",
    "AutostartState",
    "FlatpakPortalAutostart",
    "LaunchAgentAutostart",
    "NullAutostart",
    "PortalRequest",
    "RunKey",
    "WindowsRunAutostart",
    "WinregRunKey",
    "XdgAutostart",
    "autostart_desktop_entry",
    "describe",
    "disable",
    "enable",
    "exec_quote",
    "exec_split",
    "gdbus_background_request",
    "is_enabled",
    "launch_agent_plist",
    "main",
    "select_backend",
    "status",
    "supported",
    "windows_command_line",
    "windows_split",
]
