"""The tray icon and its menu, or the status window when there is no tray.

Why :class:`AppViews` switches between the two: on GNOME without the
AppIndicator extension, or on a bare X server, there is no tray, and an app
that only lives there would vanish silently. The status window offers the same
menu and says why it is there; a cheap check every
:data:`TRAY_CHECK_SECONDS` moves the app into the tray as soon as one appears.

Wakeups: the icon and tooltip are refreshed when the scheduler reports a
change, and otherwise only when the shown text would change (sitting time is
shown in whole minutes, so at most once a minute). While the menu is open its
status line is refreshed every second, and that timer stops when it closes.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtWidgets import QSystemTrayIcon

from desktop_app.i18n import _
from desktop_app.ui.driver import clock_factor
from desktop_app.ui.tray_icon import IconLook, tray_icon
from desktop_app.ui.tray_menu import TrayMenu

log = logging.getLogger(__name__)

#: How often the status window checks whether a tray has appeared (real seconds).
TRAY_CHECK_SECONDS = 10
#: While the menu is open, its status line is refreshed this often (real ms).
LIVE_MENU_MS = 1000


class TrayView(QObject):
    """The tray icon: painted ring, live tooltip, the menu, clicks."""

    def __init__(self, controller: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.icon = QSystemTrayIcon(self)
        self.menu = TrayMenu(controller)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_icon_activated)
        self.menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.menu.aboutToHide.connect(self._on_menu_about_to_hide)
        self._live = QTimer(self)
        self._live.setInterval(LIVE_MENU_MS)
        self._live.timeout.connect(self._refresh_menu)
        self._tick = QTimer(self)
        self._tick.setSingleShot(True)
        self._tick.setTimerType(Qt.TimerType.CoarseTimer)
        self._tick.timeout.connect(self.refresh)
        self._look: IconLook | None = None
        self._tooltip = ""
        controller.status_changed.connect(self.refresh)
        controller.set_anchor(self.anchor)

    def show(self) -> None:
        """Put the icon in the tray."""
        self.refresh()
        self.icon.show()

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
        """Update icon, tooltip and (if open) the menu; plan the next minute-change refresh."""
        status = self._controller.status()
        look = IconLook.for_status(status.stage.value, status.sitting_seconds, status.interval_seconds)
        if look != self._look:
            self._look = look
            self.icon.setIcon(tray_icon(look))
        text = "HipBreak · " + self._controller.status_text()
        if text != self._tooltip:
            self._tooltip = text
            self.icon.setToolTip(text)
        if self.menu.isVisible():
            self._refresh_menu()
        self._plan_tick(status)

    def _plan_tick(self, status: Any) -> None:
        """Refresh again when the minutes shown next change, if anything is counting."""
        self._tick.stop()
        if status.stage.value not in ("working", "snoozed", "due"):
            return  # nothing on the icon or tooltip counts while paused, away, standing or in a routine
        factor = clock_factor(self._controller.schedule_clock)
        into_minute = status.sitting_seconds % 60.0
        real = (60.0 - into_minute) / factor + 0.05
        self._tick.start(max(200, round(real * 1000)))

    def _refresh_menu(self) -> None:
        self.menu.refresh(self._controller.menu_state())

    def _on_menu_about_to_show(self) -> None:
        self._refresh_menu()
        self._live.start()

    def _on_menu_about_to_hide(self) -> None:
        self._live.stop()

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
        self._check = QTimer(self)
        self._check.setInterval(TRAY_CHECK_SECONDS * 1000)
        self._check.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._check.timeout.connect(self._on_check_timeout)
        controller.warning.connect(self._on_controller_warning)
        if notifier is not None and hasattr(notifier, "set_fallback"):
            notifier.set_fallback(self._balloon)

    @property
    def kind(self) -> str:
        """"tray" or "window"."""
        return "tray" if self.tray is not None else "window"

    def start(self) -> None:
        """Pick the tray if there is one, else the status window."""
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._use_tray()
        else:
            log.info("no system tray available; showing the status window")
            self._use_window()

    def _use_tray(self) -> None:
        self._check.stop()
        self.tray = TrayView(self._controller, self)
        self.tray.show()
        self._controller.view_kind = "tray"
        self._controller.set_home(None)
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None

    def _use_window(self) -> None:
        from desktop_app.ui.status_window import StatusWindow

        self.window = StatusWindow(self._controller)
        self._controller.view_kind = "window"
        self._controller.set_home(self.window.present)
        self.window.present()
        self._check.start()

    def _on_check_timeout(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
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
