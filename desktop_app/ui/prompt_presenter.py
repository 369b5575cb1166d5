"""Which prompt the controller gets: the prompt window, or the notification prompt (Wayland without
XWayland), chosen once per run from ``platform/prompt_mode.py``.

Why the controller does not branch itself: both prompts answer through the same three signals
and the same few methods (``present``, ``show_status``, ``dismiss``, ``isVisible``...), so the
controller keeps one code path and this module is the only place that knows the modes.

The notification prompt shows a window only on request (a click on the tray icon, ``hipbreak
show``, or a click on the notification itself): that window then opens because the person asked
for it, and its keys still work only after a click on it (see ``ui/prompt.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtWidgets import QApplication

from desktop_app.i18n import _
from desktop_app.platform.prompt_mode import NOTIFICATION, WINDOW, PromptMode, effective_mode

if TYPE_CHECKING:  # imported where used: make_application() imports this module before the tray icon shows
    from desktop_app.ui.prompt import PromptWindow

log = logging.getLogger(__name__)

#: QApplication property holding the prompt mode's name for this run.
MODE_PROPERTY = "hipbreakPromptMode"


def remember_prompt_mode(app: QApplication, chosen: PromptMode) -> PromptMode:
    """Record the mode that really applies now that Qt has picked its plugin; log why."""
    mode = effective_mode(chosen, app.platformName())
    app.setProperty(MODE_PROPERTY, mode.name)
    log.info("prompt mode: %s (Qt platform %s). %s", mode.name, app.platformName(), mode.reason)
    return mode


def current_mode_name() -> str:
    """The prompt mode of this run ("window" when nothing was recorded, e.g. in tests)."""
    app = QApplication.instance()
    value = app.property(MODE_PROPERTY) if app is not None else None
    return str(value) if value else WINDOW


def make_prompt(default_snooze_minutes: int, mode_name: str | None = None) -> Any:
    """The prompt for this run: a :class:`PromptWindow` or a :class:`NotificationPrompt`."""
    name = mode_name or current_mode_name()
    if name == NOTIFICATION:
        return NotificationPrompt(default_snooze_minutes)
    from desktop_app.ui.prompt import PromptWindow

    return PromptWindow(default_snooze_minutes)


class NotificationPrompt(QObject):
    """The prompt as a notification with Start routine / Snooze / Skip buttons.

    Same signals and methods as :class:`PromptWindow`, so the controller treats both alike.
    Each scheduled prompt and each repeat is a *new* notification (the old one is closed), so the
    banner comes up again instead of being updated silently in the message list.
    """

    start_requested = Signal()
    snooze_requested = Signal(int)
    skip_requested = Signal()
    #: The notification is the notification: the controller sends no second one.
    notifies_itself = True

    def __init__(self, default_snooze_minutes: int, notification: Any = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._default_snooze = default_snooze_minutes
        self._kind = "hourly"
        self._sitting = 0.0
        self._routine_title = ""
        self._window: PromptWindow | None = None
        if notification is None:
            from desktop_app.i18n import assets_dir
            from desktop_app.platform.notification_prompt import ActionNotification
            from desktop_app.platform.notify import Notifier

            icon = assets_dir() / "icons" / "hipbreak-128.png"  # else GNOME shows a generic "blocked" sign
            notification = ActionNotification(Notifier(app_icon=icon if icon.is_file() else None), parent=self)
        self._notification = notification
        self._notification.action_invoked.connect(self._on_action)
        # closed unanswered (the person swiped it away): the break stays due and the repeat
        # brings a new notification; isVisible() turns False so status and the tray say so
        self._notification.closed.connect(self._on_closed)

    # --- the PromptWindow interface the controller uses ------------------------------
    @property
    def kind(self) -> str:
        return self._kind

    def set_default_snooze(self, minutes: int) -> None:
        self._default_snooze = minutes
        if self._window is not None:
            self._window.set_default_snooze(minutes)

    def show_status(self, kind: str, sitting_seconds: float, routine_title: str) -> None:
        self._kind, self._sitting, self._routine_title = kind, sitting_seconds, routine_title
        if self._window is not None:
            self._window.show_status(kind, sitting_seconds, routine_title)

    def present(self, near: QRect | None = None, requested: bool = True) -> None:
        """``requested``: the person asked (tray click, ``show``): open the window. Otherwise
        (a scheduled prompt or a repeat) a new notification with buttons; the window only if
        no notification with buttons can be shown, so a prompt is never lost."""
        if requested:
            self.window().present(near)
            return
        if not self._notification.show(*self._texts()):
            log.info("notification prompt not available; showing the prompt window instead")
            self.window().present(near)

    def dismiss(self) -> None:
        self._notification.close()
        if self._window is not None:
            self._window.dismiss()

    def hide(self) -> None:
        self._notification.close()
        if self._window is not None:
            self._window.hide()

    def isVisible(self) -> bool:  # the PromptWindow (QWidget) name the navigator calls
        window_up = self._window is not None and self._window.isVisible()
        return window_up or self._notification.current_id is not None

    # --- the parts ------------------------------------------------------------------
    def window(self) -> PromptWindow:
        """The prompt window, created on first request; its answers are ours."""
        if self._window is None:
            from desktop_app.ui.prompt import PromptWindow

            window = PromptWindow(self._default_snooze)
            window.show_status(self._kind, self._sitting, self._routine_title)
            window.start_requested.connect(lambda: self._answered(self.start_requested.emit))
            window.snooze_requested.connect(lambda m: self._answered(lambda: self.snooze_requested.emit(m)))
            window.skip_requested.connect(lambda: self._answered(self.skip_requested.emit))
            self._window = window
        return self._window

    def _answered(self, emit: Any) -> None:
        self._notification.close()
        emit()

    def _texts(self) -> tuple[str, str, list[tuple[str, str]]]:
        from desktop_app.ui.tray_menu import format_minutes

        daily = self._kind == "daily"
        title = _("Time for your daily session") if daily else _("Time to stand up and stretch")
        body = _("You have been sitting for {t}.").format(t=format_minutes(self._sitting))
        if self._routine_title:
            body += " " + _("Routine: {title}").format(title=self._routine_title)
        actions = [("default", _("Show the prompt")), ("start", _("Start routine")),
                   ("snooze", _("Snooze {m} min").format(m=self._default_snooze)), ("skip", _("Skip"))]
        return title, body, actions

    def _on_closed(self, reason: int) -> None:
        log.info("the prompt notification was closed unanswered (reason %d); it comes back with the repeat",
                 reason)

    def _on_action(self, key: str) -> None:
        if self._window is not None:
            self._window.dismiss()
        if key == "start":
            self.start_requested.emit()
        elif key == "snooze":
            self.snooze_requested.emit(0)
        elif key == "skip":
            self.skip_requested.emit()
        elif key == "default":
            self.window().present(None)  # a click on the notification: the person asks for the window
