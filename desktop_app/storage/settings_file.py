"""The settings file: versioned JSON, written atomically, never lost.

Loading never fails. A file HipBreak cannot use at all (unreadable, not JSON,
not an object, written by a newer version) is moved aside as
``settings.json.bad-<timestamp>`` and the defaults are used, with one warning
naming the backup so the user knows where their old file went. A single bad
field costs only that field: it falls back to its default with a warning, and
the file stays where it is, because the rest of it is still the user's choice.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.atomic_files import StorageError, atomic_write_text, describe_os_error, move_aside
from desktop_app.core.settings import Settings, defaults, migrate, validate
from desktop_app.i18n import _

log = logging.getLogger(__name__)

#: A settings file is a few hundred bytes; anything past this is not ours.
MAX_SETTINGS_BYTES = 1_000_000


@dataclass(frozen=True)
class SettingsLoad:
    """What :func:`load_settings` found."""

    settings: Settings
    #: Plain sentences for the user, shown once (empty when all was well).
    warnings: list[str] = field(default_factory=list)
    #: Where an unusable file was moved, or None.
    moved_to: Path | None = None
    #: Format upgrades applied (for the log; the caller may save to make them permanent).
    notes: list[str] = field(default_factory=list)


class _Unusable(Exception):
    """The file exists but cannot be used as settings; the message says why, in plain words."""


def _kind_name(value: object) -> str:
    """What a JSON value is, in plain words (worked out at call time so the language can change)."""
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("a text string")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, (int, float)):
        return _("a number")
    if value is None:
        return _("null")
    return _("something else")


def _read_object(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        reason = describe_os_error(exc, path, reading=True)
        raise _Unusable(_("it cannot be read: {reason}").format(reason=reason)) from exc
    if len(raw) > MAX_SETTINGS_BYTES:
        raise _Unusable(_("it is far too large to be a settings file"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unusable(_("it is not UTF-8 text")) from exc
    if not text.strip():
        raise _Unusable(_("it is empty"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Unusable(
            _("it is not valid JSON (line {line}, column {column}: {problem})").format(
                line=exc.lineno, column=exc.colno, problem=exc.msg
            )
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise _Unusable(_("it is not valid JSON")) from exc
    if not isinstance(data, dict):
        kind = _kind_name(data)
        raise _Unusable(_("it holds {kind} instead of a set of named settings").format(kind=kind))
    return data


def load_settings(path: Path | str) -> SettingsLoad:
    """Read the settings at ``path``; always returns usable settings.

    Missing file: defaults, no warning (first start).
    """
    path = Path(path)
    if not os.path.lexists(path):
        return SettingsLoad(defaults())
    if path.is_dir():
        return SettingsLoad(
            defaults(),
            [_("The settings path {path} is a folder, not a file. The default settings are in use, "
               "and changes cannot be saved until that folder is moved away.").format(path=path)],
        )
    try:
        os.stat(path)
    except FileNotFoundError:
        return SettingsLoad(defaults())  # a dangling link is a missing file; saving writes through it
    except OSError:
        pass  # a link loop and the like: reported below as unreadable, and the link is moved aside
    try:
        data = _read_object(path)
        migrated, notes = migrate(data)
    except (_Unusable, ValueError) as exc:
        return _set_aside(path, str(exc))
    for note in notes:
        log.info("%s: %s", path, note)
    settings, problems = validate(migrated)
    warnings = [
        _("Settings file {path}: {problem}").format(path=path, problem=problem) for problem in problems
    ]
    return SettingsLoad(settings, warnings, None, notes)


def _set_aside(path: Path, why: str) -> SettingsLoad:
    """Keep an unusable file for the user under another name and start from defaults."""
    try:
        backup = move_aside(path)
    except StorageError as exc:
        message = _("The settings file {path} could not be used: {why}. It could not be moved aside "
                    "either ({error}), so it was left in place. The default settings are in use.").format(
            path=path, why=why, error=str(exc).rstrip(".")
        )
        log.warning("%s", message)
        return SettingsLoad(defaults(), [message])
    message = _("The settings file could not be used: {why}. It was kept as {backup} and the default "
                "settings are in use.").format(why=why, backup=backup)
    log.warning("%s", message)
    return SettingsLoad(defaults(), [message], backup)


def settings_text(settings: Settings) -> str:
    """The exact file content for ``settings`` (stable, human-editable JSON)."""
    return json.dumps(settings.to_dict(), indent=2, ensure_ascii=False) + "\n"


def save_settings(path: Path | str, settings: Settings) -> None:
    """Write ``settings`` atomically; raises :class:`StorageError` with a plain message."""
    atomic_write_text(path, settings_text(settings), what=_("settings"))


class SettingsFile:
    """The settings file as the application's ``SettingsStorePort``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def save(self, settings: Settings) -> str | None:
        """Write ``settings``; None, or the plain sentence of the StorageError."""
        try:
            save_settings(self.path, settings)
        except Exception as exc:  # StorageError: a plain sentence
            return str(exc)
        return None
