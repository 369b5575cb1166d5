"""The tray tooltip's words (``tray_status_line``): true at every reading until the stage changes.

Pure Python: the scheduler on a FakeClock, no Qt. Each test reads the text, lets time pass
within the stage and reads it again: it must not have changed, and it must name the right
moments (issue 13: an SNI panel caches the tooltip, so it is pushed only when it changes).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desktop_app import i18n
from desktop_app.application.status_text import status_line, tray_status_line
from desktop_app.core.schedule import BreakScheduler, Stage
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """English words and the 24-hour clock (C locale), whatever the machine says."""
    for var in (*i18n.LOCALE_VARIABLES, "LC_TIME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _scheduler(clock: FakeClock, **settings: Any) -> BreakScheduler:
    return BreakScheduler(clock, Settings(**settings), None)


def _tip(s: BreakScheduler, clock: FakeClock) -> str:
    return tray_status_line(s.status(), clock.now())


def test_working_names_when_sitting_began_and_when_the_break_comes() -> None:
    clock = FakeClock()  # Monday 09:00 UTC
    clock.advance(12 * 60 + 30)
    s = _scheduler(clock)
    s.on_activity()
    s.update()
    first = _tip(s, clock)
    assert first == "Sitting since 09:12 · break at 10:12"
    for _minute in range(58):  # the whole stretch: the words never change
        clock.advance(60)
        s.update()
        assert s.status().stage is Stage.WORKING
        assert _tip(s, clock) == first
    # the menu's line counts meanwhile (it is refreshed while it shows)
    assert status_line(s.status(), clock.now()) == "Sitting 58 min · break in 2 min"


def test_due_snoozed_skipped_and_paused_each_say_their_moment() -> None:
    clock = FakeClock()
    s = _scheduler(clock)
    clock.minutes(60)
    s.update()
    assert s.status().stage is Stage.DUE
    due = _tip(s, clock)
    assert due == "Time for a break · sitting since 09:00"
    clock.minutes(3)
    s.update()
    assert _tip(s, clock) == due  # unchanged while the prompt waits
    s.snooze(10)
    assert _tip(s, clock) == "Snoozed until 10:13"
    clock.minutes(4)
    assert _tip(s, clock) == "Snoozed until 10:13"
    clock.minutes(6)
    s.update()
    assert s.status().stage is Stage.DUE
    s.skip()  # the next prompt is an interval away; sitting time keeps counting
    assert _tip(s, clock) == "Sitting since 09:00 · break at 11:13"
    s.pause(30)
    assert _tip(s, clock) == "Paused until 10:43"
    clock.minutes(29)
    s.update()
    assert _tip(s, clock) == "Paused until 10:43"
    clock.minutes(1)
    s.update()
    assert _tip(s, clock) == "Sitting since 09:00 · break at 11:13"
    clock.minutes(6)  # a natural break: 6 minutes without input, then back at 10:49
    s.on_idle(6 * 60)
    assert _tip(s, clock) == "Away (no input)"
    s.on_activity()
    assert _tip(s, clock) == "Sitting since 10:49 · break at 11:49"


def test_stages_without_a_count_read_as_the_menu_line() -> None:
    clock = FakeClock()
    s = _scheduler(clock)
    s.set_standing(True)
    assert _tip(s, clock) == status_line(s.status(), clock.now())
    assert _tip(s, clock).startswith("Standing")
    s.set_standing(False)
    clock.minutes(6)
    s.on_idle(6 * 60)  # past the natural break: away
    assert s.status().stage is Stage.AWAY
    assert _tip(s, clock) == status_line(s.status(), clock.now()) == "Away (no input)"


def test_a_time_on_another_day_names_the_day() -> None:
    tz = ZoneInfo("Europe/Berlin")
    clock = FakeClock(datetime(2026, 11, 23, 23, 40, tzinfo=tz), tz=tz)  # Monday 23:40
    s = _scheduler(clock)
    assert _tip(s, clock) == "Sitting since 23:40 · next break tomorrow 00:40"
    later = tray_status_line(s.status(), clock.now() + timedelta(minutes=21))  # read after midnight
    assert later == "Sitting since Mon 23:40 · break at 00:40"


def test_the_clock_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    clock.advance(5 * 3600 + 5 * 60)  # Monday 14:05
    s = _scheduler(clock)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    i18n.set_language("system")
    assert _tip(s, clock) == "Sitting since 2:05 PM · break at 3:05 PM"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    i18n.set_language("system")
    assert _tip(s, clock) == "Du sitzt seit 14:05 · Pause um 15:05"
