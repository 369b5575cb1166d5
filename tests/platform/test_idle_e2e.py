"""End to end: ``hipbreak --demo`` under Xvfb notices a natural break from real X11 idle time.

In the demo, 5 real seconds without input are a 5-minute natural break (the
schedule clock runs 60x). With input stopped, status must say "away"; on the
next mouse move, sitting time must start again from zero.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import wait_until
from tests.e2e.helpers import desktop

pytestmark = pytest.mark.e2e


def test_demo_goes_away_without_input_and_restarts_sitting_on_mouse_move(tmp_path: Path) -> None:
    with desktop(tmp_path / "desk", with_tray=False, with_dunst=False) as desk:
        desk.env["XDG_SESSION_TYPE"] = "x11"
        desk.env.pop("XDG_CURRENT_DESKTOP", None)
        desk.jiggle()
        desk.launch("--demo")
        first = wait_until(desk.status, 30, "the demo app to answer", during=desk.jiggle)
        assert first["idle_backend"] == "x11", desk.log()

        def working_for(minutes: float) -> dict[str, Any] | None:
            status = desk.status()
            ok = status and status["state"] == "working" and status["sitting_seconds"] >= minutes * 60
            return status if ok else None

        # At work: a little input keeps idle near zero while sitting time grows (60x).
        seated = wait_until(lambda: working_for(2), 30, "sitting time to grow", during=desk.jiggle)
        # Hands off: after 5 real seconds (5 demo minutes) the user is away.
        away = wait_until(lambda: (s := desk.status()) and s["state"] == "away" and s, 40,
                          "status 'away' after input stopped", interval=0.5)
        assert away["sitting_seconds"] == 0
        desk.xdotool("mousemove", "400", "300")
        back = wait_until(lambda: (s := desk.status()) and s["state"] == "working" and s, 20,
                          "status 'working' after the mouse moved", interval=0.2)
        # Sitting restarted at 0: only the few demo seconds since the move, far below what it was.
        assert back["sitting_seconds"] < seated["sitting_seconds"]
        assert back["sitting_seconds"] < 3 * 60
