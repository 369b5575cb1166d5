"""The statistics window's Program tab on a real SQLite history: the week, the days, the self-check by week.

Also a screenshot of the tab from a real Xvfb (child process, as the other statistics screenshots).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop_app.core import events as ev  # noqa: E402
from desktop_app.core.events import Event  # noqa: E402
from desktop_app.storage.history import History, open_history  # noqa: E402
from tests.support.desktop import need  # noqa: E402
from tests.support.fakeclock import FakeClock  # noqa: E402
from tests.support.screenshots import obey_steps, picture_info, shoot_child_on_xvfb, shots_dir  # noqa: E402

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)


def program_history(store: History) -> None:
    """Week 1 done (Mon..Fri two weeks ago), three days into week 2, self-checks in both weeks."""
    start = (NOW - timedelta(days=16)).replace(hour=18)
    days = [start + timedelta(days=d) for d in (0, 1, 2, 3, 4, 8, 9, 10)]
    store.append([Event(ev.ROUTINE_COMPLETED, d.timestamp(),
                        {"routine_id": "program-week-01", "seconds": 160.0, "exercises": 4}) for d in days])
    store.append([Event(ev.ROUTINE_COMPLETED, (NOW - timedelta(days=1)).timestamp(),
                        {"routine_id": "desk-break", "seconds": 118.0, "exercises": 3})])  # too short: no day
    store.append([Event(ev.SELF_CHECK, (start + timedelta(hours=1)).timestamp(), {"result": "no_room"}),
                  Event(ev.SELF_CHECK, (start + timedelta(days=9, hours=1)).timestamp(), {"result": "half_hand"})])


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    opened = open_history(tmp_path / "history.sqlite3")
    assert isinstance(opened.store, History)
    program_history(opened.store)
    yield opened.store
    opened.store.close()


def test_the_program_tab_shows_the_week_the_days_and_the_self_checks(qtbot: Any, history: History) -> None:
    from desktop_app.ui.stats_window import StatsWindow

    window = StatsWindow(history, FakeClock(NOW))
    qtbot.addWidget(window)
    section = window.program_section
    assert window.tabs.tabText(window.tabs.indexOf(section)) == "Program"
    assert section.headline.text() == "Program week 2 of 12"
    assert (section.week_bar.value(), section.week_bar.maximum()) == (3, 5)
    assert "3 of 5 days practised this week" in section.week_label.text()
    assert "8 days practised in all" in section.overall_label.text()
    assert section.focus.text().startswith("This week: The same easy start")
    text = section.self_checks.text()
    assert "week 1: No room · week 2: Half hand" in text
    assert "Different from week 1." in text
    for word in ("better", "worse", "improv", "cure"):
        assert word not in text.lower()


def test_the_tab_follows_a_new_self_check(qtbot: Any, history: History) -> None:
    from desktop_app.ui.stats_window import StatsWindow

    window = StatsWindow(history, FakeClock(NOW))
    qtbot.addWidget(window)
    assert window.record_self_check("half_hand")
    assert "week 2: Half hand" in window.program_section.self_checks.text()


def test_an_empty_history_is_week_one(qtbot: Any, tmp_path: Path) -> None:
    from desktop_app.ui.stats_window import StatsWindow

    opened = open_history(tmp_path / "empty.sqlite3")
    window = StatsWindow(opened.store, FakeClock(NOW))
    qtbot.addWidget(window)
    assert window.program_section.headline.text() == "Program week 1 of 12"
    assert "No self-checks yet" in window.program_section.self_checks.text()
    opened.store.close()


def _child(folder: Path) -> int:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.stats_window import StatsWindow

    store = open_history(folder / "history.sqlite3").store
    assert isinstance(store, History)
    program_history(store)
    app = QApplication(sys.argv[:1])
    window = StatsWindow(store, FakeClock(NOW))
    window.show()
    obey_steps(window, {"program": lambda _a: window.tabs.setCurrentWidget(window.program_section)})
    window.close()
    window.deleteLater()
    QTest.qWait(50)
    store.close()
    app.shutdown()
    return 0


@pytest.mark.display
def test_screenshot_of_the_program_tab(tmp_path: Path) -> None:
    need("Xvfb")
    folder = tmp_path / "child"
    folder.mkdir()
    shots = shoot_child_on_xvfb([sys.executable, __file__, "child", str(folder)], [("program", "stats-program.png")],
                                shots_dir(tmp_path / "shots"), "the window",
                                HIPBREAK_PROFILE_DIR=str(tmp_path / "profile"), LANGUAGE="en")
    picture = picture_info(shots[0])
    assert picture.colours > 8 and picture.width >= 500 and picture.height >= 400


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "child":
    sys.exit(_child(Path(sys.argv[2])))
