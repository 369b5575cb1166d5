"""Screenshots of the statistics window on a synthetic four-month history, from a real Xvfb.

As for the settings window, the window runs in a child process (this file as
a script) drawn by the xcb plugin, and is grabbed with ImageMagick after each
step. The history is the benchmark's deterministic generator ending on a fixed
day, with a fake clock, so the pictures are the same on every run. Set
``HIPBREAK_SCREENSHOT_DIR`` (e.g. ``docs/screenshots``) to keep them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.desktop import need  # noqa: E402
from tests.support.screenshots import obey_steps, picture_info, shoot_child_on_xvfb, shots_dir  # noqa: E402

SHOTS = ("today", "charts", "consistency", "self-check")


def _child(folder: Path) -> int:
    """Build the history, show the window, obey "tab N" / "hover" / "quit" from stdin."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QToolTip

    from desktop_app.core.stats import LiveStretch
    from desktop_app.ui.stats_window import StatsWindow
    from tests.support.fakeclock import FakeClock

    spec = importlib.util.spec_from_file_location("make_history", ROOT / "bench" / "make_history.py")
    assert spec is not None and spec.loader is not None
    make_history = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_history)

    tz = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 25, 15, 10, tzinfo=tz)
    events = make_history.synthetic_events(120, now.date() - timedelta(days=1), tz, seed=7)
    store = make_history.write_history(folder / "history.sqlite3", events)
    store.append(make_history.synthetic_events(1, now.date(), tz, seed=8)[:40])  # this morning

    app = QApplication(sys.argv[:1])
    for effect in (Qt.UIEffect.UI_AnimateTooltip, Qt.UIEffect.UI_FadeTooltip):
        QApplication.setEffectEnabled(effect, False)  # no window fade: a grab sees the finished tooltip
    clock = FakeClock(now, tz=tz)
    live = LiveStretch(now.timestamp() - 35 * 60, now.timestamp())
    window = StatsWindow(store, clock, live)

    def hover_a_month_bar(_args: list[str]) -> None:
        window.tabs.setCurrentIndex(1)
        chart = window.month_chart
        for _i in range(5):
            app.processEvents()
        QTest.mouseMove(chart, chart.slot_center(10).toPoint())
        QTest.qWait(800)  # let the tooltip window map and paint before the grab

    window.show()
    obey_steps(window, {"tab": lambda args: window.tabs.setCurrentIndex(int(args[0])), "hover": hover_a_month_bar})
    # tear down in order (tooltip, window, then the app) so Python's exit frees nothing Qt still owns
    QToolTip.hideText()
    window.close()
    window.deleteLater()
    QTest.qWait(50)
    store.close()
    app.shutdown()
    return 0


@pytest.mark.display
def test_screenshots_of_the_statistics_window(tmp_path: Path) -> None:
    need("Xvfb")
    folder = tmp_path / "child"
    folder.mkdir()
    steps = [(f"tab {i}", f"stats-{name}.png") for i, name in enumerate(SHOTS)]
    steps.insert(2, ("hover", "stats-charts-hover.png"))
    # the screen cropped to the window, so the hover tooltip is in the picture
    shots = shoot_child_on_xvfb([sys.executable, __file__, "child", str(folder)], steps, shots_dir(tmp_path / "shots"),
                                "the window", HIPBREAK_PROFILE_DIR=str(tmp_path / "profile"), LANGUAGE="en")
    for path in shots:
        picture = picture_info(path)
        assert picture.colours > 8, f"{path.name} looks blank"
        assert picture.width >= 500 and picture.height >= 400


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "child":
    sys.exit(_child(Path(sys.argv[2])))
