"""Nothing clipped at 200 % scaling (QT_SCALE_FACTOR=2) or with large fonts (QT_FONT_DPI=144,
fonts half as big again): each window on a real X server, its labels checked for the room their
text needs, and a screenshot to look at (written to the test's tmp folder)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.a11y.conftest import ROOT
from tests.support.desktop import desktop_env, need, xvfb
from tests.support.screenshots import picture_info, shoot_window, window_child

WINDOWS = ("prompt", "player", "settings", "status", "chooser", "stats")
SCALES = {
    "200-percent": {"QT_SCALE_FACTOR": "2"},
    "large-fonts": {"QT_FONT_DPI": "144"},
}


@pytest.mark.display
@pytest.mark.a11y
@pytest.mark.parametrize("scale", SCALES)
def test_no_window_is_clipped_when_scaled(scale: str, tmp_path: Path) -> None:
    need("import")
    shots = Path(str(tmp_path)) / "shots"
    with xvfb("2560x1600x24") as display:
        env = desktop_env(display, QT_LOGGING_RULES="qt.multimedia.*=false;qt.qpa.*=false", **SCALES[scale])
        problems = []
        for window in WINDOWS:
            folder = tmp_path / window
            folder.mkdir()
            args = [sys.executable, "-m", "tests.a11y.show_window", window, str(folder)]
            with window_child(args, env, ROOT) as child:
                assert child.stdout is not None and child.stdin is not None
                assert child.stdout.readline().strip() == "shown"
                if window == "player":
                    child.stdin.write("segment 1 4\n")
                    child.stdin.flush()
                    assert child.stdout.readline().strip() == "ok"
                time.sleep(0.6)  # let it paint
                child.stdin.write("geometry\n")
                child.stdin.flush()
                geometry, fits = child.stdout.readline().split()
                size, x, y = geometry.split("+")[0], int(geometry.split("+")[1]), int(geometry.split("+")[2])
                width, height = (int(v) for v in size.split("x"))
                # the whole window is on the 2560x1600 screen
                if x < 0 or y < 0 or x + width > 2560 or y + height > 1600:
                    problems.append(f"{window}: {geometry} is off the screen")
                if fits != "fits=True":
                    problems.append(f"{window}: a label is cut off (see stderr)")
                shot = shoot_window(display, geometry, shots / f"{scale}-{window}.png")
                assert picture_info(shot).colours > 20, f"{shot} is blank"
                child.stdin.write("quit\n")
                child.stdin.flush()
                child.wait(timeout=30)
        assert not problems, problems


def test_the_clipping_check_sees_a_cut_off_label(qapp: object) -> None:
    """The check above must be able to fail: a label squeezed below its text's height is caught."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    from tests.a11y.show_window import _fits

    window = QWidget()
    label = QLabel("A sentence long enough to need several lines when the window is narrow. " * 3, window)
    label.setWordWrap(True)
    QVBoxLayout(window).addWidget(label)
    window.resize(400, 300)
    window.show()
    assert _fits(window)
    window.setFixedSize(120, 40)  # far too small for the wrapped text
    assert not _fits(window)
    window.close()
