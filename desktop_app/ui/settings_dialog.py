"""The settings window, generated from the settings declarations.

Why generated: ``core.settings.FIELDS`` declares every setting once, with its
kind, bounds, unit, tab, label and doc. The window makes one row per
declaration (:mod:`desktop_app.ui.settings_fields` picks the widget), so the
range shown, the tooltip and the validation can never drift from the rules
the app applies when it reads the file, and a new setting needs no widget code.

Trust rules:

* Invalid input is refused where it is typed, with the rule beside it, and OK
  is held until it is fixed. Nothing half-valid is ever saved.
* OK saves through the ``save`` callable (atomic, see ``storage.settings_file``)
  and only then emits :attr:`SettingsDialog.settings_applied`, so the
  controller reschedules at once; a failed save keeps the window open with
  the reason, and nothing is applied.
* Cancel (or Esc, or closing the window) touches nothing: no file, no signal.
* "Restore defaults" on each tab resets that tab's fields in the form only;
  OK still has to be pressed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.routine import RoutineSet, builtin_routines_dir, load_routines
from desktop_app.core.settings import FIELDS, FIELDS_BY_NAME, GROUPS, FieldSpec, Settings
from desktop_app.i18n import _, current_language, ngettext
from desktop_app.ui.accessibility import AA_TEXT, describe, name_as_shown, readable_colour, show_text
from desktop_app.ui.settings_fields import ChoiceEditor, FieldEditor, Option, make_editor
from desktop_app.ui.tab_text_style import tab_widget

log = logging.getLogger(__name__)

#: Choice fields whose values are routine ids (their options come from the loaded routines).
ROUTINE_FIELDS = ("prompt_routine", "daily_routine")

#: Error red; made lighter on a dark theme so the message keeps WCAG AA contrast (see _error_style).
ERROR_COLOUR = "#b00020"
_DETAILS_ROLE = Qt.ItemDataRole.UserRole


def _error_style() -> str:
    """The error text colour, with AA contrast on the current theme's window colour."""
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    return f"color: {readable_colour(ERROR_COLOUR, window, AA_TEXT).name()};"


class AutostartApi(Protocol):
    """What the System tab needs from ``desktop_app.platform.autostart`` (the module satisfies it)."""

    def supported(self) -> bool: ...

    def is_enabled(self) -> bool: ...

    def enable(self) -> None: ...

    def disable(self) -> None: ...


def combination_problems(values: dict[str, Any]) -> dict[str, str]:
    """Rules that involve more than one field, by the field to mark.

    Each single value is already checked by its declaration; these are the
    combinations that would leave the app doing something the user did not mean.
    """
    problems: dict[str, str] = {}
    if values.get("working_hours_enabled") and not values.get("working_days"):
        problems["working_days"] = _("choose at least one working day, or turn off "
                                     "\"Only during working hours\" (otherwise no prompt would ever come)")
    return problems


def routine_options(routines: RoutineSet, lang: str) -> list[Option]:
    """The routines as combo box options: built-in first, then the user's, each by title."""
    ordered = sorted(routines.routines.values(), key=lambda r: (not r.builtin, r.title.get(lang).lower()))
    options: list[Option] = []
    for routine in ordered:
        minutes = max(1, round(routine.estimated_seconds() / 60))
        text = _("{title} (about {m} min)").format(title=routine.title.get(lang), m=minutes)
        if not routine.builtin:
            text += " · " + _("your routine")
        options.append((routine.id, text))
    return options


class _FieldRow:
    """One form row: the editor and its inline error label."""

    def __init__(self, editor: FieldEditor, error: QLabel) -> None:
        self.editor = editor
        self.error = error


