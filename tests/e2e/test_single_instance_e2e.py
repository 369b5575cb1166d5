"""Two HipBreak instances started at the same moment end as one: one icon, one process, one answer.

The single-instance server is a plain AF_UNIX socket (desktop_app/ipc.py); the claim is held
under ``ipc.owner_lock`` from the probe through the early icon to listening, so the second
launch waits, finds the first answering, asks it to show itself and exits 0 without an icon.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_embedded, wait_until
from tests.e2e.helpers import Desktop, desktop

pytestmark = [pytest.mark.e2e, pytest.mark.display]


def _icons(desk: Desktop) -> int:
    """HipBreak icon windows inside trayer's panel."""
    windows = desk.windows()
    count = 0
    for i, win in enumerate(windows):
        if win.name == "panel" and '"trayer"' in win.wm_class:
            for child in windows[i + 1:]:
                if child.depth <= win.depth:
                    break
                if '"hipbreak"' in child.wm_class and child.width > 1:
                    count += 1
    return count


@pytest.mark.parametrize("round_", range(3))
def test_two_launches_at_once_leave_one_instance(tmp_path: Path, round_: int) -> None:
    with desktop(tmp_path / f"d{round_}") as desk:
        first = desk.launch(log_name="first.log")
        second = desk.launch(log_name="second.log")
        wait_embedded(desk, timeout=30)
        deadline = time.monotonic() + 30
        while first.poll() is None and second.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        ended = [p for p in (first, second) if p.poll() is not None]
        assert len(ended) == 1, "exactly one of the two launches hands over and exits"
        assert ended[0].returncode == 0, (desk.workdir / "first.log").read_text() + (
            desk.workdir / "second.log").read_text()
        running = second if ended[0] is first else first
        time.sleep(1.0)  # an icon the loser showed would still be docked now
        assert _icons(desk) == 1
        assert running.poll() is None
        assert "state" in wait_until(desk.status, 10, "the running instance to answer")
        assert desk.run("quit").returncode == 0
        running.wait(timeout=15)
        assert running.returncode == 0
