"""Routines with sound cues on a real PulseAudio server, while commands keep arriving.

Found by the soak: with a sound server running, playing routines (sound cues
on) while ``hipbreak status`` is asked every half second made the app print
``QSocketNotifier: Socket notifiers cannot be enabled or disabled from another
thread`` and then ``QSocketNotifier: Invalid socket N and type 'Read',
disabling...`` in a tight loop: about 40 MB of output a second, and the
socket stopped answering. With sound cues muted, or with no sound server, it
did not happen. This test keeps that scenario: a few routines, each started
after a prompt and closed early with Escape, with status requests running
alongside.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.soak.conftest import BENCH  # noqa: F401 - puts bench/ on sys.path

pytestmark = [pytest.mark.soak, pytest.mark.e2e, pytest.mark.display]

#: Output beyond this is a runaway warning loop, not logging.
FLOOD_BYTES = 200_000
ROUNDS = 6


@pytest.mark.timeout(600)
def test_sound_cues_while_commands_arrive_do_not_make_the_app_spin(tmp_path: Path) -> None:
    import shutil

    from measure import bench_desktop, cli, launch_app

    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed (scripts/test installs it)")
    with bench_desktop(tmp_path, sound=True) as desk:
        app = launch_app(desk, tmp_path / "profile", ["--demo"], tag="app")
        assert app.embed_seconds is not None, desk.log("app.log")
        assert app.log is not None
        stop = threading.Event()
        unanswered: list[str] = []

        def keep_asking() -> None:
            while not stop.is_set():
                result = cli(desk, app.env, "status", "--json", timeout=30)
                if result.returncode != 0:
                    unanswered.append(result.stderr.strip())
                time.sleep(0.5)

        asker = threading.Thread(target=keep_asking, daemon=True)
        asker.start()
        try:
            for _round in range(ROUNDS):
                cli(desk, app.env, "break-now")
                time.sleep(1)
                assert cli(desk, app.env, "routine").returncode == 0
                for _second in range(10):
                    time.sleep(1)
                    size = app.log.stat().st_size
                    assert size < FLOOD_BYTES, (
                        f"the app's output runs away ({size} bytes); it starts:\n"
                        + app.log.read_text(errors="replace")[:1500])
                found = desk.tool(["xdotool", "search", "--onlyvisible", "--name", "^HipBreak: "]).stdout.split()
                if found:
                    desk.tool(["xdotool", "windowactivate", "--sync", found[0]])
                    desk.tool(["xdotool", "key", "--clearmodifiers", "Escape"])
                time.sleep(1)
                assert app.proc.poll() is None, desk.log("app.log")
        finally:
            stop.set()
            asker.join(timeout=60)
            if app.proc.poll() is None and app.log.stat().st_size >= FLOOD_BYTES:
                app.proc.kill()
        assert unanswered == [], unanswered[:5]
        assert cli(desk, app.env, "quit").returncode == 0
        assert app.proc.wait(timeout=30) == 0
