"""The X11 idle backend against a real Xvfb server, with xdotool as the user."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest

from desktop_app.platform.idle import IdleUnavailable
from desktop_app.platform.idle.x11 import X11IdleMonitor
from tests.support.desktop import desktop_env, need, xvfb

pytestmark = pytest.mark.display


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    with xvfb() as name:
        yield name


def _xdotool(display: str, *args: str) -> None:
    subprocess.run([need("xdotool"), *args], env=desktop_env(display), check=True, timeout=10)


def test_idle_grows_without_input_and_drops_after_mouse_and_key(display: str) -> None:
    monitor = X11IdleMonitor(display)
    try:
        _xdotool(display, "mousemove", "10", "10")
        first = monitor.idle_seconds()
        time.sleep(1.2)
        later = monitor.idle_seconds()
        assert later >= first + 1.0  # grows in real time with no input
        _xdotool(display, "mousemove", "200", "150")
        after_mouse = monitor.idle_seconds()
        assert after_mouse < min(later, 1.0)  # near 0 (allowing for a busy shared machine)
        time.sleep(1.2)
        before_key = monitor.idle_seconds()
        assert before_key >= 1.2
        _xdotool(display, "key", "shift")
        assert monitor.idle_seconds() < min(before_key, 1.0)
    finally:
        monitor.close()


def test_unreachable_display_is_reported_plainly() -> None:
    with pytest.raises(IdleUnavailable, match="cannot open the X display :987"):
        X11IdleMonitor(":987")
