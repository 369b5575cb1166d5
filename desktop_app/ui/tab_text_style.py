"""Keep accents and descenders on tab labels: Qt's Fusion style clips them on unselected tabs.

Fusion shifts an unselected tab's label down and gives it a text rectangle two
pixels lower than the font is tall (12 px for a 14 px font), and ``drawText``
clips to that rectangle: the dots of "Übungsfolgen", the accent of "État" and
the tail of a "g" disappear. The screenshots of the German settings window
showed "Ubungsfolgen". This proxy style gives the label at least the font's
height, growing the rectangle evenly so the text stays where Qt centres it.

Installed by :func:`tab_widget`, when the first window with tabs is built, not at start-up:
the style classes cost the idle tray app about 0.5 MB and 7 ms before its icon shows
(bench/RESULTS.md, "session 3"), and the tray menu has no tabs.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QTabWidget, QWidget


class TabTextStyle(QProxyStyle):
    """The application's style, with tab label rectangles tall enough for the font."""

    def subElementRect(self, element: QStyle.SubElement, option: QStyleOption,
                       widget: QWidget | None = None) -> QRect:
        rect = super().subElementRect(element, option, widget)  # type: ignore[arg-type]  # None is fine in C++
        if element == QStyle.SubElement.SE_TabBarTabText:
            need = option.fontMetrics.height() + 2
            if rect.height() < need:
                grow = (need - rect.height() + 1) // 2
                rect = rect.adjusted(0, -grow, 0, grow)
        return rect


def install_tab_text_style(app: QApplication) -> None:
    """Wrap the application's current style (once) in :class:`TabTextStyle`."""
    if isinstance(app.style(), TabTextStyle):
        return
    base = QStyleFactory.create(app.style().name())
    if base is None:  # a style we cannot recreate by name: leave it alone
        return
    app.setStyle(TabTextStyle(base))


def tab_widget() -> QTabWidget:
    """A ``QTabWidget`` whose labels keep their accents (installs :class:`TabTextStyle` on first use)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        install_tab_text_style(app)
    return QTabWidget()
