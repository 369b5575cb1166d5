"""Which backend applies here, and the module-level API the settings window uses."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from desktop_app.i18n import _
from desktop_app.platform.autostart.base import AutostartBackend, AutostartState
from desktop_app.platform.autostart.flatpak import FlatpakPortalAutostart, PortalRequest, gdbus_background_request
from desktop_app.platform.autostart.macos import LaunchAgentAutostart
from desktop_app.platform.autostart.null import NullAutostart
from desktop_app.platform.autostart.windows import RunKey, WindowsRunAutostart, WinregRunKey
from desktop_app.platform.autostart.xdg import XdgAutostart
from desktop_app.platform.install_kind import FLATPAK, Installation, detect_installation


def select_backend(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    home: Path | None = None,
    installation: Installation | None = None,
    run_key: RunKey | None = None,
    portal_request: PortalRequest | None = None,
) -> AutostartBackend:
    """The autostart backend for this system (every input can be given for tests)."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    home_dir = Path(env.get("HOME") or Path.home()) if home is None else home
    install = detect_installation(env) if installation is None else installation
    if plat.startswith("win"):
        if run_key is None:
            try:
                run_key = WinregRunKey()
            except ImportError:
                return NullAutostart(_("The Windows registry cannot be reached from this Python."))
        return WindowsRunAutostart(run_key, install)
    if plat == "darwin":
        return LaunchAgentAutostart(home_dir / "Library" / "LaunchAgents", install)
    if install.kind == FLATPAK:
        host_config = env.get("HOST_XDG_CONFIG_HOME") or str(home_dir / ".config")
        app_id = install.command[-1]
        return FlatpakPortalAutostart(
            Path(host_config) / "autostart", app_id, portal_request or gdbus_background_request
        )
    config = env.get("XDG_CONFIG_HOME") or ""
    config_home = Path(config) if os.path.isabs(config) else home_dir / ".config"
    return XdgAutostart(config_home / "autostart", install)


def supported() -> bool:
    """Whether HipBreak can start itself at login on this system."""
    return select_backend().supported()


def status() -> AutostartState:
    """The real autostart state, read from disk now."""
    return select_backend().state()


def is_enabled() -> bool:
    """Whether HipBreak's autostart entry exists and is switched on (read from disk)."""
    return select_backend().state().enabled


def enable() -> None:
    """Start HipBreak at login from now on. Raises :class:`AutostartError` with a plain message."""
    select_backend().enable()


def disable() -> None:
    """Stop starting HipBreak at login. Raises :class:`AutostartError` with a plain message."""
    select_backend().disable()


def describe(state: AutostartState, backend: AutostartBackend) -> str:
    """``state`` in plain words, for ``hipbreak autostart status``."""
    out = io.StringIO()
    if not backend.supported():
        out.write(_("Autostart is not available here: {reason}").format(reason=state.problem or "") + "\n")
        return out.getvalue()
    if state.enabled:
        out.write(_("Autostart is on.") + "\n")
    else:
        out.write(_("Autostart is off.") + "\n")
    out.write(_("Entry: {location}").format(location=state.location) + "\n")
    if state.command:
        out.write(_("Runs: {command}").format(command=" ".join(state.command)) + "\n")
    if state.foreign:
        out.write(_("An entry there was not written by HipBreak; HipBreak leaves it alone.") + "\n")
    if state.problem:
        out.write(_("Warning: {problem}").format(problem=state.problem) + "\n")
    return out.getvalue()

