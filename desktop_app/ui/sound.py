"""Short sound cues for eyes-off use: ticks, a chime per segment, a switch and an end sound.

Each cue's WAV file is read into memory once, when the player opens, never per
play. With a PulseAudio (or pipewire-pulse) server, the cues are then uploaded
into the server's sample cache and each play is one short request
(``desktop_app/platform/pulse_samples.py``): the server mixes them, and nothing
on our side wakes while they sound. A cue through Qt cost 30 to 100 wakeups of
the GUI and Qt's PulseAudio threads, which was most of a rep set's cost
(bench/RESULTS.md, "Rep sets with sound"). Without such a server (or with
``HIPBREAK_CUE_OUTPUT=qt``), each play opens a short-lived ``QAudioSink`` on the
in-memory PCM, and QtMultimedia is only loaded then.

Why not ``QSoundEffect``: with Qt 6.11 and 6.12 on a PulseAudio server,
QSoundEffect sooner or later touches one of its socket notifiers from Qt's
audio thread; Qt then prints "QSocketNotifier: Invalid socket N" in a tight
loop (tens of MB of log a second) and the app stops answering. A cue every
150 ms triggers it within seconds (see tests/soak/test_sound_under_load.py);
one tick a second did within a soak run. A QAudioSink per cue does not
(hundreds of overlapping cues checked on a real PulseAudio server).

A machine without an audio device (a server, a CI box, a muted container) must
stay silent and calm: one line in the log, no dialog, no exception. A missing,
unreadable or non-PCM WAV file is the same: that cue stays silent and is logged once.
"""

from __future__ import annotations

import logging
import os
import time
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer

from desktop_app.i18n import assets_dir

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioSink

log = logging.getLogger(__name__)

#: The cues the player uses, each a WAV file of the same name in ``assets/sounds``.
CUES: tuple[str, ...] = ("tick", "chime", "switch", "end")
#: Set to "qt" to play cues through Qt's QAudioSink even when the sound server has a sample cache.
OUTPUT_ENV = "HIPBREAK_CUE_OUTPUT"


class SampleCache(Protocol):
    """The sound server's sample cache: cues uploaded once, each play one request (the server mixes).

    ``platform/pulse_samples.py`` is the PulseAudio one. ui may not import platform code
    (tests/test_layers.py), so the composition level hands the connector in with ``use_sample_cache``.
    """

    def upload(self, cue: str, pcm: bytes, sample_rate: int, channels: int) -> bool: ...

    def has(self, cue: str) -> bool: ...

    def play(self, cue: str, volume: float) -> bool: ...

    def close(self) -> None: ...


def _no_sample_cache() -> SampleCache | None:
    """The null connector: no cache, every cue plays through Qt's audio output."""
    return None


_connect_sample_cache: Callable[[], SampleCache | None] = _no_sample_cache


def use_sample_cache(connect: Callable[[], SampleCache | None]) -> None:
    """Say how a CuePlayer reaches the sound server's sample cache (app.py and the player child pass
    ``platform.pulse_samples.connect``); without it, cues play through QAudioSink, which costs more
    wakeups (bench/RESULTS.md, "Rep sets with sound") but works everywhere Qt has audio."""
    global _connect_sample_cache
    _connect_sample_cache = connect


def sounds_dir() -> Path:
    """Where the cue WAV files live (also inside a bundle)."""
    return assets_dir() / "sounds"


def audio_output_available() -> bool:
    """True when Qt sees at least one audio output device (loads QtMultimedia)."""
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.audioOutputs())


@dataclass(frozen=True)
class Cue:
    """One cue's sound, decoded once: 16-bit little-endian PCM and its format."""

    pcm: bytes
    sample_rate: int
    channels: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / (2 * self.channels * self.sample_rate)


