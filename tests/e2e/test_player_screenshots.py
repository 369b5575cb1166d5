"""Screenshots of the player window on a real X server (Xvfb), saved to a tmp folder
(scripts/refresh-screenshots keeps them in docs/screenshots).

Each state runs in a child process (this file, run as a script) that opens the
real PlayerWindow with the xcb platform plugin, moves a fake clock to the wanted
moment of a built-in routine, and reports where the window is. The parent then
captures the screen with ImageMagick's ``import -window root`` and crops it to
the window. Look at the pictures after a change: layout, clipping, contrast.

    python tests/e2e/test_player_screenshots.py STATE   (child; prints "READY x y w h")
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

#: name -> (routine id, segment index, seconds into it, window size, mode)
STATES: dict[str, tuple[str, int, float, tuple[int, int], str]] = {
    "get-ready": ("hip-flexor-reset", 0, 2.0, (500, 640), "full"),
    "hold-left": ("hip-flexor-reset", 1, 12.0, (500, 640), "full"),
    "switch-sides": ("hip-flexor-reset", 2, 1.0, (500, 640), "full"),
    "hold-right": ("hip-flexor-reset", 3, 12.0, (500, 640), "full"),
    "reps": ("desk-break", 1, 6.3, (500, 640), "full"),
    "finished": ("hip-flexor-reset", -1, 0.0, (500, 640), "full"),
    "compact": ("hip-flexor-reset", 1, 12.0, (500, 640), "compact"),
    "small": ("hip-flexor-reset", 5, 9.0, (360, 480), "full"),
    "large": ("hip-flexor-reset", 1, 12.0, (1200, 780), "full"),
}


def child(state: str) -> int:
    """Open the window at ``state`` and wait for the parent to take the picture."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.routine import builtin_routines_dir, load_routine
    from desktop_app.core.settings import Settings
    from desktop_app.ui.player_window import PlayerWindow
    from tests.support.fakeclock import FakeClock

    routine_id, index, into, (width, height), mode = STATES[state]
    app = QApplication([])
    clock = FakeClock()
    routine = load_routine(builtin_routines_dir() / f"{routine_id}.json", builtin=True)
    window = PlayerWindow(routine, Settings().replace(sound_enabled=False), clock)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    while window.player.state == "playing" and (index < 0 or window.player.index < index):
        deadline = window.player.next_deadline()
        assert deadline is not None
        clock.advance_to(deadline)
        window.tick()
    clock.advance(into)
    window.tick()
    target = window
    if mode == "compact":
        window.enter_compact()
        window.compact.move(0, 0)
        target = window.compact  # type: ignore[assignment]
    for _ in range(20):
        app.processEvents()
    geo = target.frameGeometry()
    print(f"READY {geo.x()} {geo.y()} {geo.width()} {geo.height()}", flush=True)
    sys.stdin.readline()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(child(sys.argv[1]))


import time  # noqa: E402

import pytest  # noqa: E402

from tests.support.desktop import desktop_env, need, xvfb  # noqa: E402
from tests.support.screenshots import picture_info, shoot_window, shots_dir, window_child  # noqa: E402


@pytest.mark.e2e
@pytest.mark.display
def test_player_screenshots(tmp_path: Path) -> None:
    need("import")
    shots = shots_dir(tmp_path)
    with xvfb("1280x800x24") as display:
        env = desktop_env(display, QT_LOGGING_RULES="qt.multimedia.*=false;qt.qpa.*=false")
        for state in STATES:
            with window_child([sys.executable, __file__, state], env, ROOT, stderr=subprocess.PIPE) as proc:
                assert proc.stdout is not None and proc.stdin is not None and proc.stderr is not None
                line = proc.stdout.readline()
                assert line.startswith("READY"), f"{state}: child said {line!r}, stderr: {proc.stderr.read()}"
                x, y, w, h = (int(v) for v in line.split()[1:])
                time.sleep(0.3)  # let the X server finish drawing
                out = shoot_window(display, f"{w}x{h}+{x}+{y}", shots / f"player-{state}.png")
                proc.stdin.write("\n")
                proc.stdin.flush()
                assert proc.wait(timeout=20) == 0
            assert out.stat().st_size > 2000, f"{out} looks empty"
            # A real picture has many colours; an all-black capture (window not mapped) has one.
            colours = picture_info(out).colours
            assert colours > 20, f"{out}: only {colours} colours"
