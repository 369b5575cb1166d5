"""The routine player's child process in a real GNOME Shell Wayland session (issue 13).

The installed ``hipbreak`` picks its own platform (XWayland here) and its player child inherits it:
``hipbreak routine`` shows the player window from a child process, GNOME shows it on screen, and
closing it with the window manager's close (what the title bar's × does) ends the child and records
an early end in the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.desktop import wait_for
from tests.support.gnome_session import GnomeSession
from tests.wayland.conftest import SessionApp, app_in, write_settings

pytestmark = [pytest.mark.wayland]

TITLE = "HipBreak: Desk-side quick break"


@pytest.fixture
def app(gnome: GnomeSession, tmp_path: Path) -> Iterator[SessionApp]:
    profile = tmp_path / "profile"
    write_settings(profile, sound_enabled=False)
    (profile / "config" / "welcome.json").write_text('{"version": 1, "welcomed_at": 0}\n', encoding="utf-8")
    running = app_in(gnome, profile)
    running.start()
    try:
        running.wait_status("the app to answer", timeout=40)
        yield running
    finally:
        running.stop()


def _player_children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[-1].split()[1]) == pid and \
                    "--player-child" in (stat.parent / "cmdline").read_bytes().decode().split("\0"):
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_the_player_child_shows_in_gnome_and_its_close_is_recorded(
        gnome: GnomeSession, app: SessionApp, wayland_shots: Path) -> None:
    assert app.proc is not None
    assert app.run("routine", "desk-break").returncode == 0
    window = wait_for(lambda: gnome.window(TITLE), timeout=40, interval=0.3, what="the player window in GNOME")
    children = _player_children(app.proc.pid)
    assert len(children) == 1, "the player runs in one child process of the app"
    assert window["showing"] and not window["minimized"]
    x, y, w, h = window["rect"]
    assert w >= 360 and h >= 480
    shot = gnome.screenshot(wayland_shots / "wayland-gnome-player-child.png", area=(x, y, w, h))
    print(f"\nscreenshot: {shot}")
    # the title bar's close: Mutter asks the window to close
    gnome.eval(f"""const w = global.display.list_all_windows().find(w => (w.get_title() || '').includes(
                   {TITLE!r})); if (w) w.delete(global.get_current_time()); return !!w;""")
    wait_for(lambda: not _player_children(app.proc.pid), timeout=20, what="the player child to exit")
    wait_for(lambda: app.events("routine_abandoned"), timeout=10, what="the early end in the history")
    assert [k for k, _d in app.events("routine_started", "routine_abandoned")] == [
        "routine_started", "routine_abandoned"]
    status = app.status()
    assert status is not None and status["state"] != "in_routine"
