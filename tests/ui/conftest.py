"""Fixtures shared by the controller and tray tests: a started controller on real storage.

They were defined again in each test module that needs a controller; a module
that needs a different controller (other idle or do-not-disturb sources)
still defines its own ``ctl``, which takes precedence over this one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.platform.paths import AppPaths
from desktop_app.ui.bridge import AppBridge
from tests.support.app_parts import RecordingNotifier, close_controller, make_controller, profile_paths
from tests.support.fakeclock import FakeClock


@pytest.fixture
def paths(profile_dir: Path) -> AppPaths:
    """The app's folders inside the test's throwaway profile."""
    return profile_paths(profile_dir)


@pytest.fixture
def notifier() -> RecordingNotifier:
    """Records what would go to the notification daemon."""
    return RecordingNotifier()


@pytest.fixture
def ctl(qapp: Any, clock: FakeClock, paths: AppPaths, notifier: RecordingNotifier) -> Iterator[AppBridge]:
    """A started controller with no idle or do-not-disturb source; shut down after the test."""
    controller = make_controller(clock, paths, notifier=notifier)
    controller.start()
    yield controller
    close_controller(controller)
