"""Sound cues and spoken guidance: real QSoundEffect / QTextToSpeech objects, real WAV files,
a real subprocess for plyer's espeak fallback.

The test machine has no audio device, which is exactly the case that must stay
calm: silence and one log line.
"""

from __future__ import annotations

import logging
import math
import os
import stat
import struct
import time
import wave
from pathlib import Path

import pytest
from PySide6.QtTextToSpeech import QTextToSpeech

from desktop_app.ui import voice as voice_module
from desktop_app.ui.sound import CUES, CuePlayer
from desktop_app.ui.voice import Voice

pytestmark = pytest.mark.qt_log_ignore("qt.multimedia", "PulseAudioService", "pipewire")


def write_wav(path: Path, freq: float = 880.0, seconds: float = 0.1, rate: int = 22050) -> Path:
    count = int(rate * seconds)
    step = 2 * math.pi * freq / rate
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(step * i))) for i in range(count))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


def test_no_audio_device_means_silence_and_one_log_line(qapp: object, caplog: pytest.LogCaptureFixture,
                                                        tmp_path: Path) -> None:
    for cue in CUES:
        write_wav(tmp_path / f"{cue}.wav")
    with caplog.at_level(logging.INFO, logger="desktop_app.ui.sound"):
        player = CuePlayer(True, 80, directory=tmp_path, device_available=False)
        results = [player.play(cue) for cue in (*CUES, "tick", "tick")]
    assert results == [False] * (len(CUES) + 2)
    assert player.loaded_cues() == []
    assert player.silence_reason and "no audio output device" in player.silence_reason
    lines = [r for r in caplog.records if r.name == "desktop_app.ui.sound"]
    assert len(lines) == 1


def test_cues_preload_once_and_follow_volume_and_mute(qapp: object, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    write_wav(tmp_path / "tick.wav")
    write_wav(tmp_path / "chime.wav", 660)
    with caplog.at_level(logging.INFO, logger="desktop_app.ui.sound"):
        player = CuePlayer(True, 40, directory=tmp_path, device_available=True)
    assert player.loaded_cues() == ["chime", "tick"]
    assert any("switch.wav" in r.getMessage() and "end.wav" in r.getMessage() for r in caplog.records)
    effects = dict(player._effects)
    assert {name: round(e.volume(), 2) for name, e in effects.items()} == {"chime": 0.4, "tick": 0.4}
    assert effects["tick"].source().toLocalFile() == str(tmp_path / "tick.wav")
    assert player.play("tick") is True
    assert player.play("end") is False  # no file: silent, not an error
    player.apply_settings(True, 90)
    assert round(effects["chime"].volume(), 2) == 0.9
    assert player._effects == effects  # volume changes never reload the files
    player.apply_settings(False, 90)
    assert player.play("tick") is False
    player.apply_settings(True, 0)
    assert player.play("tick") is False


def test_voice_is_off_by_default_and_loads_nothing(qapp: object) -> None:
    voice = Voice()
    assert voice.backend == "off"
    assert voice._tts is None
    assert voice.say("Switch sides. Right leg forward.") is False


def test_voice_speaks_through_qt_text_to_speech(qapp: object, qtbot: object) -> None:
    assert "mock" in QTextToSpeech.availableEngines()
    voice = Voice(enabled=True, engine="mock")
    spoken: list[str] = []
    voice.spoken.connect(spoken.append)
    assert voice.backend == "qt:mock"
    assert voice.say("Switch sides. Right leg forward.") is True
    assert spoken == ["Switch sides. Right leg forward."]
    assert voice._tts is not None
    qtbot.waitUntil(lambda: voice._tts is not None and voice._tts.state() == QTextToSpeech.State.Speaking,  # type: ignore[attr-defined]
                    timeout=3000)
    voice.set_enabled(False)
    assert voice.say("Rest.") is False


def test_voice_falls_back_to_plyer_espeak(qapp: object, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """No Qt engine: plyer's espeak backend runs (a real subprocess; here a recording espeak)."""
    said = tmp_path / "said.txt"
    espeak = tmp_path / "bin" / "espeak"
    espeak.parent.mkdir()
    espeak.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{said}"\n')
    espeak.chmod(espeak.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{espeak.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: ["mock"]))
    voice = Voice(enabled=True)
    assert voice.backend == "plyer"
    assert voice.say("Get ready. Kneeling lunge stretch.") is True
    deadline = time.monotonic() + 10
    while not said.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert said.read_text().strip() == "Get ready. Kneeling lunge stretch."


def test_no_engine_at_all_is_one_log_line(qapp: object, monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(QTextToSpeech, "availableEngines", staticmethod(lambda: []))
    monkeypatch.setattr(voice_module, "_plyer_can_speak", lambda: False)
    with caplog.at_level(logging.INFO, logger="desktop_app.ui.voice"):
        voice = Voice(enabled=True)
        results = [voice.say("Rest."), voice.say("Hold for 30 seconds.")]
    assert voice.backend == "none"
    assert results == [False, False]
    assert len([r for r in caplog.records if r.name == "desktop_app.ui.voice"]) == 1


PLAY_CUE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_app.ui.sound import CuePlayer
player = CuePlayer(sys.argv[1] == "on", 80)
print("loaded", ",".join(player.loaded_cues()), flush=True)
QTimer.singleShot(300, lambda: print("played", player.play("chime"), flush=True))
QTimer.singleShot(2300, app.quit)
app.exec()
"""


def _peak(raw: bytes) -> int:
    count = len(raw) // 2
    samples = struct.unpack(f"<{count}h", raw[: count * 2])
    return max((abs(s) for s in samples), default=0)


def test_cue_is_really_heard_on_a_pulseaudio_null_sink(tmp_path: Path) -> None:
    """A real sound server with a null sink; what the app plays is recorded from its monitor."""
    import shutil
    import subprocess
    import sys

    for tool in ("pulseaudio", "pactl", "parec"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    root = Path(__file__).resolve().parent.parent.parent
    env = dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path), HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(root), QT_LOGGING_RULES="qt.multimedia.*=false")
    server = subprocess.Popen(
        ["pulseaudio", "-n", "--load=module-null-sink sink_name=hipbreak_test",
         "--load=module-native-protocol-unix", "--exit-idle-time=-1", "--daemonize=no", "-F", "/dev/null"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
            assert time.monotonic() < deadline, "pulseaudio did not start"
            time.sleep(0.1)

        def record(state: str) -> tuple[str, int]:
            raw = tmp_path / f"{state}.raw"
            with open(raw, "wb") as out:
                rec = subprocess.Popen(["parec", "-d", "hipbreak_test.monitor", "--format=s16le",
                                        "--rate=44100", "--channels=1"], env=env, stdout=out)
                try:
                    child = subprocess.run([sys.executable, "-c", PLAY_CUE, state], env=env, cwd=root,
                                           capture_output=True, text=True, timeout=60)
                finally:
                    rec.terminate()
                    rec.wait(timeout=5)
            assert child.returncode == 0, child.stderr
            return child.stdout, _peak(raw.read_bytes())

        out_on, peak_on = record("on")
        assert "loaded chime,end,switch,tick" in out_on
        assert "played True" in out_on
        assert peak_on > 2000, f"nothing audible was recorded (peak {peak_on})"
        out_off, peak_off = record("off")
        assert "played False" in out_off
        assert peak_off < 50, f"muted cues were heard (peak {peak_off})"
    finally:
        server.terminate()
        server.wait(timeout=10)
