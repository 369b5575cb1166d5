"""The routine player window: follow a routine from the floor without touching the computer.

It shows the core's :class:`~desktop_app.core.player.RoutinePlayer` and forwards
clicks and keys to it; all timing rules live in the core, and what to show and
which cue to play are decided without Qt in
:mod:`desktop_app.application.player_presenter`. What this module adds:

* **Timing for the eye.** One :class:`SecondTicker` wakes the window at each
  whole-second boundary of the current segment's monotonic deadline (plus rep
  boundaries on rep sets), and at the deadline itself to move to the next
  segment. That is about one wakeup per second while a routine plays. While
  the figure moves through a rep set it shows key poses (core/rep_keyframes.py):
  a one-shot frame timer wakes only when the next key pose is due (at most
  about 3 changes a second, none while the figure rests at an end position),
  and only while the full window is visible and playing; the compact tile and
  holds use the second ticks alone.
* **Costs nothing when not needed.** Hidden (not minimised: hidden), paused or
  finished, no timer runs. Hiding pauses the routine exactly; showing resumes.
* **Eyes-off cues.** A chime on each new segment, a distinct switch-sides
  sound, 3-2-1 ticks before a timed segment ends, an end sound, and optional
  spoken guidance.
* **Reporting.** ``routine_finished(routine_id, completed, seconds_done,
  exercises_done)`` is emitted exactly once per window: at the end of the
  routine (completed=True; the summary page then offers only Close) or when the
  window is closed early (completed=False). ``seconds_done`` counts real
  playing time, pauses excluded, including time played before a Restart.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QFontMetricsF,
    QHideEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.application.player_presenter import (
    FINISHED_SOUND,
    finished_words,
    format_duration,
    next_text,
    player_frame,
    segment_cues,
    segment_status,
    wants_tick,
)
from desktop_app.core.clock import Clock
from desktop_app.core.player import (
    FINISHED,
    PAUSED,
    PLAYER_FINISHED,
    PLAYING,
    READY,
    SEGMENT_STARTED,
    PlayerEvent,
    Progress,
    RoutinePlayer,
    Segment,
    SegmentKind,
)
from desktop_app.core.routine import Routine
from desktop_app.core.settings import Settings
from desktop_app.i18n import _, current_language
from desktop_app.ui.about_dialog import show_about_stretches
from desktop_app.ui.accessibility import (
    announce,
    countdown_announcement,
    describe,
    figure_description,
    figure_name,
    name_if_changed,
    segment_announcement,
)
from desktop_app.ui.button_row import ButtonRow
from desktop_app.ui.compact_countdown import CompactCountdown
from desktop_app.ui.countdown_ring import CountdownRing
from desktop_app.ui.drawn_icons import drawn_icon
from desktop_app.ui.figure_widget import FigureWidget
from desktop_app.ui.second_ticker import SecondTicker
from desktop_app.ui.sound import CuePlayer
from desktop_app.ui.split_line import SplitLine
from desktop_app.ui.voice import Voice
from desktop_app.ui.window_placement import place_window, save_geometry

log = logging.getLogger(__name__)

SAFETY_LINE = "Stop if anything hurts. See a professional for persistent pain."
DEFAULT_SIZE = QSize(500, 640)
MIN_SIZE = QSize(360, 480)
#: The frame timer may fire this much after a key pose was due and still count as on time; it is
#: also how far ahead a key pose is shown when the timer fires a hair early (rounding to whole ms).
FRAME_SLACK_SECONDS = 0.01
#: The label class :func:`_wrapped_text` is given and returns (QLabel or CueLabel).
_Label = TypeVar("_Label", bound=QLabel)


class TextScrollArea(QScrollArea):
    """A frameless scroll area that asks for exactly the height its wrapped label needs.

    At large sizes the instructions show in full and the figure takes the rest;
    in a 360x480 window an exercise with a long text scrolls instead of being cut off.
    While it scrolls it shows whole lines only (the rest of its height stays blank), and
    the wheel and the arrow keys move it by whole lines: a line cut through the middle
    read as if the text itself were cut off.
    """

    MIN_LINES = 0  # at the smallest size the caution and "feel it" lines come first; these may scroll away

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.viewport().setAutoFillBackground(False)
        label.setAutoFillBackground(False)

    def needed_height(self) -> int:
        """Height of the whole text at the current width."""
        width = max(50, self.viewport().width() if self.width() > 0 else 300)
        return max(0, self.label.heightForWidth(width))

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.needed_height() + 2)

    def minimumSizeHint(self) -> QSize:
        line = self.label.fontMetrics().lineSpacing()
        return QSize(50, min(self.needed_height(), self.MIN_LINES * line) + 2)

    def refit(self) -> None:
        """Call after the text or font changed: recompute what the layout is asked for."""
        self.setMaximumHeight(self.needed_height() + 2)
        self.updateGeometry()
        self._show_whole_lines()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.setMaximumHeight(self.needed_height() + 2)
        self._show_whole_lines()

    def line_pitch(self) -> int:
        """Pixels from one line of the label's text to the next (QLabel sets its lines on whole pixels)."""
        return max(1, math.ceil(QFontMetricsF(self.label.font()).lineSpacing()))

    def _show_whole_lines(self) -> None:
        pitch = self.line_pitch()
        room = self.height()
        cut = room % pitch if self.needed_height() > room else 0
        if self.viewportMargins().bottom() != cut:
            self.setViewportMargins(0, 0, 0, cut)
        self.verticalScrollBar().setSingleStep(pitch)


