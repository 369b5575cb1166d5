"""Which prompt the controller gets: the prompt window, or the notification prompt (Wayland without
XWayland). ``app.py`` chooses the mode once per run (``platform/prompt_mode.py``) and hands it in,
with the notification adapter, as a :class:`PromptSetup`.

Why the controller does not branch itself: both prompts answer through the same three signals
and the same few methods (``present``, ``show_status``, ``dismiss``, ``isVisible``...), so the
controller keeps one code path and this module is the only place that knows the modes.

The notification prompt shows a window only on request (a click on the tray icon, ``hipbreak
show``, or a click on the notification itself): that window then opens because the person asked
for it, and its keys still work only after a click on it (see ``ui/prompt.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QRect, Signal, SignalInstance

from desktop_app.i18n import _

if TYPE_CHECKING:  # imported where used: the prompt window is built on the first prompt
    from desktop_app.ui.prompt import PromptWindow

log = logging.getLogger(__name__)

#: The mode names of ``platform/prompt_mode.py`` this module tells apart (ui does not import platform;
#: tests/ui/test_prompt_presenter.py checks they are the same strings). "xwayland-window" is a window too.
WINDOW = "window"
NOTIFICATION = "notification"


class PromptNotification(Protocol):
    """A notification with buttons that reports the button pressed and its closing.

    ``platform.notification_prompt.ActionNotification`` fits; ``app.py`` builds it. Declared here,
    beside its one user, rather than in ``application/ports.py``: it speaks in Qt signals, the
    application layer is Qt-free, and the service never sees it (only this presenter does).
    """

    @property
    def action_invoked(self) -> SignalInstance:
        """Emits the key of the button pressed ("default": a click on the notification itself)."""
        ...

    @property
    def closed(self) -> SignalInstance:
        """Emits the closing reason when it went away unanswered."""
        ...

    @property
    def current_id(self) -> int | None: ...

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]]) -> bool: ...

    def close(self) -> None: ...


#: Builds the notification of a notification prompt; the argument is its Qt parent (the prompt).
NotificationFactory = Callable[[QObject], PromptNotification]


class NullPromptNotification(QObject):
    """No notification with buttons: ``show`` fails, so the prompt window appears instead."""

    action_invoked = Signal(str)
    closed = Signal(int)
    current_id: int | None = None

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]]) -> bool:
        return False

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class PromptSetup:
    """How this run shows the break prompt: the mode ``app.py`` chose, and how to build the
    notification for the notification prompt. The default is the plain prompt window."""

    mode: str = WINDOW
    notification: NotificationFactory | None = None

    def make(self, default_snooze_minutes: int) -> Any:
        return make_prompt(default_snooze_minutes, self.mode, self.notification)


def make_prompt(default_snooze_minutes: int, mode_name: str = WINDOW,
                notification: NotificationFactory | None = None) -> Any:
    """The prompt for this run: a :class:`PromptWindow` or a :class:`NotificationPrompt`."""
    if mode_name == NOTIFICATION:
        return NotificationPrompt(default_snooze_minutes, notification)
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

    def __init__(self, default_snooze_minutes: int,
                 notification: PromptNotification | NotificationFactory | None = None,
                 parent: QObject | None = None) -> None:
        """``notification``: the notification itself (tests), or a factory that builds it with this
        prompt as its parent (``app.py``); None: no notification, so the prompt window appears."""
        super().__init__(parent)
        self._default_snooze = default_snooze_minutes
        self._kind = "hourly"
        self._sitting = 0.0
        self._routine_title = ""
        self._window: PromptWindow | None = None
        if notification is None:
            notification = NullPromptNotification(self)
        elif callable(notification):
            notification = notification(self)
        self._notification: PromptNotification = notification
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
