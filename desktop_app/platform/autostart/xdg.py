"""Linux and other XDG desktops: a ``.desktop`` file in ``~/.config/autostart``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from desktop_app.platform.autostart.base import (
    DESKTOP_FILE,
    XDG_MARK,
    AutostartBackend,
    AutostartState,
    _remove,
    _write,
)
from desktop_app.platform.autostart.desktop_entry import _desktop_entry_state, _read_our_entry, autostart_desktop_entry
from desktop_app.platform.install_kind import Installation


class XdgAutostart(AutostartBackend):
    """A ``.desktop`` file in ``$XDG_CONFIG_HOME/autostart`` (freedesktop Autostart spec)."""

    name = "xdg"

    def __init__(self, autostart_dir: Path, installation: Installation) -> None:
        self.path = autostart_dir / DESKTOP_FILE
        self.installation = installation

    def _is_ours(self, entry: Mapping[str, str]) -> bool:
        return entry.get(XDG_MARK, "").lower() == "true"

    def state(self) -> AutostartState:
        return _desktop_entry_state(self.path, self._is_ours, check_program=True)

    def enable(self) -> None:
        _read_our_entry(self.path, self._is_ours)
        text = autostart_desktop_entry(self.installation.command)
        try:
            if self.path.read_text(encoding="utf-8") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
        _write(self.path, text)

    def disable(self) -> None:
        if _read_our_entry(self.path, self._is_ours) is not None:
            _remove(self.path)

