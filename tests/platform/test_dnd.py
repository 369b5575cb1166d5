"""Do-not-disturb sources: real X11 fullscreen, real PulseAudio, real gsettings, fake D-Bus notifications."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.settings import Settings
from desktop_app.platform.desktop_env import detect_desktop_env
from desktop_app.platform.dnd import (
    QUNS_ACCEPTS_NOTIFICATIONS,
    QUNS_APP,
    QUNS_BUSY,
    QUNS_NOT_PRESENT,
    QUNS_PRESENTATION_MODE,
    QUNS_QUIET_TIME,
    QUNS_RUNNING_D3D_FULL_SCREEN,
    DndSource,
    DndWatcher,
    GnomeShowBannersSource,
    MicrophoneSource,
    NotificationsInhibitedSource,
    X11FullscreenSource,
    build_dnd_watcher,
    microphone_in_use,
    reason_for_notification_state,
)
from tests.platform.fake_services.harness import ROOT, fake_services
from tests.support.desktop import desktop_env, need, process, pulseaudio, wait_for, xvfb

FULLSCREEN = "a fullscreen window is active"
MICROPHONE = "a call seems to be in progress (microphone in use)"
DESKTOP_DND = "the desktop's do-not-disturb is on"


# -- pure parts ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("state", "expected"), [
    (QUNS_BUSY, FULLSCREEN),
    (QUNS_RUNNING_D3D_FULL_SCREEN, FULLSCREEN),
    (QUNS_APP, FULLSCREEN),
    (QUNS_PRESENTATION_MODE, "presentation mode is on"),
    (QUNS_ACCEPTS_NOTIFICATIONS, None),
    (QUNS_NOT_PRESENT, None),
    (QUNS_QUIET_TIME, None),
    (0, None),
])
def test_windows_notification_state_mapping(state: int, expected: str | None) -> None:
    assert reason_for_notification_state(state) == expected


SOURCES = "0\tspk.monitor\tmodule-null-sink.c\ts16le 2ch 44100Hz\tIDLE\n" \
          "1\tfake_mic\tmodule-null-source.c\ts16le 2ch 44100Hz\tRUNNING\n"


def test_microphone_parser_ignores_monitor_streams() -> None:
    monitor_only = "7\t0\t3\tprotocol-native.c\ts16le 2ch 44100Hz\n"
    mic = "8\t1\t4\tprotocol-native.c\ts16le 2ch 44100Hz\n"
    assert not microphone_in_use("", SOURCES)
    assert not microphone_in_use(monitor_only, SOURCES)
    assert microphone_in_use(monitor_only + mic, SOURCES)
    assert not microphone_in_use("garbage without tabs\n", SOURCES)


class _Scripted(DndSource):
    def __init__(self, setting: str, answer: str | None, explode: bool = False) -> None:
        self.setting = setting
        self.name = setting
        self._answer = answer
        self._explode = explode
        self.calls = 0

    def check(self) -> str | None:
        self.calls += 1
        if self._explode:
            raise RuntimeError("broken source")
        return self._answer


def test_watcher_asks_only_enabled_sources_and_survives_a_broken_one() -> None:
    broken = _Scripted("dnd_fullscreen", None, explode=True)
    mic = _Scripted("dnd_microphone", MICROPHONE)
    watcher = DndWatcher([broken, mic], Settings())
    assert watcher.reason() == MICROPHONE
    assert broken.calls == 1
    watcher.apply_settings(Settings().replace(dnd_microphone=False))
    assert watcher.reason() is None
    assert mic.calls == 1
    statuses = {s.name: s.enabled for s in watcher.statuses()}
    assert statuses == {"dnd_fullscreen": True, "dnd_microphone": False}


def test_sources_chosen_per_desktop() -> None:
    gnome_wayland = detect_desktop_env({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "w",
                                        "XDG_CURRENT_DESKTOP": "GNOME"}, platform="linux")
    names = [type(s).__name__ for s in build_dnd_watcher(env=gnome_wayland, bus=None).sources()]
    assert names == ["NotificationsInhibitedSource", "GnomeShowBannersSource", "MicrophoneSource"]
    kde_x11 = detect_desktop_env({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":987",
                                  "XDG_CURRENT_DESKTOP": "KDE"}, platform="linux")
    watcher = build_dnd_watcher(env=kde_x11, bus=None)
    names = [type(s).__name__ for s in watcher.sources()]
    assert names == ["X11FullscreenSource", "NotificationsInhibitedSource", "MicrophoneSource"]
    fullscreen = watcher.sources()[0]
    assert not fullscreen.available and "cannot open the X display :987" in fullscreen.detail


# -- X11 fullscreen, for real ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def desktop() -> Iterator[str]:
    with xvfb() as display, process([need("openbox")], desktop_env(display), settle=0.5):
        yield display


@pytest.mark.display
def test_fullscreen_qt_window_under_openbox_is_detected(desktop: str) -> None:
    source = X11FullscreenSource(desktop)
    assert source.available
    assert source.check() is None  # nothing is open yet
    script = ROOT / "tests/platform/fake_services/fullscreen_window.py"
    window = subprocess.Popen([sys.executable, str(script)], env=desktop_env(desktop),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert window.stdin is not None and window.stdout is not None
    try:
        assert window.stdout.readline().strip() == "ready"
        wait_for(lambda: _active_window(desktop), what="the test window to become active")
        assert source.check() is None  # an ordinary window is no reason
        window.stdin.write("fullscreen\n")
        window.stdin.flush()
        wait_for(lambda: source.check() == FULLSCREEN, what="fullscreen to be detected")
        # While it holds, the watcher defers: this is the reason the scheduler is given.
        assert DndWatcher([source], Settings()).reason() == FULLSCREEN
        assert DndWatcher([source], Settings().replace(dnd_fullscreen=False)).reason() is None
        window.stdin.write("normal\n")
        window.stdin.flush()
        wait_for(lambda: source.check() is None, what="fullscreen to end")
    finally:
        window.stdin.write("quit\n")
        window.stdin.flush()
        window.wait(timeout=10)
    wait_for(lambda: source.check() is None, what="the closed window to be forgotten")
    source.close()


def _active_window(display: str) -> bool:
    """Ask xprop (an independent client) whether the window manager has activated a window."""
    out = subprocess.run([need("xprop"), "-root", "_NET_ACTIVE_WINDOW"], env=desktop_env(display),
                         capture_output=True, text=True, timeout=10).stdout
    if "# 0x" not in out:
        return False
    return int(out.split("#")[1].split(",")[0].strip(), 16) != 0


# -- microphone, with a real PulseAudio ------------------------------------------------------------

@pytest.fixture
def pulse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with pulseaudio(tmp_path, "speakers", "module-null-source source_name=fake_mic") as env:
        monkeypatch.setenv("PULSE_SERVER", env["PULSE_SERVER"])
        yield env["PULSE_SERVER"]


def _record(device: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([need("parecord"), f"--device={device}", os.devnull],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_microphone_recording_counts_but_monitor_recording_does_not(pulse: str) -> None:
    source = MicrophoneSource()
    assert source.problem() is None
    assert source.check() is None
    monitor = _record("speakers.monitor")
    try:
        wait_for(lambda: "protocol-native" in _pactl("source-outputs"), what="the monitor stream")
        assert source.check() is None
        mic = _record("fake_mic")
        try:
            wait_for(lambda: source.check() == MICROPHONE, what="the microphone stream to count")
        finally:
            mic.terminate()
            mic.wait(timeout=10)
        wait_for(lambda: source.check() is None, what="the call to end")
    finally:
        monitor.terminate()
        monitor.wait(timeout=10)


def _pactl(what: str) -> str:
    return subprocess.run(["pactl", "list", "short", what], capture_output=True, text=True, timeout=10).stdout


def test_microphone_check_without_a_sound_server_is_no_reason(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/nothing-here")
    source = MicrophoneSource()
    assert source.check() is None
    assert source.problem() == "no PulseAudio or PipeWire sound server answered"


# -- GNOME show-banners, with real gsettings -------------------------------------------------------

def test_gnome_show_banners_off_is_the_desktops_dnd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    need("gsettings")
    schemas = subprocess.run(["gsettings", "list-schemas"], capture_output=True, text=True, timeout=10).stdout
    if "org.gnome.desktop.notifications" not in schemas.split():
        pytest.skip("the GNOME notification schema is not installed (package gsettings-desktop-schemas)")
    monkeypatch.setenv("GSETTINGS_BACKEND", "keyfile")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    source = GnomeShowBannersSource()
    assert source.problem() is None
    assert source.check() is None  # default: banners shown
    subprocess.run(["gsettings", "set", "org.gnome.desktop.notifications", "show-banners", "false"],
                   check=True, timeout=10)
    assert source.check() == DESKTOP_DND
    subprocess.run(["gsettings", "set", "org.gnome.desktop.notifications", "show-banners", "true"],
                   check=True, timeout=10)
    assert source.check() is None


# -- freedesktop Inhibited, against a fake and the real dunst ---------------------------------------

def test_notifications_inhibited_property(bus: Any, private_bus: str) -> None:
    source = NotificationsInhibitedSource(bus)
    assert source.check() is None  # no server at all
    with fake_services(private_bus, "notifications") as fake:
        assert source.check() is None
        fake.send("inhibit")
        assert source.check() == DESKTOP_DND
        assert source.problem() is None
        fake.send("uninhibit")
        assert source.check() is None


@pytest.mark.display
def test_dunst_without_inhibited_property_is_no_reason(bus: Any, private_bus: str, tmp_path: Path) -> None:
    with xvfb() as display, process([need("dunst")], desktop_env(display, private_bus),
                                    tmp_path / "dunst.log"):
        source = NotificationsInhibitedSource(bus)
        wait_for(lambda: source.problem() != "no notification server on the session bus",
                 what="dunst on the bus")
        assert source.check() is None
        assert source.problem() == "the notification server has no Inhibited property"
