"""The Null idle backend: no idle data at all.

HipBreak still works with it: sitting time then only stops for screen lock and
suspend, and a natural break cannot be detected. The reason is kept so the
tray's About box and ``hipbreak doctor`` can say plainly why.
"""

from __future__ import annotations

from desktop_app.platform.idle import IdleMonitor, IdleUnavailable


class NullIdleMonitor(IdleMonitor):
    """Always unavailable; ``reason`` says why in plain words."""

    name = "none"
    supports_push = False

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def idle_seconds(self) -> float:
        raise IdleUnavailable(self.reason)
