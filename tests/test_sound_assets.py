"""The committed sound cues: valid WAVs within the documented limits, and exactly what
scripts/make-sounds generates (so their origin and licence stay clear)."""

from __future__ import annotations

import math
import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOUNDS = ROOT / "assets" / "sounds"
CUES = ("tick", "chime", "switch", "end")
FULL_SCALE = 32768.0


def read(path: Path) -> tuple[wave._wave_params, list[int]]:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        frames = wav.readframes(params.nframes)
    samples = array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return params, list(samples)


@pytest.mark.parametrize("cue", CUES)
def test_cue_is_a_short_clean_16bit_mono_wav(cue: str) -> None:
    params, samples = read(SOUNDS / f"{cue}.wav")
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 44100)
    seconds = params.nframes / params.framerate
    assert 0.03 < seconds < 1.5, seconds
    peak = max(abs(s) for s in samples)
    peak_dbfs = 20 * math.log10(peak / FULL_SCALE)
    assert -7.0 <= peak_dbfs <= -5.0, peak_dbfs  # about -6 dBFS: audible, with headroom
    assert peak < 32767  # never clipped
    mean = sum(samples) / len(samples)
    assert abs(mean) / FULL_SCALE < 0.001, mean  # no DC offset
    # faded in and out: the first and last samples are (near) silent, so no click
    assert abs(samples[0]) < 0.01 * FULL_SCALE and abs(samples[-1]) < 0.01 * FULL_SCALE
    edge = params.framerate // 1000  # 1 ms
    assert max(abs(s) for s in samples[:edge]) < 0.25 * peak
    assert max(abs(s) for s in samples[-edge:]) < 0.05 * peak


def test_cues_are_distinct_from_each_other() -> None:
    lengths = {cue: read(SOUNDS / f"{cue}.wav")[0].nframes for cue in CUES}
    assert len(set(lengths.values())) == len(CUES), lengths
    assert lengths["tick"] < lengths["switch"] < lengths["chime"] < lengths["end"]


def test_every_cue_the_player_plays_exists() -> None:
    from desktop_app.ui.sound import CUES as PLAYED

    for cue in PLAYED:
        assert (SOUNDS / f"{cue}.wav").is_file(), cue


def test_regenerating_gives_identical_bytes(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make-sounds"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for cue in CUES:
        fresh = (tmp_path / f"{cue}.wav").read_bytes()
        assert fresh == (SOUNDS / f"{cue}.wav").read_bytes(), (
            f"{cue}.wav differs from scripts/make-sounds output: run it and commit the result"
        )


def test_readme_names_the_generator_and_the_licence() -> None:
    text = (SOUNDS / "README.md").read_text(encoding="utf-8")
    assert "scripts/make-sounds" in text
    assert "GPL-3.0-or-later" in text
    for cue in CUES:
        assert f"{cue}.wav" in text
