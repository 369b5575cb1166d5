"""Lock and suspend sources against fake screensavers and a fake logind on a private bus."""

from __future__ import annotations

from typing import Any

from desktop_app.platform.session import SessionWatcher
from tests.platform.fake_services.harness import FakeServices, fake_services


def _record(watcher: SessionWatcher) -> list[str]:
    events: list[str] = []
    watcher.locked_changed.connect(lambda locked: events.append("locked" if locked else "unlocked"))
    watcher.suspending.connect(lambda: events.append("suspending"))
    watcher.resumed.connect(lambda: events.append("resumed"))
    return events


def _send_and_expect(fake: FakeServices, qtbot: Any, events: list[str], steps: list[tuple[str, str]]) -> None:
    """Send each command to the fake service; after each, ``events`` must be exactly the events
    expected so far (one per command, in order: a duplicate or a missing one fails)."""
    expected: list[str] = []
    for command, event in steps:
        fake.send(command)
        expected.append(event)
        qtbot.waitUntil(lambda: events == expected, timeout=10_000)


def test_freedesktop_active_changed_true_then_false(bus: Any, private_bus: str, qtbot: Any) -> None:
    with fake_services(private_bus, "screensaver") as fake:
        watcher = SessionWatcher(bus, None, environ={})
        events = _record(watcher)
        assert "lock: org.freedesktop.ScreenSaver" in watcher.report()
        fake.send("lock")
        qtbot.waitUntil(lambda: events == ["locked"], timeout=10_000)
        assert watcher.locked
        fake.send("unlock")
        # kscreenlocker emits on two paths; each change still arrives exactly once.
        qtbot.waitUntil(lambda: events == ["locked", "unlocked"], timeout=10_000)
        assert not watcher.locked


def test_gnome_screensaver_lock(bus: Any, private_bus: str, qtbot: Any) -> None:
    with fake_services(private_bus, "gnome-screensaver") as fake:
        watcher = SessionWatcher(bus, None, environ={})
        events = _record(watcher)
        _send_and_expect(fake, qtbot, events, [("gnome_lock", "locked"), ("gnome_unlock", "unlocked")])


def test_logind_prepare_for_sleep_true_then_false(bus: Any, private_bus: str, qtbot: Any) -> None:
    with fake_services(private_bus, "logind") as fake:
        watcher = SessionWatcher(None, bus, environ={"XDG_SESSION_ID": "31"})
        events = _record(watcher)
        fake.wait_line("call GetSession 31")
        assert watcher.session_path == "/org/freedesktop/login1/session/_31"
        assert "suspend: logind PrepareForSleep" in watcher.report()
        _send_and_expect(fake, qtbot, events, [("sleep", "suspending"), ("wake", "resumed")])


def test_logind_session_lock_and_unlock(bus: Any, private_bus: str, qtbot: Any) -> None:
    with fake_services(private_bus, "logind") as fake:
        watcher = SessionWatcher(None, bus, environ={})
        events = _record(watcher)
        fake.wait_line("call GetSession auto")
        _send_and_expect(fake, qtbot, events, [("session_lock", "locked"), ("session_unlock", "unlocked")])


def test_locker_leaving_while_locked_unlocks_and_a_new_one_is_followed(bus: Any, private_bus: str,
                                                                      qtbot: Any) -> None:
    with fake_services(private_bus, "screensaver") as fake:
        watcher = SessionWatcher(bus, None, environ={})
        events = _record(watcher)
        fake.send("lock")
        qtbot.waitUntil(lambda: events == ["locked"], timeout=10_000)
    # The locker left the bus mid-session: no crash, and the user is not stuck "away".
    qtbot.waitUntil(lambda: events == ["locked", "unlocked"], timeout=10_000)
    with fake_services(private_bus, "screensaver") as fake:
        fake.send("lock")
        qtbot.waitUntil(lambda: events == ["locked", "unlocked", "locked"], timeout=10_000)


def test_nothing_on_the_bus_reports_plainly(bus: Any) -> None:
    watcher = SessionWatcher(bus, bus, environ={})
    report = watcher.report()
    assert "lock: none found" in report
    assert "suspend is noticed from clock jumps only" in report
    assert all(not source.present for source in watcher.sources())
