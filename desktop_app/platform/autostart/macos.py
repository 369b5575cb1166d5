"""macOS: a LaunchAgent property list in ``~/Library/LaunchAgents``."""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app.platform.autostart.base import (
    PLIST_MARK,
    AutostartBackend,
    AutostartState,
    _missing_program,
    _refuse,
    _remove,
    _write,
)
from desktop_app.platform.install_kind import DESKTOP_ID, Installation


def launch_agent_plist(command: Sequence[str]) -> bytes:
    """The LaunchAgent property list that starts ``command`` at login."""
    return plistlib.dumps(
        {
            "Label": DESKTOP_ID,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
            PLIST_MARK: True,
        }
    )


class LaunchAgentAutostart(AutostartBackend):
    """``~/Library/LaunchAgents/<app id>.plist``; launchd loads it at the next login."""

    name = "launch-agent"

    def __init__(self, agents_dir: Path, installation: Installation) -> None:
        self.path = agents_dir / f"{DESKTOP_ID}.plist"
        self.installation = installation

    def _read(self) -> dict[str, Any] | None:
        """The plist as a dict; None when missing; {} when it cannot be parsed."""
        try:
            data = plistlib.loads(self.path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, plistlib.InvalidFileException, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def state(self) -> AutostartState:
        data = self._read()
        if data is None:
            return AutostartState(False, str(self.path))
        if data.get(PLIST_MARK) is not True:
            return AutostartState(False, str(self.path), foreign=True)
        args = data.get("ProgramArguments")
        command = tuple(str(a) for a in args) if isinstance(args, list) and args else None
        enabled = data.get("RunAtLoad") is True and data.get("Disabled") is not True
        return AutostartState(enabled, str(self.path), command, problem=_missing_program(command))

    def enable(self) -> None:
        data = self._read()
        if data is not None and data.get(PLIST_MARK) is not True:
            raise _refuse(str(self.path))
        content = launch_agent_plist(self.installation.command)
        try:
            if self.path.read_bytes() == content:
                return
        except OSError:
            pass
        _write(self.path, content.decode("utf-8"))

    def disable(self) -> None:
        data = self._read()
        if data is None:
            return
        if data.get(PLIST_MARK) is not True:
            raise _refuse(str(self.path))
        _remove(self.path)

