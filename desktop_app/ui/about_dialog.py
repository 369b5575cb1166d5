"""The "About these stretches" page, opened from the player and from the tray.

It explains, in plain words, why the routines exist and what they can and
cannot do. It is general information, not advice for a person: it makes no
medical claims and points to a professional for anything persistent.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.i18n import _

#: The dialog's object name; ``show_about_stretches`` reuses an open one instead of stacking copies.
OBJECT_NAME = "about_stretches_dialog"


def about_sections() -> list[tuple[str, list[str]]]:
    """The page's content as (heading, paragraphs), translated. Kept as data so tests can read it."""
    return [
        (
            _("Why sitting tightens the front of the hips"),
            [
                _("The hip flexors are the muscles at the front of the hip that lift the knee towards the "
                  "chest. When you sit, they rest in a shortened position for hours at a time."),
                _("Held short day after day, they can come to feel tight when you stand up and stretch out. "
                  "Some people notice it as a pull at the front of the hip, or a lower back that arches "
                  "more than it used to."),
                _("Getting up regularly and gently lengthening these muscles is a simple way to give them "
                  "the opposite position for a while."),
            ],
        ),
        (
            _("A simple self-check you can try"),
            [
                _("Lie on your back on the floor with your legs straight out. Slide one hand, palm down, "
                  "into the gap between the floor and the small of your back."),
                _("If your whole hand slides in easily, with room to spare, your pelvis may be tipped "
                  "forward (an anterior pelvic tilt). Tight hip flexors are one common reason."),
                _("If about half your hand fits, that is typical: the lower back has a small natural curve."),
                _("If there is no room at all, the picture is different, and these stretches are not aimed "
                  "at it."),
                _("This check is only a rough hint. It cannot tell you the cause of anything you feel."),
            ],
        ),
        (
            _("What stretching can and cannot do"),
            [
                _("Stretching usually brings relief for a while: the front of the hips feels looser and "
                  "standing tall is easier."),
                _("Lasting change takes more than that. Strengthening the muscles around the hips and "
                  "the trunk (the glutes and the deep abdominal muscles in particular), and doing it "
                  "consistently over months, is what tends to make a real difference."),
                _("Short, regular breaks count for more than an occasional long session."),
            ],
        ),
        (
            _("Look after yourself"),
            [
                _("Move slowly, breathe normally, and stay within a gentle stretch. A stretch should never "
                  "feel sharp or painful."),
                _("Stop if anything hurts. If pain persists or keeps coming back, or if you have an injury, "
                  "a recent operation or a medical condition, see a physiotherapist or doctor before going "
                  "on. They can look at your situation, which this app cannot."),
            ],
        ),
    ]


def about_html() -> str:
    """The whole page as simple HTML for a QTextBrowser."""
    parts = [f"<h2>{html.escape(_('About these stretches'))}</h2>"]
    for heading, paragraphs in about_sections():
        parts.append(f"<h3>{html.escape(heading)}</h3>")
        parts.extend(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return "\n".join(parts)


class AboutStretchesDialog(QDialog):
    """A plain, non-modal reading window; closing it loses nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setWindowTitle(_("About these stretches"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(about_html())
        self.browser.setAccessibleName(_("About these stretches"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(520, 560)


#: The dialog opened without a parent (from the tray). Held here so Python does not
#: garbage-collect a visible window; cleared when it closes.
_parentless: AboutStretchesDialog | None = None


def show_about_stretches(parent: QWidget | None) -> AboutStretchesDialog:
    """Open the page (or raise the one already open for this parent) and return it."""
    global _parentless
    if parent is not None:
        existing = parent.findChild(AboutStretchesDialog, OBJECT_NAME)
    else:
        existing = _parentless
    if existing is not None and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return existing
    dialog = AboutStretchesDialog(parent)
    if parent is None:
        _parentless = dialog
        dialog.finished.connect(_forget_parentless)
    dialog.show()
    return dialog


def _forget_parentless() -> None:
    global _parentless
    _parentless = None
