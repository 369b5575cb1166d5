"""The settings window: generated from FIELDS, refuses bad input inline, saves atomically on OK,
touches nothing on Cancel, and a saved change reschedules a real BreakScheduler at once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.core.routine import builtin_routines_dir, load_routines
from desktop_app.core.schedule import BreakScheduler
from desktop_app.core.settings import DAY_NAMES, FIELDS, FIELDS_BY_NAME, GROUPS, FieldSpec, Settings
from desktop_app.platform import autostart
from desktop_app.storage.settings_file import load_settings, save_settings
from desktop_app.ui.settings_dialog import SettingsDialog
from desktop_app.ui.settings_fields import (
    BoolEditor,
    ChoiceEditor,
    DaysEditor,
    IntEditor,
    TextEditor,
    TimeEditor,
    make_editor,
)
from tests.support.fakeclock import FakeClock

ROUTINE_CASES = Path(__file__).resolve().parents[1] / "core" / "routine_cases"

WIDGET_FOR_KIND: dict[str, type[QWidget]] = {
    "bool": QCheckBox, "int": QSpinBox, "choice": QComboBox, "time": QTimeEdit, "str": QLineEdit,
}


def saver(path: Path) -> Any:
    """The save callable the controller passes: atomic save, a plain message on failure."""
    def save(settings: Settings) -> str | None:
        try:
            save_settings(path, settings)
        except Exception as exc:
            return str(exc)
        return None
    return save


@pytest.fixture
def routines_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "routines"
    folder.mkdir()
    return folder


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    path = tmp_path / "settings.json"
    save_settings(path, Settings().replace(break_interval_minutes=50, volume_percent=40,
                                           working_days=("mon", "wed")))
    return path


@pytest.fixture
def dialog(qtbot: QtBot, settings_path: Path, routines_dir: Path) -> Iterator[SettingsDialog]:
    settings = load_settings(settings_path).settings
    routines = load_routines([(builtin_routines_dir(), True), (routines_dir, False)])
    d = SettingsDialog(settings, saver(settings_path), routines, routines_dir=routines_dir, autostart=None)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    yield d


def type_into_spin(spin: QSpinBox, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), text)


# --- the form is generated from the declarations -------------------------------------------------


def test_every_field_gets_a_row_with_the_widget_of_its_kind(dialog: SettingsDialog) -> None:
    assert set(dialog.rows) == {spec.name for spec in FIELDS}
    assert [dialog.tabs.tabText(i).replace("&&", "&") for i in range(dialog.tabs.count())] == list(GROUPS)
    for spec in FIELDS:
        editor = dialog.rows[spec.name].editor
        page = dialog.tab_pages[spec.group]
        assert page.isAncestorOf(editor.widget), f"{spec.name} is on the {spec.group} tab"
        if spec.kind == "days":
            boxes = editor.widget.findChildren(QCheckBox)
            assert len(boxes) == 7
            assert all(b.accessibleName().startswith(spec.label) for b in boxes)
        else:
            assert isinstance(editor.widget, WIDGET_FOR_KIND[spec.kind]), spec.name
        assert editor.widget.accessibleName() == spec.label
        assert spec.doc in editor.widget.toolTip() and spec.rule() in editor.widget.toolTip()
        if spec.kind == "int":
            spin = editor.widget
            assert isinstance(spin, QSpinBox)
            assert (spin.minimum(), spin.maximum()) == (spec.minimum, spec.maximum)
            assert spin.suffix().strip() == spec.unit
    labels = [w for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    buddies = {label.buddy() for label in labels}
    assert all(dialog.rows[s.name].editor.focus_widget() in buddies for s in FIELDS)


def test_the_form_shows_the_current_settings(dialog: SettingsDialog, settings_path: Path) -> None:
    assert dialog.form_values() == {
        name: getattr(load_settings(settings_path).settings, name) for name in dialog.rows
    }
    assert dialog.rows["break_interval_minutes"].editor.widget.value() == 50  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind,value,editor_type", [
    ("bool", True, BoolEditor),
    ("int", 17, IntEditor),
    ("choice", "b", ChoiceEditor),
    ("time", "07:45", TimeEditor),
    ("days", ("tue", "sun"), DaysEditor),
    ("str", "hello", TextEditor),
])
def test_make_editor_handles_every_kind(qtbot: QtBot, kind: str, value: Any, editor_type: type) -> None:
    spec = FieldSpec("x", kind, None, "Some field", "What it does.", "Breaks",  # type: ignore[arg-type]
                     minimum=5 if kind == "int" else None, maximum=20 if kind == "int" else None,
                     choices=("a", "b") if kind == "choice" else None, unit="min" if kind == "int" else "")
    editor = make_editor(spec)
    qtbot.addWidget(editor.widget)
    assert type(editor) is editor_type
    seen: list[bool] = []
    editor.edited.connect(lambda: seen.append(True))
    editor.set_value(value)
    assert editor.value() == value
    assert editor.problem() is None
    assert seen, "a change is announced"
    assert editor.widget.accessibleName() == "Some field"
    assert "What it does." in editor.widget.toolTip()


def test_every_declared_kind_has_an_editor_kind_covered_above() -> None:
    assert {spec.kind for spec in FIELDS} <= {"bool", "int", "choice", "time", "days", "str"}


# --- refusing bad input -------------------------------------------------------------------------


def test_a_value_below_the_minimum_is_refused_inline_with_the_rule(dialog: SettingsDialog,
                                                                      settings_path: Path) -> None:
    before = settings_path.read_bytes()
    row = dialog.rows["break_interval_minutes"]
    spin = row.editor.widget
    assert isinstance(spin, QSpinBox)
    type_into_spin(spin, "5")
    assert row.error.isVisible()
    assert "must be a whole number 10..240" in row.error.text() and "got 5" in row.error.text()
    assert not dialog.ok_button.isEnabled()
    assert dialog.tabs.tabText(0).endswith("⚠")
    assert "Break every" in dialog.status.text()
    assert dialog.apply() is False
    assert settings_path.read_bytes() == before
    type_into_spin(spin, "45")
    assert not row.error.isVisible()
    assert dialog.ok_button.isEnabled()
    assert dialog.tabs.tabText(0) == "Breaks"


def test_typing_past_the_maximum_is_refused_keystroke_by_keystroke(dialog: SettingsDialog) -> None:
    spin = dialog.rows["volume_percent"].editor.widget
    assert isinstance(spin, QSpinBox)
    type_into_spin(spin, "500")
    assert spin.value() <= 100
    assert spin.cleanText() == "50"


def test_working_hours_without_any_working_day_is_refused(dialog: SettingsDialog) -> None:
    dialog.tabs.setCurrentWidget(dialog.tab_pages["Schedule"])
    dialog.rows["working_hours_enabled"].editor.set_value(True)
    days = dialog.rows["working_days"]
    for box in days.editor.widget.findChildren(QCheckBox):
        if box.isChecked():
            QTest.mouseClick(box, Qt.MouseButton.LeftButton)
    assert days.editor.value() == ()
    assert days.error.isVisible() and "at least one working day" in days.error.text()
    assert not dialog.ok_button.isEnabled()
    dialog.rows["working_hours_enabled"].editor.set_value(False)  # the days no longer matter
    assert dialog.ok_button.isEnabled()


def test_a_routine_that_is_no_longer_installed_is_shown_and_must_be_replaced(
        qtbot: QtBot, tmp_path: Path, routines_dir: Path) -> None:
    settings = Settings().replace(prompt_routine="gone-routine")
    routines = load_routines([(builtin_routines_dir(), True), (routines_dir, False)])
    d = SettingsDialog(settings, saver(tmp_path / "s.json"), routines, routines_dir=routines_dir,
                       autostart=None)
    qtbot.addWidget(d)
    combo = d.rows["prompt_routine"].editor.widget
    assert isinstance(combo, QComboBox)
    assert combo.currentText() == "gone-routine (not found)"
    assert "not installed" in d.rows["prompt_routine"].error.text()
    assert not d.ok_button.isEnabled()
    combo.setCurrentIndex(combo.findData("hip-flexor-reset"))
    assert d.ok_button.isEnabled()


# --- Cancel and OK ------------------------------------------------------------------------------


def test_cancel_keeps_the_settings_file_byte_identical(dialog: SettingsDialog, settings_path: Path,
                                                       qtbot: QtBot) -> None:
    before = settings_path.read_bytes()
    before_stat = settings_path.stat()
    applied: list[Settings] = []
    dialog.settings_applied.connect(applied.append)
    type_into_spin(dialog.rows["break_interval_minutes"].editor.widget, "30")  # type: ignore[arg-type]
    dialog.rows["voice_enabled"].editor.set_value(True)
    dialog.restore_defaults("Sound & voice")
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert settings_path.read_bytes() == before
    assert settings_path.stat().st_mtime_ns == before_stat.st_mtime_ns
    assert applied == []
    assert list(settings_path.parent.glob(".settings.json.*")) == []


def test_escape_is_cancel(dialog: SettingsDialog, settings_path: Path) -> None:
    before = settings_path.read_bytes()
    dialog.rows["sound_enabled"].editor.set_value(False)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert settings_path.read_bytes() == before


def test_ok_saves_and_emits_the_new_settings(dialog: SettingsDialog, settings_path: Path,
                                             qtbot: QtBot) -> None:
    spin = dialog.rows["break_interval_minutes"].editor.widget
    assert isinstance(spin, QSpinBox)
    type_into_spin(spin, "45")
    dialog.rows["daily_session_time"].editor.set_value("18:15")
    dialog.rows["language"].editor.set_value("de")
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000) as blocker:
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    new = blocker.args[0]
    assert isinstance(new, Settings)
    assert (new.break_interval_minutes, new.daily_session_time, new.language) == (45, "18:15", "de")
    assert new.volume_percent == 40 and new.working_days == ("mon", "wed")  # untouched fields kept
    on_disk = json.loads(settings_path.read_text(encoding="utf-8"))
    assert on_disk["break_interval_minutes"] == 45 and on_disk["daily_session_time"] == "18:15"
    assert load_settings(settings_path).settings == new
    assert not dialog.isVisible()


def test_a_failed_save_keeps_the_window_open_and_applies_nothing(qtbot: QtBot, routines_dir: Path) -> None:
    applied: list[Settings] = []
    d = SettingsDialog(Settings(), lambda s: "Cannot save settings: the disk is full.", None,
                       routines_dir=routines_dir, autostart=None)
    qtbot.addWidget(d)
    d.show()
    d.settings_applied.connect(applied.append)
    d.rows["snooze_minutes"].editor.set_value(15)
    assert d.apply() is False
    assert d.isVisible()
    assert "the disk is full" in d.status.text() and d.status.isVisible()
    assert applied == []


def test_ok_into_a_read_only_folder_reports_the_plain_reason(qtbot: QtBot, tmp_path: Path,
                                                             routines_dir: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    d = SettingsDialog(Settings(), saver(blocked / "settings.json"), None, routines_dir=routines_dir,
                       autostart=None)
    qtbot.addWidget(d)
    d.rows["snooze_minutes"].editor.set_value(15)
    assert d.apply() is False
    assert "Cannot save settings" in d.status.text()
    assert blocked.read_text() == "a file where the folder should be"


def test_a_changed_interval_reschedules_the_scheduler_at_once(dialog: SettingsDialog, qtbot: QtBot) -> None:
    clock = FakeClock()
    scheduler = BreakScheduler(clock, dialog.settings)
    scheduler.update()
    assert scheduler.next_deadline() == pytest.approx(clock.monotonic() + 50 * 60)
    clock.advance(10 * 60)
    dialog.settings_applied.connect(scheduler.apply_settings)
    type_into_spin(dialog.rows["break_interval_minutes"].editor.widget, "20")  # type: ignore[arg-type]
    with qtbot.waitSignal(dialog.settings_applied, timeout=2000):
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # sat 10 of the new 20 minutes: the prompt moves to 10 minutes from now
    assert scheduler.next_deadline() == pytest.approx(clock.monotonic() + 10 * 60)
    assert scheduler.settings.break_interval_minutes == 20


def test_restore_defaults_resets_only_that_tab(dialog: SettingsDialog) -> None:
    dialog.rows["snooze_minutes"].editor.set_value(30)
    dialog.rows["volume_percent"].editor.set_value(10)
    QTest.mouseClick(dialog.restore_buttons["Breaks"], Qt.MouseButton.LeftButton)
    values = dialog.form_values()
    for spec in FIELDS:
        if spec.group == "Breaks":
            assert values[spec.name] == spec.default, spec.name
    assert values["volume_percent"] == 10
    QTest.mouseClick(dialog.restore_buttons["Schedule"], Qt.MouseButton.LeftButton)
    assert dialog.form_values()["working_days"] == FIELDS_BY_NAME["working_days"].default


# --- Routines tab --------------------------------------------------------------------------------


def test_routines_tab_lists_user_routines_with_their_problems(qtbot: QtBot, routines_dir: Path,
                                                              tmp_path: Path) -> None:
    good = json.loads((builtin_routines_dir() / "desk-break.json").read_text(encoding="utf-8"))
    good["id"] = "my-desk"
    good["title"] = "My desk stretch"
    (routines_dir / "my-desk.json").write_text(json.dumps(good), encoding="utf-8")
    (routines_dir / "bad_seconds.json").write_bytes((ROUTINE_CASES / "bad_seconds.json").read_bytes())
    d = SettingsDialog(Settings(), saver(tmp_path / "s.json"), None, routines_dir=routines_dir,
                       autostart=None)
    qtbot.addWidget(d)
    tree = d.routine_tree
    assert isinstance(tree, QTreeWidget)
    tops = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    assert set(tops) == {"my-desk.json", "bad_seconds.json"}
    assert tops["my-desk.json"].text(1) == "valid: My desk stretch"
    bad = tops["bad_seconds.json"]
    assert bad.text(1).startswith("not loaded: 1 problem")
    assert bad.isExpanded() and bad.childCount() == 1
    assert "exercises[1].steps[0].seconds" in bad.child(0).text(1)
    # the file with problems is selected, and every problem is spelled out in full below the list
    assert tree.currentItem() is bad
    details = d.routine_details.text()
    assert details.startswith("bad_seconds.json is not loaded:")
    assert "exercises[1].steps[0].seconds: must be" in details
    tree.setCurrentItem(tops["my-desk.json"])
    assert d.routine_details.text().startswith("my-desk.json: valid,")
    combo = d.rows["daily_routine"].editor.widget
    assert isinstance(combo, QComboBox)
    assert combo.findData("my-desk") >= 0 and combo.findData("bad-seconds") < 0

    # fixing the file and pressing "Check again" picks it up without reopening the window
    fixed = json.loads((ROUTINE_CASES / "bad_seconds.json").read_text(encoding="utf-8"))
    fixed["exercises"][1]["steps"][0]["seconds"] = 20
    (routines_dir / "bad_seconds.json").write_text(json.dumps(fixed), encoding="utf-8")
    QTest.mouseClick(d.recheck_button, Qt.MouseButton.LeftButton)
    states = {tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1)
              for i in range(tree.topLevelItemCount())}
    assert states["bad_seconds.json"] == "valid: Bad seconds"
    assert combo.findData("bad-seconds") >= 0


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_routines_folder_creates_and_opens_it(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "config" / "routines"
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        d = SettingsDialog(Settings(), saver(tmp_path / "s.json"), None, routines_dir=folder, autostart=None)
        qtbot.addWidget(d)
        QTest.mouseClick(d.open_folder_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert folder.is_dir()
    assert [Path(u.toLocalFile()) for u in catcher.urls] == [folder]


# --- System tab ---------------------------------------------------------------------------------


@pytest.fixture
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("FLATPAK_ID", raising=False)
    return home


def test_start_at_login_uses_the_autostart_module(qtbot: QtBot, tmp_path: Path, xdg_home: Path,
                                                  routines_dir: Path) -> None:
    if not autostart.supported():
        pytest.skip("autostart reports itself unsupported here")
    assert not autostart.is_enabled()
    d = SettingsDialog(Settings(), saver(tmp_path / "s.json"), None, routines_dir=routines_dir, autostart=autostart)
    qtbot.addWidget(d)
    box = d.autostart_box
    assert box is not None and not box.isChecked()
    assert d.tab_pages["System"].isAncestorOf(box)
    assert box.accessibleName() == "Start at login"
    box.setChecked(True)
    assert d.apply() is True
    assert autostart.is_enabled()
    entries = list((xdg_home / ".config" / "autostart").glob("*.desktop"))
    assert len(entries) == 1 and autostart.XDG_MARK in entries[0].read_text(encoding="utf-8")
    # a second window shows the real state, and turning it off removes the entry
    d2 = SettingsDialog(Settings(), saver(tmp_path / "s.json"), None, routines_dir=routines_dir,
                        autostart=autostart)
    qtbot.addWidget(d2)
    assert d2.autostart_box is not None and d2.autostart_box.isChecked()
    d2.autostart_box.setChecked(False)
    assert d2.apply() is True
    assert not autostart.is_enabled()


def test_start_at_login_is_hidden_without_an_autostart_module(dialog: SettingsDialog) -> None:
    assert dialog.autostart_box is None
    assert dialog.findChild(QCheckBox, "autostart") is None


# --- keyboard and accessibility -----------------------------------------------------------------


def test_every_control_has_an_accessible_name_and_takes_keyboard_focus(dialog: SettingsDialog) -> None:
    controls = [w for w in dialog.findChildren(QWidget)
                if isinstance(w, (QAbstractButton, QSpinBox, QComboBox, QTimeEdit, QLineEdit, QTreeWidget))
                and not isinstance(w.parent(), (QSpinBox, QComboBox, QTimeEdit))]
    assert len(controls) > len(FIELDS)
    for w in controls:
        name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
        assert name, f"{type(w).__name__} {w.objectName()} has no accessible name"
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus, f"{w.objectName()} cannot be reached with Tab"


def test_the_whole_form_can_be_driven_from_the_keyboard(dialog: SettingsDialog, settings_path: Path,
                                                        qtbot: QtBot) -> None:
    # Ctrl+Tab to the Sound & voice tab, Tab into its first field, Space toggles it, Enter is OK
    dialog.tabs.setFocus()
    for _i in range(GROUPS.index("Sound & voice")):
        QTest.keyClick(dialog.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentWidget() is dialog.tab_pages["Sound & voice"]
    sound = dialog.rows["sound_enabled"].editor.widget
    sound.setFocus()
    assert sound.hasFocus()
    QTest.keyClick(sound, Qt.Key.Key_Space)
    assert dialog.form_values()["sound_enabled"] is False
    QTest.keyClick(sound, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert json.loads(settings_path.read_text(encoding="utf-8"))["sound_enabled"] is False


def test_days_checkboxes_follow_day_names(dialog: SettingsDialog) -> None:
    editor = dialog.rows["working_days"].editor
    assert isinstance(editor, DaysEditor)
    assert list(editor.boxes) == list(DAY_NAMES)
    editor.boxes["sat"].setChecked(True)
    assert editor.value() == ("mon", "wed", "sat")
