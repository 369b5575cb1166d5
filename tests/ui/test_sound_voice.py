"""Sound cues and spoken guidance: real QAudioSink / QTextToSpeech objects, real WAV files,
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
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtTextToSpeech import QTextToSpeech

from desktop_app.ui import voice as voice_module
from desktop_app.ui.sound import CUES, CuePlayer, read_cue
from desktop_app.ui.voice import Voice
from tests.support.desktop import need, pulseaudio

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
    tick = player.cue("tick")
    assert tick is not None
    with wave.open(str(tmp_path / "tick.wav"), "rb") as wav:
        assert tick.pcm == wav.readframes(wav.getnframes())
        assert (tick.sample_rate, tick.channels) == (wav.getframerate(), 1)
    loaded = {name: player.cue(name) for name in player.loaded_cues()}
    assert player.volume_percent == 40
    # With a real output device the cue starts; without one (most CI boxes) Qt refuses it, quietly.
    assert player.play("tick") is bool(QMediaDevices.audioOutputs())
    assert player.play("end") is False  # no file: silent, not an error
    player.apply_settings(True, 90)
    assert player.volume_percent == 90
    assert all(player.cue(name) is cue for name, cue in loaded.items())  # volume changes never reload files
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
from desktop_app.app import route_cues_to_sample_cache
route_cues_to_sample_cache()
from desktop_app.ui.sound import CuePlayer
player = CuePlayer(sys.argv[1] == "on", 80)
print("server cache", player.uses_server_cache, flush=True)
print("loaded", ",".join(player.loaded_cues()), flush=True)
QTimer.singleShot(300, lambda: print("played", player.play("chime"), flush=True))
QTimer.singleShot(2300, app.quit)
app.exec()
"""


def _peak(raw: bytes) -> int:
    count = len(raw) // 2
    samples = struct.unpack(f"<{count}h", raw[: count * 2])
    return max((abs(s) for s in samples), default=0)


@pytest.mark.parametrize("output", ["cache", "qt"])
def test_cue_is_really_heard_on_a_pulseaudio_null_sink(tmp_path: Path, output: str) -> None:
    """A real sound server with a null sink; what the app plays is recorded from its monitor.

    ``cache``: the cue is played from the server's sample cache (the normal path with a PulseAudio
    server); ``qt``: through a QAudioSink, as on a machine whose server has no sample cache."""
    import subprocess
    import sys

    need("parec")
    root = Path(__file__).resolve().parent.parent.parent
    with pulseaudio(tmp_path, "hipbreak_test") as pulse_env:
        env = dict(pulse_env, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root),
                   QT_LOGGING_RULES="qt.multimedia.*=false", HIPBREAK_CUE_OUTPUT=output)

        def record(state: str) -> tuple[str, int]:
            raw = tmp_path / f"{state}.raw"
            with open(raw, "wb") as out:
                # small fragments: parec's default (2 s) loses what it has not handed over when it is stopped
                rec = subprocess.Popen(["parec", "-d", "hipbreak_test.monitor", "--format=s16le",
                                        "--rate=44100", "--channels=1", "--latency-msec=50"], env=env, stdout=out)
                try:
                    child = subprocess.run([sys.executable, "-c", PLAY_CUE, state], env=env, cwd=root,
                                           capture_output=True, text=True, timeout=60)
                    time.sleep(0.5)
                finally:
                    rec.terminate()
                    rec.wait(timeout=5)
            assert child.returncode == 0, child.stderr
            return child.stdout, _peak(raw.read_bytes())

        # muted first: a null sink that falls idle hands the next recorder the last block it played
        out_off, peak_off = record("off")
        assert "played False" in out_off
        assert peak_off < 50, f"muted cues were heard (peak {peak_off})"
        out_on, peak_on = record("on")
        assert f"server cache {output == 'cache'}" in out_on
        assert "loaded chime,end,switch,tick" in out_on
        assert "played True" in out_on
        assert peak_on > 2000, f"nothing audible was recorded (peak {peak_on})"


