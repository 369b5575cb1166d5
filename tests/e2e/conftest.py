"""End-to-end fixtures: a real little desktop per test module and the installed ``hipbreak``.

Every e2e test runs the command a user runs (``.venv/bin/hipbreak``, put
first on PATH), under Xvfb with openbox, trayer as the XEmbed tray host and
dunst as the notification daemon on a private D-Bus session bus.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import Desktop, XWindow, desktop
from tests.support.desktop import wait_for


def write_settings(profile: Path, **values: Any) -> None:
    """A settings file in the test profile, as the settings window would save it."""
    folder = profile / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(json.dumps({"version": 2, **values}), encoding="utf-8")


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.1, during: Any = None) -> Any:
    """Poll ``predicate`` until truthy (calling ``during()`` between polls); fail naming ``what``.

    The support ``wait_for`` does the polling; this adds ``during`` (e.g. a mouse
    jiggle that keeps the session active) before every poll but the first.
    """
    if during is None:
        return wait_for(predicate, timeout=timeout, interval=interval, what=what)
    polls = 0

    def poll() -> Any:
        nonlocal polls
        if polls:
            during()
        polls += 1
        return predicate()

    return wait_for(poll, timeout=timeout, interval=interval, what=what)


def wait_embedded(desk: Desktop, timeout: float = 20) -> XWindow:
    """Until the app's icon sits in trayer, then the ~500 ms a fresh tray icon needs before clicks."""
    icon: XWindow = wait_until(desk.tray_icon, timeout, "the tray icon to be embedded in trayer", 0.05)
    time.sleep(0.6)
    return icon


@pytest.fixture(scope="module")
def module_desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    with desktop(tmp_path_factory.mktemp("e2e")) as desk:
        yield desk
