"""A real little desktop for end-to-end tests and benches: Xvfb, a private D-Bus
session, openbox, trayer (XEmbed tray host) and dunst (notification daemon),
plus helpers to run the *installed* ``hipbreak`` command in it and to look at
and click the screen the way a user would (xwininfo, xdotool, import).

Nothing here is faked: if a helper says the icon is embedded, xwininfo saw
an X window of the app inside trayer's panel window.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.app_status import status_reply
from tests.support.desktop import dbus_session, desktop_env, need, process, screenshot, stop_process, xvfb
from tests.support.screenshots import shots_dir

#: The venv's bin folder (not resolved: .venv/bin/python is a symlink to the system Python).
VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def screenshots_dir() -> Path:
    """Where e2e screenshots go: ``$HIPBREAK_SCREENSHOT_DIR`` (scripts/refresh-screenshots sets it to
    docs/screenshots), else one temporary folder per test process, so a test run leaves the checkout clean."""
    global _SHOTS_TMP
    if _SHOTS_TMP is None:
        _SHOTS_TMP = Path(tempfile.mkdtemp(prefix="hipbreak-e2e-shots-"))
    return shots_dir(_SHOTS_TMP)


_SHOTS_TMP: Path | None = None

#: trayer's panel sits in the top-right corner of the screen; icons are 22 px.
TRAYER_ARGS = ["--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24",
               "--SetDockType", "true", "--transparent", "false", "--tint", "0x3c3c3c"]

_TREE_LINE = re.compile(r'^(\s*)(0x[0-9a-f]+) (?:"(.*?)"|\(has no name\)):\s*(?:\((.*?)\))?\s*'
                        r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s+\+(-?\d+)\+(-?\d+)")


@dataclass(frozen=True)
class XWindow:
    """One line of ``xwininfo -root -tree``: id, name, class, size and absolute position."""

    wid: str
    name: str
    wm_class: str
    width: int
    height: int
    x: int
    y: int
    depth: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


def parse_tree(text: str) -> list[XWindow]:
    """Every window of an ``xwininfo -root -tree`` listing, with its nesting depth."""
    found: list[XWindow] = []
    for line in text.splitlines():
        m = _TREE_LINE.match(line)
        if m:
            indent, wid, name, cls, w, h, _rx, _ry, ax, ay = m.groups()
            found.append(XWindow(wid, name or "", cls or "", int(w), int(h), int(ax), int(ay), len(indent)))
    return found


@dataclass
class Desktop:
    """A running desktop; use :func:`desktop` to get one."""

    display: str
    bus: str
    env: dict[str, str]
    workdir: Path
    profile: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    # --- running hipbreak ------------------------------------------------------------
    def hipbreak_command(self) -> str:
        found = shutil.which("hipbreak", path=self.env["PATH"])
        assert found, "the installed hipbreak command is not on PATH (.venv/bin)"
        return found

    def run(self, *args: str, timeout: float = 20, check: bool = False) -> subprocess.CompletedProcess[str]:
        """``hipbreak ARGS`` to completion (the CLI side)."""
        result = self.tool([self.hipbreak_command(), *args], timeout)
        if check:
            said = f"hipbreak {' '.join(args)} -> {result.returncode}: {result.stderr}"
            assert result.returncode == 0, said
        return result

    def launch(self, *args: str, log_name: str = "app.log") -> subprocess.Popen[bytes]:
        """Start the tray app (``hipbreak`` or ``hipbreak --demo``) in the background."""
        out = open(self.workdir / log_name, "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen([self.hipbreak_command(), *args], env=self.env, stdout=out,
                                stderr=subprocess.STDOUT)
        out.close()
        self.procs.append(proc)
        return proc

    def tool(self, args: list[str], timeout: float = 10) -> subprocess.CompletedProcess[str]:
        """Run a command on this desktop and capture its output."""
        return subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=timeout)

    def log(self, name: str = "app.log") -> str:
        path = self.workdir / name
        text = path.read_text(errors="replace") if path.exists() else ""
        app_log = self.profile / "log" / "hipbreak.log"
        if app_log.exists():
            text += "\n--- hipbreak.log ---\n" + app_log.read_text(errors="replace")[-6000:]
        return text

    def status(self) -> dict[str, Any] | None:
        """``hipbreak status --json``, or None while the app does not answer."""
        return status_reply(self.run("status", "--json", timeout=10))

    # --- looking at the screen -------------------------------------------------------
    def windows(self) -> list[XWindow]:
        return parse_tree(self.tool(["xwininfo", "-root", "-tree"]).stdout)

    def tray_icon(self, app_class: str = "hipbreak") -> XWindow | None:
        """The app's icon window inside trayer's panel, once embedded (None before)."""
        windows = self.windows()
        for i, win in enumerate(windows):
            if win.name == "panel" and '"trayer"' in win.wm_class:
                for child in windows[i + 1:]:
                    if child.depth <= win.depth:
                        break
                    if f'"{app_class}"' in child.wm_class and child.width > 1:
                        return child
        return None

    def find_windows(self, name_pattern: str, visible_only: bool = True) -> list[str]:
        """X window ids whose title matches ``name_pattern`` (xdotool search)."""
        args = ["xdotool", "search"] + (["--onlyvisible"] if visible_only else []) + ["--name", name_pattern]
        return self.tool(args).stdout.split()

    def geometry(self, wid: str) -> tuple[int, int, int, int]:
        """x, y, width, height of a window's client area on screen.

        From xwininfo: ``xdotool getwindowgeometry`` adds the frame offset twice
        for windows a window manager has reparented.
        """
        out = self.tool(["xwininfo", "-id", wid]).stdout
        values = dict(re.findall(r"^\s*(Absolute upper-left X|Absolute upper-left Y|Width|Height):\s+(-?\d+)",
                                 out, re.MULTILINE))
        return (int(values["Absolute upper-left X"]), int(values["Absolute upper-left Y"]),
                int(values["Width"]), int(values["Height"]))

    def active_window(self) -> str:
        return self.tool(["xdotool", "getactivewindow"]).stdout.strip()

    def click(self, x: int, y: int, button: int = 1) -> None:
        self.xdotool("mousemove", str(x), str(y), "click", str(button))

    def key(self, *keys: str) -> None:
        self.xdotool("key", *keys)

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=10)

    def jiggle(self) -> None:
        """A little mouse movement: keeps the X idle time near zero, like a user at work."""
        self.xdotool("mousemove_relative", "--", "1", "0")
        self.xdotool("mousemove_relative", "--", "-1", "0")

    def screenshot(self, name: str, around: tuple[int, int, int, int] | None = None, pad: int = 24) -> Path:
        """Save NAME in :func:`screenshots_dir`; with ``around`` (x, y, w, h) cropped to that area plus ``pad``."""
        path = screenshot(self.display, screenshots_dir() / name)
        if around is not None:
            x, y, w, h = around
            x0, y0 = max(0, x - pad), max(0, y - pad)
            box = f"{w + 2 * pad}x{h + 2 * pad}+{x0}+{y0}"
            subprocess.run([need("convert"), str(path), "-crop", box, "+repage", str(path)], check=True,
                           timeout=30)
        return path

    # --- notifications ---------------------------------------------------------------
    def notifications(self) -> list[dict[str, str]]:
        """What dunst has received: shown ones plus its history (summary and body)."""
        found: list[dict[str, str]] = []
        out = self.tool(["dunstctl", "history"])
        if out.returncode == 0 and out.stdout.strip():
            data = json.loads(out.stdout)
            for group in data.get("data", []):
                for item in group:
                    found.append({"summary": item.get("summary", {}).get("data", ""),
                                  "body": item.get("body", {}).get("data", "")})
        log = self.workdir / "dbus-monitor.log"
        if log.exists():
            text = log.read_text(errors="replace")
            for chunk in text.split("member=Notify")[1:]:
                strings = re.findall(r'string "(.*?)"', chunk)
                if len(strings) >= 4:
                    found.append({"summary": strings[2], "body": strings[3]})
        return found

    def stop_app(self, proc: subprocess.Popen[bytes], timeout: float = 10) -> int:
        stop_process(proc, grace=timeout)
        return int(proc.returncode)


@contextmanager
def desktop(workdir: Path, with_tray: bool = True, with_dunst: bool = True,
            size: str = "1280x800x24", welcome: bool = False) -> Iterator[Desktop]:
    """Xvfb + private bus + openbox (+ trayer) (+ dunst, with dbus-monitor recording notifications).

    Start-up is retried (up to 3 times) when a part cannot reach the display: on
    a machine where other test runs start and stop X servers at the same time, a
    server on the same display number that is shutting down can remove the new
    server's socket file under it.
    """
    for binary in ("Xvfb", "dbus-daemon", "openbox", "xdotool", "xwininfo"):
        need(binary)
    if with_tray:
        need("trayer")
    if with_dunst:
        need("dunst")
    workdir.mkdir(parents=True, exist_ok=True)
    profile = workdir / "profile"
    profile.mkdir(exist_ok=True)
    if not welcome:
        # a first start shows "Welcome to HipBreak" (ui/welcome_window.py), which would stand in front of
        # what most tests look at; the marker says it was answered. test_lull_e2e.py asks for it on purpose.
        (profile / "config").mkdir(exist_ok=True)
        (profile / "config" / "welcome.json").write_text('{"version": 1, "welcomed_at": 0}\n', encoding="utf-8")
    problem: RuntimeError | None = None
    for _attempt in range(3):
        stack = ExitStack()
        try:
            desk = _start(stack, workdir, profile, with_tray, with_dunst, size)
        except RuntimeError as exc:
            stack.close()
            problem = exc
            continue
        with stack:
            try:
                yield desk
            finally:
                for proc in desk.procs:
                    desk.stop_app(proc)
        return
    assert problem is not None
    raise problem


def _start(stack: ExitStack, workdir: Path, profile: Path, with_tray: bool, with_dunst: bool,
           size: str) -> Desktop:
    display = stack.enter_context(xvfb(size))
    bus = stack.enter_context(dbus_session())
    env = desktop_env(display, bus, HIPBREAK_PROFILE_DIR=str(profile), HOME=str(workdir),
                      XDG_RUNTIME_DIR=str(workdir / "run"), QT_LOGGING_RULES="qt.qpa.*=false",
                      LANG="C.UTF-8", LANGUAGE="en")
    (workdir / "run").mkdir(mode=0o700, exist_ok=True)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("QT_QPA_PLATFORMTHEME", None)
    helpers = [stack.enter_context(process(["openbox"], env, workdir / "openbox.log"))]
    if with_dunst:
        stack.enter_context(process(["dbus-monitor", "interface='org.freedesktop.Notifications'"], env,
                                    workdir / "dbus-monitor.log"))
        helpers.append(stack.enter_context(process(["dunst"], env, workdir / "dunst.log")))
    if with_tray:
        helpers.append(stack.enter_context(process(["trayer", *TRAYER_ARGS], env, workdir / "trayer.log")))
    desk = Desktop(display, bus, env, workdir, profile)
    _wait_ready(desk, with_tray, helpers)
    return desk


def _wait_ready(desk: Desktop, with_tray: bool, helpers: list[subprocess.Popen[bytes]],
                timeout: float = 30) -> None:
    """Until the window manager (and the tray) are up, so the app finds them at start."""
    deadline = time.monotonic() + timeout
    names: set[str] = set()
    while time.monotonic() < deadline and all(h.poll() is None for h in helpers):
        names = {w.name for w in desk.windows()}
        wm_up = any("openbox" in n.lower() for n in names)
        if wm_up and (not with_tray or "panel" in names):
            time.sleep(0.3)
            return
        time.sleep(0.1)
    logs = {p.name: p.read_text(errors="replace")[-500:] for p in desk.workdir.glob("*.log")}
    raise RuntimeError(f"the test desktop did not come up (openbox/trayer); windows: {sorted(names)}; "
                       f"logs: {logs}")
