"""A real GNOME Shell 43 Wayland session for tests: headless, private, and seen from the inside.

What it starts (nothing is faked):

* a private **system bus** (a second dbus-daemon passed as ``DBUS_SYSTEM_BUS_ADDRESS``: without
  one gnome-shell crashes in LoginManagerSystemd) and a private **session bus**;
* ``gnome-shell --wayland --headless --virtual-monitor 1280x800 --wayland-display NAME``, which
  starts XWayland on demand, owns ``org.freedesktop.Notifications`` (through gjs) and, with the
  **AppIndicator extension** (``ubuntu-appindicators@ubuntu.com``) enabled, hosts
  StatusNotifierItem tray icons in its top bar;
* a tiny **test-only extension** written into the private ``XDG_DATA_HOME`` that sets
  ``global.context.unsafe_mode = true``: GNOME 43 has no unsafe-mode switch, and without it
  ``org.gnome.Shell.Eval`` and ``org.gnome.Shell.Screenshot`` refuse callers other than the shell.

Settings live in a private keyfile (``GSETTINGS_BACKEND=keyfile`` under a private
``XDG_CONFIG_HOME``/``HOME``), so nothing of the machine's own GNOME settings is read or written.

From the test side: :meth:`GnomeSession.eval` runs JavaScript in the shell (window list, focus,
stacking, notifications), :meth:`GnomeSession.screenshot` saves the screen, and
:meth:`GnomeSession.input` injects keys and pointer clicks through Mutter's
``org.gnome.Mutter.RemoteDesktop`` (a small gjs helper keeps the remote-desktop session open:
Mutter ends it when the D-Bus peer that created it leaves). The first key of a new remote-desktop
session may be lost, so :class:`RemoteInput` sends a harmless Shift first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.desktop import dbus_daemon, need, stop_process, wait_for

#: The test-only extension that makes Eval and Screenshot answer (see the module docstring).
UNSAFE_UUID = "hipbreak-test-unsafe-mode@hipbreak.test"
APPINDICATOR_UUID = "ubuntu-appindicators@ubuntu.com"
SIZE = (1280, 800)

_UNSAFE_METADATA = {"uuid": UNSAFE_UUID, "name": "HipBreak tests: unsafe mode",
                    "description": "Test only: lets org.gnome.Shell.Eval and Screenshot answer gdbus.",
                    "shell-version": ["43", "44"]}
_UNSAFE_JS = """function init() {}
function enable() { global.context.unsafe_mode = true; }
function disable() { global.context.unsafe_mode = false; }
"""

_SYSTEM_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
"""

