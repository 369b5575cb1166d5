"""Screen-reader and contrast helpers shared by every window.

Why this module exists:

* **Names versus descriptions.** Qt gives a label its text as its accessible
  name unless a name is set, and a screen reader reads the name. Setting a
  name such as "Sitting time" over a label that shows "You have been sitting
  for 1 h" makes the reader say the name instead of the words on screen. So a
  label with visible text keeps its text as name (:func:`show_text`), and any
  extra context goes into the *description*, which readers add after it.
* **Announcements.** Someone following a routine from the floor with a screen
  reader needs to hear "Switch sides" when it happens, not when they next move
  the reader's focus. Qt 6.8 added ``QAccessibleAnnouncementEvent``; on Linux
  the AT-SPI bridge turns it into an ``object:announcement`` event, which Orca
  speaks. :func:`announce` sends one (a no-op where no assistive technology
  listens, so it costs nothing for everyone else).
* **Contrast.** Colours picked on a light theme can vanish on a dark or
  high-contrast one. :func:`contrast_ratio` is the WCAG 2.x formula, and
  :func:`readable_colour` nudges a brand colour just enough to keep WCAG AA
  against the background it is actually drawn on.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from desktop_app.core.player import Segment, SegmentKind
from desktop_app.i18n import _, ngettext

try:  # Qt 6.8+; PySide6 6.12 exposes it in QtGui
    from PySide6.QtGui import QAccessibleAnnouncementEvent
except ImportError:  # pragma: no cover - older Qt: fall back to a description change (see announce)
    QAccessibleAnnouncementEvent = None  # type: ignore[assignment,misc]

#: WCAG 2.x AA: normal text needs 4.5:1, large text (18 pt, or 14 pt bold) and
#: graphical parts that carry meaning (the progress ring) need 3:1.
AA_TEXT = 4.5
AA_LARGE_TEXT = 3.0
AA_NON_TEXT = 3.0

#: Segments shorter than this get no "halfway" announcement: it would come too soon after the start.
HALFWAY_MIN_SECONDS = 20
#: The countdown is announced once this many seconds before a timed segment ends.
FINAL_SECONDS = 5


# ----------------------------------------------------------------------------- names and descriptions

def show_text(label: QLabel, description: str = "") -> None:
    """Let ``label`` be read by its visible text, with ``description`` as extra context.

    An empty accessible name makes Qt fall back to the label's text, so the
    screen reader says exactly what a sighted user reads, and follows changes.
    """
    label.setAccessibleName("")
    label.setAccessibleDescription(description)


def describe(widget: QWidget, description: str) -> None:
    """Set the description only when it changed (each change is an AT-SPI event)."""
    if widget.accessibleDescription() != description:
        widget.setAccessibleDescription(description)


def name_if_changed(widget: QWidget, name: str) -> None:
    """Set the accessible name only when it changed (for widgets that have no visible text)."""
    if widget.accessibleName() != name:
        widget.setAccessibleName(name)


# ----------------------------------------------------------------------------- announcements

def announce(widget: QWidget, text: str, *, assertive: bool = False) -> bool:
    """Ask screen readers to speak ``text`` now, on behalf of ``widget``.

    Polite announcements wait for the reader to finish what it is saying;
    ``assertive`` ones interrupt (kept for "switch sides"). Returns False when
    nothing was sent: no text, or no assistive technology is listening, which
    Qt knows without any D-Bus traffic.
    """
    if not text or not QAccessible.isActive():
        return False
    if QAccessibleAnnouncementEvent is None:  # pragma: no cover - Qt < 6.8
        # The nearest real mechanism: a description change is reported as an event that
        # Orca reads for the focused window's children.
        widget.setAccessibleDescription(text)
        return True
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if assertive
                        else QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)
    return True


def countdown_announcement(segment_seconds: float, shown_seconds: int) -> str | None:
    """What to announce when the countdown shows ``shown_seconds`` of a ``segment_seconds`` segment.

    Every second would drown the reader (and the user); so only at the half of a
    segment long enough for a half to matter, and once, five seconds before the end.
    """
    total = round(segment_seconds)
    if shown_seconds <= 0 or shown_seconds >= total:
        return None
    if shown_seconds == FINAL_SECONDS and total > FINAL_SECONDS + 1:
        return seconds_left(FINAL_SECONDS)
    if total >= HALFWAY_MIN_SECONDS and shown_seconds == total // 2:
        return seconds_left(shown_seconds)
    return None


def seconds_left(seconds: int) -> str:
    """"5 seconds left", in the user's language."""
    return ngettext("{n} second left", "{n} seconds left", seconds).format(n=seconds)


# ----------------------------------------------------------------------------- contrast

def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: QColor) -> float:
    """WCAG relative luminance of an opaque colour (0 = black, 1 = white)."""
    return (0.2126 * _channel(colour.redF()) + 0.7152 * _channel(colour.greenF())
            + 0.0722 * _channel(colour.blueF()))


