"""Where HipBreak keeps its files.

Why a dataclass and not scattered ``appdirs`` calls: every module (settings,
history, logs, the single-instance socket) must agree on one set of folders,
and tests and ``--demo`` must be able to move *all* of them at once with
``HIPBREAK_PROFILE_DIR`` so they never touch the user's real data or talk to
the user's running instance.

Resolving paths never creates anything: a read-only or missing home folder
must not crash start-up. Callers create folders with :func:`ensure_dir` at the
moment they need them and show its message if that fails.
"""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import appdirs

from desktop_app.i18n import _

APP_NAME = "hipbreak"
PROFILE_ENV = "HIPBREAK_PROFILE_DIR"


@dataclass(frozen=True)
class AppPaths:
    """The folders HipBreak uses. Nothing here is guaranteed to exist yet."""

    config_dir: Path
    data_dir: Path
    log_dir: Path
    runtime_dir: Path
    #: Set when ``HIPBREAK_PROFILE_DIR`` moved everything into one folder;
    #: it also makes the single-instance socket name unique to that profile.
    profile_dir: Path | None = None

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def routines_dir(self) -> Path:
        """The user's own routine files (``*.json``)."""
        return self.config_dir / "routines"

    @property
    def state_file(self) -> Path:
        """App state (last break, snooze, pause), kept apart from settings."""
        return self.data_dir / "state.json"

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "hipbreak.log"

    @property
    def socket_name(self) -> str:
        """A per-user (and per-profile) name for the single-instance QLocalServer.

        The user id keeps two users on one machine apart; the profile hash keeps
        a test or demo profile from ever reaching the user's real instance.
        """
        name = f"{APP_NAME}-{_user_tag()}"
        if self.profile_dir is not None:
            digest = _sha256_hex(str(self.profile_dir).encode("utf-8", "surrogateescape"))
            name += f"-{digest[:10]}"
        return name


def _sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` in hex, without ``hashlib`` where Python has its own SHA-256.

    ``hashlib`` loads OpenSSL's libcrypto and initialises every digest: 3.4 MB of the tray app's
    memory for one hash of a folder name (bench/RESULTS.md, "session 3"). The digest is the same,
    so the socket name does not change.
    """
    import importlib

    for name in ("_sha256", "_sha2", "hashlib"):  # CPython 3.11 builtin, its 3.12 name, OpenSSL
        try:
            sha256: Any = importlib.import_module(name).sha256
            break
        except (ImportError, AttributeError):
            continue
    return str(sha256(data).hexdigest())


def _user_tag() -> str:
    """The numeric uid where the OS has one, else the user name (Windows)."""
    getuid = getattr(os, "getuid", None)
    if getuid is not None:
        return str(getuid())
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        user = "user"
    return "".join(ch for ch in user if ch.isalnum() or ch in "-_") or "user"


def _is_xdg_platform() -> bool:
    return not (sys.platform.startswith("win") or sys.platform == "darwin")


def _xdg_home(environ: Mapping[str, str], var: str, fallback: str) -> Path:
    """An XDG base folder read from ``environ``, exactly as appdirs reads it.

    appdirs only looks at the process environment; reading the mapping we are
    given keeps ``resolve_paths(environ=...)`` honest. A test checks that both
    give the same answer. Relative values are ignored, as the XDG spec says.
    """
    value = environ.get(var, "")
    if value and os.path.isabs(value):
        return Path(value)
    home = environ.get("HOME") or os.path.expanduser("~")
    return Path(home) / fallback


def resolve_paths(environ: Mapping[str, str] = os.environ) -> AppPaths:
    """Work out the folders for this user, without creating any of them.

    * ``HIPBREAK_PROFILE_DIR=<dir>``: config, data, logs and runtime all go
      under ``<dir>`` (tests, ``--demo``, portable use).
    * Linux and other XDG systems: ``$XDG_CONFIG_HOME/hipbreak``,
      ``$XDG_DATA_HOME/hipbreak`` (what appdirs gives), and logs in
      ``$XDG_STATE_HOME/hipbreak/log``: appdirs 1.4 puts logs in the cache
      folder, but the XDG spec names the state folder for logs, and a cache
      cleaner must not wipe the log a user is asked to send with a bug report.
    * Windows and macOS: appdirs' folders.
    """
    profile = environ.get(PROFILE_ENV, "")
    if profile:
        root = Path(profile).expanduser().absolute()
        return AppPaths(
            config_dir=root / "config",
            data_dir=root / "data",
            log_dir=root / "log",
            runtime_dir=root / "run",
            profile_dir=root,
        )
    if _is_xdg_platform():
        config = _xdg_home(environ, "XDG_CONFIG_HOME", ".config") / APP_NAME
        data = _xdg_home(environ, "XDG_DATA_HOME", ".local/share") / APP_NAME
        logs = _xdg_home(environ, "XDG_STATE_HOME", ".local/state") / APP_NAME / "log"
        runtime_base = environ.get("XDG_RUNTIME_DIR", "")
        if runtime_base and os.path.isabs(runtime_base):
            runtime = Path(runtime_base) / APP_NAME
        else:
            runtime = Path(tempfile.gettempdir()) / f"{APP_NAME}-{_user_tag()}"
        return AppPaths(config, data, logs, runtime)
    config = Path(appdirs.user_config_dir(APP_NAME, appauthor=False, roaming=False))
    data = Path(appdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))
    logs = Path(appdirs.user_log_dir(APP_NAME, appauthor=False))
    runtime = Path(appdirs.user_cache_dir(APP_NAME, appauthor=False)) / "run"
    return AppPaths(config, data, logs, runtime)


def ensure_dir(path: Path | str) -> str | None:
    """Create ``path`` (and its parents) if needed.

    Returns None when the folder exists and is a folder, otherwise one plain
    sentence saying why not, for the caller to show. It never raises, so a
    read-only home folder degrades the feature instead of crashing the app.
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return _("Cannot use the folder {path}: a file with that name is in the way.").format(path=folder)
    except NotADirectoryError:
        return _("Cannot create the folder {path}: part of that path is a file, not a folder.").format(
            path=folder
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return _("Cannot create the folder {path}: {reason}.").format(path=folder, reason=reason.lower())
    if not folder.is_dir():
        return _("Cannot use the folder {path}: it is not a folder.").format(path=folder)
    return None
