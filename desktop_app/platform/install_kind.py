"""How HipBreak is installed, and so which command starts it.

Why this matters: an autostart entry must name the command that is really
installed. ``sys.argv[0]`` is unreliable for that (``python -m``, a shell
alias, a relative path), and the right answer differs per install kind:

* a Flatpak is started with ``flatpak run <app id>`` from the host;
* a PyInstaller bundle is its own binary (``sys.frozen`` is set);
* a pip install in a virtual environment has the ``hipbreak`` entry-point
  script next to the venv's Python, which must be named by its absolute,
  unresolved path (resolving the ``python`` symlink would leave the venv);
* anything else falls back to ``python -m desktop_app`` with this interpreter.

Everything is read from arguments with the process's real values as
defaults, so tests can describe any installation without building one.
"""

from __future__ import annotations

import configparser
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The reverse-DNS id used for the .desktop file, the AppStream metainfo, the
#: icon name, the Flatpak and the macOS LaunchAgent label.
DESKTOP_ID = "io.github.hipbreak.HipBreak"

FLATPAK = "flatpak"
BUNDLE = "bundle"
VENV = "venv"
SCRIPT = "script"
MODULE = "module"

FLATPAK_INFO = Path("/.flatpak-info")


@dataclass(frozen=True)
class Installation:
    """One way HipBreak is installed, with the argv that starts it from a login session."""

    kind: str
    command: tuple[str, ...]
    #: A short plain description for ``hipbreak autostart status`` and ``doctor``.
    detail: str


def _flatpak_id(environ: Mapping[str, str], flatpak_info: Path) -> str | None:
    """The Flatpak app id when running inside a Flatpak sandbox, else None."""
    app_id = environ.get("FLATPAK_ID")
    if app_id:
        return app_id
    try:
        if not flatpak_info.is_file():
            return None
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(flatpak_info, encoding="utf-8")
        return parser.get("Application", "name", fallback=DESKTOP_ID) or DESKTOP_ID
    except (OSError, configparser.Error):
        return DESKTOP_ID


def _script_name(platform: str) -> str:
    return "hipbreak.exe" if platform.startswith("win") else "hipbreak"


def detect_installation(
    environ: Mapping[str, str] | None = None,
    *,
    executable: str | None = None,
    frozen: bool | None = None,
    prefix: str | None = None,
    base_prefix: str | None = None,
    platform: str | None = None,
    flatpak_info: Path = FLATPAK_INFO,
) -> Installation:
    """Work out how this HipBreak was installed (defaults: the running process)."""
    env = os.environ if environ is None else environ
    exe = sys.executable if executable is None else executable
    is_frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    pfx = sys.prefix if prefix is None else prefix
    base = sys.base_prefix if base_prefix is None else base_prefix
    plat = sys.platform if platform is None else platform

    app_id = _flatpak_id(env, flatpak_info)
    if app_id:
        return Installation(FLATPAK, ("flatpak", "run", app_id), f"Flatpak {app_id}")
    if is_frozen:
        return Installation(BUNDLE, (os.path.abspath(exe),), f"bundle at {os.path.dirname(exe)}")
    # Not Path.resolve(): the venv's python is a symlink to the base interpreter.
    bin_dir = Path(os.path.abspath(exe)).parent
    script = bin_dir / _script_name(plat)
    if os.path.normcase(os.path.abspath(pfx)) != os.path.normcase(os.path.abspath(base)) and script.is_file():
        return Installation(VENV, (str(script),), f"virtual environment {pfx}")
    if script.is_file():
        return Installation(SCRIPT, (str(script),), f"script {script}")
    found = shutil.which(_script_name(plat), path=env.get("PATH"))
    if found:
        return Installation(SCRIPT, (os.path.abspath(found),), f"script {found}")
    return Installation(MODULE, (os.path.abspath(exe), "-m", "desktop_app"), f"Python module run by {exe}")
