"""App state (last break, snooze-until, pause-until, standing, window geometry).

Kept apart from the settings file on purpose: state changes many times a day
while settings change rarely, "Restore defaults" must never touch state, and a
damaged state file should cost a snooze, not the user's preferences. It uses
the same atomic writer, and a file it cannot read is moved aside, not deleted.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.atomic_files import StorageError, atomic_write_text, describe_os_error, move_aside
from desktop_app.core.schedule import STATE_VERSION
from desktop_app.i18n import _

log = logging.getLogger(__name__)

MAX_STATE_BYTES = 1_000_000

#: One step per older state format: ``{from_version: step}``, each step returning the next version's
#: mapping. Format 1 is the first one ever written (``BreakScheduler.to_state`` has always stored
#: ``"version": 1``), so there is nothing to upgrade yet; when ``STATE_VERSION`` goes up, add the step
#: here and a test that reads a file of the old format.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class _NotUsable(Exception):
    """The state cannot be used as it is; the message says why in plain words."""


def migrate_state(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a state mapping of any known format up to :data:`STATE_VERSION`.

    A file without a version is taken as format 1 (the only one before versions were read).
    Raises :class:`_NotUsable` for a version that is not a whole number, or one written by a
    newer HipBreak: guessing at a newer format could restore a wrong pause or snooze, and the
    newer app would want its file back, so the caller moves it aside rather than overwrite it.
    """
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        shown = ("true" if version else "false") if isinstance(version, bool) else json.dumps(version)
        raise _NotUsable(_("its version must be a whole number from 1 to {newest}, got {got}").format(
            newest=STATE_VERSION, got=shown))
    if version > STATE_VERSION:
        raise _NotUsable(_("it was written by a newer version of HipBreak (state format {got}; "
                           "this version reads up to format {newest})").format(got=version, newest=STATE_VERSION))
    result = dict(data)
    while version < STATE_VERSION:
        result = _MIGRATIONS[version](result)
        version += 1
        result["version"] = version
        log.info("app state upgraded from format %d to %d", version - 1, version)
    return result


def load_state(path: Path | str, warnings: list[str] | None = None) -> dict[str, Any]:
    """The saved state, or ``{}`` when there is none or it cannot be used.

    A plain-words warning for the user is appended to ``warnings`` (when
    given) if a bad file had to be moved aside; it is always logged.
    """
    path = Path(path)
    if not os.path.lexists(path):
        return {}
    problem: str | None = None
    data: Any = None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_STATE_BYTES + 1)
        if len(raw) > MAX_STATE_BYTES:
            problem = _("it is far too large")
        else:
            data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        problem = _("it is a folder, not a file")
    except OSError as exc:
        reason = describe_os_error(exc, path, reading=True)
        problem = _("it cannot be read: {reason}").format(reason=reason)
    except (UnicodeDecodeError, ValueError, RecursionError):
        problem = _("it is not valid JSON")
    if problem is None and not isinstance(data, dict):
        problem = _("it does not hold a set of named values")
    if problem is None:
        assert isinstance(data, dict)
        try:
            return migrate_state(data)
        except _NotUsable as exc:
            problem = str(exc)
    if path.is_dir() and not path.is_symlink():
        message = _("The app state file {path} could not be used: {why}. It was left in place; "
                    "HipBreak starts fresh and cannot remember its state until it is moved.").format(
            path=path, why=problem)
    else:
        try:
            backup = move_aside(path)
            message = _("The app state file could not be used: {why}. It was kept as {backup}; "
                        "HipBreak starts fresh (last break, snooze and pause are forgotten).").format(
                why=problem, backup=backup)
        except StorageError as exc:
            message = _("The app state file {path} could not be used: {why}, and could not be moved "
                        "aside ({error}). HipBreak starts fresh.").format(
                path=path, why=problem, error=str(exc).rstrip("."))
    log.warning("%s", message)
    if warnings is not None:
        warnings.append(message)
    return {}


def save_state(path: Path | str, data: dict[str, Any]) -> None:
    """Write ``data`` (JSON-able) atomically; raises :class:`StorageError` with a plain message."""
    atomic_write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n", what=_("the app state"))


class StateFile:
    """The state file as the application's ``StatePort``: load and save one path."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def load(self, warnings: list[str]) -> dict[str, Any]:
        return load_state(self.path, warnings)

    def save(self, state: dict[str, Any]) -> None:
        save_state(self.path, state)
