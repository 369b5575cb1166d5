"""Start HipBreak at login: XDG autostart, the Windows Run key, a macOS LaunchAgent.

Why this shape: a tray app that doesn't start at login is forgotten within
days, yet an autostart entry is the user's file in the user's folder. So:

* each entry runs the command that is *really* installed (see
  :mod:`desktop_app.platform.install_kind`), never ``sys.argv[0]``;
* every entry carries a HipBreak mark (``X-HipBreak-Autostart=true`` in the
  .desktop file, ``HipBreakAutostart`` in the plist, the ``HipBreak`` value
  naming a hipbreak command in the Run key), and HipBreak refuses to change
  or delete an entry without it;
* the state is always read back from disk (or the registry), so the settings
  window shows what will really happen at the next login;
* enabling twice is the same as enabling once.

Every OS specific sits behind :class:`AutostartBackend`; the backend is picked
by :func:`select_backend` from arguments (platform, home, environment), so
the Windows and macOS paths run in tests here against a fake registry and
temporary folders. Failures raise :class:`AutostartError` whose text is a
plain sentence for the user.

The settings window uses the module functions :func:`supported`,
:func:`is_enabled`, :func:`enable` and :func:`disable`; the CLI uses
:func:`main` (``hipbreak autostart on|off|status``).
"""

from __future__ import annotations

import configparser
import io
import os
import plistlib
import shutil
import subprocess
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from desktop_app import APP_NAME
from desktop_app.atomic_files import StorageError, atomic_write_text, describe_os_error
from desktop_app.i18n import _
from desktop_app.platform.install_kind import DESKTOP_ID, FLATPAK, Installation, detect_installation

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


# --- Linux and other XDG desktops ------------------------------------------------------------

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


# --- Flatpak: the Background portal ------------------------------------------------------------

PortalRequest = Callable[[bool, Sequence[str]], None]


def gdbus_background_request(autostart: bool, commandline: Sequence[str]) -> None:
    """Ask ``org.freedesktop.portal.Background`` to (un)register autostart, with the gdbus tool.

    Why gdbus and not QtDBus: it keeps this module free of Qt (the CLI uses it)
    and the a{sv} options are spelled plainly in GVariant text. The portal
    answers later (the desktop may ask the user first); the request is sent here.
    """
    gdbus = shutil.which("gdbus")
    if gdbus is None:
        raise AutostartError(
            _("The gdbus tool is missing, so the desktop cannot be asked to start HipBreak.")
        )
    args = ", ".join("'" + a.replace("\\", "\\\\").replace("'", "\\'") + "'" for a in commandline)
    reason = _("Start HipBreak at login so it can remind you to take breaks.").replace("'", "\\'")
    options = (
        f"{{'reason': <'{reason}'>, 'autostart': <{'true' if autostart else 'false'}>, "
        f"'commandline': <[{args}]>, 'dbus-activatable': <false>}}"
    )
    cmd = [
        gdbus, "call", "--session", "--dest", "org.freedesktop.portal.Desktop",
        "--object-path", "/org/freedesktop/portal/desktop",
        "--method", "org.freedesktop.portal.Background.RequestBackground", "''", options,
    ]  # fmt: skip
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AutostartError(
            _("The desktop's background portal did not answer ({error}).").format(error=exc)
        ) from exc
    if result.returncode != 0:
        if "ServiceUnknown" in result.stderr or "NameHasNoOwner" in result.stderr:
            raise AutostartError(
                _("The desktop offers no background portal (xdg-desktop-portal is not running).")
            )
        error = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["?"]
        raise AutostartError(_("The desktop's background portal refused: {error}").format(error=error[0]))


class FlatpakPortalAutostart(AutostartBackend):
    """Inside Flatpak: the Background portal writes ``~/.config/autostart/<app id>.desktop`` on the host.

    The state is read from that file, which the manifest makes visible with
    ``--filesystem=xdg-config/autostart:ro``. The portal marks it ``X-Flatpak=<app id>``.
    """

    name = "flatpak-portal"

    def __init__(self, host_autostart_dir: Path, app_id: str, request: PortalRequest) -> None:
        self.path = host_autostart_dir / f"{app_id}.desktop"
        self.app_id = app_id
        self.request = request

    def _is_ours(self, entry: Mapping[str, str]) -> bool:
        return entry.get("X-Flatpak", "") == self.app_id or entry.get(XDG_MARK, "").lower() == "true"

    def state(self) -> AutostartState:
        return _desktop_entry_state(self.path, self._is_ours, check_program=False)

    def enable(self) -> None:
        self.request(True, ["hipbreak"])

    def disable(self) -> None:
        _read_our_entry(self.path, self._is_ours)
        self.request(False, ["hipbreak"])


