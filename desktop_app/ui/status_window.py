"""The no-tray fallback: a small window with the tray's status and menu.

It appears only when the desktop offers no system tray (GNOME without the
AppIndicator extension, a bare X server), says so in plain words, and offers
exactly the tray menu's actions (the same :class:`TrayMenu` object type, so
the two can never drift apart). Closing it minimises it rather than hiding the
app where nobody can find it; "Quit" is in the actions menu.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.i18n import _
from desktop_app.ui.accessibility import name_as_shown, show_text
from desktop_app.ui.driver import clock_factor
from desktop_app.ui.tray_icon import IconLook, paint_pixmap, tray_icon
from desktop_app.ui.tray_menu import TrayMenu


class StatusWindow(QWidget):
    """Status line, a start button and the actions menu, while no tray is available."""

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._controller = controller
        self.setWindowTitle(_("Status"))
        self.setAccessibleName(_("HipBreak status"))
        self.icon_label = QLabel()
        self.icon_label.setAccessibleName(_("Status icon"))
        self.status_label = QLabel()
        show_text(self.status_label, _("Status"))
        self.why_label = QLabel(_(
            "No system tray was found on this desktop, so HipBreak shows this small window instead. "
            "It moves to the tray by itself as soon as one appears."))
        self.why_label.setWordWrap(True)
        show_text(self.why_label, _("Why this window is shown"))
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        show_text(self.warning_label, _("Warning"))
        self.warning_label.hide()
        self.start_button = QPushButton(_("Start routine"))
        name_as_shown(self.start_button, _("Start the default routine"))
        self.start_button.clicked.connect(lambda: controller.open_routine(controller.settings.prompt_routine))
        self.menu = TrayMenu(controller, self)
        self.actions_button = QPushButton(_("Actions"))
        self.actions_button.setAccessibleName(_("Actions"))
        # the tray menu's every action, for keyboard users too: Tab here, then Space or Enter opens it
        self.actions_button.setAccessibleDescription(_("The tray menu: every action of HipBreak"))
        self.actions_button.setMenu(self.menu)
        self.menu.aboutToShow.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.icon_label)
        top.addWidget(self.status_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.actions_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.why_label)
        # once both buttons are in this window: Tab goes left to right, as they are shown
        QWidget.setTabOrder(self.start_button, self.actions_button)
        self.start_button.setFocus()
        self.setMinimumWidth(380)
        self._tick = QTimer(self)
        self._tick.setSingleShot(True)
        self._tick.timeout.connect(self.refresh)
        controller.status_changed.connect(self.refresh)

    def set_tray_lost(self) -> None:
        """Say that the tray went away while HipBreak ran (rather than "none was found")."""
        self.why_label.setText(_(
            "The system tray went away (the panel that showed HipBreak's icon stopped), so HipBreak "
            "shows this small window instead. It moves back to the tray by itself when the tray returns."))

    def present(self) -> None:
        """Show (or restore) the window without taking the keyboard from the user."""
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.refresh()
        if self.isMinimized():
            self.showNormal()
        else:
            self.show()
        self.raise_()

    def refresh(self) -> None:
        """Show the current status; while visible, refresh again when the shown minute changes."""
        state = self._controller.menu_state()
        status = self._controller.status()
        look = IconLook.for_status(state.stage, status.sitting_seconds, status.interval_seconds)
        self.icon_label.setPixmap(paint_pixmap(look, 32, self.devicePixelRatioF()))
        self.setWindowIcon(tray_icon(look))
        self.status_label.setText(state.status_line)
        self.menu.refresh(state)
        self.start_button.setEnabled(state.stage != "in_routine")
        self._tick.stop()
        if self.isVisible() and not self.isMinimized():
            factor = clock_factor(self._controller.schedule_clock)
            real = (60.0 - status.sitting_seconds % 60.0) / factor + 0.05
            self._tick.start(max(500, round(real * 1000)))

    def show_warning(self, message: str) -> None:
        """A storage problem or similar, in plain words, until the window closes."""
        self.warning_label.setText("⚠ " + message)
        self.warning_label.show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()  # minimises, like the title-bar button
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # the app keeps running; minimise so it can always be found again
        event.ignore()
        self.showMinimized()
