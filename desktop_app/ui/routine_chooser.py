"""A small list of routines (built-in and the user's own) to start one.

It opens from a left click on the tray when no break is due. Choosing a
routine calls the controller's ``open_routine`` through :attr:`chosen`; the
chooser never opens a player window itself, so there is one entry point.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_app.i18n import _
from desktop_app.ui.accessibility import show_text
from desktop_app.ui.qt_app import trim_pixmap_cache_soon
from desktop_app.ui.tray_menu import RoutineChoice

_ID_ROLE = Qt.ItemDataRole.UserRole


class RoutineChooser(QWidget):
    """Pick a routine and start it. Emits :attr:`chosen` with the routine id."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(_("Start a routine"))
        self.setAccessibleName(_("Start a routine"))
        self.intro = QLabel(_("Choose a routine to start now:"))
        show_text(self.intro)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Routines"))
        self.intro.setBuddy(self.list)
        self.list.itemActivated.connect(self._on_item_activated)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(_("Start"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAccessibleName(_("Start the selected routine"))
        self.cancel_button = self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setAccessibleName(_("Close"))
        self.buttons.accepted.connect(self._on_start)
        self.buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)
        self.resize(360, 280)

    def set_routines(self, routines: Sequence[RoutineChoice], default_id: str) -> None:
        """Fill the list; the default routine is first and selected."""
        ordered = sorted(routines, key=lambda r: (r.id != default_id, not r.builtin, r.title.lower()))
        self.list.clear()
        for routine in ordered:
            text = routine.title
            if routine.minutes:
                text += "  " + _("(about {m} min)").format(m=routine.minutes)
            if not routine.builtin:
                text += "  " + _("· your routine")
            item = QListWidgetItem(text)
            item.setData(_ID_ROLE, routine.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.start_button.setEnabled(self.list.count() > 0)

    def selected_id(self) -> str | None:
        """The id of the highlighted routine, if any."""
        item = self.list.currentItem()
        return None if item is None else str(item.data(_ID_ROLE))

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.list.setCurrentItem(item)
        self._on_start()

    def _on_start(self) -> None:
        routine_id = self.selected_id()
        if routine_id is not None:
            self.hide()
            self.chosen.emit(routine_id)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        trim_pixmap_cache_soon()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_start()
        else:
            super().keyPressEvent(event)
