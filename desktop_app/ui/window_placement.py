"""Where a window opens: its remembered place if that is still on a screen, else the screen
the user is looking at (where the tray icon was clicked, or where the mouse is).

Restoring saved geometry blindly can put a window on a monitor that has since
been unplugged, where the user cannot see or reach it. So a restored geometry
is only kept when most of its title area lies on a screen that exists now.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize
from PySide6.QtGui import QCursor, QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


def target_screen(anchor: QRect | None = None) -> QScreen | None:
    """The screen holding ``anchor`` (the tray icon's geometry), else the mouse's, else the primary."""
    if anchor is not None and anchor.isValid():
        screen = QGuiApplication.screenAt(anchor.center())
        if screen is not None:
            return screen
    screen = QGuiApplication.screenAt(QCursor.pos())
    return screen or QGuiApplication.primaryScreen()


def _visible_on_some_screen(frame: QRect) -> bool:
    """Whether the top strip of ``frame`` (where the title bar is) lies mostly on a current screen."""
    strip = QRect(frame.left(), frame.top(), max(1, frame.width()), min(40, max(1, frame.height())))
    area = strip.width() * strip.height()
    for screen in QGuiApplication.screens():
        part = screen.availableGeometry().intersected(strip)
        if part.width() * part.height() >= area * 0.5:
            return True
    return False


def centre_on(widget: QWidget, screen: QScreen | None, size: QSize) -> None:
    """Resize ``widget`` to ``size`` (shrunk to fit) and centre it on ``screen``.

    ``size`` is only a wish: the layout's minimum wins over it, so longer text (German, large
    fonts, a higher scale factor) is never clipped by a default size picked for English.
    """
    size = size.expandedTo(widget.minimumSizeHint())
    if screen is None:
        widget.resize(size)
        return
    area = screen.availableGeometry()
    width = min(size.width(), area.width())
    height = min(size.height(), area.height())
    widget.resize(width, height)
    widget.move(area.center() - QPoint(width // 2, height // 2))


def place_window(widget: QWidget, geometry: bytes | None, default_size: QSize,
                 anchor: QRect | None = None) -> bool:
    """Restore ``geometry`` if it is usable, else centre on the target screen.

    Returns True when the saved geometry was used.
    """
    if geometry:
        try:
            restored = widget.restoreGeometry(QByteArray(geometry))
        except (TypeError, ValueError):
            restored = False
        if restored and _visible_on_some_screen(widget.frameGeometry()):
            return True
    centre_on(widget, target_screen(anchor), default_size)
    return False


def save_geometry(widget: QWidget) -> bytes:
    """The widget's geometry as bytes, to be stored in the app state."""
    return bytes(widget.saveGeometry().data())