class CueLabel(QLabel):
    """A wrapped label whose minimum height is all of its text at its current width.

    For the caution and "feel it" lines: the layout must give them every line
    (a small window cut the caution off when it shared the scrolling text), so
    the instructions scroll and the figure shrinks first, and if even that is
    the smallest window (MIN_SIZE) is tall enough for every built-in exercise in every
    language (tests/ui/test_player_window_cues.py).
    """

    def minimumSizeHint(self) -> QSize:
        if not self.text():
            return QSize(0, 0)
        width = self.width() if self.width() > 50 else 340
        return QSize(50, self.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


def _wrapped_text(label: _Label, name: str, vertical: QSizePolicy.Policy) -> _Label:
    """Make ``label`` plain wrapped text at the top left whose height follows its width (heightForWidth).

    The instructions and the cue lines are set up alike and differ only in the vertical policy,
    which says whether the layout may squeeze the text (the instructions scroll) or not (the cues).
    """
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, vertical)
    policy.setHeightForWidth(True)
    label.setSizePolicy(policy)
    return label


class PlayerWindow(QWidget):
    """Plays one routine. Create it, show it; it starts when first shown."""

    routine_finished = Signal(str, bool, float, int)
    geometry_changed = Signal(bytes)

    def __init__(self, routine: Routine, settings: Settings, clock: Clock, *, geometry: bytes | None = None,
                 parent: QWidget | None = None, anchor: QRect | None = None, lang: str | None = None,
                 voice_engine: str | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.routine = routine
        self.settings = settings
        self.clock = clock
        self.lang = lang or current_language()
        self.player = RoutinePlayer(routine, clock, prep_seconds=settings.prep_seconds,
                                    switch_seconds=settings.switch_seconds, lang=self.lang)
        self._reported = False
        self._closing = False
        self._away_paused = False
        self._hidden_paused = False
        self._changing_window = False
        self._seconds_before_restart = 0.0
        self._exercises_before_restart = 0
        self._shown_segment = -1
        self._scale = 0.0

        self.setObjectName("player_window")
        self.setWindowTitle(_("HipBreak: {title}").format(title=routine.title.get(self.lang)))
        self.setMinimumSize(MIN_SIZE)

        self.ticker = SecondTicker(clock, self)
        self.ticker.ticked.connect(self._on_ticker_ticked)
        self.ticker.deadline_reached.connect(self._on_ticker_deadline_reached)
        # One-shot, armed for the next key pose of a rep set (a repaint wakes the GUI thread and the
        # X connection; key poses instead of 10 fps, bench/RESULTS.md "Rep sets with sound").
        self.animation_timer = QTimer(self)
        self.animation_timer.setObjectName("figure_animation_timer")
        self.animation_timer.setSingleShot(True)
        self.animation_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.animation_timer.timeout.connect(self._on_animation_timer_timeout)

        self.sound = CuePlayer(settings.sound_enabled, settings.volume_percent, parent=self)
        self.voice = Voice(settings.voice_enabled, self.lang, engine=voice_engine, parent=self)

        self._build()
        # The tile is a top-level window of its own (a child window would follow this one
        # when it hides); it is deleted together with this window.
        self.compact = CompactCountdown()
        self.destroyed.connect(self.compact.deleteLater)
        self.compact.expand_requested.connect(self._on_compact_expand_requested)
        self.compact.pause_toggled.connect(self.toggle_pause)
        self._shortcuts()
        place_window(self, geometry, DEFAULT_SIZE, anchor)
        self._refresh(full=True)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        # "Exercise 1/6 · 5:20 left": two lines (one per part) when the header row is too narrow for one
        self.progress_label = SplitLine(self)
        self.progress_label.setObjectName("progress_label")
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(6)
        self.progress_bar.setAccessibleName(_("Routine progress"))

        self.title_label = QLabel(self)
        self.title_label.setObjectName("title_label")
        self.title_label.setWordWrap(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)

        self.figure = FigureWidget(self)
        self.figure.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.figure.setMinimumSize(120, 90)
        self.ring = CountdownRing(self)
        # At 360x480 the caution and "feel it" lines need the room more than a larger ring does.
        self.ring.setMinimumSize(90, 90)

        # Ignored vertically: QLabel's minimum height guess for wrapped text assumes a narrow
        # width and would force a needless scrollbar; the height comes from heightForWidth.
        self.instructions_label = _wrapped_text(QLabel(self), "instructions_label", QSizePolicy.Policy.Ignored)
        self.instructions_scroll = TextScrollArea(self.instructions_label, self)
        self.next_label = QLabel(self)
        self.next_label.setObjectName("next_label")
        self.next_label.setWordWrap(True)
        # Where to feel it and the caution: never in the scrolling instructions, where a small
        # window cut the caution off. Their own label takes the height its text needs.
        self.cue_label = _wrapped_text(CueLabel(self), "cue_label", QSizePolicy.Policy.Minimum)

        media = QHBoxLayout()
        media.setSpacing(8)
        media.addWidget(self.figure, 3)
        media.addWidget(self.ring, 2)
        play_page = QWidget(self)
        play_layout = QVBoxLayout(play_page)
        play_layout.setContentsMargins(0, 0, 0, 0)
        play_layout.setSpacing(3)
        play_layout.addLayout(media, 3)
        play_layout.addWidget(self.cue_label)
        play_layout.addWidget(self.instructions_scroll, 1)  # scrolls before the figure shrinks
        play_layout.addWidget(self.next_label)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        self.summary_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(play_page)
        self.pages.addWidget(self.summary_label)

        self.safety_label = QLabel(self._safety_note(), self)
        self.safety_label.setObjectName("safety_label")
        self.safety_label.setWordWrap(True)
        self.safety_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.pause_button = self._button(_("Pause"), _("Pause or resume (Space)"), self.toggle_pause)
        self.back_button = self._button(_("Back"), _("Previous segment (Left arrow)"), self.go_back)
        self.skip_button = self._button(_("Skip"), _("Next segment (Right arrow)"), self.skip)
        self.restart_button = self._button(_("Restart"), _("Start the routine again (R)"), self.restart)
        self.close_button = self._button(_("Close"), _("Close the player (Esc)"), self.close)
        self._icons = {self.back_button: "back", self.skip_button: "skip", self.restart_button: "restart",
                       self.close_button: "close"}
        # In a narrow window (German at 360 px needs ~410 px for five words) buttons show their icon
        # instead of a cut-off word: back and skip first, pause last (its words say what Space does).
        self.controls = ButtonRow(
            (self.pause_button, self.back_button, self.skip_button, self.restart_button, self.close_button),
            icon_first=(self.back_button, self.skip_button, self.close_button, self.restart_button,
                        self.pause_button),
            parent=self)
        self.controls.set_alternatives(self.pause_button, (_("Pause"), _("Resume")))

        # View controls sit in the header row: at 360x480 every line of height counts.
        self.on_top_button = self._button(_("On top"), _("Keep this window above other windows"), None)
        self.on_top_button.setCheckable(True)
        self.on_top_button.toggled.connect(self.set_stay_on_top)
        self.compact_button = self._button(_("Compact"), _("A small countdown that stays on top"),
                                           self.enter_compact)
        self.about_button = self._button(_("About…"), _("About these stretches"), self.show_about)
        for button in (self.on_top_button, self.compact_button, self.about_button):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            button.setMinimumHeight(24)
            small = QFont(button.font())
            small.setPixelSize(11)
            button.setFont(small)
        self._icons.update({self.on_top_button: "on_top", self.compact_button: "compact",
                            self.about_button: "about"})
        self._set_icons()
        # The progress line breaks into two lines before a button here gives up its words for its icon.
        self.view_buttons = ButtonRow((self.on_top_button, self.compact_button, self.about_button),
                                      icon_first=(self.about_button, self.compact_button, self.on_top_button),
                                      align_right=True, parent=self)
        header = QHBoxLayout()
        header.setSpacing(4)
        header.addWidget(self.progress_label, 1)
        header.addWidget(self.view_buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(3)
        layout.addLayout(header)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.title_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.safety_label)
        layout.addWidget(self.controls)
        # Tab follows the eye, top to bottom: the view buttons in the header, the instructions
        # (Page Up/Down scroll a long text), then the playback controls.
        self.instructions_scroll.setAccessibleName(_("Instructions"))
        chain = (self.on_top_button, self.compact_button, self.about_button, self.instructions_scroll,
                 self.pause_button, self.back_button, self.skip_button, self.restart_button, self.close_button)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.on_top_button.setFocus()  # where the keyboard starts when the window is activated
        self._apply_scale(force=True)

    def _button(self, text: str, tip: str, slot: Callable[[], object] | None) -> QToolButton:
        # Tool buttons, because push buttons insist on 80 px each and five of them
        # would not fit the 360 px minimum width.
        button = QToolButton(self)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setMinimumHeight(28)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setAccessibleDescription(tip)
        # Reachable with Tab for keyboard-only use; Space stays a window shortcut (shortcuts win over
        # the focused button), so it toggles pause and never "clicks the focused button" instead.
        # Enter clicks the focused button (see _shortcuts).
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        if slot is not None:
            button.clicked.connect(slot)
        return button

    def _set_icons(self) -> None:
        """Draw the controls' icons in the palette's button-text colour (again when the palette changes)."""
        for button, name in self._icons.items():
            button.setIcon(drawn_icon(name, self.palette()))
            button.setIconSize(QSize(18, 18))
        self._set_pause_icon()

    def _set_pause_icon(self) -> None:
        """The pause button's icon says what a press does, as its words do: pause, or play on."""
        playing = self.pause_button.text() == _("Pause")
        self.pause_button.setIcon(drawn_icon("pause" if playing else "play", self.palette()))
        self.pause_button.setIconSize(QSize(18, 18))

    def _shortcuts(self) -> None:
        bindings = (
            (Qt.Key.Key_Space, self.toggle_pause),
            (Qt.Key.Key_Left, self.go_back),
            (Qt.Key.Key_Right, self.skip),
            (Qt.Key.Key_R, self.restart),
            (Qt.Key.Key_Escape, self.close),
            (Qt.Key.Key_Return, self._click_focused_button),
            (Qt.Key.Key_Enter, self._click_focused_button),
        )
        self.shortcuts: list[QShortcut] = []
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    def _click_focused_button(self) -> None:
        """Enter on a button reached with Tab presses it (tool buttons do not do that by themselves)."""
        focused = self.focusWidget()
        if isinstance(focused, QToolButton) and focused.isEnabled():
            focused.click()

    # ------------------------------------------------------------------ public API

    def is_open(self) -> bool:
        """True while the player is on screen, as the full window or as the compact tile.

        Use this rather than ``isVisible()``: in compact mode the full window is hidden.
        """
        return not self._closing and self._is_shown()

    def bring_to_front(self) -> None:
        """Show the full window (leaving compact mode) and raise it, e.g. when the tray asks again."""
        if self.compact.isVisible():
            self.leave_compact()
        elif not self.isVisible():
            self.show()
        self.raise_()
        self.activateWindow()

    def apply_settings(self, settings: Settings) -> None:
        """Follow sound, volume and voice changes while playing (segment lengths stay as started)."""
        self.settings = settings
        self.sound.apply_settings(settings.sound_enabled, settings.volume_percent)
        self.voice.set_enabled(settings.voice_enabled)

    def pause_for_away(self) -> None:
        """The screen locked or the machine is suspending: pause exactly, remember why."""
        if self.player.state == PLAYING:
            self._handle(self.player.pause())
            self._away_paused = self.player.state == PAUSED
            self._sync_timers()
            self._refresh()

    def resume_after_away(self) -> None:
        """The user is back: resume if (and only if) the away pause is still in effect."""
        if self._away_paused and self.player.state == PAUSED:
            self._away_paused = False
            if self._is_shown():
                self._handle(self.player.resume())
            else:
                self._hidden_paused = True
            self._sync_timers()
            self._refresh()
        self._away_paused = False

    def toggle_pause(self) -> None:
        """Space / the Pause button."""
        if self.player.state == PLAYING:
            self._handle(self.player.pause())
        elif self.player.state == PAUSED:
            self._away_paused = self._hidden_paused = False
            self._handle(self.player.resume())
        elif self.player.state == READY:
            self._handle(self.player.start())
        self._sync_timers()
        self._refresh()

    def skip(self) -> None:
        """Right arrow / Skip: on to the next segment."""
        if self.player.state in (PLAYING, PAUSED):
            self._handle(self.player.skip())
            self._sync_timers()
            self._refresh()

    def go_back(self) -> None:
        """Left arrow / Back: the start of the previous segment."""
        if self.player.state in (PLAYING, PAUSED):
            self._handle(self.player.back())
            self._sync_timers()
            self._refresh()

    def restart(self) -> None:
        """R / Restart: play from the beginning (not after the routine finished: it was reported)."""
        if self.player.state in (FINISHED, READY) or self._reported:
            return
        self._seconds_before_restart += self.player.elapsed_active()
        self._exercises_before_restart = max(self._exercises_before_restart, self.player.exercises_done())
        self._away_paused = self._hidden_paused = False
        self._handle(self.player.restart())
        self._sync_timers()
        self._refresh()

    def tick(self) -> None:
        """Re-read the clock now (what the timers call; tests call it after moving a fake clock)."""
        if self.ticker.is_active():
            self.ticker.tick()
        else:
            self._advance()

    def seconds_done(self) -> float:
        """Real seconds played so far, pauses excluded, restarts included."""
        return self._seconds_before_restart + self.player.elapsed_active()

    def exercises_done(self) -> int:
        return max(self._exercises_before_restart, self.player.exercises_done())

    def active_timers(self) -> list[QTimer]:
        """Every QTimer owned by this window that is running (tests: none while hidden/finished)."""
        return [t for t in self.findChildren(QTimer) if t.isActive()]

    def set_stay_on_top(self, on: bool) -> None:
        """Keep the full window above other windows."""
        if bool(self.windowFlags() & Qt.WindowType.WindowStaysOnTopHint) == on:
            return
        visible = self.isVisible()
        self._changing_window = True
        try:
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
            if visible:
                self.show()
        finally:
            self._changing_window = False
        if self.on_top_button.isChecked() != on:
            self.on_top_button.setChecked(on)

    def enter_compact(self) -> None:
        """Swap the full window for the small always-on-top countdown."""
        if self.compact.isVisible():
            return
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 800, 600)
        size = self.compact.size()
        self.compact.move(area.right() - size.width() - 16, area.top() + 16)
        self._changing_window = True
        try:
            self.compact.show()
            self.hide()
        finally:
            self._changing_window = False
        self._sync_timers()
        self._refresh()

    def leave_compact(self) -> None:
        """Bring the full window back."""
        if not self.compact.isVisible():
            return
        self._changing_window = True
        try:
            self.show()
            self.compact.hide()
        finally:
            self._changing_window = False
        self._sync_timers()
        self._refresh()

    def show_about(self) -> None:
        show_about_stretches(self)

    def _on_compact_expand_requested(self) -> None:
        self.leave_compact()

    # ------------------------------------------------------------------ events

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if event.spontaneous() or self._changing_window:
            return
        if self.player.state == READY:
            self._handle(self.player.start())
        elif self._hidden_paused and self.player.state == PAUSED:
            self._hidden_paused = False
            self._handle(self.player.resume())
        self._sync_timers()
        self._refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        # A spontaneous hide is the window manager minimising or unmapping us: keep counting
        # (the cues matter most when the window is out of sight). Ours means "gone": pause.
        if event.spontaneous() or self._changing_window:
            return
        if not self._is_shown() and self.player.state == PLAYING and not self._closing:
            self._handle(self.player.pause())
            self._hidden_paused = self.player.state == PAUSED
        self._sync_timers()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        if not self._reported:
            self._report(completed=False)
        self.ticker.stop()
        self.animation_timer.stop()
        self.voice.stop()
        self.compact.close()
        self.geometry_changed.emit(save_geometry(self))
        event.accept()
        super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_scale()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange:
            self._sync_timers()
        elif event.type() == QEvent.Type.PaletteChange and hasattr(self, "controls"):
            self._set_icons()  # a light/dark theme switch: the icons follow the text colour

    # ------------------------------------------------------------------ timing

    def _is_shown(self) -> bool:
        return self.isVisible() or self.compact.isVisible()

    def _animating(self) -> bool:
        segment = self.player.segments[self.player.index]
        return (self.player.state == PLAYING and segment.kind == SegmentKind.REPS
                and self.isVisible() and not self.isMinimized())

    def _sync_timers(self) -> None:
        """Run the ticker only while playing and shown; the frame timer only while a rep set is seen."""
        deadline = self.player.next_deadline()
        if deadline is None or not self._is_shown() or self._closing:
            self.ticker.stop()
            self.animation_timer.stop()
            return
        if self.ticker.deadline != deadline:
            self.ticker.start(deadline, self._marks(self.player.segments[self.player.index]))
        if self._animating():
            if not self.animation_timer.isActive():
                self._arm_frame_timer()
        else:
            self.animation_timer.stop()

    def _arm_frame_timer(self) -> None:
        """Wake when the figure's next key pose is due (nothing while it rests at an end position)."""
        progress = self.player.progress()
        tempo = progress.segment.tempo_seconds
        if progress.rep_phase is None or not tempo:
            self.animation_timer.stop()
            return
        now = progress.rep_phase + FRAME_SLACK_SECONDS / tempo
        change = self.figure.next_rep_change(now, tempo)
        if change is None:
            self.animation_timer.stop()
            return
        self.animation_timer.start(max(1, math.ceil((change - progress.rep_phase) * tempo * 1000.0)))

    @staticmethod
    def _marks(segment: Segment) -> list[float]:
        """Remaining-time values where the rep counter changes (rep boundaries)."""
        if segment.kind != SegmentKind.REPS or not segment.reps or not segment.tempo_seconds:
            return []
        return [segment.seconds - k * segment.tempo_seconds for k in range(1, segment.reps)]

    def _on_ticker_ticked(self, shown: int, new_second: bool) -> None:
        segment = self.player.segments[self.player.index]
        if wants_tick(segment, shown, new_second, self.player.state):
            self.sound.play("tick")
        if new_second and self.player.state == PLAYING and segment.kind != SegmentKind.REPS:
            spoken = countdown_announcement(segment.seconds, shown)
            if spoken:
                announce(self.compact if self.compact.isVisible() else self.ring, spoken)
        self._refresh()

    def _on_ticker_deadline_reached(self) -> None:
        self._advance()

    def _on_animation_timer_timeout(self) -> None:
        progress = self.player.progress()
        if progress.rep_phase is None or not self._animating():
            return
        self._show_rep_pose(progress)
        self._arm_frame_timer()

    def _show_rep_pose(self, progress: Progress) -> None:
        """The figure's key pose for now (a circle goes round, other reps out and back)."""
        tempo = progress.segment.tempo_seconds
        if progress.rep_phase is None or not tempo:
            return
        self.figure.show_rep_key(progress.rep_phase + FRAME_SLACK_SECONDS / tempo, tempo)

    def _advance(self) -> None:
        """The segment deadline passed: let the core move on, then re-arm."""
        self._handle(self.player.update())
        self._sync_timers()
        self._refresh()

    def _handle(self, events: list[PlayerEvent]) -> None:
        """Play the cues for what the core just did; finish up at the end."""
        started = [e for e in events if e.kind == SEGMENT_STARTED]
        if started and self._is_shown():
            segment = self.player.segments[started[-1].index]
            cues = segment_cues(segment)
            self.sound.play(cues.sound)
            self.voice.say(cues.spoken)
            announce(self, segment_announcement(segment, segment_status(segment)), assertive=cues.assertive)
        if any(e.kind == PLAYER_FINISHED for e in events):
            self.sound.play(FINISHED_SOUND)
            self.voice.say(finished_words())
            self.ticker.stop()
            self.animation_timer.stop()
            if not self._reported:
                self._report(completed=True)
            if self.compact.isVisible():
                self.leave_compact()

    def _report(self, completed: bool) -> None:
        self._reported = True
        if completed:
            # The window stays open on its summary page, but whoever listens may drop it
            # now: hand over the geometry first so the next player opens in the same place.
            self.geometry_changed.emit(save_geometry(self))
        self.routine_finished.emit(self.routine.id, completed, self.seconds_done(), self.exercises_done())

    # ------------------------------------------------------------------ display

    def _refresh(self, full: bool = False) -> None:
        """Redraw from the core's progress snapshot (cheap; called at each tick)."""
        progress = self.player.progress()
        if progress.state == FINISHED:
            self._show_summary(progress)
            return
        if full or progress.index != self._shown_segment:
            self._shown_segment = progress.index
            self._show_segment(progress)
        frame = player_frame(progress, self._away_paused)
        self.progress_label.setText(frame.progress_text)
        self.progress_bar.setValue(round(frame.fraction_done * 1000))
        self.ring.set_state(frame.big, frame.fraction, frame.caption, frame.kind)
        self.compact.set_state(frame.big, frame.compact_label, frame.fraction, frame.kind)
        if self.pause_button.text() != frame.pause_label:
            self.pause_button.setText(frame.pause_label)
            self.pause_button.setAccessibleName(frame.pause_label)
            self._set_pause_icon()
            self.controls.refit()  # "Fortsetzen" is wider than "Pausieren"
        if progress.rep_phase is not None:
            self._show_rep_pose(progress)
            if self._animating():
                # from the pose just shown: a pose change that falls on this tick (each rep's start does,
                # see core/rep_keyframes.py) costs no wakeup of its own; and the figure may just have
                # been given a moving exercise
                self._arm_frame_timer()
        else:
            self.figure.set_motion(frame.motion)

    def _safety_note(self) -> str:
        """The routine's own safety note (floor routines add how to get down and up safely)."""
        note = self.routine.safety_note
        return note.get(self.lang) if self.lang in note.languages else _(SAFETY_LINE)

    def _show_segment(self, progress: Progress) -> None:
        segment = progress.segment
        self.pages.setCurrentIndex(0)
        title = segment.title if not segment.part else f"{segment.title}  ({segment.part})"
        self.title_label.setText(title)
        self.status_label.setText(segment_status(segment))
        lines = [f"• {line}" for line in segment.instructions]
        if segment.note:
            lines.append(segment.note)
        self.instructions_label.setText("\n".join(lines))
        cues = []
        if segment.feel_it:
            cues.append(_("Feel it: {where}").format(where=segment.feel_it))
        if segment.safety:
            cues.append(f"⚠ {segment.safety}")
        self.cue_label.setText("\n".join(cues))
        self.cue_label.setVisible(bool(cues))
        self.cue_label.updateGeometry()
        self.instructions_scroll.refit()
        self.instructions_scroll.verticalScrollBar().setValue(0)
        self.next_label.setText(next_text(segment, progress.next_segment))
        self.figure.set_exercise(segment.pose, segment.illustration, segment.mirrored)
        name_if_changed(self.figure, figure_name(segment))
        describe(self.figure, figure_description(segment))
        for button in (self.back_button, self.skip_button, self.restart_button, self.pause_button):
            button.setEnabled(True)
            button.show()
        self.controls.refit()

    def _show_summary(self, progress: Progress) -> None:
        self._shown_segment = -1
        self.pages.setCurrentIndex(1)
        self.title_label.setText(self.routine.title.get(self.lang))
        self.status_label.setText(finished_words())
        count = progress.exercise_count
        done = self.exercises_done()
        self.summary_label.setText(
            _("Time spent: {time}").format(time=format_duration(self.seconds_done())) + "\n"
            + _("Exercises done: {done} of {count}").format(done=done, count=count) + "\n\n"
            + _("Stand up, walk a few steps, and carry on."))
        self.progress_label.setText(_("Finished"))
        self.progress_bar.setValue(1000)
        self.ring.set_state("✓", 1.0, _("Done"), "finished")
        self.compact.set_state("✓", _("Done"), 1.0, "finished")
        for button in (self.back_button, self.skip_button, self.restart_button, self.pause_button):
            button.setEnabled(False)
            button.hide()
        self.controls.refit()

    def _apply_scale(self, force: bool = False) -> None:
        """Scale the text with the window so it reads from the floor at any size."""
        scale = min(self.width() / MIN_SIZE.width(), self.height() / MIN_SIZE.height())
        scale = round(min(2.6, max(1.0, scale)), 2)
        if not force and abs(scale - self._scale) < 0.05:
            return
        self._scale = scale
        sizes = {
            self.progress_label: (11, False),
            self.title_label: (19, True),
            self.status_label: (16, True),
            self.instructions_label: (12, False),
            self.next_label: (13, False),
            self.summary_label: (20, False),
            self.safety_label: (11, False),
            self.cue_label: (11, False),
        }
        for label, (pixels, bold) in sizes.items():
            font = QFont(self.font())
            font.setPixelSize(round(pixels * scale))
            font.setBold(bold)
            if label is self.safety_label:
                font.setItalic(True)
            label.setFont(font)
        self.instructions_scroll.refit()