class SettingsDialog(QDialog):
    """Edit every setting. Emits :attr:`settings_applied` with the saved :class:`Settings` after OK."""

    settings_applied = Signal(object)

    def __init__(
        self,
        settings: Settings,
        save: Callable[[Settings], str | None],
        routines: RoutineSet | None = None,
        parent: QWidget | None = None,
        *,
        routines_dir: Path,
        autostart: AutostartApi | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("HipBreak settings"))
        self.setAccessibleName(_("HipBreak settings"))
        self._settings = settings
        self._save = save
        self._routines_dir = routines_dir
        self._routines = routines if routines is not None else self._load_routines()
        # Handed in by the app (the platform's autostart module); None hides the control.
        self._autostart = autostart
        self._autostart_initial: bool | None = None
        self.rows: dict[str, _FieldRow] = {}
        self.tab_pages: dict[str, QWidget] = {}
        self.restore_buttons: dict[str, QPushButton] = {}
        self.autostart_box: QCheckBox | None = None

        self.tabs = tab_widget()  # keeps accents on tab labels (ui/tab_text_style.py)
        self.tabs.setAccessibleName(_("Settings groups"))
        for group in GROUPS:
            page = self._build_tab(group)
            self.tab_pages[group] = page
            self.tabs.addTab(page, _tab_title(group))

        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(_error_style())
        show_text(self.status, _("Problems"))
        self.status.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        name_as_shown(self.ok_button, _("Save and apply the settings"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        name_as_shown(self.cancel_button, _("Close without saving"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.set_values(settings)
        for row in self.rows.values():
            row.editor.edited.connect(self._refresh_problems)
        self._refresh_problems()
        self.resize(640, 580)

    # --- building ---------------------------------------------------------------------------
    def _build_tab(self, group: str) -> QWidget:
        page = QWidget()
        page.setObjectName(f"tab_{group}")
        page.setAccessibleName(_(group))
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in FIELDS:
            if spec.group != group:
                continue
            self._add_row(form, spec)
        outer.addLayout(form)
        if group == "Routines":
            outer.addWidget(self._build_routine_list(), 1)
        elif group == "System":
            self._add_autostart(form)
        outer.addStretch(0 if group == "Routines" else 1)
        restore = QPushButton(_("Restore defaults"))
        restore.setObjectName(f"restore_{group}")
        restore.setAccessibleName(_("Restore the defaults of the {tab} tab").format(tab=_(group)))
        restore.setToolTip(_("Put every setting on this tab back to its default (saved when you press OK)."))
        restore.clicked.connect(lambda _checked=False, g=group: self.restore_defaults(g))
        self.restore_buttons[group] = restore
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(restore)
        outer.addLayout(bottom)
        return page

    def _add_row(self, form: QFormLayout, spec: FieldSpec) -> None:
        options: list[Option] | None = None
        if spec.name in ROUTINE_FIELDS:
            options = routine_options(self._routines, current_language())
        editor = make_editor(spec, options)
        # TRANSLATORS: a field's name before the field; French puts a space before the colon
        label = QLabel(_("{label}:").format(label=_(spec.label)))
        label.setBuddy(editor.focus_widget())
        label.setToolTip(editor.widget.toolTip())
        error = QLabel()
        error.setObjectName(f"error_{spec.name}")
        error.setWordWrap(True)
        error.setStyleSheet(_error_style())
        show_text(error, _("Problem with {field}").format(field=_(spec.label)))
        error.hide()
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor.widget, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(error)
        form.addRow(label, cell)
        self.rows[spec.name] = _FieldRow(editor, error)

    def _build_routine_list(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        title = QLabel(_("Your routines"))
        title.setStyleSheet("font-weight: bold;")
        hint = QLabel(_("Routine files (.json) in your routines folder. A file with problems is listed with "
                        "each problem, and is not offered until it is fixed."))
        hint.setWordWrap(True)
        self.routine_tree = QTreeWidget()
        self.routine_tree.setObjectName("routine_list")
        self.routine_tree.setAccessibleName(_("Your routines and their problems"))
        self.routine_tree.setHeaderLabels([_("File"), _("State")])
        self.routine_tree.setColumnWidth(0, 180)
        self.routine_tree.header().setStretchLastSection(True)
        self.routine_tree.currentItemChanged.connect(self._on_routine_tree_current_item_changed)
        self.routine_details = QLabel()
        self.routine_details.setObjectName("routine_details")
        self.routine_details.setWordWrap(True)
        self.routine_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        show_text(self.routine_details, _("Details of the selected routine file"))
        self.routine_tree.setMinimumHeight(90)
        title.setBuddy(self.routine_tree)
        self.open_folder_button = QPushButton(_("Open routines folder"))
        self.open_folder_button.setAccessibleName(_("Open the folder of your routine files"))
        self.open_folder_button.setToolTip(str(self._routines_dir))
        self.open_folder_button.clicked.connect(self.open_routines_folder)
        self.recheck_button = QPushButton(_("Check again"))
        self.recheck_button.setAccessibleName(_("Read the routine files again"))
        self.recheck_button.clicked.connect(self.reload_routines)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addWidget(self.recheck_button)
        buttons.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.routine_tree, 1)
        layout.addWidget(self.routine_details)
        layout.addLayout(buttons)
        self._fill_routine_tree()
        return box

    def _add_autostart(self, form: QFormLayout) -> None:
        api = self._autostart
        if api is None:
            return
        try:
            if not api.supported():
                return
            enabled = bool(api.is_enabled())
        except Exception as exc:  # reading the state must never stop the settings window
            log.warning("autostart state unavailable: %s", exc)
            return
        self._autostart_initial = enabled
        box = QCheckBox()
        box.setObjectName("autostart")
        box.setAccessibleName(_("Start at login"))
        box.setToolTip(_("Start HipBreak in the tray when you log in to this computer."))
        box.setChecked(enabled)
        label = QLabel(_("{label}:").format(label=_("Start at login")))
        label.setBuddy(box)
        self.autostart_error = QLabel()
        self.autostart_error.setWordWrap(True)
        self.autostart_error.setStyleSheet(_error_style())
        self.autostart_error.hide()
        cell = QWidget()
        layout = QVBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        layout.addWidget(self.autostart_error)
        form.insertRow(0, label, cell)
        self.autostart_box = box

    # --- routines -------------------------------------------------------------------------
    def _load_routines(self) -> RoutineSet:
        return load_routines([(builtin_routines_dir(), True), (self._routines_dir, False)])

    def _fill_routine_tree(self) -> None:
        tree = self.routine_tree
        tree.clear()
        lang = current_language()
        entries: list[tuple[str, QTreeWidgetItem]] = []
        for routine in self._routines.routines.values():
            if routine.builtin:
                continue
            state = _("valid: {title}").format(title=routine.title.get(lang))
            item = QTreeWidgetItem([routine.source.name, state])
            item.setToolTip(0, str(routine.source))
            minutes = max(1, round(routine.estimated_seconds() / 60))
            item.setData(0, _DETAILS_ROLE, ngettext("{file}: valid, {n} exercise, about {m} min.",
                                                     "{file}: valid, {n} exercises, about {m} min.",
                                                     len(routine.exercises)).format(
                file=routine.source.name, n=len(routine.exercises), m=minutes))
            entries.append((routine.source.name, item))
        for path, messages in self._routines.errors.items():
            count = len(messages)
            problems = ngettext("not loaded: {n} problem", "not loaded: {n} problems", count).format(n=count)
            item = QTreeWidgetItem([Path(path).name, problems])
            item.setForeground(1, Qt.GlobalColor.darkRed)
            item.setToolTip(0, str(path))
            prefix = f"{Path(path).name}: "
            shown = [m[len(prefix):] if m.startswith(prefix) else m for m in messages]
            details = _("{file} is not loaded:").format(file=Path(path).name) + "".join(
                "\n• " + m for m in shown)
            item.setData(0, _DETAILS_ROLE, details)
            for message in shown:
                child = QTreeWidgetItem(["", message])
                child.setToolTip(1, message)
                child.setData(0, _DETAILS_ROLE, details)
                item.addChild(child)
            entries.append((Path(path).name, item))
        entries.sort(key=lambda pair: pair[0].lower())
        for _name, item in entries:
            tree.addTopLevelItem(item)
            item.setExpanded(True)
        problem_items = [item for _name, item in entries if item.childCount()]
        if entries:
            tree.setCurrentItem(problem_items[0] if problem_items else entries[0][1])
        else:
            self.routine_details.setText("")
        if not entries:
            hint = _("Add routine files (.json) to your routines folder.")
            empty = QTreeWidgetItem([_("(none yet)"), hint])
            tree.addTopLevelItem(empty)

    def _on_routine_tree_current_item_changed(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        details = item.data(0, _DETAILS_ROLE) if item is not None else None
        self.routine_details.setText(str(details) if details else "")

    def open_routines_folder(self) -> bool:
        """Open the user's routines folder in the file manager (created first if missing)."""
        try:
            self._routines_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._show_status(_("Cannot create the routines folder {folder}: {reason}").format(
                folder=self._routines_dir, reason=exc.strerror or exc))
            return False
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._routines_dir)))
        if not opened:
            self._show_status(_("No file manager could open {folder}.").format(folder=self._routines_dir))
        return bool(opened)

    def reload_routines(self) -> None:
        """Read the routine files again (after editing one) and refresh the list and the choices."""
        self._routines = self._load_routines()
        options = routine_options(self._routines, current_language())
        for name in ROUTINE_FIELDS:
            editor = self.rows[name].editor
            if isinstance(editor, ChoiceEditor):
                editor.set_options(options)
        self._fill_routine_tree()
        self._refresh_problems()

    # --- values ---------------------------------------------------------------------------
    def set_values(self, settings: Settings) -> None:
        """Show ``settings`` in the form (nothing is saved)."""
        for name, row in self.rows.items():
            row.editor.set_value(getattr(settings, name))

    def restore_defaults(self, group: str) -> None:
        """Put the fields of one tab back to their declared defaults (in the form only)."""
        for name, row in self.rows.items():
            if FIELDS_BY_NAME[name].group == group:
                row.editor.set_value(FIELDS_BY_NAME[name].default)
        self._refresh_problems()

    def form_values(self) -> dict[str, Any]:
        return {name: row.editor.value() for name, row in self.rows.items()}

    def problems(self) -> dict[str, str]:
        """Every current problem, by field name, each already naming the rule."""
        found: dict[str, str] = {}
        for name, row in self.rows.items():
            problem = row.editor.problem()
            if problem is None:
                try:
                    FIELDS_BY_NAME[name].check(row.editor.value())
                except ValueError as exc:
                    problem = str(exc)
            if problem is not None:
                found[name] = problem
        for name, problem in combination_problems(self.form_values()).items():
            found.setdefault(name, problem)
        return found

    def edited_settings(self) -> Settings:
        """The settings as the form shows them; raises ValueError naming the field if one is invalid."""
        return self._settings.replace(**self.form_values())

    def _refresh_problems(self) -> None:
        problems = self.problems()
        for name, row in self.rows.items():
            text = problems.get(name)
            row.error.setText(text or "")
            row.error.setVisible(text is not None)
            # the field itself carries its problem, so it is heard when the field gets focus
            doc = _(row.editor.spec.doc)
            describe(row.editor.focus_widget(), f"{text} {doc}" if text else doc)
        for index, group in enumerate(GROUPS):
            bad = any(FIELDS_BY_NAME[n].group == group for n in problems)
            self.tabs.setTabText(index, _tab_title(group) + (" ⚠" if bad else ""))
        self.ok_button.setEnabled(not problems)
        if problems:
            first = next(iter(problems))
            spec = FIELDS_BY_NAME[first]
            self._show_status(_("Fix {field} on the {tab} tab: {problem}").format(
                field=_(spec.label), tab=_(spec.group), problem=problems[first]))
        else:
            self.status.hide()

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

    # --- OK -------------------------------------------------------------------------------
    def _on_buttons_accepted(self) -> None:
        self.apply()

    def apply(self) -> bool:
        """Save and apply (what OK does). Returns True and closes when everything was done."""
        self._refresh_problems()
        if self.problems():
            return False
        try:
            new = self.edited_settings()
        except ValueError as exc:
            self._show_status(str(exc))
            return False
        if new != self._settings:
            error = self._save(new)
            if error:
                self._show_status(_("The settings were not saved: {error}").format(error=error))
                return False
            self._settings = new
            self.settings_applied.emit(new)
        if not self._apply_autostart():
            return False
        self.accept()
        return True

    def _apply_autostart(self) -> bool:
        box, api = self.autostart_box, self._autostart
        if box is None or api is None or self._autostart_initial is None:
            return True
        wanted = box.isChecked()
        if wanted == self._autostart_initial:
            return True
        try:
            api.enable() if wanted else api.disable()
        except Exception as exc:  # AutostartError carries a plain sentence
            self.autostart_error.setText(_("Start at login could not be changed: {error}").format(error=exc))
            self.autostart_error.show()
            self.tabs.setCurrentWidget(self.tab_pages["System"])
            return False
        self._autostart_initial = wanted
        return True

    @property
    def settings(self) -> Settings:
        """The settings last saved by this dialog (the ones it was opened with until then)."""
        return self._settings


def _tab_title(group: str) -> str:
    """A tab's title; "&" is doubled so that "Sound & voice" is not read as a keyboard mnemonic."""
    return _(group).replace("&", "&&")


__all__ = ["ROUTINE_FIELDS", "AutostartApi", "SettingsDialog", "combination_problems", "routine_options"]
