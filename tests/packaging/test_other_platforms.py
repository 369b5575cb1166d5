"""Windows, macOS and Flatpak packaging cannot be built here; check what can be checked:
that the files parse, use the one app id, and agree with the autostart code."""

from __future__ import annotations

import configparser
import json
import plistlib
import re
from pathlib import Path

from desktop_app.platform.autostart import RUN_KEY_PATH, RUN_VALUE
from desktop_app.platform.install_kind import DESKTOP_ID

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _iss() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        interpolation=None, strict=False, allow_no_value=True, delimiters=("=",)
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    lines = [
        line for line in (PACKAGING / "windows" / "hipbreak.iss").read_text().splitlines()
        if not line.startswith((";", "#"))
    ]  # fmt: skip
    parser.read_string("\n".join(lines).replace("\\\n", ""))
    return parser


def test_inno_setup_script_is_per_user_with_start_menu_and_login_task() -> None:
    text = (PACKAGING / "windows" / "hipbreak.iss").read_text()
    iss = _iss()
    setup = iss["Setup"]
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{userpf}")
    assert f'#define AppId "{DESKTOP_ID}"' in text
    assert (PACKAGING / "windows" / setup["SetupIconFile"].replace("\\", "/")).is_file()
    assert any(key.startswith('Name: "{userprograms}') for key in iss["Icons"])
    assert any(key.startswith('Name: "startatlogin"') for key in iss["Tasks"])
    registry = " ".join(iss["Registry"])
    assert "Root: HKCU" in registry and f'Subkey: "{RUN_KEY_PATH}"' in registry
    assert 'ValueName: "{#AppName}"' in registry and '#define AppName "HipBreak"' in text
    assert RUN_VALUE == "HipBreak"
    assert "Tasks: startatlogin" in registry and "uninsdeletevalue" in registry
    for section in ("Setup", "Languages", "Tasks", "Files", "Icons", "Registry", "Run"):
        assert iss.has_section(section), section


def test_macos_plist_fragment_hides_the_dock_icon() -> None:
    data = plistlib.loads((PACKAGING / "macos" / "Info.plist.fragment").read_bytes())
    assert data["LSUIElement"] is True
    assert data["CFBundleIdentifier"] == DESKTOP_ID
    spec = (PACKAGING / "pyinstaller" / "hipbreak.spec").read_text()
    assert '"LSUIElement": True' in spec and f'bundle_identifier="{DESKTOP_ID}"' in spec
    assert "LSUIElement" in (PACKAGING / "macos" / "README.md").read_text()


def test_flatpak_manifest_names_the_portals_and_installs_the_desktop_files() -> None:
    manifest = json.loads((PACKAGING / "flatpak" / f"{DESKTOP_ID}.json").read_text())
    assert manifest["app-id"] == DESKTOP_ID
    assert manifest["command"] == "hipbreak"
    assert manifest["runtime"] in ("org.kde.Platform", "org.freedesktop.Platform")
    args = set(manifest["finish-args"])
    for needed in (
        "--talk-name=org.freedesktop.Notifications",
        "--talk-name=org.freedesktop.portal.Desktop",
        "--filesystem=xdg-config/autostart:ro",
        "--socket=wayland",
        "--socket=fallback-x11",
    ):
        assert needed in args, needed
    app = manifest["modules"][-1]
    commands = "\n".join(app["build-commands"])
    for path in re.findall(r"install -Dm644 (\S+) ", commands):
        if "$" not in path:
            assert (ROOT / path).is_file(), path
    assert f"/app/share/applications/{DESKTOP_ID}.desktop" in commands
    assert f"/app/share/metainfo/{DESKTOP_ID}.metainfo.xml" in commands
    for module in manifest["modules"]:
        if isinstance(module, str):
            assert (PACKAGING / "flatpak" / module).is_file(), module


def test_flatpak_python_requirements_are_pinned_wheels_with_hashes() -> None:
    requirements = json.loads((PACKAGING / "flatpak" / "python3-requirements.json").read_text())
    names = set()
    for module in requirements["modules"]:
        for source in module["sources"]:
            assert source["url"].startswith("https://files.pythonhosted.org/packages/")
            assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
            names.add(source["url"].rsplit("/", 1)[-1].split("-")[0].lower())
    assert names == {"plyer", "appdirs"}


def test_spec_excludes_unused_qt_and_bundles_assets() -> None:
    spec = (PACKAGING / "pyinstaller" / "hipbreak.spec").read_text()
    compile(spec, "hipbreak.spec", "exec")
    for module in (
        "QtWebEngineCore",
        "QtQml",
        "QtQuick",
        "Qt3DCore",
        "QtCharts",
        "QtDataVisualization",
        "QtPdf",
    ):
        assert f'"PySide6.{module}"' in spec, module
    assert '(str(ROOT / "assets"), "assets")' in spec


def test_readme_says_what_was_tested_and_what_was_not() -> None:
    text = (PACKAGING / "README.md").read_text()
    for name in ("hipbreak.iss", "Info.plist.fragment", "io.github.hipbreak.HipBreak.json", "Tested here"):
        assert name in text, name
    assert "github.com/hipbreak/hipbreak" in text
