"""Shared parts for the app, driver and tray tests: fakes for OS readings and a real app on real storage.

The controller is built from real pieces: the real BreakScheduler, a real
SQLite history and real state files in a temp profile. Only the OS readings
are stand-ins (idle time, do-not-disturb, the notification daemon), because
what is tested here is what the app *does* with a reading; the real backends
have their own tests and the e2e suite runs them for real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_app.app import compose
from desktop_app.core.settings import Settings
from desktop_app.platform.paths import AppPaths, resolve_paths
from desktop_app.storage.history import open_history
from desktop_app.ui.bridge import AppBridge
from tests.support.fakeclock import FakeClock


class ScaledFakeClock:
    """A FakeClock seen through a speed factor, like ScaledClock over the system clock in --demo."""

    def __init__(self, base: FakeClock, factor: float) -> None:
        self.base = base
        self.factor = factor
        self._m0, self._b0, self._w0 = base.monotonic(), base.boottime(), base.time()

    def monotonic(self) -> float:
        return self._m0 + (self.base.monotonic() - self._m0) * self.factor

    def boottime(self) -> float:
        return self._b0 + (self.base.boottime() - self._b0) * self.factor

    def time(self) -> float:
        return self._w0 + (self.base.time() - self._w0) * self.factor

    def now(self):  # type: ignore[no-untyped-def]
        from datetime import datetime

        return datetime.fromtimestamp(self.time(), self.base.tz)


class FakeIdle:
    """An idle reading the test sets (real seconds since the last input)."""

    name = "fake"
    supports_push = False

    def __init__(self, idle: float = 0.0) -> None:
        self.idle = idle
        self.reads = 0

    def idle_seconds(self) -> float:
        self.reads += 1
        return self.idle


class FakeDnd:
    """A do-not-disturb source whose answer the test sets; counts how often it is asked."""

    def __init__(self, reason: str | None = None) -> None:
        self.value = reason
        self.calls = 0

    def reason(self) -> str | None:
        self.calls += 1
        return self.value


class RecordingNotifier:
    """Records what would go to the notification daemon."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bool]] = []

    def notify(self, title: str, body: str, quiet: bool = False) -> bool:
        self.sent.append((title, body, quiet))
        return True


def make_controller(clock: Any, paths: AppPaths, *, idle: Any = None, dnd: Any = None,
                    notifier: Any = None, settings: Settings | None = None, schedule_clock: Any = None,
                    history: Any = None, warnings: list[str] | None = None) -> AppBridge:
    """The app as ``app.compose`` wires it, on real storage in ``paths`` (not started yet).

    What is not given gets the Null adapter the app would use.
    """
    store = history if history is not None else open_history(paths.history_file).store
    return compose(clock, schedule_clock or clock, settings or Settings(), paths, store, idle_monitor=idle,
                   dnd=dnd, notifier=notifier, warnings=warnings)


def profile_paths(profile_dir: Path) -> AppPaths:
    """AppPaths inside the test's profile folder, with the folders made."""
    resolved = resolve_paths({"HIPBREAK_PROFILE_DIR": str(profile_dir)})
    for folder in (resolved.config_dir, resolved.data_dir, resolved.log_dir):
        folder.mkdir(parents=True, exist_ok=True)
    return resolved


def close_controller(controller: AppBridge) -> None:
    """Shut down and drop the windows a test may have opened."""
    controller.shutdown()
    controller.navigator.close_all()
