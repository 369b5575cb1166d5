"""Flatpak: the Background portal asks the desktop to start the app at login (the sandbox cannot write the entry)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from desktop_app.i18n import _
from desktop_app.platform.autostart.base import XDG_MARK, AutostartBackend, AutostartError, AutostartState
from desktop_app.platform.autostart.desktop_entry import _desktop_entry_state, _read_our_entry

PortalRequest = Callable[[bool, Sequence[str]], None]


def gdbus_background_request(autostart: bool, commandline: Sequence[str]) -> None:
    """Ask ``org.freedesktop.portal.Background`` to (un)register autostart, with the gdbus tool.

    Why gdbus and not QtDBus: it keeps this module free of Qt (the CLI uses it)
    and the a{sv} options are spelled plainly in GVariant text. The portal
    answers later (the desktop may ask the user first); the request is sent here.
    """
    gdbus = shutil.which("gdbus")
    if gdbus is None:
        raise AutostartError(
            _("The gdbus tool is missing, so the desktop cannot be asked to start HipBreak.")
        )
    args = ", ".join("'" + a.replace("\\", "\\\\").replace("'", "\\'") + "'" for a in commandline)
    reason = _("Start HipBreak at login so it can remind you to take breaks.").replace("'", "\\'")
    options = (
        f"{{'reason': <'{reason}'>, 'autostart': <{'true' if autostart else 'false'}>, "
        f"'commandline': <[{args}]>, 'dbus-activatable': <false>}}"
    )
    cmd = [
        gdbus, "call", "--session", "--dest", "org.freedesktop.portal.Desktop",
        "--object-path", "/org/freedesktop/portal/desktop",
        "--method", "org.freedesktop.portal.Background.RequestBackground", "''", options,
    ]  # fmt: skip
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AutostartError(
            _("The desktop's background portal did not answer ({error}).").format(error=exc)
        ) from exc
    if result.returncode != 0:
        if "ServiceUnknown" in result.stderr or "NameHasNoOwner" in result.stderr:
            raise AutostartError(
                _("The desktop offers no background portal (xdg-desktop-portal is not running).")
            )
        error = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["?"]
        raise AutostartError(_("The desktop's background portal refused: {error}").format(error=error[0]))


class FlatpakPortalAutostart(AutostartBackend):
    """Inside Flatpak: the Background portal writes ``~/.config/autostart/<app id>.desktop`` on the host.

    The state is read from that file, which the manifest makes visible with
    ``--filesystem=xdg-config/autostart:ro``. The portal marks it ``X-Flatpak=<app id>``.
    """

    name = "flatpak-portal"

    def __init__(self, host_autostart_dir: Path, app_id: str, request: PortalRequest) -> None:
        self.path = host_autostart_dir / f"{app_id}.desktop"
        self.app_id = app_id
        self.request = request

    def _is_ours(self, entry: Mapping[str, str]) -> bool:
        return entry.get("X-Flatpak", "") == self.app_id or entry.get(XDG_MARK, "").lower() == "true"

    def state(self) -> AutostartState:
        return _desktop_entry_state(self.path, self._is_ours, check_program=False)

    def enable(self) -> None:
        self.request(True, ["hipbreak"])

    def disable(self) -> None:
        _read_our_entry(self.path, self._is_ours)
        self.request(False, ["hipbreak"])

