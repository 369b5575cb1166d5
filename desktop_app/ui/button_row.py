"""A row of tool buttons that never elides a word: a button shows its text or, when the row is too narrow, its icon.

The player's five controls in German ("Pausieren", "Zurück", "Überspringen", "Neu starten",
"Schließen") need about 410 px with their words; the smallest player window has 340. Qt's
style then cut them in the middle ("Übe…gen", "Neu…ten"). Here each button shows its whole
word while the row has the room; when it has not, buttons switch to their icon alone, one
after another in the order given (the best-known symbols first: back and skip), until the
row fits. A button that shows only its icon keeps its accessible name (its words) and gets
its words as the first line of its tooltip, so screen readers, keyboard shortcuts and a
mouse hover all still tell what it does.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

TEXT = Qt.ToolButtonStyle.ToolButtonTextOnly
ICON = Qt.ToolButtonStyle.ToolButtonIconOnly


class ButtonRow(QWidget):
    """Lays ``buttons`` out left to right; ``icon_first`` lists those that may turn to icons, first to go first."""

    def __init__(self, buttons: Sequence[QToolButton], icon_first: Sequence[QToolButton], spacing: int = 3,
                 align_right: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons = list(buttons)
        self.icon_first = [b for b in icon_first if b in self.buttons]
        self._spacing = spacing
        self._tips: dict[QToolButton, str] = {b: b.toolTip() for b in self.buttons}
        self._widths: dict[tuple[int, str, Qt.ToolButtonStyle], int] = {}
        self._alternatives: dict[QToolButton, list[str]] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(spacing)
        layout.setSizeConstraint(QHBoxLayout.SizeConstraint.SetNoConstraint)  # the row decides, by turning to icons
        if align_right:  # fixed-size buttons: what the icons free stays on the left
            layout.addStretch(1)
        for button in self.buttons:
            button.setParent(self)
            layout.addWidget(button)

    # ----------------------------------------------------------------- what the layout is told

    def sizeHint(self) -> QSize:
        """Every shown button with its words."""
        return QSize(self._needed({b: TEXT for b in self._shown()}), self._height())

    def minimumSizeHint(self) -> QSize:
        """Every button that may turn to an icon as an icon (the row is never asked to be wider than that)."""
        modes = {b: (ICON if b in self.icon_first else TEXT) for b in self._shown()}
        return QSize(self._needed(modes), self._height())

    # ----------------------------------------------------------------- fitting

    def set_alternatives(self, button: QToolButton, texts: Sequence[str]) -> None:
        """Texts ``button`` switches between (Pause/Resume): the row fits the widest, so pausing moves nothing."""
        self._alternatives[button] = list(texts)
        self.refit()

    def set_tip(self, button: QToolButton, tip: str) -> None:
        """Change a button's tooltip (the row adds the button's words to it while it shows its icon)."""
        self._tips[button] = tip
        self._apply(button, button.toolButtonStyle())

    def refit(self) -> None:
        """Call after a button's text, visibility or font changed: choose words or icons again."""
        self.updateGeometry()
        self._fit(self.width())

    def iconic(self) -> list[QToolButton]:
        """The shown buttons that show their icon instead of their words now."""
        return [b for b in self._shown() if b.toolButtonStyle() == ICON]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit(event.size().width())

    def _fit(self, width: int) -> None:
        shown = self._shown()
        modes = {b: TEXT for b in shown}
        for button in self.icon_first:
            if self._needed(modes) <= width:
                break
            if button in modes:
                modes[button] = ICON
        changed = [b for b, mode in modes.items() if b.toolButtonStyle() != mode]
        for button, mode in modes.items():
            self._apply(button, mode)
        layout = self.layout()
        if changed and layout is not None:
            # place the buttons at their new widths now, not after a posted layout request:
            # until then a button would be drawn at its old width (a word squeezed into an icon's room)
            layout.activate()

    def _apply(self, button: QToolButton, mode: Qt.ToolButtonStyle) -> None:
        if button.toolButtonStyle() != mode:
            button.setToolButtonStyle(mode)
        tip = self._tips.get(button, "")
        wanted = f"{button.text()}\n{tip}" if mode == ICON and tip else tip
        if button.toolTip() != wanted:
            button.setToolTip(wanted)

    def _shown(self) -> list[QToolButton]:
        return [b for b in self.buttons if not b.isHidden()]

    def _needed(self, modes: dict[QToolButton, Qt.ToolButtonStyle]) -> int:
        if not modes:
            return 0
        return sum(self._width(b, mode) for b, mode in modes.items()) + self._spacing * (len(modes) - 1)

    def _height(self) -> int:
        return max((max(b.sizeHint().height(), b.minimumHeight()) for b in self._shown()), default=0)

    def _width(self, button: QToolButton, mode: Qt.ToolButtonStyle) -> int:
        """The button's width hint in ``mode``; measured once per text, font and mode (a button asks its style)."""
        key = (id(button), f"{button.text()}|{button.font().key()}|{button.iconSize().width()}", mode)
        width = self._widths.get(key)
        if width is None:
            current = button.toolButtonStyle()
            if current == mode:
                width = button.sizeHint().width()
            else:
                button.setToolButtonStyle(mode)
                width = button.sizeHint().width()
                button.setToolButtonStyle(current)
            width = max(width, button.minimumWidth())
            self._widths[key] = width
        if mode == TEXT and button in self._alternatives:
            metrics = button.fontMetrics()
            now = metrics.size(Qt.TextFlag.TextShowMnemonic, button.text()).width()
            widest = max(metrics.size(Qt.TextFlag.TextShowMnemonic, t).width() for t in self._alternatives[button])
            width += max(0, widest - now)
        return width