def read_cue(path: Path) -> Cue:
    """Read a 16-bit PCM WAV file; raises ValueError (or OSError) for anything else."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2 or wav.getcomptype() != "NONE":
                raise ValueError(f"{path.name}: only 16-bit PCM WAV files can be played")
            return Cue(wav.readframes(wav.getnframes()), wav.getframerate(), wav.getnchannels())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path.name}: not a readable WAV file ({exc})") from None


class CuePlayer(QObject):
    """Plays named cues at the volume and mute state from the settings.

    ``play()`` returns whether a sound was actually started, so callers and tests
    can tell silence by choice (muted) from silence by necessity (no device).
    """

    #: Cues that may sound at once; an older one is cut short beyond this (a chime under a tick is fine).
    MAX_OVERLAP = 3
    #: How long after a cue's last sample its stream is closed (the output still drains its buffer).
    RELEASE_MARGIN_MS = 400

    def __init__(
        self,
        enabled: bool = True,
        volume_percent: int = 70,
        directory: Path | None = None,
        cues: Iterable[str] = CUES,
        parent: QObject | None = None,
        device_available: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self._enabled = enabled
        self._volume = max(0, min(100, volume_percent)) / 100.0
        self._cues: dict[str, Cue] = {}
        self._playing: list[tuple[QAudioSink, QBuffer]] = []
        #: Monotonic times at which cues played through the server's cache end (for playing_count).
        self._cache_ends: list[float] = []
        self._directory = directory or sounds_dir()
        self._cache: SampleCache | None = None
        if device_available is not False and os.environ.get(OUTPUT_ENV, "").strip().lower() != "qt":
            self._cache = _connect_sample_cache()
        if self._cache is not None:
            cache = self._cache
            self.destroyed.connect(lambda *_args: cache.close())
            self.available = True
        else:
            self.available = audio_output_available() if device_available is None else device_available
        #: Why there is no sound, in plain words (None when cues can play).
        self.silence_reason: str | None = None
        if not self.available:
            self.silence_reason = "no audio output device was found; sound cues are silent"
            log.info("sound: %s", self.silence_reason)
            return
        self._load(cues)

    def _load(self, cues: Iterable[str]) -> None:
        missing: list[str] = []
        for cue in cues:
            path = self._directory / f"{cue}.wav"
            if not path.is_file():
                missing.append(path.name)
                continue
            try:
                self._cues[cue] = read_cue(path)
            except (OSError, ValueError) as exc:
                log.info("sound: %s (that cue stays silent)", exc)
                continue
            if self._cache is not None:
                sound = self._cues[cue]
                if not self._cache.upload(cue, sound.pcm, sound.sample_rate, sound.channels):
                    log.info("sound: the sound server did not take cue %r; it plays through Qt", cue)
        if missing:
            log.info("sound: cue files not found in %s: %s (those cues stay silent)",
                     self._directory, ", ".join(missing))

    @property
    def uses_server_cache(self) -> bool:
        """True when cues play from the sound server's sample cache (not through QAudioSink)."""
        return self._cache is not None

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def volume_percent(self) -> int:
        return round(self._volume * 100)

    def loaded_cues(self) -> list[str]:
        """Names of the cues that have a sound loaded."""
        return sorted(self._cues)

    def cue(self, name: str) -> Cue | None:
        """The decoded sound of ``name`` (None when it is not loaded)."""
        return self._cues.get(name)

    def playing_count(self) -> int:
        """How many cues are sounding now (finished ones are released as they end)."""
        now = time.monotonic()
        self._cache_ends = [end for end in self._cache_ends if end > now]
        return len(self._playing) + len(self._cache_ends)

    def apply_settings(self, enabled: bool, volume_percent: int) -> None:
        """Follow the sound_enabled and volume_percent settings (cues already sounding through Qt included;
        a cue from the server's cache, at most 1.5 s, plays out at the volume it started with)."""
        self._enabled = enabled
        self._volume = max(0, min(100, volume_percent)) / 100.0
        for sink, _buffer in self._playing:
            sink.setVolume(self._volume)

    def play(self, cue: str) -> bool:
        """Start ``cue``; returns False when muted, at zero volume, or with nothing to play."""
        if not self._enabled or self._volume <= 0.0:
            return False
        sound = self._cues.get(cue)
        if sound is None:
            return False
        if self._cache is not None and self._cache.has(cue):
            if self._cache.play(cue, self._volume):
                self._cache_ends.append(time.monotonic() + sound.seconds)
                return True
            log.info("sound: the sound server refused cue %r; trying Qt's audio output", cue)
        return self._play_through_qt(cue, sound)

    def _play_through_qt(self, cue: str, sound: Cue) -> bool:
        """One short-lived QAudioSink on the cue's PCM (no sound server with a sample cache)."""
        from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices, QtAudio

        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            if self.silence_reason is None:
                self.silence_reason = "the audio output device went away; sound cues are silent"
                log.info("sound: %s", self.silence_reason)
            return False
        while len(self._playing) >= self.MAX_OVERLAP:
            self._release(*self._playing[0])
        audio_format = QAudioFormat()
        audio_format.setSampleRate(sound.sample_rate)
        audio_format.setChannelCount(sound.channels)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(sound.pcm))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        sink = QAudioSink(device, audio_format, self)
        sink.setVolume(self._volume)
        self._playing.append((sink, buffer))
        sink.start(buffer)
        if sink.error() != QtAudio.Error.NoError:
            log.info("sound: the audio output refused cue %r (%s)", cue, sink.error())
            self._release(sink, buffer)
            return False
        # Give the stream back once the cue has played out. (Not via stateChanged: PySide6
        # cannot convert its QAudio::State argument and prints a TypeError per call.)
        # The timer is tied to this player: if the window (and with it the player and its sinks) is
        # deleted first, Qt drops the timer instead of calling into deleted objects.
        QTimer.singleShot(round(sound.seconds * 1000) + self.RELEASE_MARGIN_MS, self,
                          lambda: self._release(sink, buffer))
        return True

    def _release(self, sink: QAudioSink, buffer: QBuffer) -> None:
        entry = (sink, buffer)
        if entry not in self._playing:
            return
        self._playing.remove(entry)
        try:
            sink.stop()
            sink.deleteLater()
            buffer.deleteLater()
        except RuntimeError:  # already deleted with its parent; nothing left to release
            pass

    def stop_all(self) -> None:
        """Silence every cue played through Qt now (the window is closing).

        A cue from the server's cache cannot be recalled; it is short (at most 1.5 s) and plays out.
        """
        for sink, buffer in list(self._playing):
            self._release(sink, buffer)
