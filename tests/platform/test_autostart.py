"""Autostart: real files in temp folders for XDG and LaunchAgent, a fake Run key for Windows.

Every backend is driven through the same contract: enable, enable again (no
change), read the state back from disk, disable, and never touch an entry
HipBreak did not write.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.platform import autostart
from desktop_app.platform.autostart import (
    DESKTOP_FILE,
    PLIST_MARK,
    RUN_VALUE,
    AutostartError,
    FlatpakPortalAutostart,
    LaunchAgentAutostart,
    NullAutostart,
    WindowsRunAutostart,
    XdgAutostart,
    exec_quote,
    exec_split,
    select_backend,
)
from desktop_app.platform.install_kind import (
    BUNDLE,
    DESKTOP_ID,
    FLATPAK,
    VENV,
    Installation,
    detect_installation,
)
from tests.storage.hostile import readonly


def _program(tmp_path: Path, folder: str = "my venv/bin") -> Installation:
    """A real executable file at a path with a space in it, as a venv install."""
    script = tmp_path / folder / "hipbreak"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\necho 'hipbreak started' \"$@\"\n")
    script.chmod(0o755)
    return Installation(VENV, (str(script),), "test venv")


def _xdg(tmp_path: Path, installation: Installation) -> XdgAutostart:
    backend = select_backend(
        {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")},
        platform="linux",
        installation=installation,
    )
    assert isinstance(backend, XdgAutostart)
    return backend


def _validate(path: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed (desktop-file-utils)")
    result = subprocess.run([validator, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower(), result.stdout


# --- XDG -------------------------------------------------------------------------------------


def test_xdg_round_trip_writes_a_valid_entry_that_starts_the_installed_command(tmp_path: Path) -> None:
    install = _program(tmp_path)
    backend = _xdg(tmp_path, install)
    assert backend.path == tmp_path / "config" / "autostart" / DESKTOP_FILE
    assert not backend.state().enabled

    backend.enable()
    state = backend.state()
    assert state.enabled and state.problem is None and not state.foreign
    assert state.command == install.command
    _validate(backend.path)
    text = backend.path.read_text()
    assert "X-HipBreak-Autostart=true" in text and f"Icon={DESKTOP_ID}" in text

    # What a session manager would run really is the installed program.
    result = subprocess.run([*exec_split(_exec_value(text)), "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == "hipbreak started --version"

    backend.disable()
    assert not backend.path.exists()
    assert not backend.state().enabled
    backend.disable()  # nothing left to remove is fine


def _exec_value(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("Exec="))[len("Exec=") :]


def test_enabling_twice_leaves_the_file_untouched(tmp_path: Path) -> None:
    backend = _xdg(tmp_path, _program(tmp_path))
    backend.enable()
    before = backend.path.stat()
    text = backend.path.read_text()
    backend.enable()
    after = backend.path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert backend.path.read_text() == text
    assert sorted(p.name for p in backend.path.parent.iterdir()) == [DESKTOP_FILE]


def test_enable_refreshes_an_entry_that_names_an_old_install(tmp_path: Path) -> None:
    old = _program(tmp_path, "old/bin")
    _xdg(tmp_path, old).enable()
    shutil.rmtree(tmp_path / "old")
    new = _program(tmp_path, "new/bin")
    backend = _xdg(tmp_path, new)
    stale = backend.state()
    assert stale.enabled and stale.problem is not None and "no longer exists" in stale.problem
    backend.enable()
    assert backend.state().command == new.command and backend.state().problem is None


def test_default_folder_is_home_config_and_relative_xdg_config_home_is_ignored(tmp_path: Path) -> None:
    install = _program(tmp_path)
    for env in ({"HOME": str(tmp_path)}, {"HOME": str(tmp_path), "XDG_CONFIG_HOME": "relative/cfg"}):
        backend = select_backend(env, platform="linux", installation=install)
        assert isinstance(backend, XdgAutostart)
        assert backend.path == tmp_path / ".config" / "autostart" / DESKTOP_FILE


@pytest.mark.parametrize(
    "content",
    [
        "[Desktop Entry]\nType=Application\nName=Mine\nExec=/usr/bin/my-own-thing\n",
        "this is not a desktop file at all \x00\n",
        "[Desktop Entry]\nExec=hipbreak\nX-HipBreak-Autostart=false\n",
    ],
)
def test_a_file_hipbreak_did_not_write_is_never_changed(tmp_path: Path, content: str) -> None:
    backend = _xdg(tmp_path, _program(tmp_path))
    backend.path.parent.mkdir(parents=True)
    backend.path.write_text(content)
    state = backend.state()
    assert state.foreign and not state.enabled
    with pytest.raises(AutostartError, match="not written by HipBreak"):
        backend.enable()
    with pytest.raises(AutostartError, match="not written by HipBreak"):
        backend.disable()
    assert backend.path.read_text() == content


def test_switched_off_in_the_desktop_settings_reads_as_off_and_enable_switches_it_on(tmp_path: Path) -> None:
    backend = _xdg(tmp_path, _program(tmp_path))
    backend.enable()
    text = backend.path.read_text()
    text = text.replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false")
    backend.path.write_text(text)
    assert not backend.state().enabled
    backend.enable()
    assert backend.state().enabled
    backend.path.write_text(backend.path.read_text() + "Hidden=true\n")
    assert not backend.state().enabled


def test_read_only_autostart_folder_gives_a_plain_error(tmp_path: Path) -> None:
    """A really read-only folder (bind mount as root): enable and disable fail with a sentence."""
    backend = _xdg(tmp_path, _program(tmp_path))
    backend.enable()
    before = backend.path.read_text()
    with readonly(backend.path.parent):
        with pytest.raises(AutostartError, match="read-only"):
            backend.disable()
        assert backend.path.read_text() == before and backend.state().enabled
    backend.disable()
    with readonly(backend.path.parent):
        with pytest.raises(AutostartError, match="read-only"):
            backend.enable()
        assert not backend.path.exists()


def test_a_file_in_place_of_the_autostart_folder_gives_a_plain_error(tmp_path: Path) -> None:
    """A file where the autostart folder should be: enabling fails with a sentence, no traceback."""
    backend = _xdg(tmp_path, _program(tmp_path))
    backend.path.parent.parent.mkdir(parents=True)
    backend.path.parent.write_text("a file, not a folder")
    with pytest.raises(AutostartError) as info:
        backend.enable()
    assert str(info.value).startswith("Cannot save")
    assert backend.path.parent.read_text() == "a file, not a folder"


@pytest.mark.parametrize(
    "argv",
    [
        ["/opt/Hip Break/bin/hipbreak"],
        ["/home/jo/100%/hipbreak", "--demo"],
        ['/home/a"b/$HOME/`x`/back\\slash/hipbreak'],
        ["flatpak", "run", DESKTOP_ID],
        ["/usr/bin/python3", "-m", "desktop_app"],
    ],
)
def test_awkward_paths_survive_quoting_and_pass_the_validator(tmp_path: Path, argv: list[str]) -> None:
    assert exec_split(exec_quote(argv)) == tuple(argv)
    path = tmp_path / DESKTOP_FILE
    path.write_text(autostart.autostart_desktop_entry(argv))
    _validate(path)


ARGS = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1)


@given(st.lists(ARGS, min_size=1))
def test_exec_quoting_round_trips(argv: list[str]) -> None:
    if any(not a.isprintable() for a in argv):
        with pytest.raises(AutostartError):
            exec_quote(argv)
        return
    assert exec_split(exec_quote(argv)) == tuple(argv)


def test_control_characters_in_the_path_are_refused_plainly() -> None:
    with pytest.raises(AutostartError, match="control characters"):
        exec_quote(["/tmp/a\nb/hipbreak"])


# --- Windows (fake registry layer) ------------------------------------------------------------


class FakeRunKey:
    """An in-memory HKCU Run key that counts writes."""

    location = r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run"

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self.values = dict(values or {})
        self.writes = 0

    def read(self, name: str) -> str | None:
        return self.values.get(name)

    def write(self, name: str, value: str) -> None:
        self.writes += 1
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


WIN_EXE = r"C:\Users\Jo Doe\AppData\Local\Programs\HipBreak\hipbreak.exe"


def _windows(key: FakeRunKey) -> WindowsRunAutostart:
    backend = select_backend(
        {}, platform="win32", run_key=key, installation=Installation(BUNDLE, (WIN_EXE,), "bundle")
    )
    assert isinstance(backend, WindowsRunAutostart)
    return backend


def test_windows_run_value_round_trip() -> None:
    key = FakeRunKey({"OneDrive": r'"C:\OneDrive.exe" /background'})
    backend = _windows(key)
    assert not backend.state().enabled
    backend.enable()
    assert key.values[RUN_VALUE] == f'"{WIN_EXE}"'
    state = backend.state()
    assert state.enabled and state.command == (WIN_EXE,)
    assert state.location.endswith(r"CurrentVersion\Run\HipBreak")
    backend.enable()
    assert key.writes == 1
    backend.disable()
    assert key.values == {"OneDrive": r'"C:\OneDrive.exe" /background'}


def test_windows_value_written_by_the_installer_is_recognised_and_refreshed() -> None:
    key = FakeRunKey({RUN_VALUE: r'"C:\Program Files\HipBreak\hipbreak.exe"'})
    backend = _windows(key)
    assert backend.state().enabled
    backend.enable()
    assert key.values[RUN_VALUE] == f'"{WIN_EXE}"'


def test_windows_foreign_value_under_our_name_is_left_alone() -> None:
    key = FakeRunKey({RUN_VALUE: r"C:\Tools\something-else.exe"})
    backend = _windows(key)
    assert backend.state().foreign
    with pytest.raises(AutostartError, match="not written by HipBreak"):
        backend.enable()
    with pytest.raises(AutostartError, match="not written by HipBreak"):
        backend.disable()
    assert key.values == {RUN_VALUE: r"C:\Tools\something-else.exe"} and key.writes == 0


def test_windows_without_winreg_is_unsupported_not_a_crash() -> None:
    if sys.platform.startswith("win"):
        pytest.skip("winreg exists on Windows")
    backend = select_backend({}, platform="win32", installation=Installation(BUNDLE, (WIN_EXE,), "x"))
    assert isinstance(backend, NullAutostart) and not backend.supported()
    with pytest.raises(AutostartError):
        backend.enable()


# --- macOS (temp home) -------------------------------------------------------------------------


def _mac(tmp_path: Path, command: tuple[str, ...]) -> LaunchAgentAutostart:
    backend = select_backend(
        {}, platform="darwin", home=tmp_path, installation=Installation(BUNDLE, command, "app")
    )
    assert isinstance(backend, LaunchAgentAutostart)
    return backend


def test_launch_agent_round_trip(tmp_path: Path) -> None:
    exe = _program(tmp_path, "HipBreak.app/Contents/MacOS").command
    backend = _mac(tmp_path, exe)
    assert backend.path == tmp_path / "Library" / "LaunchAgents" / f"{DESKTOP_ID}.plist"
    assert not backend.state().enabled
    backend.enable()
    data = plistlib.loads(backend.path.read_bytes())
    assert data["Label"] == DESKTOP_ID
    assert data["ProgramArguments"] == list(exe)
    assert data["RunAtLoad"] is True and data[PLIST_MARK] is True
    state = backend.state()
    assert state.enabled and state.command == exe and state.problem is None
    mtime = backend.path.stat().st_mtime_ns
    backend.enable()
    assert backend.path.stat().st_mtime_ns == mtime
    backend.disable()
    assert not backend.path.exists() and not backend.state().enabled


def test_launch_agent_not_ours_is_left_alone(tmp_path: Path) -> None:
    backend = _mac(tmp_path, ("/Applications/HipBreak.app/Contents/MacOS/hipbreak",))
    backend.path.parent.mkdir(parents=True)
    foreign = plistlib.dumps({"Label": DESKTOP_ID, "ProgramArguments": ["/bin/true"], "RunAtLoad": True})
    for content in (foreign, b"garbage that is not a plist"):
        backend.path.write_bytes(content)
        assert backend.state().foreign
        with pytest.raises(AutostartError):
            backend.enable()
        with pytest.raises(AutostartError):
            backend.disable()
        assert backend.path.read_bytes() == content


# --- Flatpak (the Background portal; a fake that writes what xdg-desktop-portal writes) --------


def test_flatpak_asks_the_portal_and_reads_its_file(tmp_path: Path) -> None:
    host_autostart = tmp_path / "host-config" / "autostart"
    calls: list[tuple[bool, list[str]]] = []

    def portal(enable: bool, commandline: object) -> None:
        assert isinstance(commandline, list)
        calls.append((enable, commandline))
        path = host_autostart / f"{DESKTOP_ID}.desktop"
        if enable:
            host_autostart.mkdir(parents=True, exist_ok=True)
            path.write_text(
                "[Desktop Entry]\nType=Application\nName=" + DESKTOP_ID + "\n"
                f"Exec=flatpak run --command={commandline[0]} {DESKTOP_ID}\nX-Flatpak={DESKTOP_ID}\n"
            )
        else:
            path.unlink(missing_ok=True)

    install = detect_installation({"FLATPAK_ID": DESKTOP_ID})
    assert install.kind == FLATPAK and install.command == ("flatpak", "run", DESKTOP_ID)
    backend = select_backend(
        {"HOME": str(tmp_path), "HOST_XDG_CONFIG_HOME": str(tmp_path / "host-config")},
        platform="linux",
        installation=install,
        portal_request=portal,
    )
    assert isinstance(backend, FlatpakPortalAutostart)
    assert not backend.state().enabled
    backend.enable()
    assert calls == [(True, ["hipbreak"])]
    state = backend.state()
    assert state.enabled and state.command == ("flatpak", "run", "--command=hipbreak", DESKTOP_ID)
    backend.disable()
    assert calls[-1] == (False, ["hipbreak"]) and not backend.state().enabled


# --- the module API and the CLI ---------------------------------------------------------------


def test_module_functions_follow_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the settings window calls: supported(), enable(), is_enabled(), disable()."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv("FLATPAK_ID", raising=False)
    entry = tmp_path / "cfg" / "autostart" / DESKTOP_FILE
    assert autostart.supported()
    assert not autostart.is_enabled()
    autostart.enable()
    assert entry.is_file() and autostart.is_enabled()
    # Points at the real entry point of the venv running these tests.
    expected = Path(os.path.abspath(sys.executable)).parent / "hipbreak"
    if expected.is_file():
        assert autostart.status().command == (str(expected),)
    autostart.disable()
    assert not entry.exists() and not autostart.is_enabled()


def test_main_prints_state_and_returns_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backend = _xdg(tmp_path, _program(tmp_path))
    assert autostart.main("status", backend) == 0
    assert "Autostart is off." in capsys.readouterr().out
    assert autostart.main("on", backend) == 0
    out = capsys.readouterr().out
    assert "Autostart is on." in out and str(backend.path) in out and "hipbreak" in out
    assert autostart.main("on", backend) == 0
    assert autostart.main("off", backend) == 0
    assert "Autostart is off." in capsys.readouterr().out
    assert autostart.main("sideways", backend) == 2
    assert "on, off or status" in capsys.readouterr().err
    backend.path.parent.mkdir(parents=True, exist_ok=True)
    backend.path.write_text("[Desktop Entry]\nName=Mine\nExec=/bin/true\nType=Application\n")
    assert autostart.main("off", backend) == 1
    assert "not written by HipBreak" in capsys.readouterr().err
    assert backend.path.exists()


def test_main_on_an_unsupported_system_fails_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    assert autostart.main("on", NullAutostart("no autostart here")) == 1
    assert "no autostart here" in capsys.readouterr().err
    assert autostart.main("status", NullAutostart("no autostart here")) == 0
    assert "not available" in capsys.readouterr().out


def test_hipbreak_autostart_command_round_trip(tmp_path: Path) -> None:
    """The installed command: `hipbreak autostart on|status|off`, reading and writing real files."""
    hipbreak = Path(os.path.abspath(sys.executable)).parent / "hipbreak"
    if not hipbreak.is_file():
        pytest.skip("the hipbreak entry point is not installed in this environment")
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("FLATPAK_ID", None)
    entry = tmp_path / "config" / "autostart" / DESKTOP_FILE

    def run(action: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(hipbreak), "autostart", action], env=env, capture_output=True, text=True)

    assert run("status").stdout.startswith("Autostart is off.")
    on = run("on")
    assert on.returncode == 0 and on.stdout.startswith("Autostart is on."), on.stderr
    assert f"Runs: {hipbreak}" in on.stdout
    _validate(entry)
    assert run("on").returncode == 0
    assert run("status").stdout.startswith("Autostart is on.")
    assert run("off").returncode == 0 and not entry.exists()
    bad = run("sideways")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
