"""Windows: the ``HipBreak`` value under the HKCU ``...\\CurrentVersion\\Run`` key."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from typing import Any, Protocol

from desktop_app.i18n import _
from desktop_app.platform.autostart.base import (
    RUN_KEY_PATH,
    RUN_VALUE,
    AutostartBackend,
    AutostartError,
    AutostartState,
    _missing_program,
    _refuse,
)
from desktop_app.platform.install_kind import Installation


class RunKey(Protocol):
    """The few registry operations autostart needs, so tests can pass a fake."""

    location: str

    def read(self, name: str) -> str | None: ...

    def write(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class WinregRunKey:
    """The real HKCU Run key through :mod:`winreg` (Windows only)."""

    location = "HKEY_CURRENT_USER\\" + RUN_KEY_PATH

    def __init__(self) -> None:
        import winreg  # only exists on Windows

        self._winreg: Any = winreg

    def read(self, name: str) -> str | None:
        reg = self._winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, name)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AutostartError(_("Cannot read the Windows Run key: {error}").format(error=exc)) from exc
        return value if isinstance(value, str) else None

    def write(self, name: str, value: str) -> None:
        reg = self._winreg
        try:
            with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, reg.KEY_SET_VALUE) as key:
                reg.SetValueEx(key, name, 0, reg.REG_SZ, value)
        except OSError as exc:
            raise AutostartError(_("Cannot write the Windows Run key: {error}").format(error=exc)) from exc

    def delete(self, name: str) -> None:
        reg = self._winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY_PATH, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, name)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise AutostartError(_("Cannot change the Windows Run key: {error}").format(error=exc)) from exc


def windows_command_line(argv: Sequence[str]) -> str:
    """``argv`` as one Windows command line (each argument quoted as the C runtime expects)."""
    return subprocess.list2cmdline(list(argv))


def windows_split(command_line: str) -> tuple[str, ...]:
    """A best-effort split of a Run value for display (quoted program path, then arguments)."""
    text = command_line.strip()
    if text.startswith('"'):
        end = text.find('"', 1)
        if end > 0:
            rest = text[end + 1 :].split()
            return (text[1:end], *rest)
    return tuple(text.split())


class WindowsRunAutostart(AutostartBackend):
    """The ``HipBreak`` value under HKCU Run. It counts as HipBreak's when its command names hipbreak."""

    name = "windows-run"

    def __init__(self, run_key: RunKey, installation: Installation) -> None:
        self.run_key = run_key
        self.installation = installation
        self.location = f"{run_key.location}\\{RUN_VALUE}"

    @staticmethod
    def _is_ours(value: str) -> bool:
        return "hipbreak" in value.lower() or "desktop_app" in value.lower()

    def state(self) -> AutostartState:
        value = self.run_key.read(RUN_VALUE)
        if value is None:
            return AutostartState(False, self.location)
        if not self._is_ours(value):
            return AutostartState(False, self.location, foreign=True)
        command = windows_split(value)
        return AutostartState(True, self.location, command, problem=_missing_program(command))

    def enable(self) -> None:
        value = self.run_key.read(RUN_VALUE)
        if value is not None and not self._is_ours(value):
            raise _refuse(self.location)
        wanted = windows_command_line(self.installation.command)
        if value != wanted:
            self.run_key.write(RUN_VALUE, wanted)

    def disable(self) -> None:
        value = self.run_key.read(RUN_VALUE)
        if value is None:
            return
        if not self._is_ours(value):
            raise _refuse(self.location)
        self.run_key.delete(RUN_VALUE)

