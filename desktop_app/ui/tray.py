"""The tray icon and its menu, or the status window when there is no tray.

Why :class:`AppViews` switches between the two: on GNOME without the
AppIndicator extension, or on a bare X server, there is no tray, and an app
that only lives there would vanish silently. The status window offers the same
menu and says why it is there. A tray host can also go away while the app runs
(plasmashell crashes, a panel restarts without a tray, the AppIndicator
extension is switched off): a :class:`~desktop_app.platform.tray_host.TrayHostWatch`
reports that (D-Bus name and X selection events, no polling), and the status
window comes up within :data:`HOST_SETTLE_MS` plus the event's delivery, well
inside 5 s; when a host returns the app moves back into the tray. Only where
the watch cannot tell (no session bus and no X display) does a cheap check
every :data:`TRAY_CHECK_SECONDS` run, and only while the status window shows.

Wakeups: the icon and tooltip are refreshed when the scheduler reports a
change, and otherwise only when what they show would change. The tooltip
names moments rather than counting minutes ("Sitting since 09:12 · break at
10:12", :func:`~desktop_app.application.status_text.tray_status_line`), so it
stays true without a minute timer: a StatusNotifierItem panel such as
plasmashell caches it and reads every property again, icon pixmaps included,
after each change (hovering reads nothing), and anything that reads the icon
later (a hover, a screen reader through the panel) gets that copy, however
old. It changes at stage changes, and at
midnight when it names a day ("tomorrow"). XEmbed trays show the same words:
one text everywhere, true at every reading; the running minutes are in the
menu's first line, which is refreshed every second while the menu is open
(that timer stops when the menu closes).

The ring moves in steps of 1/24 of the interval (2.5 min for an hour) in an
XEmbed tray, where a step is a local repaint; with a StatusNotifierItem host,
where each step costs a change signal and the host's full read, in steps of
at least 10 minutes (:func:`~desktop_app.ui.tray_icon.ring_steps`). Measured
in bench/RESULTS.md ("SNI idle, session 3").

With a StatusNotifierItem host the menu is exported over D-Bus (dbusmenu) and
the host draws it, possibly from its copy of the layout before our
``aboutToShow`` has run (Qt always answers AboutToShow with "no update
needed"). So there the menu is also refreshed at every stage change, which
keeps which items apply right in the exported layout; it costs nothing while
the stage stays the same.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSystemTrayIcon

from desktop_app.application.status_text import tray_status_line
from desktop_app.i18n import _
from desktop_app.ui.driver import clock_factor
from desktop_app.ui.qt_app import XEMBED_ICON_WINDOW, trim_pixmap_cache_soon
from desktop_app.ui.tray_icon import IconLook, next_ring_change, ring_steps, tray_icon
from desktop_app.ui.tray_menu import TrayMenu

log = logging.getLogger(__name__)

#: How often the status window checks whether a tray has appeared (real seconds), where the
#: tray host cannot be watched.
TRAY_CHECK_SECONDS = 10
#: A tray host change is acted on after this quiet time (real ms): a panel restart drops the old host
#: and registers the new one within moments, and the app should not flicker between tray and window.
HOST_SETTLE_MS = 1000
#: While the menu is open, its status line is refreshed this often (real ms).
LIVE_MENU_MS = 1000
#: A menu exported over D-Bus (StatusNotifierItem) is not a visible QMenu here, and a panel
#: may never send "closed"; stop the live refresh after this many ticks so it cannot run for good.
LIVE_MENU_MAX_UNSEEN_TICKS = 60


class TrayView(QObject):
    """The tray icon: painted ring, live tooltip, the menu, clicks."""

    def __init__(self, controller: Any, parent: QObject | None = None,
                 icon: QSystemTrayIcon | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        #: ``icon``: the one app.py showed before the rest was built (so it does not blink in and out)
        self.icon = icon if icon is not None else QSystemTrayIcon(self)
        self.icon.setParent(self)
        self.menu = TrayMenu(controller)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_icon_activated)
        self.menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.menu.aboutToHide.connect(self._on_menu_about_to_hide)
        self._live = QTimer(self)
        self._live.setInterval(LIVE_MENU_MS)
        self._live.timeout.connect(self._on_live_timeout)
        self._live_unseen_ticks = 0
        self._tick = QTimer(self)
        self._tick.setSingleShot(True)
        # Precise, not coarse: a coarse timer may fire up to 5% early, before the ring step it is for,
        # and then a second refresh follows; with SNI every change costs a signal and the panel's
        # GetAll (bench/RESULTS.md). Either type is one wakeup per timeout.
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.timeout.connect(self.refresh)
        self._look: IconLook | None = None
        self._tooltip = ""
        #: The stage the menu last showed (SNI: refreshed when it changes, see the module docstring).
        self._menu_stage: str | None = None
        #: Qt docked the icon by XEmbed (a ring step is cheap there); see :meth:`_watch_hover`.
        self._docked_xembed = False
        #: Schedule seconds until the planned refresh (None: nothing counts, no timer).
        self.next_refresh_seconds: float | None = None
        controller.status_changed.connect(self.refresh)
        controller.set_anchor(self.anchor)

    def show(self) -> None:
        """Put the icon in the tray."""
        # app.py's early icon is docked already: knowing that before the first refresh leaves the
        # XEmbed menu unbuilt until it is opened (it refreshes on aboutToShow; issue 13: memory)
        self._docked_xembed = self._xembed_window_shown()
        self.refresh()
        self.icon.show()
        self._watch_hover()

    @staticmethod
    def _xembed_window_shown() -> bool:
        """Asked of Qt's windows, not its widgets: the XEmbed icon widget's class is unknown to
        PySide, and wrapping it sets up every QWidget subclass (~1.7 MB for good, issue 13)."""
        return any(w.objectName() == XEMBED_ICON_WINDOW for w in QGuiApplication.allWindows())

    def _watch_hover(self) -> None:
        """Learn whether Qt docked the icon by XEmbed: there the fine ring is cheap (a local repaint).

        Its paints fill Qt's pixmap cache; :func:`trim_pixmap_cache_soon` runs after them.
        """
        if not self._docked_xembed and self._xembed_window_shown():
            self._docked_xembed = True
            self.refresh()  # re-plan with the fine ring

    @property
    def docked_xembed(self) -> bool:
        """True when Qt docked the icon in an XEmbed tray (a local repaint per change); False for a
        StatusNotifierItem host, which re-reads every property after each change (and offscreen)."""
        return self._docked_xembed

    def hide(self) -> None:
        self._tick.stop()
        self._live.stop()
        self.icon.hide()

    def anchor(self) -> QRect | None:
        """Where the icon is on screen (the prompt opens next to it), when the tray says."""
        rect = self.icon.geometry()
        return rect if rect.isValid() and not rect.isEmpty() else None

    def show_message(self, title: str, body: str) -> bool:
        """The tray balloon: the notification fallback."""
        if not self.icon.isVisible():
            return False
        self.icon.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 10_000)
        return True

    # --- refreshing ----------------------------------------------------------------
    def refresh(self) -> None:
        """Update icon, tooltip and (if open) the menu; plan the next refresh (a ring step, or midnight)."""
        status = self._controller.status()
        now = self._controller.now()
        steps = ring_steps(status.interval_seconds, cached_host=not self.docked_xembed)
        look = IconLook.for_status(status.stage.value, status.sitting_seconds, status.interval_seconds, steps)
        if look != self._look:
            self._look = look
            self.icon.setIcon(tray_icon(look))
            trim_pixmap_cache_soon()
        text = self._tooltip_text(status, now)
        if text != self._tooltip:
            self._tooltip = text
            self.icon.setToolTip(text)
        if self.menu.isVisible() or (not self.docked_xembed and status.stage.value != self._menu_stage):
            self._refresh_menu()
        self._plan_tick(status, now, steps)

    @staticmethod
    def _tooltip_text(status: Any, now: datetime) -> str:
        return "HipBreak · " + tray_status_line(status, now)

    def _plan_tick(self, status: Any, now: datetime, steps: int) -> None:
        """Refresh again when the ring next moves, or at midnight if the tooltip's words change then."""
        self._tick.stop()
        waits: list[float] = []
        if status.stage.value in ("working", "snoozed"):  # elsewhere the ring is full, empty or frozen
            ring = next_ring_change(status.sitting_seconds, status.interval_seconds, steps)
            if ring is not None:
                waits.append(ring)
        # "tomorrow 09:00" becomes "09:00", "since 23:40" becomes "since Fri 23:40"
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)
        after_midnight = midnight + timedelta(seconds=1)
        if self._tooltip_text(status, after_midnight) != self._tooltip:
            waits.append(max(0.0, (after_midnight - now).total_seconds()))
        self.next_refresh_seconds = min(waits) if waits else None
        if not waits:
            return
        factor = clock_factor(self._controller.schedule_clock)
        real = min(waits) / factor + 0.05
        self._tick.start(max(200, min(2**31 - 1, round(real * 1000))))
    def _refresh_menu(self) -> None:
        state = self._controller.menu_state()
        self._menu_stage = state.stage
        self.menu.refresh(state)

    def _on_menu_about_to_show(self) -> None:
        self._refresh_menu()
        self._live_unseen_ticks = 0
        self._live.start()

    def _on_live_timeout(self) -> None:
        """Keep the open menu's status line live; give up on a D-Bus menu whose panel never says "closed"."""
        if not self.menu.isVisible():
            self._live_unseen_ticks += 1
            if self._live_unseen_ticks >= LIVE_MENU_MAX_UNSEEN_TICKS:
                self._live.stop()
                return
        self._refresh_menu()

    def _on_menu_about_to_hide(self) -> None:
        self._live.stop()
        trim_pixmap_cache_soon()

    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self._controller.show()
        elif reason == QSystemTrayIcon.ActivationReason.MiddleClick:
            self._controller.open_routine(self._controller.settings.prompt_routine)


