"""The sound server's sample cache through libpulse (platform/pulse_samples.py), on a real PulseAudio server."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.platform import pulse_samples
from tests.support.desktop import need, pulseaudio, wait_for

TONE = bytes(range(256)) * 40  # 10,240 bytes of 16-bit PCM: 0.116 s at 44.1 kHz mono


def cached(env: dict[str, str]) -> list[str]:
    listing = subprocess.run([need("pactl"), "list", "short", "samples"], env=env, capture_output=True,
                             text=True, timeout=20, check=True).stdout
    return [line.split("\t")[1] for line in listing.splitlines() if line.strip()]


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with pulseaudio(tmp_path, "hipbreak_samples") as env:
        for key in ("PULSE_SERVER", "XDG_RUNTIME_DIR", "HOME"):
            monkeypatch.setenv(key, env[key])
        yield env


def test_no_server_means_none_quickly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path / 'nobody-listens'}")
    assert pulse_samples.connect() is None


def test_upload_play_and_close_leave_the_cache_as_it_was(server: dict[str, str]) -> None:
    samples = pulse_samples.connect()
    assert samples is not None and samples.connected()
    assert samples.upload("tick", TONE, 44100, 1)
    assert samples.has("tick") and not samples.has("chime")
    assert samples.seconds("tick") == pytest.approx(len(TONE) / (2 * 44100))
    assert any(name.startswith("hipbreak-tick-") for name in cached(server))
    assert samples.play("tick", 0.5)
    assert not samples.play("chime", 0.5)  # never uploaded
    # the same sound uploaded again replaces its entry: the cache does not grow
    assert samples.upload("tick", TONE, 44100, 1)
    assert len([name for name in cached(server) if name.startswith("hipbreak-tick-")]) == 1
    samples.close()
    samples.close()  # twice is harmless
    assert not samples.play("tick", 0.5)
    assert not [name for name in cached(server) if name.startswith("hipbreak-")]


def test_a_server_that_goes_away_makes_play_return_false(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pulseaudio(tmp_path, "hipbreak_gone") as env:
        for key in ("PULSE_SERVER", "XDG_RUNTIME_DIR", "HOME"):
            monkeypatch.setenv(key, env[key])
        samples = pulse_samples.connect()
        assert samples is not None and samples.upload("tick", TONE, 44100, 1)
    # the server has stopped; the context notices the closed socket on its own thread
    wait_for(lambda: not samples.connected(), what="the connection to notice the server is gone")
    assert not samples.play("tick", 0.5)
    samples.close()
