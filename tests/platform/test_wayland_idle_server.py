"""The Wayland idle backend against a tiny real Wayland server (tests/platform/tiny_wayland_server.py):
a compositor that dies while a watch is set stops the watch cleanly, through the Qt event loop, without
crashing the app (it did: a proxy freed by the garbage collector after its display)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.platform.idle import IdleUnavailable
from desktop_app.platform.idle.wayland import EXT_IDLE_NOTIFY, KDE_IDLE, WaylandIdleMonitor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    proc = subprocess.Popen([sys.executable, "-m", "tests.platform.tiny_wayland_server", "tiny-0"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    assert line[:1] == ["ready"], line
    try:
        yield proc, str(runtime / line[1])
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_a_dead_compositor_stops_the_watch_without_a_crash(
        server: tuple[subprocess.Popen[str], str], qtbot: Any, caplog: pytest.LogCaptureFixture) -> None:
    proc, socket = server
    monitor = WaylandIdleMonitor(socket)
    try:
        assert monitor.protocol == EXT_IDLE_NOTIFY
        seen: list[float] = []
        monitor.start_watch(300, seen.append, lambda: None)
        assert monitor.watching and not seen
        proc.kill()
        proc.wait(timeout=10)
        qtbot.waitUntil(lambda: not monitor.watching, timeout=10_000)  # the socket notifier saw the hang-up
        assert "the Wayland idle connection broke" in caplog.text
        assert not seen
        with pytest.raises(IdleUnavailable):
            monitor.idle_seconds()
        with pytest.raises(IdleUnavailable, match="closed"):
            monitor.start_watch(300, seen.append, lambda: None)
    finally:
        monitor.close()
    gc.collect()  # the proxies and the display are gone in the right order: no crash here


def test_a_compositor_without_the_kde_protocol_is_refused_with_the_reason(
        server: tuple[subprocess.Popen[str], str]) -> None:
    _proc, socket = server
    with pytest.raises(IdleUnavailable, match="neither ext-idle-notify-v1 nor org_kde_kwin_idle"):
        WaylandIdleMonitor(socket, protocols=(KDE_IDLE,))
