"""``hipbreak doctor`` run as a child process: once on a full fake desktop, once on nothing at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from desktop_app.platform.doctor import Check, check_folder, format_text
from desktop_app.platform.xlib import XDisplay
from tests.platform.fake_services.harness import ROOT, fake_services
from tests.support.desktop import desktop_env, need, process, xvfb

DOCTOR = ("import sys; from desktop_app.platform.paths import resolve_paths; "
          "from desktop_app.platform.doctor import main; "
          "sys.exit(main(sys.argv[1] == 'json', resolve_paths()))")


def _doctor(env: dict[str, str], as_json: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", DOCTOR, "json" if as_json else "text"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _by_name(stdout: str) -> dict[str, dict[str, Any]]:
    items = json.loads(stdout)
    assert all(set(item) == {"name", "status", "detail", "advice"} for item in items)
    assert all(item["status"] in ("ok", "missing", "failed") for item in items)
    return {item["name"]: item for item in items}


@pytest.mark.display
def test_doctor_on_a_full_desktop(tmp_path: Path, private_bus: str) -> None:
    profile = tmp_path / "profile"
    (profile / "config").mkdir(parents=True)
    with xvfb() as display, \
            fake_services(private_bus, "mutter", "gnome-screensaver", "logind"), \
            _tray(display, private_bus, tmp_path), \
            process([need("dunst")], desktop_env(display, private_bus), tmp_path / "dunst.log"):
        env = desktop_env(display, private_bus, XDG_SESSION_TYPE="x11", XDG_CURRENT_DESKTOP="GNOME",
                          HIPBREAK_SYSTEM_BUS_ADDRESS=private_bus, XDG_SESSION_ID="31",
                          HIPBREAK_PROFILE_DIR=str(profile))
        result = _doctor(env)
    assert result.returncode == 0, result.stderr
    found = _by_name(result.stdout)
    assert found["session"]["status"] == "ok" and found["session"]["detail"].startswith("X11, GNOME")
    assert found["idle"]["status"] == "ok"
    assert "idle: gnome" in found["idle"]["detail"] and "idle now" in found["idle"]["detail"]
    assert found["lock"]["status"] == "ok" and "org.gnome.ScreenSaver" in found["lock"]["detail"]
    assert "/org/freedesktop/login1/session/_31" in found["lock"]["detail"]
    assert found["suspend"]["status"] == "ok"
    assert found["tray"]["status"] == "ok"
    # no SNI watcher on this bus, so the XEmbed selection is what Qt uses and what is watched
    tray_host = found["tray host"]
    assert tray_host["status"] == "ok" and "_NET_SYSTEM_TRAY_S0" in tray_host["detail"], tray_host
    assert "a host draws tray icons now" in tray_host["detail"]
    assert found["prompt"]["status"] == "ok" and found["prompt"]["detail"].startswith("window: "), found["prompt"]
    assert "GNOME, KDE or" not in result.stdout  # no advice to use the desktop the person is in
    assert found["notifications"]["status"] == "ok" and "dunst" in found["notifications"]["detail"]
    assert found["dnd: fullscreen window (X11)"]["status"] == "ok"
    assert found["config folder"]["status"] == "ok"
    assert found["data folder"]["status"] == "missing"  # reported, never created by the doctor
    assert not (profile / "data").exists()


@contextmanager
def _tray(display: str, bus: str, tmp_path: Path) -> Iterator[None]:
    """trayer as the XEmbed tray host. On this shared machine it has been seen to fail to open a
    freshly started display once in a while, so it gets three tries; its log is shown if all fail."""
    args = [need("trayer"), "--edge", "top", "--widthtype", "pixel", "--width", "200"]
    log = tmp_path / "trayer.log"
    for _attempt in range(3):
        with process(args, desktop_env(display, bus), log) as tray:
            deadline = time.monotonic() + 10
            while tray.poll() is None and time.monotonic() < deadline:
                if _tray_owner(display):
                    yield
                    return
                time.sleep(0.1)
    pytest.fail("trayer never took the tray selection: " + log.read_text(errors="replace")[-500:])


def _tray_owner(display: str) -> bool:
    """Has trayer taken the XEmbed tray selection yet? (ctypes Xlib only, no Qt in this process)"""
    connection = XDisplay(display)
    try:
        return connection.selection_owner("_NET_SYSTEM_TRAY_S0") != 0
    finally:
        connection.close()


def test_doctor_with_no_display_and_no_bus_still_reports(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_SESSION_TYPE")}
    env.update(HIPBREAK_PROFILE_DIR=str(tmp_path / "profile"), QT_QPA_PLATFORM="offscreen",
               HIPBREAK_SYSTEM_BUS_ADDRESS="unix:path=/nonexistent/bus", PULSE_SERVER="unix:/nonexistent")
    result = _doctor(env)
    assert result.returncode == 0, result.stderr
    found = _by_name(result.stdout)
    assert found["tray"]["status"] == "missing" and "no display" in found["tray"]["detail"]
    assert found["tray host"]["status"] == "missing"
    assert found["prompt"]["status"] == "ok" and found["prompt"]["detail"]
    assert found["idle"]["status"] == "missing"
    assert "Sitting time pauses only for screen lock and suspend" in found["idle"]["detail"]
    assert found["notifications"]["status"] == "missing"
    assert found["suspend"]["advice"] == "Suspend is still noticed afterwards from the jump in the clock."
    text = _doctor(env, as_json=False)
    assert text.returncode == 0
    assert "MISSING  tray" in text.stdout
    assert "-> Run `hipbreak doctor` inside your desktop session." in text.stdout


def test_folder_checks(tmp_path: Path) -> None:
    assert check_folder("data folder", tmp_path).status == "ok"
    assert check_folder("data folder", tmp_path / "nope").status == "missing"
    afile = tmp_path / "file"
    afile.write_text("x")
    assert check_folder("data folder", afile).status == "failed"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root can write anywhere, so this case only shows for normal users
        assert check_folder("data folder", locked).status == "failed"


def test_text_report_has_one_line_per_check_and_advice_below() -> None:
    text = format_text([Check("idle", "ok", "idle: x11"), Check("tray", "missing", "none", "Add a tray.")])
    lines = text.splitlines()
    assert lines[2].startswith("OK") and lines[2].endswith("idle: x11")
    assert lines[3].startswith("MISSING") and lines[4].strip() == "-> Add a tray."
