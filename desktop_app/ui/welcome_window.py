"""The welcome window ("Welcome to HipBreak") and the daily session's link to the 12-week program.

Why a welcome at all: the habit the app is for rests on one fixed daily block
kept up for months, but the daily session used to be an option most people
never found, and the hourly prompt offered the floor routine, which few can
do every hour in an office. The welcome sets both up in one screen on the
first start: the daily session on (at a time the person picks, or "not
now"), the hourly break at the desk (the standing desk-side routine, about 2
minutes), the floor stretches in the daily block through the program.

How it behaves:

* Shown once, on the first start that is not ``--demo``: when neither the
  settings file nor the welcome marker (``welcome.json`` beside the settings)
  exist. The marker is app state, not a setting, so "Restore defaults" can never
  bring the welcome back; it lives in its own tiny file because the scheduler's
  state file is rewritten whole by the scheduler.
* Closing it with the window's close button (or Escape) applies what it shows,
  which are the defaults unless the person changed something: nothing is lost
  and nobody ends up with an app that was never set up.
* Reachable later from the menu ("Welcome and setup…"); then it shows the
  current settings, so closing it unchanged changes nothing.
* Keyboard: every control is reachable with Tab, Enter presses "Start", every
  control has an accessible name. Sizes come from the layout, never fixed.

The choices, the first-start marker and the daily session's link to the program week
(checked at start and after each routine) are Qt-free, in ``application/welcome.py``: the app
attaches that at start and imports this module only when the window is shown (a first start,
or the menu's "Welcome and setup…"). :func:`attach` does both at once (tests).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.application.ports import AutostartPort
from desktop_app.application.welcome import (
    DAILY_WITHOUT_PROGRAM,
    DESK_ROUTINE,
    FLOOR_ROUTINE,
    MARKER_NAME,
    WelcomeChoices,
    WelcomeSetup,
    is_first_start,
    mark_welcomed,
    marker_path,
    welcome_settings,
)
from desktop_app.i18n import _

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- the window


def _time(text: str) -> QTime:
    hours, minutes = (int(part) for part in text.split(":"))
    return QTime(hours, minutes)


def _text(edit: QTimeEdit) -> str:
    return edit.time().toString("HH:mm")


class WelcomeWindow(QDialog):
    """The window. ``finished_with(WelcomeChoices)`` is emitted once, on Start, close or Escape."""

    finished_with = Signal(object)

    def __init__(self, choices: WelcomeChoices, *, autostart_supported: bool = True,
                 minutes: tuple[int, int] = (2, 5), parent: QWidget | None = None) -> None:
        """``minutes``: how long the desk and the floor routine take, as the player will play them."""
        super().__init__(parent)
        self.setWindowTitle(_("Welcome to HipBreak"))
        self.setAccessibleName(_("Welcome to HipBreak"))
        self._done = False
        layout = QVBoxLayout(self)

        title = QLabel(_("Welcome to HipBreak"))
        title.setObjectName("welcome_title")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        layout.addWidget(title)
        self.intro_lines = [QLabel("• " + text) for text in (
            _("HipBreak notices how long you have been sitting and reminds you to get up about once an hour."),
            _("Each break is a short guided routine: follow the pictures, the countdown and the sound cues."),
            _("A daily session and a gentle 12-week program help the stretches become a habit."),
        )]
        for line in self.intro_lines:
            line.setWordWrap(True)
            layout.addWidget(line)

        self.safety = QLabel(_("Stop if anything hurts. See a professional for persistent pain. "
                               "The routines are general stretching and strengthening guidance, "
                               "not medical advice."))
        self.safety.setObjectName("safety")
        self.safety.setWordWrap(True)
        self.safety.setFrameShape(QFrame.Shape.StyledPanel)
        self.safety.setStyleSheet("font-weight: bold; padding: 6px;")
        self.safety.setAccessibleName(_("Safety note"))
        layout.addWidget(self.safety)

        # daily session
        daily = QGroupBox(_("Daily session"))
        daily_layout = QVBoxLayout(daily)
        row = QHBoxLayout()
        self.daily_on = QRadioButton(_("Every day at"))
        self.daily_on.setAccessibleName(_("Daily session every day at the time beside"))
        self.daily_time = QTimeEdit(_time(choices.daily_time))
        self.daily_time.setDisplayFormat("HH:mm")
        self.daily_time.setAccessibleName(_("Daily session time"))
        row.addWidget(self.daily_on)
        row.addWidget(self.daily_time)
        row.addStretch(1)
        self.daily_off = QRadioButton(_("Not now"))
        self.daily_off.setAccessibleName(_("No daily session for now"))
        self._daily_group = QButtonGroup(self)
        self._daily_group.addButton(self.daily_on)
        self._daily_group.addButton(self.daily_off)
        (self.daily_on if choices.daily_enabled else self.daily_off).setChecked(True)
        self.follow_program = QCheckBox(_("Follow the 12-week program: it starts easy and grows a little "
                                          "each week you practise"))
        self.follow_program.setChecked(choices.follow_program)
        daily_layout.addLayout(row)
        daily_layout.addWidget(self.daily_off)
        daily_layout.addWidget(self.follow_program)
        self.daily_on.toggled.connect(self._sync_enabled)
        layout.addWidget(daily)

        # hourly break
        hourly = QGroupBox(_("Where the hourly break happens"))
        hourly_layout = QVBoxLayout(hourly)
        self.at_desk = QRadioButton(_("At the desk: three standing moves, about {n} min, fine in office clothes")
                                    .format(n=minutes[0]))
        self.on_floor = QRadioButton(_("On the floor: the five floor stretches, about {n} min").format(n=minutes[1]))
        self._hourly_group = QButtonGroup(self)
        self._hourly_group.addButton(self.at_desk)
        self._hourly_group.addButton(self.on_floor)
        (self.at_desk if choices.hourly_at_desk else self.on_floor).setChecked(True)
        floor_note = QLabel(_("The floor stretches are part of the daily session."))
        floor_note.setWordWrap(True)
        hourly_layout.addWidget(self.at_desk)
        hourly_layout.addWidget(self.on_floor)
        hourly_layout.addWidget(floor_note)
        layout.addWidget(hourly)

        # working hours, login, sound
        more = QGroupBox(_("Working hours, start and sound"))
        more_layout = QVBoxLayout(more)
        hours_row = QHBoxLayout()
        self.working_hours = QCheckBox(_("Only remind me between"))
        self.working_hours.setChecked(choices.working_hours)
        self.work_start = QTimeEdit(_time(choices.work_start))
        self.work_start.setDisplayFormat("HH:mm")
        self.work_start.setAccessibleName(_("Working hours start"))
        and_label = QLabel(_("and"))
        self.work_end = QTimeEdit(_time(choices.work_end))
        self.work_end.setDisplayFormat("HH:mm")
        self.work_end.setAccessibleName(_("Working hours end"))
        for widget in (self.working_hours, self.work_start, and_label, self.work_end):
            hours_row.addWidget(widget)
        hours_row.addStretch(1)
        self.working_hours.toggled.connect(self._sync_enabled)
        self.autostart = QCheckBox(_("Start HipBreak when I log in"))
        self.autostart.setChecked(choices.autostart and autostart_supported)
        self.autostart.setEnabled(autostart_supported)
        self.sound = QCheckBox(_("Sound cues during routines"))
        self.sound.setChecked(choices.sound)
        self.voice = QCheckBox(_("Spoken guidance (names each exercise and side)"))
        self.voice.setChecked(choices.voice)
        more_layout.addLayout(hours_row)
        for widget in (self.autostart, self.sound, self.voice):
            more_layout.addWidget(widget)
        layout.addWidget(more)

        later = QLabel(_("You can change all of this later in Settings, or open this window again from the menu."))
        later.setWordWrap(True)
        layout.addWidget(later)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton(_("Start using HipBreak"))
        self.start_button.setDefault(True)
        self.start_button.setAutoDefault(True)
        self.start_button.clicked.connect(self.finish)
        buttons.addWidget(self.start_button)
        layout.addLayout(buttons)
        self._sync_enabled()
        self.start_button.setFocus()
        self.fit_to_contents()

    def fit_to_contents(self) -> None:
        """Size the window from its layout, with the wrapped lines' height at the actual width.

        ``adjustSize`` alone measures wrapped labels at another width than the one
        they get, which left the last group squeezed; asking the layout for its
        height at the chosen width does not.
        """
        layout = self.layout()
        if layout is None:
            return
        width = max(layout.sizeHint().width(), self.minimumSizeHint().width())
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
        self.setMinimumHeight(height)
        self.resize(width, height)

    def _sync_enabled(self) -> None:
        self.daily_time.setEnabled(self.daily_on.isChecked())
        self.follow_program.setEnabled(self.daily_on.isChecked())
        for edit in (self.work_start, self.work_end):
            edit.setEnabled(self.working_hours.isChecked())

    def choices(self) -> WelcomeChoices:
        """What the window shows right now."""
        return WelcomeChoices(
            daily_enabled=self.daily_on.isChecked(),
            daily_time=_text(self.daily_time),
            follow_program=self.follow_program.isChecked(),
            hourly_at_desk=self.at_desk.isChecked(),
            working_hours=self.working_hours.isChecked(),
            work_start=_text(self.work_start),
            work_end=_text(self.work_end),
            autostart=self.autostart.isChecked() and self.autostart.isEnabled(),
            sound=self.sound.isChecked(),
            voice=self.voice.isChecked(),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_to_contents()  # fonts and styles are final once shown

    def finish(self) -> None:
        """Apply what is shown (once) and close."""
        if not self._done:
            self._done = True
            self.finished_with.emit(self.choices())
        self.hide()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.finish()  # the close button applies what is shown: nothing is lost
        event.accept()

    def reject(self) -> None:  # Escape
        self.finish()


# --------------------------------------------------------------------------- wiring


class WelcomeController(WelcomeSetup):
    """The window, on top of the Qt-free setup (program week, applying choices)."""

    def __init__(self, bridge: Any, autostart: AutostartPort | None = None,
                 settings_file: Path | None = None) -> None:
        super().__init__(bridge, autostart, settings_file)
        self.window: WelcomeWindow | None = None
        self.attached_setup: WelcomeSetup | None = None

    def show(self, first_start: bool) -> WelcomeWindow:
        """Open the window (or raise the open one). On a first start it shows the defaults."""
        if self.window is not None and self.window.isVisible():
            self.window.raise_()
            return self.window
        supported, enabled = self._autostart_state()
        if first_start:
            choices = WelcomeChoices(autostart=supported)
        else:
            choices = WelcomeChoices.from_settings(self._bridge.service.settings, enabled)
        window = WelcomeWindow(choices, autostart_supported=supported, minutes=self._minutes())
        window.finished_with.connect(lambda chosen: self.apply(chosen, enabled, first_start))
        self.window = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window


def attach(bridge: Any, settings_file: Path, *, autostart: AutostartPort | None,
           demo: bool = False) -> WelcomeController:
    """Keep the daily session on the program week, and welcome a first start (what app.py does).

    ``autostart`` is start at login as ``app.py`` hands it in (the service's port; None where
    there is none: the choice is then shown off and disabled). ``--demo`` never shows the welcome
    (its profile is thrown away, and the demo is for seeing the cycle at once). The app itself
    attaches :class:`WelcomeSetup` and imports this module only for :func:`welcome_first_start`.
    """
    controller = WelcomeController(bridge, autostart, Path(settings_file))
    controller.attach()
    if not demo and is_first_start(settings_file):
        controller.show(first_start=True)
    return controller


def _controller(bridge: Any) -> WelcomeController:
    """The app's welcome controller; made on first use from the setup app.py attached, if any."""
    existing = getattr(bridge, "welcome", None)
    if isinstance(existing, WelcomeController):
        return existing
    if isinstance(existing, WelcomeSetup):
        controller = WelcomeController(bridge, existing.autostart, existing.settings_file)
        #: the attached setup keeps following the program week (held here: the signal holds it weakly)
        controller.attached_setup = existing
    else:
        controller = WelcomeController(bridge, bridge.service.autostart)  # the port app.py handed the service
    bridge.welcome = controller
    return controller


def welcome_first_start(bridge: Any) -> WelcomeWindow:
    """The first-start welcome, for an app whose program week a :class:`WelcomeSetup` already follows."""
    return _controller(bridge).show(first_start=True)


def show_welcome(bridge: Any) -> WelcomeWindow | None:
    """The menu's "Welcome and setup…": the window with the current settings."""
    return _controller(bridge).show(first_start=False)


__all__ = ["DAILY_WITHOUT_PROGRAM", "DESK_ROUTINE", "FLOOR_ROUTINE", "MARKER_NAME", "WelcomeChoices",
           "WelcomeController", "WelcomeWindow", "attach", "is_first_start", "mark_welcomed", "marker_path",
           "show_welcome", "welcome_first_start", "welcome_settings"]
