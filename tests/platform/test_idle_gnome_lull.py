"""Mutter's second idle watch for the natural pause, against the fake Mutter on a private bus."""

from __future__ import annotations

from typing import Any

from desktop_app.platform.idle.gnome import GnomeIdleMonitor
from tests.platform.fake_services.harness import fake_services


def test_the_pause_watch_fires_at_the_pause_and_is_removed(bus: Any, private_bus: str, qtbot: Any) -> None:
    pauses: list[float] = []
    with fake_services(private_bus, "mutter") as fake:
        monitor = GnomeIdleMonitor(bus)
        monitor.start_watch(600.0, lambda idle: None, lambda: None)
        assert fake.wait_line("call AddIdleWatch") == "call AddIdleWatch 600000"
        fake.send("activity")
        monitor.start_lull_watch(0.3, pauses.append)
        assert fake.wait_line("call AddIdleWatch") == "call AddIdleWatch 300"
        qtbot.waitUntil(lambda: len(pauses) == 1, timeout=10_000)
        assert pauses[0] >= 0.3
        monitor.stop_lull_watch()
        assert fake.wait_line("call RemoveWatch").startswith("call RemoveWatch")
        monitor.close()