def test_only_16_bit_pcm_wav_files_are_accepted(tmp_path: Path) -> None:
    eight_bit = tmp_path / "eight.wav"
    with wave.open(str(eight_bit), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(bytes(800))
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"RIFF\x00\x00not really a wave file")
    for path in (eight_bit, garbage):
        with pytest.raises(ValueError, match=path.name):
            read_cue(path)
    assert read_cue(write_wav(tmp_path / "ok.wav")).seconds == pytest.approx(0.1, abs=0.001)


RAPID_CUES = """
import sys
from desktop_app.crash_guard import immortalize_singletons
immortalize_singletons()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_app.app import route_cues_to_sample_cache
route_cues_to_sample_cache()
from desktop_app.ui.sound import CUES, CuePlayer
player = CuePlayer(True, 50)
played = []
def play():
    played.append(player.play(CUES[len(played) % len(CUES)]))
timer = QTimer()
timer.timeout.connect(play)
timer.start(120)
QTimer.singleShot(int(sys.argv[1]) * 1000, app.quit)
app.exec()
print("played", sum(played), "of", len(played), "still sounding", player.playing_count(), flush=True)
"""


@pytest.mark.parametrize("output", ["cache", "qt"])
def test_rapid_overlapping_cues_on_a_real_sound_server_do_not_flood(tmp_path: Path, output: str) -> None:
    """QSoundEffect on PulseAudio ended in an endless "QSocketNotifier: Invalid socket" loop within
    seconds at this rate (Qt 6.11/6.12); the cue player must stay quiet and keep playing, from the
    server's sample cache and through QAudioSink alike."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent.parent
    with pulseaudio(tmp_path, "hipbreak_rapid") as pulse_env:
        env = dict(pulse_env, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root), HIPBREAK_CUE_OUTPUT=output)
        out_path = tmp_path / "child.out"
        with open(out_path, "wb") as out:
            child = subprocess.Popen([sys.executable, "-c", RAPID_CUES, "15"], env=env, cwd=root,
                                     stdout=out, stderr=subprocess.STDOUT)
            try:
                child.wait(timeout=90)
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        output = out_path.read_bytes()
        assert len(output) < 20_000, f"the cue player flooded its output: {output[:400]!r}"
        assert b"Invalid socket" not in output
        summary = [line for line in output.decode(errors="replace").splitlines() if line.startswith("played")]
        assert summary, output[-400:]
        played, total = int(summary[0].split()[1]), int(summary[0].split()[3])
        assert total >= 100 and played == total, summary[0]


CLOSE_WHILE_SOUNDING = """
import sys
from desktop_app.crash_guard import immortalize_singletons
immortalize_singletons()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
errors = []
sys.excepthook = lambda kind, error, tb: errors.append(repr(error))
from desktop_app.app import route_cues_to_sample_cache
route_cues_to_sample_cache()
from desktop_app.ui.sound import CuePlayer
window = QWidget()
player = CuePlayer(True, 50, parent=window)
print("played", player.play("chime"), player.play("tick"), flush=True)
QTimer.singleShot(100, window.deleteLater)  # the player window closes while its cues still sound
QTimer.singleShot(2500, app.quit)
app.exec()
print("errors", errors, flush=True)
"""


def test_closing_the_window_while_cues_sound_raises_nothing_later(tmp_path: Path) -> None:
    """The soak found "Internal C++ object (QAudioSink) already deleted" from a release timer that
    outlived a closed player window; the timer is now tied to the cue player."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent.parent
    with pulseaudio(tmp_path, "hipbreak_close") as pulse_env:
        env = dict(pulse_env, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
        child = subprocess.run([sys.executable, "-c", CLOSE_WHILE_SOUNDING], env=env, cwd=root,
                               capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr[-2000:]
    assert "played True True" in child.stdout, child.stdout + child.stderr[-1000:]
    assert "errors []" in child.stdout, child.stdout
