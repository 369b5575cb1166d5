"""No autostart: where HipBreak does not know how to start at login."""

from __future__ import annotations

from desktop_app.platform.autostart.base import AutostartBackend, AutostartError, AutostartState


class NullAutostart(AutostartBackend):
    """Where HipBreak does not know how to start at login."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def supported(self) -> bool:
        return False

    def state(self) -> AutostartState:
        return AutostartState(False, "", problem=self.reason)

    def enable(self) -> None:
        raise AutostartError(self.reason)

    def disable(self) -> None:
        return

