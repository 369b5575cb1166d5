"""Notifications delivered for real: a private D-Bus session bus with dunst on Xvfb.

Delivery is checked from the outside with ``dbus-monitor`` (the Notify call and
the daemon's reply) and by asking dunst what it displays, because a send that
"succeeds" without a daemon is exactly the failure this module exists to catch.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app import crash_guard
from desktop_app.platform.notify import Notifier, _gvariant_string
from tests.support.desktop import dbus_daemon, dbus_session, desktop_env, need, process, wait_for, xvfb

crash_guard.immortalize_singletons()  # PySide6 6.12 on Python 3.11; see crash_guard


@pytest.fixture
def dunst_bus(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Xvfb + a private session bus + dunst; yields the environment a client needs."""
    need("dunst")
    need("gdbus")
    with xvfb() as display, dbus_session() as bus:
        env = desktop_env(display, bus)
        with process(["dunst"], env, log_path=tmp_path / "dunst.log"):
            wait_for(lambda: _owner(env), timeout=15, what="dunst to own org.freedesktop.Notifications")
            yield env


def _owner(env: dict[str, str]) -> bool:
    result = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
         "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications"],
        env=env, capture_output=True, text=True, timeout=10)
    return "boolean true" in result.stdout


@pytest.fixture
def monitor(dunst_bus: dict[str, str], tmp_path: Path) -> Iterator[Path]:
    need("dbus-monitor")
    log = tmp_path / "monitor.log"
    with process(["dbus-monitor", "--session", "interface='org.freedesktop.Notifications'"], dunst_bus,
                 log_path=log):
        wait_for(lambda: log.exists() and "NameAcquired" in log.read_text(errors="replace"), timeout=10,
                 what="dbus-monitor to start")
        yield log


def _notify_call(log: Path, title: str) -> str:
    """The text of the Notify method call carrying ``title``, once dbus-monitor has written it all."""
    text = log.read_text(errors="replace")
    start = text.find("member=Notify")
    if start < 0 or f'string "{title}"' not in text[start:]:
        return ""
    call = text[start:]
    return call if re.search(r"\n   int32 -?\d+", call) else ""  # the last argument has arrived


def _dunst_count(env: dict[str, str], what: str) -> int:
    result = subprocess.run(["dunstctl", "count", what], env=env, capture_output=True, text=True, timeout=10)
    return int(result.stdout.strip() or 0)


@pytest.mark.display
def test_notification_reaches_dunst(qtbot: Any, dunst_bus: dict[str, str], monitor: Path) -> None:
    fallback_calls: list[tuple[str, str]] = []
    notifier = Notifier(environ=dunst_bus, timeout_seconds=30)
    notifier.set_fallback(lambda title, body: fallback_calls.append((title, body)))
    try:
        assert notifier.notify("Time for a break", "Sitting 60 min · 5 < 6 & 'quotes'") is True
    finally:
        notifier.close()
    assert notifier.last_route == "dbus"
    assert notifier.last_id is not None and notifier.last_id > 0
    assert fallback_calls == []
    text = wait_for(lambda: _notify_call(monitor, "Time for a break"), timeout=10,
                    what="the Notify call in dbus-monitor")
    assert 'string "HipBreak"' in text
    assert 'string "Time for a break"' in text
    assert "Sitting 60 min · 5 &lt; 6 &amp; 'quotes'" in text  # dunst renders markup, so it is escaped
    assert 'string "urgency"' in text and "byte 1" in text
    assert _dunst_count(dunst_bus, "displayed") + _dunst_count(dunst_bus, "waiting") >= 1


@pytest.mark.display
def test_quiet_notification_has_low_urgency(qtbot: Any, dunst_bus: dict[str, str], monitor: Path) -> None:
    notifier = Notifier(environ=dunst_bus)
    try:
        assert notifier.notify("Snoozed", "Back in 10 min", quiet=True) is True
    finally:
        notifier.close()
    text = wait_for(lambda: _notify_call(monitor, "Snoozed"), timeout=10,
                    what="the Notify call in dbus-monitor")
    assert "byte 0" in text
    assert 'string "suppress-sound"' in text


@pytest.fixture
def empty_bus() -> Iterator[dict[str, str]]:
    """A session bus on which no notification service runs or can be activated."""
    folder = Path(tempfile.mkdtemp(prefix="hb-bus-"))
    (folder / "services").mkdir()
    config = folder / "bus.conf"
    config.write_text(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <servicedir>{folder / 'services'}</servicedir>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>
  <allow own="*"/></policy>
</busconfig>
""")
    try:
        with dbus_daemon(f"--config-file={config}") as address:
            env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address)
            env.pop("DISPLAY", None)
            yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_without_a_daemon_the_fallback_shows_it(qtbot: Any, empty_bus: dict[str, str]) -> None:
    shown: list[tuple[str, str]] = []
    notifier = Notifier(environ=empty_bus)
    notifier.set_fallback(lambda title, body: shown.append((title, body)))
    try:
        assert notifier.notify("Time for a break", "body") is True
        assert notifier.last_route == "fallback"
        assert shown == [("Time for a break", "body")]
        assert "no notification daemon" in notifier.describe()
    finally:
        notifier.close()


def test_without_a_daemon_and_without_fallback_it_says_false(qtbot: Any, empty_bus: dict[str, str]) -> None:
    notifier = Notifier(environ=empty_bus)
    try:
        assert notifier.notify("Time for a break", "body") is False
        assert notifier.last_route == "none"
    finally:
        notifier.close()


def test_without_any_session_bus_the_fallback_shows_it() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    shown: list[str] = []
    notifier = Notifier(environ=env)
    notifier.set_fallback(lambda title, body: shown.append(title))
    assert notifier.notify("Hello", "there") is True
    assert shown == ["Hello"]
    assert "no D-Bus session bus" in notifier.describe()


def test_a_fallback_that_fails_or_declines_is_not_delivery() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    notifier = Notifier(environ=env)

    def broken(title: str, body: str) -> None:
        raise RuntimeError("no tray")

    notifier.set_fallback(broken)
    assert notifier.notify("a", "b") is False
    notifier.set_fallback(lambda title, body: False)
    assert notifier.notify("a", "b") is False


def test_gvariant_strings_are_quoted_safely() -> None:
    assert _gvariant_string("plain") == "'plain'"
    assert _gvariant_string("it's") == "'it\\'s'"
    assert _gvariant_string("a\\b\nc") == "'a\\\\b\\nc'"
    assert _gvariant_string("bell\x07") == "'bell\\U00000007'"


def test_the_notification_id_is_read_from_gdbus_reply() -> None:
    """``(uint32 7,)``: the digits of the type name are not part of the id (they once made it 327)."""
    from desktop_app.platform.notify import _reply_id

    assert _reply_id("(uint32 7,)\n") == 7
    assert _reply_id("(uint32 1234,)") == 1234
    assert _reply_id("") is None
