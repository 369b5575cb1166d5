"""Linux desktop integration, checked by Debian's real validators and by installing into a temp home."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop_app.platform.autostart import autostart_desktop_entry, exec_split
from desktop_app.platform.install_kind import DESKTOP_ID, detect_installation
from tests.support.desktop import need

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{DESKTOP_ID}.desktop"
METAINFO = LINUX / f"{DESKTOP_ID}.metainfo.xml"
ICONS = ROOT / "assets" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
RAW_PREFIX = "https://raw.githubusercontent.com/hipbreak/hipbreak/main/docs/screenshots/"


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload]


def _desktop_file_validate(path: Path) -> None:
    result = _run([need("desktop-file-validate"), str(path)])
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_launcher_passes_desktop_file_validate() -> None:
    _desktop_file_validate(DESKTOP)
    text = DESKTOP.read_text()
    assert f"Icon={DESKTOP_ID}\n" in text and "Exec=hipbreak\n" in text


def test_generated_autostart_entry_passes_desktop_file_validate(tmp_path: Path) -> None:
    path = tmp_path / f"{DESKTOP_ID}.desktop"
    path.write_text(autostart_desktop_entry(detect_installation().command))
    _desktop_file_validate(path)


def test_metainfo_passes_appstreamcli_and_names_the_same_app() -> None:
    result = _run([need("appstreamcli"), "validate", "--no-net", "--pedantic", str(METAINFO)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "E:" not in result.stdout and "W:" not in result.stdout, result.stdout
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == DESKTOP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == "hipbreak"


def test_metainfo_screenshots_point_at_files_in_docs_screenshots() -> None:
    images = [el.text or "" for el in ET.parse(METAINFO).getroot().iter("image")]
    assert images, "the metainfo names no screenshots"
    for url in images:
        assert url.startswith(RAW_PREFIX), url
        name = url[len(RAW_PREFIX) :]
        assert (ROOT / "docs" / "screenshots" / name).is_file(), f"docs/screenshots/{name} is missing"


def test_icon_svg_and_every_png_size_exist_with_the_right_pixels() -> None:
    root = ET.parse(ICONS / "hipbreak.svg").getroot()
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 256 256"
    for size in SIZES:
        assert _png_size(ICONS / f"hipbreak-{size}.png") == (size, size)


def test_ico_and_icns_hold_the_rendered_pngs() -> None:
    ico = (ICONS / "hipbreak.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, len(SIZES))
    for i, size in enumerate(SIZES):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i])
        assert width == (0 if size == 256 else size)
        assert ico[offset : offset + length] == (ICONS / f"hipbreak-{size}.png").read_bytes()
    icns = (ICONS / "hipbreak.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic08" in icns and b"icp4" in icns


def test_committed_icons_match_a_fresh_render_of_the_svg() -> None:
    result = _run([sys.executable, str(ROOT / "scripts" / "render-icons"), "--check"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_install_desktop_files_builds_the_hicolor_layout_in_xdg_data_home(tmp_path: Path) -> None:
    data_home = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "HOME": str(tmp_path / "home")}
    script = str(ROOT / "scripts" / "install-desktop-files")
    result = _run([sys.executable, script], env=env)
    assert result.returncode == 0, result.stderr
    launcher = data_home / "applications" / f"{DESKTOP_ID}.desktop"
    _desktop_file_validate(launcher)
    for size in SIZES:
        icon = data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{DESKTOP_ID}.png"
        assert _png_size(icon) == (size, size)
    assert (data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg").is_file()
    assert (data_home / "metainfo" / f"{DESKTOP_ID}.metainfo.xml").is_file()
    assert not (tmp_path / "home").exists(), "nothing may be written outside XDG_DATA_HOME"

    # The launcher names an absolute command that really starts HipBreak.
    exec_line = next(line for line in launcher.read_text().splitlines() if line.startswith("Exec="))
    argv = exec_split(exec_line[len("Exec=") :])
    assert os.path.isabs(argv[0])
    version = _run([*argv, "--version"], env={**env, "QT_QPA_PLATFORM": "offscreen"})
    assert version.returncode == 0 and version.stdout.startswith("hipbreak "), version.stderr

    # A file of the user's own next to ours survives uninstalling.
    own = data_home / "applications" / "my-own.desktop"
    own.write_text("[Desktop Entry]\nType=Application\nName=Mine\nExec=true\n")
    result = _run([sys.executable, script, "--uninstall"], env=env)
    assert result.returncode == 0, result.stderr
    assert not launcher.exists() and own.is_file()
    leftovers = [p for p in data_home.rglob(f"{DESKTOP_ID}*") if p.is_file()]
    assert leftovers == []


def test_install_desktop_files_reports_an_unwritable_target_plainly(tmp_path: Path) -> None:
    blocker = tmp_path / "share"
    blocker.write_text("a file where a folder should be")
    result = _run(
        [sys.executable, str(ROOT / "scripts" / "install-desktop-files"), "--data-home", str(blocker)]
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "install-desktop-files:" in result.stderr


@pytest.mark.parametrize("quoted", ["/opt/Hip Break/hipbreak", "/opt/100%/hipbreak"])
def test_install_desktop_files_quotes_an_awkward_command(tmp_path: Path, quoted: str) -> None:
    result = _run(
        [
            sys.executable,
            str(ROOT / "scripts" / "install-desktop-files"),
            "--data-home",
            str(tmp_path),
            "--exec",
            quoted,
        ]
    )
    assert result.returncode == 0, result.stderr
    launcher = tmp_path / "applications" / f"{DESKTOP_ID}.desktop"
    _desktop_file_validate(launcher)
    exec_line = next(line for line in launcher.read_text().splitlines() if line.startswith("Exec="))
    assert exec_split(exec_line[len("Exec=") :]) == (quoted,)
