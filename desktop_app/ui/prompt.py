"""The break prompt: a small window that asks, and never grabs the keyboard.

Why it is shown the way it is: a reminder that steals focus eats the next
keystrokes of whatever the user was typing (a password, a chat message).
Under openbox and similar window managers ``Qt.Tool``, ``Qt.Dialog`` and
``WindowStaysOnTopHint`` each steal focus on their own; only
``WA_ShowWithoutActivating`` with *no* ``activateWindow()`` leaves the typing
where it was. ``Qt.WindowDoesNotAcceptFocus`` would also do it, but then a
click could never give the prompt focus, and its keys (Enter starts, Esc
snoozes, S skips, all handled in ``keyPressEvent`` so they work whichever
button has focus) must work once the user clicks it.

Its keys are armed only by a deliberate act: a mouse press on the prompt, or the
window becoming active later than :data:`ACTIVATION_GRACE_MS` after it appeared
(the person switched to it, e.g. with Alt+Tab, with the pointer elsewhere: a window
activated under the pointer may be focus-follows-mouse). A compositor that hands a new
window the focus anyway (GNOME or KDE on Wayland through Qt's wayland plugin)
does it at once, so the keys meant for the person's editor are swallowed, never
taken as an answer. Every (re)presentation disarms them again.

Sizes come from the layout (never a fixed size): the window can grow but never
shrink below its content, so nothing is clipped at any scale factor, in German,
or under a client-side title bar.

The window only reports what was chosen (signals); the controller decides
what that means. Closing it with the title-bar button counts as a snooze by
the default amount, exactly like Esc, so the reminder is never silently lost.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QCursor, QGuiApplication, QKeyEvent, QMouseEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.settings import SNOOZE_OPTIONS
from desktop_app.i18n import _
from desktop_app.ui.accessibility import muted_text, show_text
from desktop_app.ui.tray_menu import format_minutes

#: Layout constants the e2e tests rely on to click the buttons like a user (see tests/e2e).
MARGIN = 12
SPACING = 8
ACCENT_WIDTH = 6
BUTTON_HEIGHT = 32
#: A window activated this soon after it appeared was activated by the compositor, not the person.
ACTIVATION_GRACE_MS = 1500
#: Key events that are swallowed while the prompt's keys are not armed.
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride)
#: Room left free beside a tray at the right edge, where notification daemons
#: (dunst, KDE, Xfce) put their bubbles, so the prompt and its notification never overlap.
NOTIFICATION_COLUMN = 360

_STYLE = """
#promptAccent { background: %(accent)s; min-width: 6px; max-width: 6px; }
#promptHeading { font-size: 13pt; font-weight: 600; }
#promptHint { color: %(hint)s; }
%(extra)s
"""
#: The daily session prompt has a tinted background as well as its own accent and heading,
#: so it is told apart from the hourly one at a glance. The tint is mixed into the theme's own
#: window colour (a fixed light blue under a dark theme's light text would be unreadable).
_DAILY_EXTRA = "#breakPrompt { background: %(tint)s; }"
_DAILY_ACCENT = "#3f7bff"
_HOURLY_ACCENT = "#ff8a3d"


def _tint(palette: QPalette, accent: str, share: float = 0.12) -> str:
    """``share`` of ``accent`` mixed into the palette's window colour, as a style-sheet colour."""
    window = palette.color(QPalette.ColorRole.Window)
    colour = QColor(accent)
    return QColor.fromRgbF(window.redF() + (colour.redF() - window.redF()) * share,
                           window.greenF() + (colour.greenF() - window.greenF()) * share,
                           window.blueF() + (colour.blueF() - window.blueF()) * share).name()


