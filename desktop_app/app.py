"""The composition root: builds clocks, stores, platform adapters, core and UI, and wires them.

Why everything is assembled here and nowhere else: each module gets what it
needs handed in (a clock, a store, a monitor), so each can be tested alone
with fakes or real parts, and this one function is the only place that
knows which concrete pieces make up the running app.

Start-up order matters for speed and for the single-instance rule:
the socket is claimed first (a second launch hands over to the first and
exits 0 before building anything; the plain icon shows while the claim is
held, before the server listens), then storage and platform probes, then the
controller and the tray. Every window other than the tray is created on first
use.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from desktop_app.core.clock import Clock, SystemClock
from desktop_app.i18n import _, set_language
from desktop_app.platform.paths import AppPaths, ensure_dir

if TYPE_CHECKING:  # imported where used, after the tray icon shows
    from desktop_app.ui.prompt_presenter import PromptNotification, PromptSetup

log = logging.getLogger(__name__)


def _hand_over(paths: AppPaths, initial: dict[str, Any] | None) -> int:
    """Another instance owns the socket: ask it to show itself (or run ``initial``) and exit 0."""
    from desktop_app.ipc import IpcError, send_command

    message = initial or {"cmd": "show"}
    try:
        reply = send_command(paths.socket_name, message)
    except IpcError as exc:
        print(_("hipbreak: another instance seems to be running but did not answer ({error}).").format(
            error=str(exc).rstrip(".")), file=sys.stderr)
        return 1
    if not reply.get("ok", False):
        print(f"hipbreak: {reply.get('error', _('the running app refused the request.'))}", file=sys.stderr)
        return 1
    log.info("another instance is running; asked it to %s", message.get("cmd"))
    return 0


def _setup_logging(paths: AppPaths) -> Any:
    """The rotating log file and the guard that keeps slot exceptions from killing the app."""
    from desktop_app.crash_guard import CrashGuard, immortalize_singletons, setup_logging

    # PySide6 6.12 on Python 3.11 leaks references to None; without this a long-running app aborts
    immortalize_singletons()
    level_name = os.environ.get("HIPBREAK_LOG_LEVEL", "INFO").upper()
    level = getattr(logging, level_name, logging.INFO)
    if not isinstance(level, int):
        level = logging.INFO
    problem = setup_logging(paths.log_file, level, also_stderr=True)
    if problem:
        print(f"hipbreak: {problem}", file=sys.stderr)
    return CrashGuard(paths.log_file).install()


def _make_dnd(settings: Any) -> Any:
    """The do-not-disturb sources for this desktop (asked only while a prompt is due or held)."""
    from desktop_app.platform.dnd import NullDnd, build_dnd_watcher

    try:
        return build_dnd_watcher(settings)
    except Exception as exc:  # no sources is a working configuration: prompts are never held
        log.warning("do-not-disturb sources unavailable: %s", exc)
        return NullDnd()


def _make_tray_host_watch(app: Any) -> Any:
    """Who tells the views that the tray host went away or came back (platform/tray_host)."""
    from desktop_app.platform.tray_host import select_tray_host_watch

    return select_tray_host_watch(app.platformName(), os.environ.get("DISPLAY"))


def _make_qt_application() -> tuple[Any, str]:
    """The QApplication, and the prompt mode that applies on this desktop (``platform/prompt_mode.py``).

    The mode is chosen before the QApplication exists: on Wayland with XWayland it sets
    ``QT_QPA_PLATFORM`` to xcb, and Qt reads that only when the QApplication is created. Once Qt
    has picked its plugin, the mode that really applies is known (xcb refused: a notification).
    """
    from desktop_app.platform.prompt_mode import apply_prompt_mode, effective_mode
    from desktop_app.ui.qt_app import make_application

    chosen = apply_prompt_mode(os.environ)
    app = make_application(sys.argv[:1] or ["hipbreak"])
    mode = effective_mode(chosen, app.platformName())
    log.info("prompt mode: %s (Qt platform %s). %s", mode.name, app.platformName(), mode.reason)
    return app, mode.name


def prepare_qt_environment() -> None:
    """The Qt environment variables HipBreak runs with; set before Qt first paints.

    Qt 6's raster engine hands every large fill and antialiased stroke to a pool of GUI threads,
    which woke them ~33,000 times a minute while a routine played; inline painting is cheap at our
    sizes (bench/RESULTS.md, docs/architecture.md). The player child process sets it up alike.

    On X11, Qt's backing store hands each repaint to the server through MIT-SHM and then waits for
    the server's answer before it paints into that memory again: one more wakeup of the GUI thread and
    one of Qt's X event thread per frame. For windows our size a plain image request costs no more CPU
    and no wait; a rep set fell from ~740 to ~420 wakeups a minute (bench/RESULTS.md, "Rep sets with
    sound"). Only set when the user has not set it.
    """
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    os.environ.setdefault("QT_XCB_NO_MITSHM", "1")


def make_qt_application() -> tuple[Any, str]:
    """The Qt environment and the QApplication as the tray app has them, for the player child
    process (``ui/player_process.py``), so both run with the same set-up."""
    prepare_qt_environment()
    return _make_qt_application()


def _prompt_setup(mode_name: str) -> PromptSetup:
    """The prompt the navigator builds: the window, or on Wayland without XWayland a notification
    with buttons (``platform/notification_prompt.py``), built on the first prompt."""
    from desktop_app.ui.prompt_presenter import PromptSetup

    def make_notification(parent: Any) -> PromptNotification:
        from desktop_app.i18n import assets_dir
        from desktop_app.platform.notification_prompt import ActionNotification
        from desktop_app.platform.notify import Notifier

        icon = assets_dir() / "icons" / "hipbreak-128.png"  # else GNOME shows a generic "blocked" sign
        return ActionNotification(Notifier(app_icon=icon if icon.is_file() else None), parent=parent)

    return PromptSetup(mode_name, make_notification)


def _make_session() -> tuple[Any, str]:
    from desktop_app.platform.session import NullSession, select_session_watcher

    try:
        return select_session_watcher()
    except Exception as exc:  # no D-Bus at all: lock and suspend are then not seen
        log.warning("session watcher unavailable: %s", exc)
        return NullSession(), f"session: none ({exc})"


class AutostartOnDemand:
    """Start at login (``platform.autostart``), imported when first asked.

    Only the welcome and settings windows ask. Importing the package at start loaded its five
    backends with ``configparser``, ``plistlib`` and the expat parser into the idle tray app for
    good (bench/RESULTS.md, "session 3"). Each call goes to the module's function of the moment.
    """

    def _module(self) -> Any:
        from desktop_app.platform import autostart

        return autostart

    def supported(self) -> bool:
        return bool(self._module().supported())

    def is_enabled(self) -> bool:
        return bool(self._module().is_enabled())

    def enable(self) -> None:
        self._module().enable()

    def disable(self) -> None:
        self._module().disable()


def compose(
    clock: Clock,
    schedule_clock: Clock,
    settings: Any,
    paths: AppPaths,
    history: Any,
    *,
    idle_monitor: Any = None,
    session: Any = None,
    dnd: Any = None,
    notifier: Any = None,
    prompt: PromptSetup | None = None,
    demo: bool = False,
    warnings: list[str] | None = None,
    parent: Any = None,
    player_in_child: bool = False,
) -> Any:
    """The service with its adapters, and the Qt bridge the views hold (returned).

    What is not given gets its Null adapter, never ``None``: no idle source,
    no session signals, no do-not-disturb sources, notifications to nowhere.
    Tests build the app through here too, so they run the same wiring.
    ``prompt`` (a ``ui.prompt_presenter.PromptSetup``) says how the break prompt shows; the
    prompt window when not given. ``player_in_child``: the routine player runs in a short-lived child
    process (``ui/player_link.py``; the real app), else in this process (tests that poke the window).
    """
    from desktop_app.application.routines import RoutineCatalogue
    from desktop_app.application.service import AppService
    from desktop_app.platform.dnd import NullDnd
    from desktop_app.platform.idle.null import NullIdleMonitor
    from desktop_app.platform.notify import NullNotifier
    from desktop_app.platform.session import NullSession
    from desktop_app.storage.settings_file import SettingsFile
    from desktop_app.storage.state_file import StateFile
    from desktop_app.ui.bridge import AppBridge
    from desktop_app.ui.driver import CoreDriver

    idle_monitor = idle_monitor if idle_monitor is not None else NullIdleMonitor("no idle source was given")
    dnd = dnd if dnd is not None else NullDnd()
    notifier = notifier if notifier is not None else NullNotifier()
    session = session if session is not None else NullSession()

    def make_driver(scheduler: Any, sink: Any) -> Any:
        return CoreDriver(scheduler, schedule_clock, idle_monitor, dnd, sink)

    service = AppService(schedule_clock, settings, history=history, state=StateFile(paths.state_file),
                         settings_store=SettingsFile(paths.settings_file), notifier=notifier, dnd=dnd,
                         catalogue=RoutineCatalogue(paths.routines_dir), make_driver=make_driver,
                         autostart=AutostartOnDemand(),
                         idle_name=str(getattr(idle_monitor, "name", "none")), demo=demo, warnings=warnings)
    bridge = AppBridge(service, clock, session, parent, prompt=prompt)
    bridge.navigator.player_in_child = player_in_child
    return bridge


def _player_in_child() -> bool:
    """The routine player runs in a child process, so its multimedia libraries leave with it
    (``ui/player_link.py``); ``HIPBREAK_PLAYER=in-process`` keeps it in this process (comparisons in
    bench/, or a machine where the child cannot run)."""
    return os.environ.get("HIPBREAK_PLAYER", "child").strip().lower() != "in-process"


def route_cues_to_sample_cache() -> None:
    """Routine cues play from the sound server's sample cache where there is one.

    A QAudioSink stream per cue cost 30-100 wakeups each (bench/RESULTS.md, "Rep sets with sound");
    ``ui/sound.py`` may not import platform code, so the player child and an in-process player are
    handed the PulseAudio connector here. Not done for the tray app's idle start: it plays no cue.
    """
    from desktop_app.platform import pulse_samples
    from desktop_app.ui import sound

    sound.use_sample_cache(pulse_samples.connect)


def run_app(paths: AppPaths, demo: bool = False, initial: dict[str, Any] | None = None) -> int:
    """Start the tray app and run it until Quit. Returns the process exit code.

    ``initial`` is a command to run once the app is up (``{"cmd": "routine", "id": ...}``
    from ``hipbreak routine``); a second launch passes it to the running instance instead.
    """
    profile = None
    if demo:
        from desktop_app.demo import DemoProfile

        profile = DemoProfile()
        paths = profile.paths
    try:
        return _run(paths, demo, initial, profile)
    finally:
        if profile is not None:
            profile.cleanup()


def _show_icon_first(app: Any) -> Any:
    """Put the plain icon in the tray now, before the rest of the app is imported and built.

    Importing and building the scheduler, history, platform probes and menus takes longer than
    starting Qt itself, so a user would wait about twice as long as for a bare tray icon before
    seeing anything (bench/RESULTS.md). The icon shows first; ``AppViews`` adopts it and paints
    the real ring once the status is known. None when there is no tray (the status window comes).
    """
    from PySide6.QtWidgets import QSystemTrayIcon

    from desktop_app.ui.tray_icon import IconLook, tray_icon

    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    icon = QSystemTrayIcon(tray_icon(IconLook("working", 0.0)), app)
    icon.setToolTip("HipBreak")
    icon.show()
    app.processEvents()  # the dock request goes out now; the tray host embeds it while we build the rest
    return icon


def _claim_socket_around_icon(app: Any, paths: AppPaths, handle: Any) -> tuple[Any, Any]:
    """The single-instance server and the early icon, ordered so the icon shows soonest.

    All under ``ipc.owner_lock``: a plain socket probe asks whether another instance answers;
    when none does, the icon shows, and only then is the server built and set listening. A second
    instance started at the same moment waits at the lock, then finds this one answering and hands
    over without ever showing an icon.
    ``(None, None)`` when another instance answers; otherwise the server (check ``is_listening``).
    """
    from desktop_app.ipc import owner_lock, server_answers

    with owner_lock(paths.socket_name) as locked:
        if server_answers(paths.socket_name):
            return None, None
        icon = _show_icon_first(app)
        from desktop_app.ipc import CommandServer

        server = CommandServer(paths.socket_name, handle, app)
        server.listen(lock_held=locked)
        return server, icon


def _run(paths: AppPaths, demo: bool, initial: dict[str, Any] | None, profile: Any) -> int:
    from PySide6.QtCore import QTimer

    prepare_qt_environment()  # read by Qt when it first paints

    from desktop_app.ui.qt_app import SignalExit

    guard = _setup_logging(paths)
    app, prompt_mode = _make_qt_application()

    from desktop_app.ipc import server_answers

    controller: Any = None

    def handle(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        if controller is None:
            return {"ok": False, "error": _("HipBreak is still starting; try again in a moment.")}
        result: dict[str, Any] = controller.handle_command(cmd, args)
        return result

    for folder in (paths.runtime_dir, paths.config_dir, paths.data_dir):
        ensure_dir(folder)
    server, early_icon = _claim_socket_around_icon(app, paths, handle)
    if server is None or not server.is_listening():
        if early_icon is not None:
            early_icon.hide()
        if server is None or server_answers(paths.socket_name):
            return _hand_over(paths, initial)
        print(f"hipbreak: {server.error}", file=sys.stderr)
        return 1

    from desktop_app.core.settings import Settings
    from desktop_app.storage.history import open_history
    from desktop_app.storage.settings_file import load_settings

    warnings: list[str] = []
    for folder in (paths.config_dir, paths.data_dir):
        problem = ensure_dir(folder)
        if problem:
            warnings.append(problem)
    loaded = load_settings(paths.settings_file)
    settings: Settings = loaded.settings
    warnings += loaded.warnings
    set_language(settings.language)
    opened = open_history(paths.history_file)
    if opened.warning:
        warnings.append(opened.warning)

    real_clock: Clock = SystemClock()
    schedule_clock: Clock = real_clock
    if demo:
        from desktop_app.demo import demo_clock

        schedule_clock = demo_clock()
        log.info("demo mode: schedule clock 60x; talk to it with: %s", profile.hint() if profile else "")
        print(_("HipBreak demo: one minute of sitting passes every second. "
                "Status from another terminal: {hint}").format(hint=profile.hint() if profile else ""),
              file=sys.stderr)

    from desktop_app.platform.idle import select_idle_monitor

    idle_monitor, idle_report = select_idle_monitor()
    log.info("%s", idle_report)
    session, session_report = _make_session()
    log.info("%s", session_report)
    dnd = _make_dnd(settings)
    from desktop_app.platform.notify import Notifier

    notifier = Notifier()

    from desktop_app.ui.tray import AppViews

    in_child = _player_in_child()
    if not in_child:
        route_cues_to_sample_cache()  # (a player that falls back here after its child failed plays cues through Qt)
    controller = compose(real_clock, schedule_clock, settings, paths, opened.store, idle_monitor=idle_monitor,
                         session=session, dnd=dnd, notifier=notifier, prompt=_prompt_setup(prompt_mode), demo=demo,
                         warnings=warnings, parent=app, player_in_child=in_child)
    views = AppViews(controller, notifier, app)
    if early_icon is not None:
        views.adopt_icon(early_icon)
    guard.set_reporter(controller.warn)
    controller.quit_requested.connect(lambda: QTimer.singleShot(0, lambda: app.exit(0)))
    exits = SignalExit(lambda _sig: controller.quit(), app)
    views.start(_make_tray_host_watch(app))
    controller.start()
    from desktop_app.application.welcome import WelcomeSetup, is_first_start

    # daily session = program week; start at login through the service's port; the window's module
    # (Qt widgets) is imported only when a first start shows it, or from the menu
    WelcomeSetup(controller, controller.service.autostart, paths.settings_file).attach()
    if not demo and is_first_start(paths.settings_file):
        from desktop_app.ui.welcome_window import welcome_first_start

        welcome_first_start(controller)
    if initial:
        args = {k: v for k, v in initial.items() if k != "cmd"}
        reply = controller.handle_command(str(initial.get("cmd")), args)
        if not reply.get("ok", True):
            controller.warn(str(reply.get("error")))
    from desktop_app.platform.heap import release_free_memory

    # what start-up read and dropped (routine files, the history check) goes back to the system once
    # the first pass of the event loop has run; it would otherwise stay in the idle app's RSS
    QTimer.singleShot(0, release_free_memory)
    code = app.exec()
    controller.shutdown()
    guard.uninstall()
    server.close()
    exits.close()
    views.stop()  # the tray host watch's D-Bus subscriptions and X connection
    close = getattr(idle_monitor, "close", None)
    if callable(close):
        close()
    log.info("HipBreak stopped (exit %d)", code)
    return int(code)