#: Keeps one RemoteDesktop session open and injects what it reads on stdin, one command a line:
#: ``key CODE...`` (evdev key codes, press and release each), ``move DX DY`` (relative to the
#: bottom-right corner, where the pointer is pushed first: absolute motion needs a screen-cast stream,
#: and the top-left corner is the Activities hot corner), ``click`` (left button). Answers ``ok`` or
#: ``error ...``.
_REMOTE_INPUT_JS = r"""
const { Gio, GLib } = imports.gi;
const bus = Gio.DBus.session;
const IFACE = 'org.gnome.Mutter.RemoteDesktop.Session';
function call(path, iface, method, params, sig) {
    return bus.call_sync('org.gnome.Mutter.RemoteDesktop', path, iface, method, params,
        sig ? new GLib.VariantType(sig) : null, Gio.DBusCallFlags.NONE, 5000, null);
}
const [path] = call('/org/gnome/Mutter/RemoteDesktop', 'org.gnome.Mutter.RemoteDesktop', 'CreateSession',
                    null, '(o)').deepUnpack();
call(path, IFACE, 'Start', null, null);
print('session ' + path);
const input = new Gio.DataInputStream({ base_stream: new Gio.UnixInputStream({ fd: 0 }) });
const decoder = new TextDecoder();
for (;;) {
    const [bytes] = input.read_line(null);
    if (bytes === null) break;
    const words = decoder.decode(bytes).trim().split(/\s+/);
    try {
        if (words[0] === 'key') {
            for (const word of words.slice(1)) {
                const code = parseInt(word);
                call(path, IFACE, 'NotifyKeyboardKeycode', new GLib.Variant('(ub)', [code, true]), null);
                call(path, IFACE, 'NotifyKeyboardKeycode', new GLib.Variant('(ub)', [code, false]), null);
            }
        } else if (words[0] === 'move') {
            call(path, IFACE, 'NotifyPointerMotionRelative', new GLib.Variant('(dd)', [10000, 10000]), null);
            call(path, IFACE, 'NotifyPointerMotionRelative',
                 new GLib.Variant('(dd)', [parseFloat(words[1]), parseFloat(words[2])]), null);
        } else if (words[0] === 'click') {
            call(path, IFACE, 'NotifyPointerButton', new GLib.Variant('(ib)', [0x110, true]), null);
            call(path, IFACE, 'NotifyPointerButton', new GLib.Variant('(ib)', [0x110, false]), null);
        } else if (words[0] === 'stop') {
            call(path, IFACE, 'Stop', null, null);
            print('ok');
            break;
        }
        print('ok');
    } catch (e) {
        print('error ' + e.message);
    }
}
"""

#: evdev key codes (linux/input-event-codes.h) of the keys the tests type.
KEYCODES = {"esc": 1, "enter": 28, "space": 57, "shift": 42, "tab": 15, "backspace": 14,
            **dict(zip("qwertyuiop", range(16, 26), strict=True)), **dict(zip("asdfghjkl", range(30, 39), strict=True)),
            **dict(zip("zxcvbnm", range(44, 51), strict=True))}


