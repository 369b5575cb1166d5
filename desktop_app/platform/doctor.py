"""``hipbreak doctor``: what HipBreak found on this desktop, in a form to paste into a bug report.

Why it exists: idle detection, tray icons and notifications differ on every
desktop, and "the break never came" is impossible to debug without knowing
which backend was picked. Each line says OK, missing or failed, with one line
of advice. ``--json`` gives the same as a list of
``{"name", "status", "detail", "advice"}`` objects.

The doctor only reads: it never creates folders, never moves a bad settings
file aside, and exits 0 even when things are missing (it is a report). A Qt GUI
application is only created when a display is reachable, because Qt aborts the
process when it cannot open one.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from desktop_app import __version__
from desktop_app.i18n import _
from desktop_app.platform.desktop_env import MACOS, TTY, UNKNOWN, WINDOWS, DesktopEnv, detect_desktop_env

OK = "ok"
MISSING = "missing"
FAILED = "failed"


class _Paths(Protocol):
    """The part of ``platform.paths.AppPaths`` the doctor reads."""

    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path: ...

    @property
    def log_file(self) -> Path: ...


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    advice: str = ""


# -- individual checks ------------------------------------------------------------------------------

def check_session(env: DesktopEnv) -> Check:
    where = []
    if env.display:
        where.append(f"DISPLAY={env.display}")
    if env.wayland_display:
        where.append(f"WAYLAND_DISPLAY={env.wayland_display}")
    detail = env.describe() + (f" ({', '.join(where)})" if where else "")
    if env.session_type in (TTY, UNKNOWN):
        return Check("session", MISSING, detail,
                     _("No graphical session found: start HipBreak from your desktop session, "
                       "not a console."))
    # no advice here: what a Wayland desktop lacks (idle time, a tray) is said by those checks,
    # which know whether it is really missing on this desktop
    return Check("session", OK, detail)


def check_idle(env: DesktopEnv) -> Check:
    from desktop_app.platform.idle import IdleUnavailable, select_idle_monitor

    monitor, report = select_idle_monitor(env=env)
    try:
        if monitor.name == "none":
            if env.is_gnome or env.is_kde:
                advice = _("Natural breaks can't be noticed: this desktop normally offers idle time, so "
                           "please report this with the log. Until then lock the screen when you step "
                           "away (locking counts as away).")
            else:
                advice = _("Natural breaks can't be noticed: lock the screen when you step away "
                           "(locking counts as away). A desktop that offers idle time (GNOME, KDE, an X11 "
                           "session, or a Wayland compositor with ext-idle-notify-v1) lifts this limit.")
            return Check("idle", MISSING, report, advice)
        if getattr(monitor, "push_only", False):
            return Check("idle", OK, _("{report}; told when idle passes the threshold and when input "
                                       "returns (the protocol has no reading in between)").format(report=report))
        try:
            reading = monitor.idle_seconds()
        except IdleUnavailable as exc:
            detail = _("{report}; reading failed: {error}").format(report=report, error=exc)
            return Check("idle", FAILED, detail,
                         _("The idle backend answered at start but not now; please report this "
                           "with the log."))
        push = _("push watches") if monitor.supports_push else _("polled")
        return Check("idle", OK, _("{report}; idle now {seconds:.1f} s ({push})").format(
            report=report, seconds=reading, push=push))
    finally:
        monitor.close()


def check_lock_and_suspend(environ: Mapping[str, str]) -> list[Check]:
    from desktop_app.platform.session import select_session_watcher

    watcher, _report = select_session_watcher(environ=environ)
    sources = watcher.sources()
    lock = [s for s in sources if s.kind == "lock"]
    suspend = [s for s in sources if s.kind == "suspend"]
    checks = []
    found = [f"{s.name} ({s.detail})" for s in lock if s.present]
    not_found = [f"{s.name}: {s.detail}" for s in lock if not s.present]
    if found:
        detail = ", ".join(found)
        if not_found:
            detail += _("; not found: {names}").format(names="; ".join(not_found))
        checks.append(Check("lock", OK, detail))
    else:
        checks.append(Check("lock", MISSING, "; ".join(not_found),
                            _("A locked screen is not noticed; sitting time still pauses after "
                              "the natural-break idle time.")))
    present = [s for s in suspend if s.present]
    if present:
        checks.append(Check("suspend", OK, ", ".join(f"{s.name} ({s.detail})" for s in present)))
    else:
        checks.append(Check("suspend", MISSING, "; ".join(f"{s.name}: {s.detail}" for s in suspend) or
                            _("no logind on this system"),
                            _("Suspend is still noticed afterwards from the jump in the clock.")))
    watcher.deleteLater()
    return checks


def check_tray(env: DesktopEnv, have_gui: bool) -> Check:
    if not have_gui:
        return Check("tray", MISSING, _("no display reachable, so the tray could not be checked"),
                     _("Run `hipbreak doctor` inside your desktop session."))
    from PySide6.QtWidgets import QSystemTrayIcon

    if QSystemTrayIcon.isSystemTrayAvailable():
        return Check("tray", OK, _("a system tray is available"))
    advice = _("HipBreak still runs; use `hipbreak status` and `hipbreak show`, or add a tray.")
    if env.is_gnome:
        advice = _("GNOME shows tray icons only with the AppIndicator extension "
                   "(package gnome-shell-extension-appindicator). HipBreak still runs without it.")
    return Check("tray", MISSING, _("no system tray (no XEmbed tray and no StatusNotifier host)"), advice)


def check_tray_host(env: DesktopEnv, have_gui: bool, environ: Mapping[str, str]) -> Check:
    """Who is watched to notice the tray going away (the status window then comes up)."""
    if not have_gui:
        return Check("tray host", MISSING, _("no display reachable, so the tray host could not be watched"))
    from PySide6.QtGui import QGuiApplication

    from desktop_app.platform.tray_host import select_tray_host_watch

    watch = select_tray_host_watch(QGuiApplication.platformName(), environ.get("DISPLAY"))
    try:
        state = watch.available()
        if state is None:
            return Check("tray host", MISSING, watch.description,
                         _("A lost tray is noticed only by a slow check while the status window shows."))
        now = _("a host draws tray icons now") if state else _("no host draws tray icons now")
        detail = _("{name}: {description}; {now}").format(name=watch.name, description=watch.description, now=now)
        if not state:
            return Check("tray host", OK, detail, _("HipBreak shows its status window until a tray returns."))
        return Check("tray host", OK, detail)
    finally:
        watch.close()


def check_prompt(environ: Mapping[str, str]) -> Check:
    """Which prompt this desktop gets (window, window through XWayland, notification), and why."""
    from desktop_app.platform.prompt_mode import select_prompt_mode

    mode = select_prompt_mode(environ)
    platform_note = f" (QT_QPA_PLATFORM={mode.platform})" if mode.platform else ""
    return Check("prompt", OK, f"{mode.name}{platform_note}: {mode.reason}")


def check_notifications(env: DesktopEnv) -> Check:
    if env.session_type in (WINDOWS, MACOS):
        return Check("notifications", OK, _("native notifications (not checked from here)"))
    from desktop_app.platform.idle.dbus_support import DBusCallError, call, name_has_owner, session_bus

    bus = session_bus()
    if bus is None:
        return Check("notifications", MISSING, _("no D-Bus session bus"),
                     _("Desktop notifications need a D-Bus session; prompts still appear as windows."))
    service = "org.freedesktop.Notifications"
    if not name_has_owner(bus, service):
        return Check("notifications", MISSING, _("no notification server on the session bus"),
                     _("Install or start a notification daemon (for example dunst); prompts still appear "
                       "as windows."))
    try:
        name, vendor, version, spec = (str(v) for v in call(bus, service, "/org/freedesktop/Notifications",
                                                            service, "GetServerInformation")[:4])
    except (DBusCallError, ValueError) as exc:
        return Check("notifications", FAILED, _("the notification server did not answer: {error}").format(
            error=exc), _("Restart the notification daemon; prompts still appear as windows."))
    return Check("notifications", OK, _("{name} {version} by {vendor} (spec {spec}) on the session bus")
                 .format(name=name, version=version, vendor=vendor, spec=spec))


def check_sound() -> Check:
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:
        return Check("sound", FAILED, _("Qt Multimedia is not available: {error}").format(error=exc),
                     _("Sound cues will be silent; reinstall HipBreak with PySide6-Addons."))
    device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        return Check("sound", MISSING, _("no audio output device"),
                     _("Sound cues will be silent; check that PulseAudio or PipeWire is running."))
    return Check("sound", OK, _("default output: {name}").format(name=device.description()))


def check_dnd(env: DesktopEnv, settings: Any) -> list[Check]:
    from desktop_app.platform.dnd import build_dnd_watcher

    watcher = build_dnd_watcher(settings, env)
    checks = []
    try:
        for source, status in zip(watcher.sources(), watcher.statuses(), strict=True):
            name = f"dnd: {status.name}"
            problem = source.problem()
            if problem:
                checks.append(Check(name, MISSING, problem,
                                    _("This reason to hold prompts is not checked on this system.")))
                continue
            if not status.enabled:
                checks.append(Check(name, OK, _("{detail}; off in settings ({setting})").format(
                    detail=status.detail, setting=status.setting)))
                continue
            now = source.check()
            state = _("holding prompts now: {reason}").format(reason=now) if now else _("no reason now")
            checks.append(Check(name, OK, f"{status.detail}; {state}"))
        if not checks:
            checks.append(Check("dnd", MISSING, _("no do-not-disturb source on this system"),
                                _("Prompts are never held back for fullscreen windows or calls here.")))
    finally:
        watcher.close()
    return checks


def check_folder(name: str, path: Path) -> Check:
    if path.is_dir():
        if os.access(path, os.W_OK | os.X_OK):
            return Check(name, OK, _("{path} (writable)").format(path=path))
        return Check(name, FAILED, _("{path} is not writable").format(path=path),
                     _("Fix the folder's permissions; until then changes can't be saved."))
    if path.exists():
        return Check(name, FAILED, _("{path} exists but is not a folder").format(path=path),
                     _("Move that file away; HipBreak needs a folder there."))
    return Check(name, MISSING, _("{path} does not exist yet").format(path=path),
                 _("It is created the first time HipBreak needs it."))


def check_folders(paths: _Paths) -> list[Check]:
    checks = [check_folder("config folder", paths.config_dir), check_folder("data folder", paths.data_dir),
              check_folder("log folder", paths.log_dir)]
    log_file = paths.log_file
    if log_file.is_file():
        checks.append(Check("log file", OK, str(log_file), _("Attach this file to a bug report.")))
    else:
        checks.append(Check("log file", MISSING, _("{path} (not written yet)").format(path=log_file),
                            _("It appears after the first start of the tray app.")))
    return checks


def read_settings_readonly(paths: _Paths) -> tuple[Any, str | None]:
    """The user's settings without touching the file (the app's loader moves bad files aside)."""
    from desktop_app.core.settings import Settings, migrate, validate

    path = paths.settings_file
    if not path.exists():
        return Settings(), None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(_("not a JSON object"))
        migrated, _notes = migrate(data)
        settings, problems = validate(migrated)
    except (OSError, ValueError) as exc:
        return Settings(), _("{path} can't be read ({error}); defaults assumed").format(path=path, error=exc)
    return settings, ("; ".join(problems) if problems else None)


# -- running everything ---------------------------------------------------------------------------

def display_reachable(env: DesktopEnv, environ: Mapping[str, str]) -> bool:
    """Can a Qt GUI application start here without aborting the process?"""
    if environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")):
        return False
    if env.session_type in (WINDOWS, MACOS):
        return True
    if env.is_wayland and env.wayland_display:
        socket = Path(env.wayland_display)
        if not socket.is_absolute():
            socket = Path(environ.get("XDG_RUNTIME_DIR", "/nonexistent")) / env.wayland_display
        if socket.exists():
            return True
    from desktop_app.platform.xlib import display_reachable as x_reachable

    return x_reachable(env.display)


def run_checks(paths: _Paths, environ: Mapping[str, str] | None = None) -> list[Check]:
    """Every check, in report order. Needs a Q(Core)Application; ``main`` makes one."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QApplication

    env_map = os.environ if environ is None else environ
    env = detect_desktop_env(env_map)
    have_gui = isinstance(QApplication.instance(), QApplication)
    checks = [Check("version", OK, f"hipbreak {__version__}, Python {platform.python_version()}, "
                                   f"PySide6 {pyside_version}, {platform.platform()}")]
    for step in (lambda: [check_session(env)], lambda: [check_idle(env)],
                 lambda: check_lock_and_suspend(env_map), lambda: [check_tray(env, have_gui)],
                 lambda: [check_tray_host(env, have_gui, env_map)], lambda: [check_prompt(env_map)],
                 lambda: [check_notifications(env)], lambda: [check_sound()]):
        checks.extend(_guarded(step))
    settings, problem = read_settings_readonly(paths)
    checks.extend(_guarded(lambda: check_dnd(env, settings)))
    if problem:
        checks.append(Check("settings", FAILED, problem, _("Open Settings and save to rewrite the file.")))
    checks.extend(check_folders(paths))
    return checks


