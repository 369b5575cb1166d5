"""Optional spoken guidance ("Switch sides. Right leg forward.") for following a routine from the floor.

Off by default: nothing is loaded until the user turns it on, because speech
engines are slow to start and some talk to system services.

Backends, best first:
1. QtTextToSpeech with a real engine (speech-dispatcher, SAPI, AVSpeech...).
   Qt's ``mock`` engine is only used when asked for by name (tests).
2. plyer's tts (espeak/flite on Linux, SAPI on Windows, ``say`` on macOS). It
   blocks while speaking, so it runs in a short-lived daemon thread.
3. Nothing: one log line, and every later ``say()`` quietly returns False.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)


def _plyer_can_speak() -> bool:
    """Whether plyer's tts has something to call on this OS."""
    if sys.platform.startswith("linux"):
        return bool(shutil.which("espeak") or shutil.which("flite"))
    try:
        from plyer import tts  # noqa: F401
    except Exception:  # plyer missing or broken: treat as unavailable
        return False
    return True


class Voice(QObject):
    """Speaks short guidance lines when enabled; silent otherwise."""

    #: The text handed to a backend (for logging and tests).
    spoken = Signal(str)

    def __init__(self, enabled: bool = False, lang: str = "en", engine: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self._engine_name = engine
        self._tts: QTextToSpeech | None = None
        #: "off" until enabled, then "qt:<engine>", "plyer" or "none".
        self.backend = "off"
        self._enabled = False
        self.set_enabled(enabled)

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Turn speech on or off (the voice_enabled setting). The backend is chosen on first use."""
        self._enabled = enabled
        if enabled and self.backend == "off":
            self.backend = self._choose_backend()
        if not enabled and self._tts is not None:
            self._tts.stop()

    def _choose_backend(self) -> str:
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            QTextToSpeech = None  # type: ignore[assignment,misc]
        if QTextToSpeech is not None:
            engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
            if self._engine_name is not None:
                engines = [self._engine_name] if self._engine_name in QTextToSpeech.availableEngines() else []
            for name in engines:
                tts = QTextToSpeech(name, self)
                if tts.state() == QTextToSpeech.State.Error:
                    log.info("voice: Qt speech engine %s failed: %s", name, tts.errorString())
                    tts.deleteLater()
                    continue
                locale = QLocale(self._lang)
                if locale in tts.availableLocales():
                    tts.setLocale(locale)
                self._tts = tts
                return f"qt:{name}"
        if _plyer_can_speak():
            return "plyer"
        log.info("voice: no speech engine found (QtTextToSpeech or plyer tts); spoken guidance is silent")
        return "none"

    def say(self, text: str) -> bool:
        """Speak ``text`` now, interrupting older guidance. Returns False when nothing was spoken."""
        if not self._enabled or not text or self.backend in ("off", "none"):
            return False
        if self._tts is not None:
            self._tts.say(text)
        else:
            threading.Thread(target=_plyer_speak, args=(text,), name="hipbreak-tts", daemon=True).start()
        self.spoken.emit(text)
        return True

    def stop(self) -> None:
        """Stop speaking (the window closed)."""
        if self._tts is not None:
            self._tts.stop()


def _plyer_speak(text: str) -> None:
    """Speak through plyer (blocking; runs in a thread). Errors are logged, never raised."""
    try:
        from plyer import tts

        tts.speak(text)
    except Exception as exc:  # a broken engine must not take the app down
        log.info("voice: plyer tts failed: %s", exc)