def _gdbus_string(reply: str) -> str:
    """The string inside gdbus's ``(true, '...')`` reply, with GVariant's escapes undone."""
    start = min(i for i in (reply.find("'"), reply.find('"')) if i >= 0)
    quote = reply[start]
    out: list[str] = []
    i = start + 1
    while i < len(reply) and reply[i] != quote:
        ch = reply[i]
        if ch == "\\" and i + 1 < len(reply):
            nxt = reply[i + 1]
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                out.append(chr(int(reply[i + 2:i + 2 + width], 16)))
                i += 2 + width
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class RemoteInput:
    """Keys and clicks injected through ``org.gnome.Mutter.RemoteDesktop`` (see the module docstring)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self._proc = proc

    def _send(self, line: str) -> None:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(line + "\n")
        self._proc.stdin.flush()
        answer = self._proc.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"remote input {line!r}: {answer or 'no answer'}")

    def keys(self, *names: str) -> None:
        """Press and release each key (names from :data:`KEYCODES`)."""
        self._send("key " + " ".join(str(KEYCODES[n]) for n in names))

    def type_text(self, text: str) -> None:
        """Type lowercase letters and spaces."""
        self.keys(*("space" if ch == " " else ch for ch in text))

    def click(self, x: float, y: float) -> None:
        """Move the pointer to (x, y) in screen coordinates and click the left button."""
        self._send(f"move {x - (SIZE[0] - 1)} {y - (SIZE[1] - 1)}")
        time.sleep(0.1)
        self._send("click")


@dataclass
class GnomeSession:
    """A running session; ``env`` is what a client started in it needs (without ``QT_QPA_PLATFORM``)."""

    root: Path
    env: dict[str, str]
    log_path: Path
    _input: RemoteInput | None = field(default=None, repr=False)
    _stack: ExitStack = field(default_factory=ExitStack, repr=False)

    # --- looking in ------------------------------------------------------------------
    def eval(self, script: str) -> Any:
        """Run ``script`` in gnome-shell and return its value, passed through JSON."""
        wrapped = f"(() => {{ {script} }})()"  # Eval answers the value as JSON
        result = subprocess.run(["gdbus", "call", "--session", "--dest", "org.gnome.Shell", "--object-path",
                                 "/org/gnome/Shell", "--method", "org.gnome.Shell.Eval", wrapped],
                                env=self.env, capture_output=True, text=True, timeout=20, check=False)
        if result.returncode != 0 or not result.stdout.startswith("(true"):
            raise RuntimeError(f"Eval failed: {result.stdout.strip()} {result.stderr.strip()}")
        text = _gdbus_string(result.stdout)
        return json.loads(text) if text else None

    def windows(self) -> list[dict[str, Any]]:
        """Every normal window, bottom to top: title, focus, above, minimized, client, frame rect."""
        found = self.eval("""
            const all = global.display.sort_windows_by_stacking(global.display.list_all_windows());
            return all.filter(w => w.get_window_type() === Meta.WindowType.NORMAL).map(w => {
                const r = w.get_frame_rect();
                return {title: w.get_title(), focus: w.has_focus(), above: w.is_above(),
                        minimized: w.minimized, x11: w.get_client_type() === Meta.WindowClientType.X11,
                        showing: w.showing_on_its_workspace(), rect: [r.x, r.y, r.width, r.height]};
            });""")
        assert isinstance(found, list)
        return found

    def window(self, title_part: str) -> dict[str, Any] | None:
        """The topmost window whose title contains ``title_part``."""
        matches = [w for w in self.windows() if title_part in (w["title"] or "")]
        return matches[-1] if matches else None

    def focused_title(self) -> str | None:
        value = self.eval("const w = global.display.focus_window; return w ? w.get_title() : null;")
        return None if value is None else str(value)

    def activate(self, title_part: str) -> None:
        """Give ``title_part``'s window the focus, as a click on it does."""
        self.eval(f"""const w = global.display.list_all_windows().find(w => (w.get_title() || '').includes(
                          {json.dumps(title_part)})); if (w) w.activate(global.get_current_time()); return !!w;""")

    def notifications(self) -> list[dict[str, Any]]:
        """Notifications the shell holds: app, title, body, action labels, and whether a banner shows it."""
        found = self.eval("""
            const out = [];
            for (const source of Main.messageTray.getSources())
                for (const n of source.notifications)
                    out.push({source: source.title, title: n.title, body: n.bannerBodyText,
                              urgency: n.urgency, actions: (n.actions || []).map(a => a.label),
                              banner: Main.messageTray._notification === n});
            return out;""")
        assert isinstance(found, list)
        return found

    def invoke_notification_action(self, title: str, label: str) -> bool:
        """Press the button ``label`` of the notification ``title``: the callback a click on it runs."""
        done = self.eval(f"""
            for (const source of Main.messageTray.getSources())
                for (const n of source.notifications)
                    if (n.title === {json.dumps(title)})
                        for (const a of (n.actions || []))
                            if (a.label === {json.dumps(label)}) {{ a.callback(); n.destroy(); return true; }}
            return false;""")
        return bool(done)

    def activate_notification(self, title: str) -> bool:
        """Click the notification ``title`` itself (its default action)."""
        done = self.eval(f"""
            for (const source of Main.messageTray.getSources())
                for (const n of source.notifications)
                    if (n.title === {json.dumps(title)}) {{ n.activate(); return true; }}
            return false;""")
        return bool(done)

    def clear_notifications(self) -> None:
        self.eval("for (const s of Main.messageTray.getSources()) s.destroy(); return true;")

    def screenshot(self, path: Path, area: tuple[int, int, int, int] | None = None) -> Path:
        """A PNG of the screen (or ``area`` = x, y, w, h) through org.gnome.Shell.Screenshot."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if area is None:
            method, args = "Screenshot", ["false", "false", str(path)]
        else:
            x, y, w, h = area
            x, y = max(0, x), max(0, y)
            w, h = min(w, SIZE[0] - x), min(h, SIZE[1] - y)
            method, args = "ScreenshotArea", [str(x), str(y), str(w), str(h), "false", str(path)]
        result = subprocess.run(["gdbus", "call", "--session", "--dest", "org.gnome.Shell.Screenshot",
                                 "--object-path", "/org/gnome/Shell/Screenshot", "--method",
                                 f"org.gnome.Shell.Screenshot.{method}", *args],
                                env=self.env, capture_output=True, text=True, timeout=30, check=False)
        if result.returncode != 0 or "true" not in result.stdout:
            raise RuntimeError(f"screenshot failed: {result.stdout.strip()} {result.stderr.strip()}")
        return path

    # --- input -----------------------------------------------------------------------
    def input(self) -> RemoteInput:
        """The remote-desktop input of this session (started on first use, kept open)."""
        if self._input is None:
            proc = self._stack.enter_context(_child([need("gjs"), "-c", _REMOTE_INPUT_JS], self.env))
            assert proc.stdout is not None
            first = proc.stdout.readline()
            if not first.startswith("session "):
                raise RuntimeError(f"RemoteDesktop session did not start: {first!r}")
            self._input = RemoteInput(proc)
            # the first key of a new session may be lost while Mutter adds the virtual keyboard
            time.sleep(0.5)
            self._input.keys("shift")
            time.sleep(0.3)
        return self._input

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@contextmanager
def _child(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        yield proc
    finally:
        stop_process(proc)


@contextmanager
def _bus(args: list[str], log_path: Path) -> Iterator[str]:
    """A dbus-daemon logging to ``log_path``; yields its address."""
    with open(log_path, "wb") as log, dbus_daemon(*args, stderr=log) as address:
        yield address


def _prepare_dirs(root: Path) -> dict[str, str]:
    home = root / "home"
    dirs = {"HOME": home, "XDG_CONFIG_HOME": home / ".config", "XDG_DATA_HOME": home / ".local" / "share",
            "XDG_CACHE_HOME": home / ".cache", "XDG_STATE_HOME": home / ".local" / "state",
            "XDG_RUNTIME_DIR": root / "run"}
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    os.chmod(dirs["XDG_RUNTIME_DIR"], 0o700)
    extension = dirs["XDG_DATA_HOME"] / "gnome-shell" / "extensions" / UNSAFE_UUID
    extension.mkdir(parents=True, exist_ok=True)
    (extension / "metadata.json").write_text(json.dumps(_UNSAFE_METADATA), encoding="utf-8")
    (extension / "extension.js").write_text(_UNSAFE_JS, encoding="utf-8")
    return {name: str(path) for name, path in dirs.items()}


def _base_env(dirs: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS",
                        "DBUS_SYSTEM_BUS_ADDRESS", "HIPBREAK_PROFILE_DIR", "XDG_SESSION_TYPE",
                        "XDG_CURRENT_DESKTOP", "GNOME_SHELL_SESSION_MODE")}
    env.update(dirs)
    env.update({"GSETTINGS_BACKEND": "keyfile", "XDG_SESSION_TYPE": "wayland", "XDG_CURRENT_DESKTOP": "GNOME",
                "NO_AT_BRIDGE": "1", "GTK_A11Y": "none"})
    return env


def _gsettings(env: dict[str, str], schema: str, key: str, value: str) -> None:
    subprocess.run([need("gsettings"), "set", schema, key, value], env=env, check=True, timeout=20,
                   capture_output=True)


@contextmanager
def gnome_session(root: Path, name: str = "hipbreak-gnome-0") -> Iterator[GnomeSession]:
    """Start GNOME Shell (see the module docstring) with its private state under ``root``."""
    for binary in ("gnome-shell", "gjs", "Xwayland", "gdbus", "gsettings", "dbus-daemon"):
        need(binary)
    if not Path("/usr/share/gnome-shell/extensions", APPINDICATOR_UUID).is_dir():
        pytest.skip("gnome-shell-extension-appindicator is not installed (scripts/test installs it)")
    root.mkdir(parents=True, exist_ok=True)
    dirs = _prepare_dirs(root)
    env = _base_env(dirs)
    with ExitStack() as stack:
        (root / "system-bus.conf").write_text(_SYSTEM_BUS_CONFIG.format(dir=dirs["XDG_RUNTIME_DIR"]),
                                              encoding="utf-8")
        env["DBUS_SYSTEM_BUS_ADDRESS"] = stack.enter_context(
            _bus([f"--config-file={root / 'system-bus.conf'}"], root / "system-bus.log"))
        env["DBUS_SESSION_BUS_ADDRESS"] = stack.enter_context(_bus(["--session"], root / "session-bus.log"))
        _gsettings(env, "org.gnome.shell", "enabled-extensions", f"['{APPINDICATOR_UUID}', '{UNSAFE_UUID}']")
        _gsettings(env, "org.gnome.shell", "welcome-dialog-last-shown-version", "'999'")
        _gsettings(env, "org.gnome.desktop.interface", "enable-animations", "false")
        _gsettings(env, "org.gnome.desktop.session", "idle-delay", "uint32 0")
        _gsettings(env, "org.gnome.desktop.screensaver", "lock-enabled", "false")
        log_path = root / "gnome-shell.log"
        with open(log_path, "wb") as log:
            shell = subprocess.Popen([need("gnome-shell"), "--wayland", "--headless", "--virtual-monitor",
                                      f"{SIZE[0]}x{SIZE[1]}", "--wayland-display", name],
                                     env=env, stdout=log, stderr=subprocess.STDOUT)
        stack.callback(stop_process, shell, grace=10)
        session = GnomeSession(root, env, log_path)
        stack.callback(session._stack.close)
        env["WAYLAND_DISPLAY"] = name

        def ready() -> bool:
            if shell.poll() is not None:
                pytest.fail(f"gnome-shell exited ({shell.returncode}):\n{session.log()}")
            try:
                return bool(session.eval("return global.context.unsafe_mode && !Main.layoutManager._startingUp;"))
            except (RuntimeError, ValueError):
                return False

        wait_for(ready, timeout=60, interval=0.3, what="gnome-shell to start with the test extension")
        session.eval("Main.overview.hide(); return true;")
        wait_for(lambda: session.eval("return !Main.overview.visible && !Main.overview.animationInProgress;"),
                 timeout=20, what="the overview to close")
        env["DISPLAY"] = str(session.eval("return imports.gi.GLib.getenv('DISPLAY');") or "")
        env["XAUTHORITY"] = str(session.eval("return imports.gi.GLib.getenv('XAUTHORITY');") or "")
        if not env["XAUTHORITY"]:
            env.pop("XAUTHORITY")
        session.clear_notifications()  # "Logged in as a privileged user", "Screen Lock disabled"
        yield session


def appindicator_items(session: GnomeSession) -> list[str]:
    """Items the AppIndicator extension shows in the top bar (their status-area keys)."""
    found = session.eval("return Object.keys(Main.panel.statusArea).filter(k => k.includes('appindicator'));")
    return [str(k) for k in found or []]


def registered_items(session: GnomeSession) -> str:
    """``RegisteredStatusNotifierItems`` of the extension's StatusNotifierWatcher, as gdbus prints it."""
    result = subprocess.run(["gdbus", "call", "--session", "--dest", "org.kde.StatusNotifierWatcher",
                             "--object-path", "/StatusNotifierWatcher", "--method",
                             "org.freedesktop.DBus.Properties.Get", "org.kde.StatusNotifierWatcher",
                             "RegisteredStatusNotifierItems"], env=session.env, capture_output=True, text=True,
                            timeout=10, check=False)
    return result.stdout.strip()


def have_gnome_shell() -> bool:
    return shutil.which("gnome-shell") is not None
