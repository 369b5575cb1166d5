"""Text that exists in several languages, with English always present.

Routine files are data written by people, not source code, so they cannot go
through the ``_()`` catalogs: a user's own routine would never be in them.
Instead every text field in a routine file may carry its own translations
(``{"en": "...", "de": "..."}``). ``LocalizedText`` holds such a field and
picks the right language at display time, so switching the UI language never
needs the routine to be reloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class LocalizedText:
    """One text in one or more languages; English (``"en"``) is always present.

    Stored as a sorted tuple of ``(language, text)`` pairs so that instances
    are immutable, hashable and compare equal when their contents are equal.
    """

    translations: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if not any(code == FALLBACK_LANGUAGE for code, _text in self.translations):
            raise ValueError("a LocalizedText needs an English ('en') text")

    @classmethod
    def of(cls, english: str, **others: str) -> LocalizedText:
        """Build from English plus keyword translations: ``LocalizedText.of("Rest", de="Pause")``."""
        return cls.from_mapping({FALLBACK_LANGUAGE: english, **others})

    @classmethod
    def from_mapping(cls, texts: Mapping[str, str]) -> LocalizedText:
        """Build from a ``{language: text}`` mapping (already validated)."""
        return cls(tuple(sorted(texts.items())))

    @property
    def english(self) -> str:
        """The English text, the one every other language falls back to."""
        return self.get(FALLBACK_LANGUAGE)

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes this text is available in."""
        return tuple(code for code, _text in self.translations)

    def get(self, lang: str) -> str:
        """The text in ``lang``; a region-specific code (``de_AT``, ``de-at``) falls back to
        its base language, and a missing language falls back to English."""
        wanted = lang.replace("_", "-").lower()
        base = wanted.split("-", 1)[0]
        found: dict[str, str] = {code.replace("_", "-").lower(): text for code, text in self.translations}
        for code in (wanted, base, FALLBACK_LANGUAGE):
            if code in found:
                return found[code]
        return found[FALLBACK_LANGUAGE]  # pragma: no cover - __post_init__ guarantees English

    def to_json(self) -> str | dict[str, str]:
        """The routine-file form: a plain string when only English is present."""
        if self.languages == (FALLBACK_LANGUAGE,):
            return self.english
        return dict(self.translations)

    def __str__(self) -> str:
        return self.english
