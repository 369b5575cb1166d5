"""Watching the tray host on a real private D-Bus session bus (SNI) and a real Xvfb (XEmbed).

The SNI watcher is tests/e2e/fake_sni_watcher.py (the real interface); a panel's own host name
(``org.kde.StatusNotifierHost-<pid>``) is owned by a small child process, so it goes away exactly
as a crashed plasmashell's does. The XEmbed manager is a real trayer.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_app.platform.idle.dbus_support import connect_to_address
from desktop_app.platform.tray_host import NullTrayHostWatch, select_tray_host_watch
from desktop_app.platform.tray_host.sni import SniTrayHostWatch
from tests.e2e.fake_sni_watcher import WatcherProcess
from tests.e2e.helpers import TRAYER_ARGS
from tests.support.desktop import dbus_session, desktop_env, need, process, xvfb

pytestmark = pytest.mark.display

_OWN_NAME = """
import sys
from PySide6.QtCore import QCoreApplication, QSocketNotifier
from PySide6.QtDBus import QDBusConnection
app = QCoreApplication([])
print("owned" if QDBusConnection.sessionBus().registerService(sys.argv[1]) else "refused", flush=True)
quit_on_stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
quit_on_stdin.activated.connect(app.quit)
app.exec()
"""


def _own(address: str, name: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _OWN_NAME, name], env={"DBUS_SESSION_BUS_ADDRESS": address,
                            "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "owned"
    return proc


@pytest.fixture
def bus() -> Iterator[str]:
    with dbus_session() as address:
        yield address


def test_no_watcher_means_no_host(bus: str) -> None:
    watch = SniTrayHostWatch(connect_to_address(bus))
    try:
        assert watch.available() is False
    finally:
        watch.close()


def test_a_watcher_that_is_its_own_host_is_trusted_until_it_goes(bus: str, qtbot: Any) -> None:
    """GNOME's AppIndicator extension and most panels own no separate host name."""
    watcher = WatcherProcess(bus, host=True)
    watch = SniTrayHostWatch(connect_to_address(bus))
    changes: list[int] = []
    try:
        watch.start(lambda: changes.append(1))
        assert watch.available() is True
        watcher.stop()
        qtbot.waitUntil(lambda: bool(changes), timeout=10_000)
        assert watch.available() is False
    finally:
        watch.close()
        watcher.stop()


def test_a_watcher_without_a_host_is_no_tray(bus: str) -> None:
    watcher = WatcherProcess(bus, host=False)
    watch = SniTrayHostWatch(connect_to_address(bus))
    try:
        assert watch.available() is False
    finally:
        watch.close()
        watcher.stop()


def test_kde_the_host_name_going_counts_even_while_the_watcher_says_registered(bus: str, qtbot: Any) -> None:
    """On KDE the watcher (kded5) outlives plasmashell and keeps IsStatusNotifierHostRegistered true."""
    watcher = WatcherProcess(bus, host=True)
    plasma = _own(bus, "org.kde.StatusNotifierHost-4242")
    watch = SniTrayHostWatch(connect_to_address(bus))
    changes: list[int] = []
    try:
        watch.start(lambda: changes.append(1))
        assert watch.available() is True
        assert watch.hosts_seen == {"org.kde.StatusNotifierHost-4242"}
        assert not watch.listening_wide  # exact name watches only while a host is there
        plasma.kill()  # a crash: no goodbye
        plasma.wait(timeout=10)
        qtbot.waitUntil(lambda: bool(changes), timeout=10_000)
        assert watch.available() is False
        assert watch.listening_wide  # now a new plasmashell must be noticed though nobody announces it
        seen = len(changes)
        plasma = _own(bus, "org.kde.StatusNotifierHost-4343")
        qtbot.waitUntil(lambda: len(changes) > seen, timeout=10_000)
        assert watch.available() is True
        assert not watch.listening_wide
    finally:
        watch.close()
        plasma.kill()
        plasma.wait(timeout=10)
        watcher.stop()


def test_xembed_manager_selection_is_followed(qtbot: Any, tmp_path: Any) -> None:
    from desktop_app.platform.tray_host.xembed import XEmbedTrayHostWatch

    need("trayer")
    with xvfb() as display:
        env = desktop_env(display)
        watch = XEmbedTrayHostWatch(display)
        changes: list[int] = []
        try:
            watch.start(lambda: changes.append(1))
            assert watch.selection == "_NET_SYSTEM_TRAY_S0"
            assert watch.available() is False
            with process(["trayer", *TRAYER_ARGS], env, tmp_path / "trayer.log"):
                qtbot.waitUntil(lambda: bool(changes), timeout=15_000)  # the MANAGER broadcast
                assert watch.available() is True
                seen = len(changes)
            qtbot.waitUntil(lambda: len(changes) > seen, timeout=15_000)  # the owner window destroyed
            assert watch.available() is False
        finally:
            watch.close()


def test_nothing_to_watch_gives_the_null_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_app.platform.tray_host.sni as sni

    monkeypatch.setattr(sni, "session_bus", lambda: None)
    watch = select_tray_host_watch("wayland", None)
    assert isinstance(watch, NullTrayHostWatch)
    assert watch.available() is None and "no D-Bus session bus" in watch.description