# --- Windows: HKCU\Software\Microsoft\Windows\CurrentVersion\Run -------------------------------


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


# --- macOS: a LaunchAgent ------------------------------------------------------------------------


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


# --- no autostart --------------------------------------------------------------------------------


class NullAutostart(AutostartBackend):
    """Where HipBreak does not know how to start at login."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def supported(self) -> bool:
        return False

    def state(self) -> AutostartState:
        return AutostartState(False, "", problem=self.reason)

    def enable(self) -> None:
        raise AutostartError(self.reason)

    def disable(self) -> None:
        return


# --- selection and the module-level API ----------------------------------------------------------


def select_backend(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    home: Path | None = None,
    installation: Installation | None = None,
    run_key: RunKey | None = None,
    portal_request: PortalRequest | None = None,
) -> AutostartBackend:
    """The autostart backend for this system (every input can be given for tests)."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    home_dir = Path(env.get("HOME") or Path.home()) if home is None else home
    install = detect_installation(env) if installation is None else installation
    if plat.startswith("win"):
        if run_key is None:
            try:
                run_key = WinregRunKey()
            except ImportError:
                return NullAutostart(_("The Windows registry cannot be reached from this Python."))
        return WindowsRunAutostart(run_key, install)
    if plat == "darwin":
        return LaunchAgentAutostart(home_dir / "Library" / "LaunchAgents", install)
    if install.kind == FLATPAK:
        host_config = env.get("HOST_XDG_CONFIG_HOME") or str(home_dir / ".config")
        app_id = install.command[-1]
        return FlatpakPortalAutostart(
            Path(host_config) / "autostart", app_id, portal_request or gdbus_background_request
        )
    config = env.get("XDG_CONFIG_HOME") or ""
    config_home = Path(config) if os.path.isabs(config) else home_dir / ".config"
    return XdgAutostart(config_home / "autostart", install)


def supported() -> bool:
    """Whether HipBreak can start itself at login on this system."""
    return select_backend().supported()


def status() -> AutostartState:
    """The real autostart state, read from disk now."""
    return select_backend().state()


def is_enabled() -> bool:
    """Whether HipBreak's autostart entry exists and is switched on (read from disk)."""
    return select_backend().state().enabled


def enable() -> None:
    """Start HipBreak at login from now on. Raises :class:`AutostartError` with a plain message."""
    select_backend().enable()


def disable() -> None:
    """Stop starting HipBreak at login. Raises :class:`AutostartError` with a plain message."""
    select_backend().disable()


def describe(state: AutostartState, backend: AutostartBackend) -> str:
    """``state`` in plain words, for ``hipbreak autostart status``."""
    out = io.StringIO()
    if not backend.supported():
        out.write(_("Autostart is not available here: {reason}").format(reason=state.problem or "") + "\n")
        return out.getvalue()
    if state.enabled:
        out.write(_("Autostart is on.") + "\n")
    else:
        out.write(_("Autostart is off.") + "\n")
    out.write(_("Entry: {location}").format(location=state.location) + "\n")
    if state.command:
        out.write(_("Runs: {command}").format(command=" ".join(state.command)) + "\n")
    if state.foreign:
        out.write(_("An entry there was not written by HipBreak; HipBreak leaves it alone.") + "\n")
    if state.problem:
        out.write(_("Warning: {problem}").format(problem=state.problem) + "\n")
    return out.getvalue()


def main(action: str, backend: AutostartBackend | None = None) -> int:
    """``hipbreak autostart on|off|status``: print the outcome; exit code 0 ok, 1 failed, 2 usage."""
    chosen = select_backend() if backend is None else backend
    try:
        if action == "on":
            chosen.enable()
            if isinstance(chosen, FlatpakPortalAutostart):
                print(_("Asked the desktop to start HipBreak at login; it may ask you to confirm."))
                return 0
        elif action == "off":
            chosen.disable()
        elif action != "status":
            print(
                _("Unknown autostart action {action!r}; use on, off or status.").format(action=action),
                file=sys.stderr,
            )
            return 2
        print(describe(chosen.state(), chosen), end="")
    except AutostartError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if action == "on" and not chosen.state().enabled:
        return 1
    return 0
