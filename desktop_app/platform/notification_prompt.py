"""A notification with buttons that answers like the prompt window: the Wayland prompt where no
XWayland is there (see ``platform/prompt_mode.py``).

Why a notification: on Wayland a client window cannot stay on top, cannot be placed and cannot
open without taking the keyboard. The desktop's own notification banner can do all three, and
gnome-shell and plasmashell both show buttons (``actions``) and report the chosen one back over
D-Bus as ``ActionInvoked(id, key)``. Sending goes through :meth:`Notifier.notify_with_actions`
(``gdbus``: QtDBus cannot send the ``uint32`` that ``Notify`` takes); listening needs only QtDBus.

Only the answer to *our* current notification counts: the id is checked, and a notification
that was closed or replaced answers nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection

from desktop_app.platform.idle.dbus_support import connect_signal, disconnect_signal
from desktop_app.platform.notify import INTERFACE, OBJECT_PATH, Notifier

log = logging.getLogger(__name__)

#: Signals are taken from any sender: on GNOME 43 a gjs helper owns ``org.freedesktop.Notifications``
#: and forwards calls to gnome-shell, but gnome-shell emits ``ActionInvoked`` from its own
#: connection, so a match on the well-known name's owner never sees an answer. The notification
#: id (and that it is ours) is checked instead.
ANY_SENDER = ""
#: Reasons in ``NotificationClosed`` (freedesktop spec): 1 expired, 2 dismissed by the user,
#: 3 closed by CloseNotification, 4 undefined.
CLOSED_BY_USER = 2


class ActionNotification(QObject):
    """One notification with buttons at a time; emits the key of the button pressed."""

    #: The key of the action the person chose ("default" is a click on the notification itself).
    action_invoked = Signal(str)
    #: The notification went away without an answer (reason from the spec).
    closed = Signal(int)

    def __init__(self, notifier: Notifier | None = None, bus: QDBusConnection | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notifier = notifier or Notifier()
        self._bus = bus if bus is not None else QDBusConnection.sessionBus()
        self._id: int | None = None
        self._listening = False

    @property
    def current_id(self) -> int | None:
        """The id of the notification on screen, or None."""
        return self._id

    def _listen(self) -> bool:
        if self._listening:
            return True
        if not self._bus.isConnected():
            return False
        ok = connect_signal(self._bus, ANY_SENDER, OBJECT_PATH, INTERFACE, "ActionInvoked", self,
                            "_on_action_invoked(uint,QString)")
        ok = connect_signal(self._bus, ANY_SENDER, OBJECT_PATH, INTERFACE, "NotificationClosed", self,
                            "_on_closed(uint,uint)") and ok
        self._listening = ok
        return ok

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]]) -> bool:
        """Show a new notification (closing the previous one, so the banner pops up again)."""
        if not self._listen():
            log.info("notification prompt: cannot listen for answers on the session bus")
            return False
        self.close()
        new_id = self._notifier.notify_with_actions(title, body, actions)
        self._id = new_id
        if new_id is None:
            return False
        log.info("notification prompt %d shown", new_id)
        return True

    def close(self) -> None:
        """Take our notification off the screen (it then answers nothing)."""
        old, self._id = self._id, None
        if old is not None:
            self._notifier.close_notification(old)

    def stop(self) -> None:
        """Close and stop listening (the app quits)."""
        self.close()
        if self._listening:
            disconnect_signal(self._bus, ANY_SENDER, OBJECT_PATH, INTERFACE, "ActionInvoked", self,
                              "_on_action_invoked(uint,QString)")
            disconnect_signal(self._bus, ANY_SENDER, OBJECT_PATH, INTERFACE, "NotificationClosed", self,
                              "_on_closed(uint,uint)")
            self._listening = False

    @Slot("uint", str)  # the D-Bus signature (u, s): QtDBus matches slots by their C++ types
    def _on_action_invoked(self, notification_id: int, key: str) -> None:
        if self._id is None or int(notification_id) != self._id:
            return
        log.info("notification prompt %d: %s", notification_id, key)
        self._id = None  # answered: the server closes it, and its NotificationClosed is not "unanswered"
        self.action_invoked.emit(str(key))

    @Slot("uint", "uint")
    def _on_closed(self, notification_id: int, reason: int) -> None:
        if self._id is None or int(notification_id) != self._id:
            return
        self._id = None
        self.closed.emit(int(reason))
