"""A real, headless KDE Plasma 5.27 Wayland session for tests: KWin (virtual backend) + plasmashell.

What is started, on a private session bus in a private XDG_RUNTIME_DIR and HOME:

- ``kwin_wayland --virtual --width 1280 --height 800 --socket NAME --xwayland --no-global-shortcuts``.
  ``/usr/bin/kwin_wayland`` carries the file capability ``cap_sys_resource=ep``, which containers
  without that capability cannot grant, so ``exec`` fails with "Operation not permitted"; a plain
  copy of the binary (copies drop file capabilities) runs. ``--no-lockscreen`` is left out on
  purpose: on Wayland KWin itself provides ``org.freedesktop.ScreenSaver``.
- ``plasmashell --no-respawn`` (owns ``org.freedesktop.Notifications`` and registers a
  ``org.kde.StatusNotifierHost-<pid>``). The bus's activation environment gets WAYLAND_DISPLAY first,
  so that D-Bus-activated helpers (kactivitymanagerd, kded5) come up on the Wayland display too.
- kded5's ``statusnotifierwatcher`` module is loaded explicitly (a real session's startup does it;
  D-Bus activation of kded5 alone loads no modules), so ``org.kde.StatusNotifierWatcher`` exists.

KWin scripts (``loadScript`` + ``start`` over D-Bus) read the window list, the active window,
keepAbove and the stacking order; their ``print()`` lands in KWin's log, which is parsed back.
``spectacle -b -n -f -o FILE`` takes screenshots. No input can be injected (KWin offers no
virtual keyboard to ordinary clients), so focus is checked by which window is active.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.support.desktop import dbus_session, need, stop_process, wait_for

WIDTH, HEIGHT = 1280, 800

#: KWin script printing one JSON line with the windows, the active one and the stacking order.
_WINDOWS_JS = """
function info(c) {
    return {caption: String(c.caption), resourceClass: String(c.resourceClass), pid: c.pid,
            keepAbove: !!c.keepAbove, minimized: !!c.minimized, normal: !!c.normalWindow,
            x: c.x, y: c.y, width: c.width, height: c.height, wayland: !c.x11Client && !!c.surface || false,
            onAll: !!c.onAllDesktops, skipTaskbar: !!c.skipTaskbar};
}
var out = {windows: [], active: null, stacking: []};
var all = workspace.clientList();
for (var i = 0; i < all.length; i++) out.windows.push(info(all[i]));
if (workspace.activeClient) out.active = info(workspace.activeClient);
var sorted = all.slice().sort(function (a, b) { return a.stackingOrder - b.stackingOrder; });
for (var j = 0; j < sorted.length; j++) out.stacking.push(String(sorted[j].caption));
print("MARKER" + JSON.stringify(out));
"""


class KdeSession:
    """Handles for one running session; see :func:`kde_session`."""

    def __init__(self, root: Path, socket: str, bus: str, env: dict[str, str]) -> None:
        self.root = root
        self.socket = socket
        self.bus = bus
        #: Environment for a Wayland client of this session (Qt on the wayland platform plugin).
        self.env = env
        self.kwin_log = root / "kwin.log"
        self.plasma_log = root / "plasmashell.log"
        self.kwin: subprocess.Popen[bytes] | None = None
        self.plasmashell: subprocess.Popen[bytes] | None = None

    # -- D-Bus ----------------------------------------------------------------------------------
    def gdbus(self, *args: str, timeout: float = 20) -> str:
        """``gdbus call --session ...`` on the session bus; returns stdout (raises on failure)."""
        result = subprocess.run([need("gdbus"), "call", "--session", *args], env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"gdbus {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def bus_names(self) -> list[str]:
        out = self.gdbus("--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
                         "--method", "org.freedesktop.DBus.ListNames")
        return [n.strip(" '[]()") for n in out.split(",") if n.strip(" '[]()")]

    def has_name(self, name: str) -> bool:
        return name in self.bus_names()

    def watcher_property(self, prop: str) -> str:
        return self.gdbus("--dest", "org.kde.StatusNotifierWatcher", "--object-path", "/StatusNotifierWatcher",
                          "--method", "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierWatcher", prop)

    # -- KWin scripting -------------------------------------------------------------------------
    def kwin_script(self, source: str) -> list[str]:
        """Run a KWin script; returns the lines it printed with ``print("MARKER" + ...)`` (marker stripped)."""
        marker = f"HB{uuid.uuid4().hex[:10]}:"
        path = self.root / f"script-{marker[:-1]}.js"
        path.write_text(source.replace("MARKER", marker), encoding="utf-8")
        name = marker[:-1]
        self.gdbus("--dest", "org.kde.KWin", "--object-path", "/Scripting",
                   "--method", "org.kde.kwin.Scripting.loadScript", str(path), name)
        self.gdbus("--dest", "org.kde.KWin", "--object-path", "/Scripting", "--method", "org.kde.kwin.Scripting.start")

        def printed() -> list[str]:
            text = self.kwin_log.read_text(encoding="utf-8", errors="replace")
            return [line.split(marker, 1)[1] for line in text.splitlines() if marker in line]

        lines = wait_for(printed, timeout=15, what="the KWin script's output")
        with suppress(RuntimeError):
            self.gdbus("--dest", "org.kde.KWin", "--object-path", "/Scripting",
                       "--method", "org.kde.kwin.Scripting.unloadScript", name)
        return lines

    def windows(self) -> dict[str, Any]:
        """``{"windows": [...], "active": {...} | None, "stacking": [captions bottom to top]}``."""
        return json.loads(self.kwin_script(_WINDOWS_JS)[0])

    # -- screen ---------------------------------------------------------------------------------
    def screenshot(self, path: Path) -> Path:
        """The whole screen as PNG, taken by spectacle inside the session."""
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([need("spectacle"), "-b", "-n", "-f", "-o", str(path)], env=self.env,
                       capture_output=True, timeout=60, check=True)
        wait_for(lambda: path.exists() and path.stat().st_size > 0, timeout=10, what="spectacle's PNG")
        return path

    # -- plasmashell ----------------------------------------------------------------------------
    def start_plasmashell(self) -> None:
        """Start plasmashell and wait until its tray host and the notification server are up."""
        out = open(self.plasma_log, "ab")  # noqa: SIM115 (closed when the process is stopped)
        self.plasmashell = subprocess.Popen([need("plasmashell"), "--no-respawn"], env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT)
        out.close()
        pid = self.plasmashell.pid
        wait_for(lambda: self.has_name(f"org.kde.StatusNotifierHost-{pid}"), timeout=90,
                 interval=0.5, what="plasmashell's StatusNotifierHost")
        wait_for(lambda: self.has_name("org.freedesktop.Notifications"), timeout=30, interval=0.5,
                 what="plasmashell's notification server")

    def stop_plasmashell(self) -> None:
        """End plasmashell (SIGTERM, as a crash or a panel restart would take it away)."""
        if self.plasmashell is not None:
            stop_process(self.plasmashell)
            self.plasmashell = None

    def load_status_notifier_watcher(self) -> None:
        self.gdbus("--dest", "org.kde.kded5", "--object-path", "/kded", "--method", "org.kde.kded5.loadModule",
                   "statusnotifierwatcher")
        wait_for(lambda: self.has_name("org.kde.StatusNotifierWatcher"), timeout=20, interval=0.3,
                 what="kded5's StatusNotifierWatcher")


def _need_kde() -> str:
    binary = need("kwin_wayland")
    need("plasmashell")
    return binary


@contextmanager
def kde_session(root: Path, with_plasmashell: bool = True) -> Iterator[KdeSession]:
    """Start KWin (and plasmashell) in ``root``; yields the :class:`KdeSession`; stops everything after."""
    kwin_binary = _need_kde()
    runtime = root / "runtime"
    home = root / "home"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    kwin_copy = root / "kwin_wayland"  # a copy carries no file capability, see the module docstring
    shutil.copy(kwin_binary, kwin_copy)
    socket = f"hipbreak-kde-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM",
                                                             "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP",
                                                             "XDG_SESSION_TYPE", "KDE_FULL_SESSION")}
    base.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                XDG_DATA_HOME=str(home / ".local/share"), XDG_CACHE_HOME=str(home / ".cache"))
    with dbus_session() as bus:
        base["DBUS_SESSION_BUS_ADDRESS"] = bus
        session = KdeSession(root, socket, bus, {})
        kwin_out = open(session.kwin_log, "wb")  # noqa: SIM115
        # KWin starts the trailing command once Wayland and Xwayland are up, with DISPLAY and XAUTHORITY
        # set: it writes them down for the tests' X11 clients (HipBreak runs its UI through XWayland).
        child_env = root / "kwin-child.env"
        kwin = subprocess.Popen([str(kwin_copy), "--virtual", "--width", str(WIDTH), "--height", str(HEIGHT),
                                 "--socket", socket, "--xwayland", "--no-global-shortcuts",
                                 f"sh -c 'env > {child_env}.tmp && mv {child_env}.tmp {child_env} "
                                 "&& exec sleep 86400'"],
                                env=base, stdout=kwin_out, stderr=subprocess.STDOUT)
        session.kwin = kwin
        try:
            wait_for(lambda: (runtime / socket).exists() or kwin.poll() is not None, timeout=60,
                     what="KWin's Wayland socket")
            if kwin.poll() is not None:
                pytest.fail(f"kwin_wayland exited ({kwin.returncode}): "
                            f"{session.kwin_log.read_text(errors='replace')[-2000:]}")
            wait_for(lambda: child_env.exists() or kwin.poll() is not None, timeout=60,
                     what="KWin to start Xwayland and its first client")
            x_env = dict(line.split("=", 1) for line in child_env.read_text().splitlines()
                         if line.startswith(("DISPLAY=", "XAUTHORITY=")) and line.split("=", 1)[1])
            env = dict(base, WAYLAND_DISPLAY=socket, QT_QPA_PLATFORM="wayland", XDG_SESSION_TYPE="wayland",
                       XDG_CURRENT_DESKTOP="KDE", KDE_FULL_SESSION="true", KDE_SESSION_VERSION="5", **x_env)
            session.env = env
            wait_for(lambda: session.has_name("org.kde.KWin"), timeout=30, interval=0.3, what="org.kde.KWin")
            subprocess.run([need("dbus-update-activation-environment"), "WAYLAND_DISPLAY", "QT_QPA_PLATFORM",
                            *x_env,
                            "XDG_RUNTIME_DIR", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                            "XDG_SESSION_TYPE", "XDG_CURRENT_DESKTOP"], env=env, check=True, timeout=20,
                           capture_output=True)
            if with_plasmashell:
                session.start_plasmashell()
                session.load_status_notifier_watcher()
                wait_for(lambda: "true" in session.watcher_property("IsStatusNotifierHostRegistered"),
                         timeout=30, interval=0.5, what="plasmashell registering as tray host")
            yield session
        finally:
            session.stop_plasmashell()
            stop_process(kwin)
            kwin_out.close()
            _end_session_helpers(runtime)


def _end_session_helpers(runtime: Path) -> None:
    """End what D-Bus activation and plasmashell started for this session (kded5, kactivitymanagerd,
    plasma_waitforname, ...): exactly the processes whose environment names this session's runtime dir."""
    marker = f"XDG_RUNTIME_DIR={runtime}".encode()
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            with suppress(ProcessLookupError, PermissionError):
                os.kill(int(entry.name), signal.SIGTERM)
