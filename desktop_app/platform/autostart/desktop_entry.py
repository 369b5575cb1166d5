"""The ``Exec=`` line of a desktop entry (quoted and split as the spec says), and reading our own entry back."""

from __future__ import annotations

import configparser
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from desktop_app import APP_NAME
from desktop_app.i18n import _
from desktop_app.platform.autostart.base import XDG_MARK, AutostartError, AutostartState, _missing_program, _refuse
from desktop_app.platform.install_kind import DESKTOP_ID

_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def exec_quote(argv: Sequence[str]) -> str:
    """``argv`` as the value of an ``Exec=`` key (Desktop Entry spec: quoting, then string escapes)."""
    parts = []
    for arg in argv:
        if any(ch in "\n\r\t" for ch in arg) or not arg.isprintable():
            raise AutostartError(
                _("The path {path} contains control characters and cannot be used at login.").format(path=arg)
            )
        arg = arg.replace("%", "%%")
        if arg == "" or any(ch in _EXEC_RESERVED for ch in arg):
            arg = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg) + '"'
        parts.append(arg)
    # The general string escape rule applies on top of the quoting rule.
    return " ".join(parts).replace("\\", "\\\\")


def exec_split(value: str) -> tuple[str, ...]:
    """Parse an ``Exec=`` value back into argv (the inverse of :func:`exec_quote`; field codes kept)."""
    unescaped = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        unescaped.append(ch)
        i += 1
    text = "".join(unescaped)
    args: list[str] = []
    current: list[str] = []
    in_arg = in_quotes = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_quotes:
            if ch == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
                current.append(text[i + 1])
                i += 1
            elif ch == '"':
                in_quotes = False
            else:
                current.append(ch)
        elif ch == '"':
            in_quotes = in_arg = True
        elif ch == " ":
            if in_arg:
                args.append("".join(current))
                current, in_arg = [], False
        else:
            current.append(ch)
            in_arg = True
        i += 1
    if in_arg:
        args.append("".join(current))
    return tuple(arg.replace("%%", "%") for arg in args)


def _read_desktop_entry(path: Path) -> dict[str, str] | None:
    """The ``[Desktop Entry]`` keys of ``path``; None when it is missing; {} when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError):
        return {}
    parser = configparser.ConfigParser(
        interpolation=None, strict=False, delimiters=("=",), comment_prefixes=("#",)
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text)
    except configparser.Error:
        return {}
    if not parser.has_section("Desktop Entry"):
        return {}
    return {key.strip(): value.strip() for key, value in parser.items("Desktop Entry")}


def autostart_desktop_entry(command: Sequence[str]) -> str:
    """The text of HipBreak's XDG autostart file for ``command``."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Break reminder with guided hip-flexor stretches\n"
        f"Exec={exec_quote(command)}\n"
        f"Icon={DESKTOP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        f"{XDG_MARK}=true\n"
    )


def _entry_enabled(entry: Mapping[str, str]) -> bool:
    """False when the user switched the entry off in their desktop's startup settings."""
    if entry.get("Hidden", "false").lower() == "true":
        return False
    return entry.get("X-GNOME-Autostart-enabled", "true").lower() != "false"


EntryCheck = Callable[[Mapping[str, str]], bool]


def _desktop_entry_state(path: Path, is_ours: EntryCheck, check_program: bool) -> AutostartState:
    """The state an autostart ``.desktop`` file gives: none, someone else's (foreign), or ours.

    ``check_program`` is False where the entry's program is not ours to look at
    (the Flatpak portal's entry runs on the host, outside the sandbox).
    """
    entry = _read_desktop_entry(path)
    if entry is None:
        return AutostartState(False, str(path))
    if not is_ours(entry):
        return AutostartState(False, str(path), foreign=True)
    command = exec_split(entry.get("Exec", "")) or None
    problem = _missing_program(command) if check_program else None
    return AutostartState(_entry_enabled(entry), str(path), command, problem=problem)


def _read_our_entry(path: Path, is_ours: EntryCheck) -> dict[str, str] | None:
    """The desktop entry at ``path`` (None when there is none), refusing one another program wrote,
    so that turning autostart on or off never overwrites or removes it."""
    entry = _read_desktop_entry(path)
    if entry is not None and not is_ours(entry):
        raise _refuse(str(path))
    return entry

