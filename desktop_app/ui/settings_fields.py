"""One editor widget per kind of setting, made from its :class:`FieldSpec`.

Why a factory: the settings window is generated from ``core.settings.FIELDS``.
Each declaration already carries the kind, bounds, unit, label and doc, so a
new setting appears in the window with the right widget, range, tooltip and
accessible name without any new widget code. Only a new *kind* needs code,
here.

Every editor offers the same small interface (:class:`FieldEditor`):
``value()``, ``set_value()``, ``problem()`` (the rule broken by what is typed
right now, for the inline message) and the ``edited`` signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from desktop_app.core.settings import DAY_NAMES, FieldSpec
from desktop_app.i18n import _

#: A choice as (stored value, text shown).
Option = tuple[str, str]


def day_label(name: str) -> tuple[str, str]:
    """(short, long) display names of a settings day name such as ``"mon"``."""
    names = {
        "mon": (_("Mon"), _("Monday")),
        "tue": (_("Tue"), _("Tuesday")),
        "wed": (_("Wed"), _("Wednesday")),
        "thu": (_("Thu"), _("Thursday")),
        "fri": (_("Fri"), _("Friday")),
        "sat": (_("Sat"), _("Saturday")),
        "sun": (_("Sun"), _("Sunday")),
    }
    return names[name]


def unit_suffix(unit: str) -> str:
    """The spin box suffix for a unit (" min", " s", "%")."""
    if not unit:
        return ""
    if unit == "%":
        return "%"
    return " " + _(unit)


def tooltip_for(spec: FieldSpec) -> str:
    """What hovering a field shows: its doc, then its rule."""
    return _(spec.doc) + "\n" + _("Allowed: {rule}.").format(rule=_(spec.rule()))


class FieldEditor(QObject):
    """The editor of one setting. ``widget`` goes into the form; ``edited`` fires on every change."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, widget: QWidget) -> None:
        super().__init__(widget)
        self.spec = spec
        self.widget = widget
        widget.setObjectName(f"field_{spec.name}")
        widget.setToolTip(tooltip_for(spec))
        widget.setAccessibleName(_(spec.label))
        widget.setAccessibleDescription(_(spec.doc))

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def problem(self) -> str | None:
        """The rule the current input breaks, in plain words, or None when it is fine."""
        return None

    def focus_widget(self) -> QWidget:
        """The widget that takes keyboard focus for this field (the label's buddy)."""
        return self.widget


class BoolEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.box = QCheckBox()
        super().__init__(spec, self.box)
        self.box.toggled.connect(self.edited)

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class IntEditor(FieldEditor):
    """A spin box limited to the declared bounds, with the unit as suffix.

    Qt refuses keystrokes that can never become valid (typing 500 where 240 is
    the maximum); text that is not valid *yet* ("5" where 10 is the minimum) is
    reported by :meth:`problem`, so the window can show the rule and hold OK.
    """

    def __init__(self, spec: FieldSpec) -> None:
        self.spin = QSpinBox()
        super().__init__(spec, self.spin)
        assert spec.minimum is not None and spec.maximum is not None
        self.spin.setRange(spec.minimum, spec.maximum)
        self.spin.setSuffix(unit_suffix(spec.unit))
        self.spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.spin.setAccelerated(True)
        self.spin.valueChanged.connect(self.edited)
        self.spin.lineEdit().textEdited.connect(self.edited)

    def value(self) -> int:
        return int(self.spin.value())

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))
        self.edited.emit()  # clears a stale problem even when the number did not change

    def typed_text(self) -> str:
        return self.spin.cleanText().strip()

    def problem(self) -> str | None:
        if self.spin.lineEdit().hasAcceptableInput():
            return None
        typed = self.typed_text()
        got = _("got nothing") if not typed else _("got {value}").format(value=typed)
        return f"{_(self.spec.rule())}, {got}"