class PromptWindow(QWidget):
    """The break prompt. One instance lives at a time (the controller keeps it)."""

    #: Start routine (button or Enter).
    start_requested = Signal()
    #: Snooze; minutes, or 0 for the user's default (Esc, the button face, closing the window).
    snooze_requested = Signal(int)
    #: Skip this break (button or S).
    skip_requested = Signal()

    def __init__(self, default_snooze_minutes: int, parent: QWidget | None = None) -> None:
        flags = (Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint
                 | Qt.WindowType.WindowCloseButtonHint)
        super().__init__(parent, flags)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.setObjectName("breakPrompt")
        self.setWindowTitle(_("Time for a break"))
        self._default_snooze = default_snooze_minutes
        self._answered = False
        self._kind = "hourly"
        #: Whether Enter/Esc/S (and Space on a button) answer; see the module docstring.
        self._keys_armed = False
        self._shown_at = QElapsedTimer()

        self.heading = QLabel()
        self.heading.setObjectName("promptHeading")
        self.sitting_label = QLabel()
        self.routine_label = QLabel()
        self.routine_label.setWordWrap(True)
        self.hint_label = QLabel(_("Enter starts · Esc snoozes · S skips"))
        self.hint_label.setObjectName("promptHint")

        self.start_button = QPushButton(_("Start routine"))
        self.start_button.setDefault(True)
        self.start_button.setAutoDefault(True)
        self.start_button.setAccessibleName(_("Start routine"))
        self.start_button.clicked.connect(self._on_start)

        self.snooze_button = QToolButton()
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.snooze_button.setAccessibleName(_("Snooze"))
        self.snooze_button.clicked.connect(lambda: self._on_snooze(0))
        self.snooze_menu = QMenu(self.snooze_button)
        self.snooze_menu.setAccessibleName(_("Snooze for"))
        for minutes in SNOOZE_OPTIONS:
            action = self.snooze_menu.addAction(_("{m} min").format(m=minutes))
            action.triggered.connect(lambda _checked=False, m=minutes: self._on_snooze(m))
        self.snooze_button.setMenu(self.snooze_menu)

        self.skip_button = QPushButton(_("Skip"))
        self.skip_button.setAutoDefault(False)
        self.skip_button.setAccessibleName(_("Skip this break"))
        self.skip_button.clicked.connect(self._on_skip)

        # Read by their visible words; the descriptions only add what the eye gets from the layout.
        show_text(self.heading)
        show_text(self.sitting_label)
        show_text(self.routine_label, _("The routine that Start routine begins"))
        show_text(self.hint_label, _("Keyboard keys of this window"))

        self.accent = QWidget()
        self.accent.setObjectName("promptAccent")  # decoration only: no name, nothing to read
        # three equal buttons along the bottom edge: easy targets, and a layout tests can rely on
        buttons = QHBoxLayout()
        buttons.setSpacing(SPACING)
        for button in (self.start_button, self.snooze_button, self.skip_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setMinimumHeight(BUTTON_HEIGHT)
            buttons.addWidget(button, 1)
        texts = QVBoxLayout()
        texts.addWidget(self.heading)
        texts.addWidget(self.sitting_label)
        texts.addWidget(self.routine_label)
        texts.addWidget(self.hint_label)
        texts.addSpacing(4)
        texts.addLayout(buttons)
        texts.setSpacing(4)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        outer.setSpacing(SPACING)
        outer.addWidget(self.accent)
        outer.addLayout(texts)
        # the layout sets the window's minimum size from its content: never smaller than the text
        outer.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)

        self.set_default_snooze(default_snooze_minutes)
        self.show_status("hourly", 0.0, "")
        self.disarm_keys()

    # --- content -----------------------------------------------------------------
    def set_default_snooze(self, minutes: int) -> None:
        """The snooze that Esc, the button face and closing the window apply."""
        self._default_snooze = minutes
        self.snooze_button.setText(_("Snooze {m} min").format(m=minutes))
        self.snooze_button.setToolTip(_("Snooze {m} min; the arrow offers other lengths").format(m=minutes))

    def show_status(self, kind: str, sitting_seconds: float, routine_title: str) -> None:
        """Fill in the text: prompt kind ("hourly"/"daily"), sitting time and the routine it offers."""
        self._kind = kind
        daily = kind == "daily"
        self.setProperty("kind", kind)
        if daily:
            self.setWindowTitle(_("Your daily session"))
            self.heading.setText(_("Time for your daily session"))
        else:
            self.setWindowTitle(_("Time for a break"))
            self.heading.setText(_("Time to stand up and stretch"))
        sitting = format_minutes(sitting_seconds)
        self.sitting_label.setText(_("You have been sitting for {t}.").format(t=sitting))
        self.routine_label.setText(_("Routine: {title}").format(title=routine_title) if routine_title else "")
        self.routine_label.setVisible(bool(routine_title))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, daily)
        palette = QApplication.palette()
        self.setStyleSheet(_STYLE % {
            "accent": _DAILY_ACCENT if daily else _HOURLY_ACCENT,
            "hint": muted_text(palette).name(),
            "extra": _DAILY_EXTRA % {"tint": _tint(palette, _DAILY_ACCENT)} if daily else ""})
        self.setAccessibleName(self.heading.text())
        texts = (self.sitting_label.text(), self.routine_label.text())
        self.setAccessibleDescription(" ".join(t for t in texts if t))

    @property
    def kind(self) -> str:
        """"hourly" or "daily": which prompt is on screen."""
        return self._kind

    # --- showing -----------------------------------------------------------------
    def present(self, near: QRect | None = None, requested: bool = True) -> None:
        """Show the prompt (again) near ``near`` (the tray icon), without taking keyboard focus.

        ``requested`` (the person asked, or the schedule did) changes nothing for the window;
        the notification prompt (``ui/prompt_presenter.py``) tells the two apart."""
        self._answered = False
        self.disarm_keys()
        self.adjustSize()  # the layout's size for the current text and fonts
        self.move(self._position(near))
        if self.isMinimized():
            self.showNormal()  # minimized ("show desktop") still counts as visible to Qt
        if self.isVisible():
            self.raise_()
        else:
            self.show()

    def _position(self, near: QRect | None) -> QPoint:
        """Next to the tray icon when its place is known, else the bottom-right corner of the screen;
        in either case clear of the column at the right edge where notifications appear."""
        size = self.sizeHint().expandedTo(self.minimumSizeHint())
        screen = None
        if near is not None and near.isValid():
            screen = QGuiApplication.screenAt(near.center())
        screen = screen or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
        margin = 12
        if near is not None and near.isValid():
            x = near.center().x() - size.width() // 2
            above = near.top() - size.height() - margin
            y = near.bottom() + margin if near.center().y() < area.center().y() else above
        else:
            x = area.right() - size.width()
            y = area.bottom() - size.height() - margin * 4
        if x + size.width() > area.right() - NOTIFICATION_COLUMN and area.width() > 2 * NOTIFICATION_COLUMN:
            x = area.right() - NOTIFICATION_COLUMN - size.width()  # beside the notification bubbles
        x = max(area.left() + margin, min(x, area.right() - size.width() - margin))
        y = max(area.top() + margin, min(y, area.bottom() - size.height() - margin))
        return QPoint(x, y)

    # --- keys armed only by a deliberate act --------------------------------------
    @property
    def keys_armed(self) -> bool:
        """Whether the keyboard answers the prompt now."""
        return self._keys_armed

    def disarm_keys(self) -> None:
        """Keys do nothing until the person clicks the prompt or switches to it."""
        self._keys_armed = False
        self._shown_at.start()
        self.hint_label.setText(_("After a click: Enter starts · Esc snoozes · S skips"))

    def arm_keys(self) -> None:
        """A deliberate act: from now on Enter starts, Esc snoozes and S skips."""
        if not self._keys_armed:
            self._keys_armed = True
            self.hint_label.setText(_("Enter starts · Esc snoozes · S skips"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self.arm_keys()
        elif kind in _KEY_EVENTS and not self._keys_armed:
            return True  # a key meant for another window: never an answer
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.arm_keys()
        super().mousePressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and self.isVisible()
                and self._shown_at.isValid() and self._shown_at.elapsed() > ACTIVATION_GRACE_MS
                and not self.rect().contains(self.mapFromGlobal(QCursor.pos()))):
            # the person switched to the prompt with the keyboard (Alt+Tab). With the pointer on the
            # prompt it may be focus-follows-mouse instead, and a click arms the keys then anyway.
            self.arm_keys()

    def event(self, event: QEvent) -> bool:
        if event.type() in _KEY_EVENTS and not self._keys_armed:
            event.accept()
            return True
        return super().event(event)

    def dismiss(self) -> None:
        """Close without reporting an answer (the core already left the due stage)."""
        self._answered = True
        self.hide()

    # --- answers -----------------------------------------------------------------
    def _answer(self) -> bool:
        if self._answered:
            return False
        self._answered = True
        self.hide()
        return True

    def _on_start(self) -> None:
        if self._answer():
            self.start_requested.emit()

    def _on_snooze(self, minutes: int) -> None:
        if self._answer():
            self.snooze_requested.emit(minutes)

    def _on_skip(self) -> None:
        if self._answer():
            self.skip_requested.emit()

    # --- Qt overrides ------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_start()
        elif key == Qt.Key.Key_Escape:
            self._on_snooze(0)
        elif key == Qt.Key.Key_S and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._on_skip()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._answered:
            self._on_snooze(0)
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._answered = False