def _guarded(step: Any) -> list[Check]:
    """One failing check must not end the report: it becomes a "failed" line itself."""
    try:
        return list(step())
    except Exception as exc:
        return [Check("doctor", FAILED, _("a check crashed: {error!r}").format(error=exc),
                      _("Please report this line."))]


def format_text(checks: list[Check]) -> str:
    labels = {OK: "OK", MISSING: "MISSING", FAILED: "FAILED"}
    width = max(len(c.name) for c in checks)
    lines = [_("HipBreak doctor: paste this into a bug report"), ""]
    for check in checks:
        lines.append(f"{labels.get(check.status, check.status):<8} {check.name:<{width}}  {check.detail}")
        if check.advice:
            lines.append(f"{'':<8} {'':<{width}}  -> {check.advice}")
    return "\n".join(lines)


def main(as_json: bool, paths: _Paths) -> int:
    """Print the report (text or JSON) and return 0: missing parts are findings, not errors."""
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    if app is None:
        env = detect_desktop_env()
        if display_reachable(env, os.environ):
            from PySide6.QtWidgets import QApplication

            app = QApplication([sys.argv[0] if sys.argv else "hipbreak", "doctor"])
        else:
            app = QCoreApplication([sys.argv[0] if sys.argv else "hipbreak", "doctor"])
    checks = run_checks(paths)
    if as_json:
        print(json.dumps([asdict(c) for c in checks], indent=2, ensure_ascii=False))
    else:
        print(format_text(checks))
    return 0
