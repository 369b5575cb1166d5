"""Crash-safe file writes, and moving bad files aside instead of deleting them.

A neutral module (it imports nothing of the app but i18n), so storage,
platform (the autostart entries) and export all write files the same way
without one of those layers depending on another.

Why this dance (temp file in the same folder, write, flush, fsync, rename,
fsync the folder): ``os.replace`` is atomic only within one file system, and
without the fsyncs a crash or power cut right after the rename can leave an
empty or half-written file under the real name. With them, anyone reading the
file (including HipBreak after a ``kill -9``) sees either the old or the new
content, never a mix.

Errors come out as :class:`StorageError` carrying one plain sentence, because
the UI shows it to the user as is ("Cannot save settings: the folder /x is
read-only."). User data is never deleted here: a bad file is renamed to
``<name>.bad-<timestamp>`` so the user (or a bug report) still has it.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from desktop_app.i18n import _

log = logging.getLogger(__name__)


class StorageError(Exception):
    """A file could not be read or written. ``str(exc)`` is a sentence fit for the user."""


def describe_os_error(exc: OSError, path: Path, reading: bool = False) -> str:
    """Say in plain words why reading or writing ``path`` failed (no trailing full stop)."""
    folder = path.parent
    code = exc.errno
    if reading and code in (errno.EACCES, errno.EPERM):
        return _("no permission to read {path}").format(path=path)
    if code == errno.EROFS:
        return _("the folder {folder} is read-only").format(folder=folder)
    if code in (errno.EACCES, errno.EPERM):
        return _("no permission to write in the folder {folder}").format(folder=folder)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _("the disk is full")
    if code == errno.ENOENT:
        if folder.is_dir():
            return _("{path} does not exist").format(path=path)
        return _("the folder {folder} does not exist").format(folder=folder)
    if code == errno.ENOTDIR:
        return _("part of the path {path} is a file, not a folder").format(path=path)
    if code == errno.EISDIR:
        return _("{path} is a folder, not a file").format(path=path)
    if code == errno.ELOOP:
        return _("{path} is a symbolic link that points back to itself").format(path=path)
    reason = exc.strerror or str(exc)
    return _("{reason} ({path})").format(reason=reason.lower(), path=path)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable. Not possible (nor needed) on Windows."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        log.debug("cannot open %s to fsync it: %s", folder, exc)
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems refuse fsync on folders; the data itself is safe
        log.debug("fsync of folder %s failed: %s", folder, exc)
    finally:
        os.close(fd)


#: A temp file this old was left by a writer that died (``kill -9``, power cut), not one in progress.
STALE_TEMP_SECONDS = 60.0


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Tidy up temp files of ``name`` left by a writer killed mid-write.

    They hold only a copy of data that was being saved, never the user's only
    copy (the real file was untouched), so removing them deletes no user data.
    """
    now = time.time()
    try:
        candidates = list(folder.glob(f".{glob.escape(name)}.*.tmp"))
    except OSError:
        return
    for leftover in candidates:
        try:
            if now - leftover.lstat().st_mtime > STALE_TEMP_SECONDS:
                leftover.unlink()
        except OSError as exc:
            log.debug("cannot remove stale temp file %s: %s", leftover, exc)


def atomic_write_text(path: Path | str, text: str, what: str | None = None) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so that readers see old or new, never half.

    ``what`` names the thing for the error message ("settings" gives
    "Cannot save settings: ..."). Missing parent folders are created. On any
    failure the old file is left as it was, no temp file is left behind, and
    :class:`StorageError` is raised. A symbolic link at ``path`` is followed,
    so a settings file kept in a dotfiles repository stays a link.
    """
    target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    folder = target.parent
    label = what or str(path)
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        tmp = None
        _fsync_dir(folder)
        _remove_stale_temps(folder, target.name)
    except OSError as exc:
        reason = describe_os_error(exc, target)
        raise StorageError(_("Cannot save {what}: {reason}.").format(what=label, reason=reason)) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError as exc:
                log.warning("could not remove the temporary file %s: %s", tmp, exc)


def move_aside(path: Path | str, now: datetime | None = None) -> Path:
    """Rename ``path`` to ``<name>.bad-<YYYYmmdd-HHMMSS>`` (made unique) and return the new path.

    Used for files HipBreak cannot read: the user keeps them, and a fresh file
    can take their place. Works for symbolic links too (the link itself is
    renamed). Raises :class:`StorageError` when the rename is not possible.
    """
    source = Path(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = source.with_name(f"{source.name}.bad-{stamp}")
    candidate = base
    counter = 2
    while os.path.lexists(candidate):
        candidate = base.with_name(f"{base.name}-{counter}")
        counter += 1
    try:
        os.rename(source, candidate)
    except OSError as exc:
        reason = describe_os_error(exc, source)
        message = _("Cannot move {path} aside: {reason}.").format(path=source, reason=reason)
        raise StorageError(message) from exc
    _fsync_dir(source.parent)
    return candidate
