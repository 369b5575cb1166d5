#!/usr/bin/env python3
"""The floor: the least a PySide6 tray icon can cost.

``bench/run`` measures every HipBreak figure beside the same figure for this
script, started the same way (the venv's Python, same Qt, same desktop) in the
same run. A shared, noisy machine moves both numbers together, so the ratio
and the difference mean something where a bare number would not.

It does only what any tray app must: create a QApplication, paint a 22 px
icon, show it, and wait. No timers, no sockets, no files. SIGTERM ends it
through Python's default handler (the bench only needs it gone).

    .venv/bin/python bench/floor_tray.py
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

#: Window class of the icon, so the bench can find it inside trayer (``"hipbreak-floor"``).
APP_CLASS = "hipbreak-floor"


def floor_icon() -> QIcon:
    """A plain disc: enough for the tray host to have something to draw."""
    pixmap = QPixmap(22, 22)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#3a7d44"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(2, 2, 18, 18)
    painter.end()
    return QIcon(pixmap)


def main() -> int:
    app = QApplication([APP_CLASS])
    app.setApplicationName(APP_CLASS)
    app.setDesktopFileName(APP_CLASS)
    app.setQuitOnLastWindowClosed(False)
    tray = QSystemTrayIcon(floor_icon())
    tray.setToolTip("floor")
    tray.show()
    code = app.exec()
    tray.hide()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
