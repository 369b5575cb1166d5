"""The installed app plays routines in a child process, as a user runs it (issue 13).

On a real desktop (Xvfb, openbox, trayer, dunst) with a private PulseAudio server and sound on:
``hipbreak routine ID`` opens the player window, which belongs to a child process of the app; the
app itself never maps QtMultimedia or libpulse (its /proc/PID/maps), the child does one of them.
A completed routine and an early close reach the real SQLite history; a child killed with SIGKILL
mid-routine is recorded as an early end, the user gets a notification and the app carries on;
quitting the app while a routine plays closes the child and records the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core import events as ev
from desktop_app.platform.paths import resolve_paths
from desktop_app.storage.history import open_history_readonly
from tests.e2e.conftest import wait_embedded, wait_until, write_settings
from tests.e2e.helpers import Desktop, desktop
from tests.support.desktop import pulseaudio
from tests.ui.test_player_process import tiny_routine

MULTIMEDIA = "libQt6Multimedia"
#: What plays the cues: the sound server's sample cache (libpulse) or, as a fallback, QtMultimedia.
SOUND_LIBRARIES = ("libpulse.so", MULTIMEDIA)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desktop]:
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed (scripts/test installs it)")
    runtime = tmp_path / "pulse"
    runtime.mkdir(mode=0o700)
    with pulseaudio(runtime) as pulse_env, desktop(tmp_path / "desk") as desk:
        desk.env["PULSE_SERVER"] = pulse_env["PULSE_SERVER"]
        write_settings(desk.profile, sound_enabled=True, voice_enabled=False, prep_seconds=2)
        routines = desk.profile / "config" / "routines"
        routines.mkdir(parents=True, exist_ok=True)
        (routines / "tiny-one.json").write_text(json.dumps(tiny_routine("tiny-one", 5)), encoding="utf-8")
        yield desk


def routine_kinds(desk: Desktop) -> list[str]:
    """The routine events in the app's real history file, oldest first."""
    opened = open_history_readonly(resolve_paths({"HIPBREAK_PROFILE_DIR": str(desk.profile)}).history_file)
    try:
        kinds = (ev.ROUTINE_STARTED, ev.ROUTINE_COMPLETED, ev.ROUTINE_ABANDONED)
        return [e.kind for e in opened.store.events(kinds=kinds)]
    finally:
        opened.store.close()


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def maps_library(pid: int, name: str) -> bool:
    return name in Path(f"/proc/{pid}/maps").read_text(errors="replace")


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def player_window(desk: Desktop, title: str, timeout: float = 40) -> str:
    found = wait_until(lambda: desk.find_windows(title), timeout, f"the player window '{title}'", 0.05)
    return str(found[0])


def window_pid(desk: Desktop, wid: str) -> int:
    return int(desk.tool(["xdotool", "getwindowpid", wid]).stdout.strip())


def start_app(desk: Desktop) -> subprocess.Popen[bytes]:
    app = desk.launch()
    wait_embedded(desk, timeout=40)
    wait_until(desk.status, 20, "the app to answer")
    return app


def test_the_player_is_a_child_process_and_its_ends_reach_the_history(desk: Desktop) -> None:
    app = start_app(desk)
    assert not maps_library(app.pid, MULTIMEDIA)

    # a completed routine: the window shows, belongs to a child, plays with sound, ends on its summary
    started = time.monotonic()
    desk.run("routine", "tiny-one", check=True)
    wid = player_window(desk, "HipBreak: Tiny test routine")
    print(f"\nplayer window visible {time.monotonic() - started:.2f} s after 'hipbreak routine'")
    child = window_pid(desk, wid)
    assert child != app.pid and child in children(app.pid)
    classes = [w.wm_class for w in desk.windows() if int(w.wid, 16) == int(wid)]
    assert classes and '"hipbreak"' in classes[0], classes  # the same window class as the app's windows
    time.sleep(1.0)
    shot = desk.screenshot("player-child-playing.png", around=desk.geometry(wid))
    print(f"screenshot: {shot}")
    wait_until(lambda: maps_library(child, "libpulse.so"), 20,
               "the child to reach the sound server's sample cache for the first chime")
    # with a PulseAudio server the cues come from its cache: QtMultimedia (and its ~900 extra
    # wakeups a minute, bench/RESULTS.md) is not loaded at all
    assert not maps_library(child, MULTIMEDIA)
    wait_until(lambda: ev.ROUTINE_COMPLETED in routine_kinds(desk), 40, "the completed routine in the history")
    assert routine_kinds(desk) == [ev.ROUTINE_STARTED, ev.ROUTINE_COMPLETED]
    status = desk.status()
    assert status is not None and not status.get("player_open", False)
    desk.screenshot("player-child-summary.png", around=desk.geometry(wid))
    desk.xdotool("windowactivate", "--sync", wid)
    desk.key("Escape")  # the summary page closes: the child leaves
    wait_until(lambda: gone(child), 20, "the child to exit after its window closed")

    # an early close with the window's own close
    desk.run("routine", "tiny-one", check=True)
    wid = player_window(desk, "HipBreak: Tiny test routine")
    child = window_pid(desk, wid)
    desk.xdotool("windowactivate", "--sync", wid)
    desk.key("Escape")
    wait_until(lambda: gone(child), 20, "the child to exit after an early close")
    wait_until(lambda: routine_kinds(desk)[-1] == ev.ROUTINE_ABANDONED, 10, "the early end in the history")
    assert routine_kinds(desk) == [ev.ROUTINE_STARTED, ev.ROUTINE_COMPLETED,
                                   ev.ROUTINE_STARTED, ev.ROUTINE_ABANDONED]
    for name in SOUND_LIBRARIES:
        assert not maps_library(app.pid, name), f"the app itself must never load {name}"
    assert app.poll() is None
    assert desk.run("quit").returncode == 0
    assert app.wait(timeout=20) == 0


def test_a_killed_child_is_an_early_end_and_quit_closes_a_playing_child(desk: Desktop) -> None:
    app = start_app(desk)
    desk.run("routine", "desk-break", check=True)
    wid = player_window(desk, "HipBreak: Desk-side quick break")
    child = window_pid(desk, wid)
    time.sleep(1.0)
    os.kill(child, signal.SIGKILL)
    wait_until(lambda: routine_kinds(desk)[-1:] == [ev.ROUTINE_ABANDONED], 20, "the crash recorded as an early end")
    wait_until(lambda: any("stopped unexpectedly" in n["body"] for n in desk.notifications()), 20,
               "a notification telling the user the player stopped")
    status = desk.status()
    assert status is not None and not status.get("player_open", True), "the app is alive and knows"
    assert app.poll() is None

    # quit while a routine plays: the child is told to close and reports before the app leaves
    desk.run("routine", "desk-break", check=True)
    wid = player_window(desk, "HipBreak: Desk-side quick break")
    child = window_pid(desk, wid)
    assert desk.run("quit").returncode == 0
    assert app.wait(timeout=20) == 0
    wait_until(lambda: gone(child), 10, "the child to exit with the app")
    assert routine_kinds(desk) == [ev.ROUTINE_STARTED, ev.ROUTINE_ABANDONED,
                                   ev.ROUTINE_STARTED, ev.ROUTINE_ABANDONED]
    assert "player child" in desk.log(), "the app's log names its player child"
