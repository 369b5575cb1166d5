"""Short sound cues for eyes-off use: ticks, a chime per segment, a switch and an end sound.

QSoundEffect plays uncompressed WAV with low latency, which matters for a
3-2-1 tick that should land on the second. Each cue is loaded once, when the
player opens, never per play.

A machine without an audio device (a server, a CI box, a muted container) must
stay silent and calm: one line in the log, no dialog, no exception. A missing
or unreadable WAV file is the same: that cue stays silent and is logged once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

from desktop_app.i18n import assets_dir

log = logging.getLogger(__name__)

#: The cues the player uses, each a WAV file of the same name in ``assets/sounds``.
CUES: tuple[str, ...] = ("tick", "chime", "switch", "end")


def sounds_dir() -> Path:
    """Where the cue WAV files live (also inside a bundle)."""
    return assets_dir() / "sounds"


def audio_output_available() -> bool:
    """True when Qt sees at least one audio output device."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:  # QtMultimedia missing from this PySide6 build
        return False
    return bool(QMediaDevices.audioOutputs())


class CuePlayer(QObject):
    """Plays named cues at the volume and mute state from the settings.

    ``play()`` returns whether a sound was actually started, so callers and tests
    can tell silence by choice (muted) from silence by necessity (no device).
    """

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
        self._effects: dict[str, QSoundEffect] = {}
        self._directory = directory or sounds_dir()
        self.available = audio_output_available() if device_available is None else device_available
        #: Why there is no sound, in plain words (None when cues can play).
        self.silence_reason: str | None = None
        if not self.available:
            self.silence_reason = "no audio output device was found; sound cues are silent"
            log.info("sound: %s", self.silence_reason)
            return
        self._load(cues)

    def _load(self, cues: Iterable[str]) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        missing: list[str] = []
        for cue in cues:
            path = self._directory / f"{cue}.wav"
            if not path.is_file():
                missing.append(path.name)
                continue
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(self._volume)
            self._effects[cue] = effect
        if missing:
            log.info("sound: cue files not found in %s: %s (those cues stay silent)",
                     self._directory, ", ".join(missing))

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def volume_percent(self) -> int:
        return round(self._volume * 100)

    def loaded_cues(self) -> list[str]:
        """Names of the cues that have a sound loaded."""
        return sorted(self._effects)

    def apply_settings(self, enabled: bool, volume_percent: int) -> None:
        """Follow the sound_enabled and volume_percent settings."""
        self._enabled = enabled
        self._volume = max(0, min(100, volume_percent)) / 100.0
        for effect in self._effects.values():
            effect.setVolume(self._volume)

    def play(self, cue: str) -> bool:
        """Start ``cue``; returns False when muted, at zero volume, or with nothing to play."""
        if not self._enabled or self._volume <= 0.0:
            return False
        effect = self._effects.get(cue)
        if effect is None:
            return False
        effect.play()
        return True
