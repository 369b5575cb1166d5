"""install_kind: the command autostart writes, for each way HipBreak can be installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop_app.platform.install_kind import (
    BUNDLE,
    DESKTOP_ID,
    FLATPAK,
    MODULE,
    SCRIPT,
    VENV,
    detect_installation,
)


def _exe(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_flatpak_from_the_environment_and_from_flatpak_info(tmp_path: Path) -> None:
    found = detect_installation({"FLATPAK_ID": "org.example.Other"}, flatpak_info=tmp_path / "none")
    assert (found.kind, found.command) == (FLATPAK, ("flatpak", "run", "org.example.Other"))
    info = tmp_path / ".flatpak-info"
    info.write_text(f"[Application]\nname={DESKTOP_ID}\nruntime=runtime/org.kde.Platform/x86_64/6.8\n")
    found = detect_installation({}, flatpak_info=info, frozen=True)
    assert found.command == ("flatpak", "run", DESKTOP_ID)


def test_pyinstaller_bundle_runs_its_own_binary(tmp_path: Path) -> None:
    exe = _exe(tmp_path / "dist" / "hipbreak" / "hipbreak")
    found = detect_installation({}, executable=str(exe), frozen=True, flatpak_info=tmp_path / "none")
    assert (found.kind, found.command) == (BUNDLE, (str(exe),))


def test_venv_entry_point_is_named_by_its_unresolved_path(tmp_path: Path) -> None:
    base = _exe(tmp_path / "usr" / "bin" / "python3.11")
    venv_python = tmp_path / "venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.symlink_to(base)
    script = _exe(tmp_path / "venv" / "bin" / "hipbreak")
    found = detect_installation(
        {}, executable=str(venv_python), frozen=False, prefix=str(tmp_path / "venv"),
        base_prefix=str(tmp_path / "usr"), platform="linux", flatpak_info=tmp_path / "none",
    )  # fmt: skip
    assert (found.kind, found.command) == (VENV, (str(script),))


def test_windows_venv_looks_for_hipbreak_exe(tmp_path: Path) -> None:
    python = _exe(tmp_path / "venv" / "Scripts" / "python.exe")
    script = _exe(tmp_path / "venv" / "Scripts" / "hipbreak.exe")
    found = detect_installation(
        {}, executable=str(python), frozen=False, prefix=str(tmp_path / "venv"), base_prefix="/base",
        platform="win32", flatpak_info=tmp_path / "none",
    )  # fmt: skip
    assert found.command == (str(script),)


def test_script_on_path_then_python_module_as_last_resort(tmp_path: Path) -> None:
    python = _exe(tmp_path / "usr" / "bin" / "python3")
    on_path = _exe(tmp_path / "home" / ".local" / "bin" / "hipbreak")
    common = dict(executable=str(python), frozen=False, prefix="/usr", base_prefix="/usr", platform="linux")
    found = detect_installation({"PATH": str(on_path.parent)}, flatpak_info=tmp_path / "none", **common)  # type: ignore[arg-type]
    assert (found.kind, found.command) == (SCRIPT, (str(on_path),))
    found = detect_installation({"PATH": str(tmp_path / "empty")}, flatpak_info=tmp_path / "none", **common)  # type: ignore[arg-type]
    assert (found.kind, found.command) == (MODULE, (str(python), "-m", "desktop_app"))


def test_this_checkout_is_found_as_its_venv_and_the_command_really_runs() -> None:
    found = detect_installation({"PATH": os.environ.get("PATH", "")})
    assert found.kind in (VENV, SCRIPT, MODULE)
    if sys.prefix != sys.base_prefix and found.kind == VENV:
        assert found.command[0] == str(Path(os.path.abspath(sys.executable)).parent / "hipbreak")
    result = subprocess.run([*found.command, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("hipbreak "), result.stderr
