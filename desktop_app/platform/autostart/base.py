"""What every autostart backend shares: the marks, the state, the backend interface, and the careful file helpers."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app import APP_NAME
from desktop_app.atomic_files import StorageError, atomic_write_text, describe_os_error
from desktop_app.i18n import _
from desktop_app.platform.install_kind import DESKTOP_ID

#: The mark HipBreak writes into its XDG autostart file.
XDG_MARK = "X-HipBreak-Autostart"


#: The key HipBreak writes into its LaunchAgent plist.
PLIST_MARK = "HipBreakAutostart"


#: The value name under HKCU\...\Run (the Inno Setup installer uses the same name).
RUN_VALUE = APP_NAME


RUN_KEY_PATH = r"Software\Microsoft\Windows\CurrentVersion\Run"


#: File name of the autostart entry on Linux (the Background portal uses ``<app id>.desktop`` too).
DESKTOP_FILE = f"{DESKTOP_ID}.desktop"


class AutostartError(Exception):
    """Autostart could not be changed. ``str(exc)`` is a sentence fit for the user."""


@dataclass(frozen=True)
class AutostartState:
    """What is on disk now."""

    enabled: bool
    #: Where the entry lives (a file path, or the registry key and value name).
    location: str
    #: The command the entry runs, when there is one.
    command: tuple[str, ...] | None = None
    #: An entry exists there that HipBreak did not write (so it is left alone).
    foreign: bool = False
    #: Something the user should know, e.g. the entry names a program that is gone.
    problem: str | None = None


class AutostartBackend(ABC):
    """One way to start HipBreak at login."""

    name: str = "none"

    def supported(self) -> bool:
        return True

    @abstractmethod
    def state(self) -> AutostartState:
        """Read the real state from disk."""

    @abstractmethod
    def enable(self) -> None:
        """Create or refresh the entry; raises :class:`AutostartError`."""

    @abstractmethod
    def disable(self) -> None:
        """Remove HipBreak's entry, and only HipBreak's; raises :class:`AutostartError`."""


def _missing_program(command: Sequence[str] | None) -> str | None:
    """A plain warning when the entry's program is an absolute path that no longer exists."""
    if not command:
        return None
    program = command[0]
    if os.path.isabs(program) and not os.path.exists(program):
        return _("it runs {program}, which no longer exists; turn autostart on again to fix it").format(
            program=program
        )
    return None


def _write(path: Path, text: str) -> None:
    try:
        atomic_write_text(path, text, what=str(path))
    except StorageError as exc:
        raise AutostartError(str(exc)) from exc


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        reason = describe_os_error(exc, path)
        raise AutostartError(_("Cannot remove {path}: {reason}.").format(path=path, reason=reason)) from exc


def _refuse(location: str) -> AutostartError:
    return AutostartError(
        _(
            "{location} was not written by HipBreak, so it was left alone. Remove it yourself if you want."
        ).format(location=location)
    )

