"""``hipbreak autostart on|off|status``: the command line over whichever backend applies."""

from __future__ import annotations

import sys

from desktop_app.i18n import _
from desktop_app.platform.autostart.base import AutostartBackend, AutostartError
from desktop_app.platform.autostart.flatpak import FlatpakPortalAutostart
from desktop_app.platform.autostart.selection import describe, select_backend


def main(action: str, backend: AutostartBackend | None = None) -> int:
    """``hipbreak autostart on|off|status``: print the outcome; exit code 0 ok, 1 failed, 2 usage."""
    chosen = select_backend() if backend is None else backend
    try:
        if action == "on":
            chosen.enable()
            if isinstance(chosen, FlatpakPortalAutostart):
                print(_("Asked the desktop to start HipBreak at login; it may ask you to confirm."))
                return 0
        elif action == "off":
            chosen.disable()
        elif action != "status":
            print(
                _("Unknown autostart action {action!r}; use on, off or status.").format(action=action),
                file=sys.stderr,
            )
            return 2
        print(describe(chosen.state(), chosen), end="")
    except AutostartError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if action == "on" and not chosen.state().enabled:
        return 1
    return 0