class AppViews(QObject):
    """Shows the app in the tray, or in the status window while no tray is available."""

    def __init__(self, controller: Any, notifier: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._notifier = notifier
        self.tray: TrayView | None = None
        self.window: Any = None
        #: The icon shown first, before the app was built (see :meth:`adopt_icon`).
        self._early_icon: QSystemTrayIcon | None = None
        #: Watches the tray host (set by start(); None before).
        self.host_watch: Any = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(HOST_SETTLE_MS)
        self._settle.timeout.connect(self._reconsider)
        self._check = QTimer(self)
        self._check.setInterval(TRAY_CHECK_SECONDS * 1000)
        self._check.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._check.timeout.connect(self._on_check_timeout)
        controller.warning.connect(self._on_controller_warning)
        # windows close as the state changes (prompt answered, routine over): drop their pixmaps then
        controller.status_changed.connect(trim_pixmap_cache_soon)
        if notifier is not None and hasattr(notifier, "set_fallback"):
            notifier.set_fallback(self._balloon)

    def adopt_icon(self, icon: QSystemTrayIcon) -> None:
        """Make ``icon`` the tray icon. app.py shows it before importing and building the rest, so the
        icon is in the tray about as soon as a bare tray icon would be (issue 13: start-up)."""
        self._early_icon = icon

    @property
    def kind(self) -> str:
        """"tray" or "window"."""
        return "tray" if self.tray is not None else "window"

    def start(self, host_watch: Any = None) -> None:
        """Pick the tray if there is one, else the status window; then watch the tray host.

        ``host_watch`` is a ``platform.tray_host.TrayHostWatch`` handed in by app.py; without one
        (tests that build the views alone) Qt's own check is polled while the status window shows."""
        self.host_watch = host_watch
        if host_watch is not None:
            log.info("tray host watch: %s (%s)", host_watch.name, host_watch.description)
            host_watch.start(self._on_host_change)
        if self._tray_usable():
            self._use_tray()
        else:
            log.info("no system tray available; showing the status window")
            self._use_window()

    def stop(self) -> None:
        """Stop watching the tray host (the app is quitting)."""
        self._settle.stop()
        if self.host_watch is not None:
            self.host_watch.close()

    def _host_state(self) -> bool | None:
        try:
            return self.host_watch.available() if self.host_watch is not None else None
        except Exception as exc:  # a broken watch must never hide the app: assume no host
            log.warning("tray host check failed (%s)", exc)
            return False

    def _tray_usable(self) -> bool:
        """Qt can show an icon, and (where the host is watched) somebody draws it."""
        return QSystemTrayIcon.isSystemTrayAvailable() and self._host_state() is not False

    def _on_host_change(self) -> None:
        self._settle.start()

    def _reconsider(self) -> None:
        """The tray host may have changed: leave the tray for the window, or go back, as needed."""
        if self.tray is not None and self._host_state() is False:
            log.info("the tray host went away; showing the status window")
            self.tray.hide()
            self.tray.deleteLater()
            self.tray = None
            self._use_window(lost=True)
        elif self.tray is None and self._tray_usable():
            log.info("a tray host is back; moving to the tray")
            self._use_tray()

    def _use_tray(self) -> None:
        self._check.stop()
        icon, self._early_icon = self._early_icon, None
        self.tray = TrayView(self._controller, self, icon)
        self.tray.show()
        self._controller.view_kind = "tray"
        self._controller.set_home(None)
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None

    def _use_window(self, lost: bool = False) -> None:
        from desktop_app.ui.status_window import StatusWindow

        if self._early_icon is not None:  # shown first, but there is no tray to keep it in
            self._early_icon.hide()
            self._early_icon.deleteLater()
            self._early_icon = None
        self.window = StatusWindow(self._controller)
        if lost:
            self.window.set_tray_lost()
        self._controller.view_kind = "window"
        self._controller.set_home(self.window.present)
        self.window.present()
        if self._host_state() is None:  # nobody tells us when a tray appears: look now and then
            self._check.start()

    def _on_check_timeout(self) -> None:
        if self._tray_usable():
            log.info("a system tray appeared; moving there")
            self._use_tray()

    def _balloon(self, title: str, body: str) -> bool:
        return self.tray.show_message(title, body) if self.tray is not None else False

    def _on_controller_warning(self, message: str) -> None:
        """Show a warning once: a notification (or tray balloon), and in the status window."""
        if self.window is not None:
            self.window.show_warning(message)
        sent = False
        if self._notifier is not None:
            try:
                sent = bool(self._notifier.notify(_("HipBreak"), message))
            except Exception as exc:
                log.warning("warning notification failed: %s", exc)
        if not sent and self.tray is not None:
            self.tray.show_message(_("HipBreak"), message)