def blend(colour: QColor, background: QColor) -> QColor:
    """The opaque colour a translucent ``colour`` shows as over ``background``."""
    a = colour.alphaF()
    return QColor.fromRgbF(colour.redF() * a + background.redF() * (1 - a),
                           colour.greenF() * a + background.greenF() * (1 - a),
                           colour.blueF() * a + background.blueF() * (1 - a))


def contrast_ratio(foreground: QColor, background: QColor) -> float:
    """WCAG contrast ratio (1..21) of ``foreground`` drawn on ``background``."""
    fg = blend(foreground, background) if foreground.alphaF() < 1.0 else foreground
    high, low = sorted((relative_luminance(fg), relative_luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_dark(palette: QPalette) -> bool:
    """True when the palette's window background is darker than its text (a dark theme)."""
    return (relative_luminance(palette.color(QPalette.ColorRole.Window))
            < relative_luminance(palette.color(QPalette.ColorRole.WindowText)))


def readable_colour(colour: QColor | str, background: QColor, minimum: float = AA_TEXT) -> QColor:
    """``colour``, made just lighter or darker enough to reach ``minimum`` contrast on ``background``.

    The hue stays, so an orange accent is still orange on a dark theme; only
    its lightness moves, towards white on dark backgrounds and black on light ones.
    """
    start = QColor(colour)
    if contrast_ratio(start, background) >= minimum:
        return start
    target = QColor("white") if relative_luminance(background) < 0.18 else QColor("black")
    best = target
    for step in range(1, 21):
        t = step / 20
        mixed = QColor.fromRgbF(start.redF() + (target.redF() - start.redF()) * t,
                                start.greenF() + (target.greenF() - start.greenF()) * t,
                                start.blueF() + (target.blueF() - start.blueF()) * t)
        if contrast_ratio(mixed, background) >= minimum:
            best = mixed
            break
    return best


def muted_text(palette: QPalette) -> QColor:
    """A quieter text colour for hints that still keeps AA contrast on the window background."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    mixed = QColor.fromRgbF((text.redF() * 2 + window.redF()) / 3, (text.greenF() * 2 + window.greenF()) / 3,
                            (text.blueF() * 2 + window.blueF()) / 3)
    return readable_colour(mixed, window, AA_TEXT)


# ----------------------------------------------------------------------------- the routine player

def segment_announcement(segment: Segment, status: str) -> str:
    """What a screen reader says when ``segment`` starts; ``status`` is the line shown under the title.

    It names the change first ("Switch sides", "Get ready: <exercise>") so the
    essential part is heard even if the reader is cut short.
    """
    side = segment.side_label or ""
    if segment.kind == SegmentKind.SWITCH:
        return " ".join(t for t in (_("Switch sides."), side) if t)
    if segment.kind == SegmentKind.PREP:
        text = _("Get ready: {title}.").format(title=segment.title)
        return f"{text} {side}".strip()
    if segment.kind == SegmentKind.REPS and segment.reps:
        return ngettext("{status}. {n} rep.", "{status}. {n} reps.", segment.reps or 0).format(
            status=status, n=segment.reps)
    return ngettext("{status}. {n} second.", "{status}. {n} seconds.", round(segment.seconds)).format(
        status=status, n=round(segment.seconds))


def figure_name(segment: Segment) -> str:
    """The figure's accessible name (it has no visible text): which pose, for which side."""
    if segment.side_label:
        return _("Figure: {title}, {side}").format(title=segment.title, side=segment.side_label)
    return _("Figure: {title}").format(title=segment.title)


def figure_description(segment: Segment) -> str:
    """What the picture shows beyond its name: the step, the mirrored side, and where it should be felt.

    ``feel_it`` comes from the routine file when it has one; routines without
    it (older or user files) point to the instructions instead of inventing a place.
    """
    parts: list[str] = []
    if segment.label:
        parts.append(_("Position: {label}.").format(label=segment.label))
    if segment.side == "right":
        parts.append(_("Drawn mirrored, for the right side."))
    elif segment.side == "left":
        parts.append(_("Drawn for the left side."))
    feel_it = getattr(segment, "feel_it", None)
    if feel_it:
        parts.append(_("Feel it: {where}").format(where=feel_it))
    else:
        parts.append(_("The instructions say what to feel."))
    return " ".join(parts)


def name_as_shown(button: QAbstractButton, description: str) -> None:
    """Name ``button`` by its visible words and put the longer explanation in the description.

    Voice-control users say what they see ("click Refresh"), and WCAG asks that
    the accessible name contain the visible label; readers still speak the
    description after the name.
    """
    button.setAccessibleName(button.text().replace("&", "").rstrip("…").strip())
    button.setAccessibleDescription(description)