class ChoiceEditor(FieldEditor):
    """A combo box of options. A stored value that is not offered (a routine file that was removed)
    is shown as "… (not found)" and reported by :meth:`problem` until another is chosen."""

    def __init__(self, spec: FieldSpec, options: Sequence[Option]) -> None:
        self.combo = QComboBox()
        super().__init__(spec, self.combo)
        self._missing: str | None = None
        self.set_options(options)
        self.combo.currentIndexChanged.connect(self.edited)

    def set_options(self, options: Sequence[Option]) -> None:
        """Replace the offered options, keeping the current value when it is still there."""
        current = self.value() if self.combo.count() else None
        self.combo.blockSignals(True)
        self.combo.clear()
        self._missing = None
        for value, text in options:
            self.combo.addItem(text, value)
        self.combo.blockSignals(False)
        if current is not None:
            self.set_value(current)

    def values(self) -> list[str]:
        return [str(self.combo.itemData(i)) for i in range(self.combo.count())]

    def value(self) -> str:
        data = self.combo.currentData()
        return "" if data is None else str(data)

    def set_value(self, value: Any) -> None:
        text = str(value)
        index = self.combo.findData(text)
        if index < 0:
            if self._missing is not None:
                old = self.combo.findData(self._missing)
                if old >= 0:
                    self.combo.removeItem(old)
            self._missing = text
            self.combo.addItem(_("{value} (not found)").format(value=text), text)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def problem(self) -> str | None:
        if self._missing is not None and self.value() == self._missing:
            return _("{value} is not installed; choose one from the list").format(value=self._missing)
        if self.combo.count() == 0:
            return _("nothing to choose from")
        return None


class TimeEditor(FieldEditor):
    """A 24-hour HH:MM time."""

    def __init__(self, spec: FieldSpec) -> None:
        self.edit = QTimeEdit()
        super().__init__(spec, self.edit)
        self.edit.setDisplayFormat("HH:mm")
        self.edit.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.edit.timeChanged.connect(self.edited)
        self.edit.lineEdit().textEdited.connect(self.edited)

    def value(self) -> str:
        return str(self.edit.time().toString("HH:mm"))

    def set_value(self, value: Any) -> None:
        parsed = QTime.fromString(str(value), "HH:mm")
        if parsed.isValid():
            self.edit.setTime(parsed)
        self.edited.emit()

    def problem(self) -> str | None:
        if self.edit.lineEdit().hasAcceptableInput():
            return None
        return f"{_(self.spec.rule())}, " + _("got {value}").format(value=self.edit.text())


class DaysEditor(FieldEditor):
    """Seven check boxes, Monday to Sunday."""

    def __init__(self, spec: FieldSpec) -> None:
        row = QWidget()
        super().__init__(spec, row)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for name in DAY_NAMES:
            short, full = day_label(name)
            box = QCheckBox(short)
            box.setObjectName(f"field_{spec.name}_{name}")
            box.setAccessibleName(f"{_(spec.label)}: {full}")
            box.setToolTip(tooltip_for(spec))
            box.toggled.connect(self.edited)
            layout.addWidget(box)
            self.boxes[name] = box
        layout.addStretch(1)

    def value(self) -> tuple[str, ...]:
        return tuple(name for name in DAY_NAMES if self.boxes[name].isChecked())

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        for name, box in self.boxes.items():
            box.setChecked(name in chosen)

    def focus_widget(self) -> QWidget:
        return self.boxes[DAY_NAMES[0]]


class TextEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.line = QLineEdit()
        super().__init__(spec, self.line)
        self.line.textChanged.connect(self.edited)

    def value(self) -> str:
        return str(self.line.text())

    def set_value(self, value: Any) -> None:
        self.line.setText(str(value))

    def problem(self) -> str | None:
        try:
            self.spec.check(self.value())
        except ValueError as exc:
            return str(exc)
        return None


def default_options(spec: FieldSpec) -> list[Option]:
    """Display texts for a choice field's declared values."""
    from desktop_app.i18n import LANGUAGE_NAMES  # each language named in itself

    known = {"system": _("Same as the system"), **LANGUAGE_NAMES}
    return [(value, known.get(value, value)) for value in spec.choices or ()]


def make_editor(spec: FieldSpec, options: Sequence[Option] | None = None) -> FieldEditor:
    """The editor for ``spec``'s kind. ``options`` overrides a choice field's values (routine ids)."""
    if spec.kind == "bool":
        return BoolEditor(spec)
    if spec.kind == "int":
        return IntEditor(spec)
    if spec.kind == "choice":
        return ChoiceEditor(spec, list(options) if options is not None else default_options(spec))
    if spec.kind == "time":
        return TimeEditor(spec)
    if spec.kind == "days":
        return DaysEditor(spec)
    return TextEditor(spec)


__all__ = [
    "BoolEditor",
    "ChoiceEditor",
    "DaysEditor",
    "FieldEditor",
    "IntEditor",
    "Option",
    "TextEditor",
    "TimeEditor",
    "day_label",
    "default_options",
    "make_editor",
    "tooltip_for",
    "unit_suffix",
]
