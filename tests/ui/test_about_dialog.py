"""The "About these stretches" page: it covers what the issue asks, in careful words."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop_app.ui.about_dialog import AboutStretchesDialog, about_html, about_sections, show_about_stretches


def page_text() -> str:
    return " ".join(h + " " + " ".join(ps) for h, ps in about_sections()).lower()


def test_page_covers_every_topic() -> None:
    text = page_text()
    assert "hip flexors" in text and "sit" in text  # why sitting tightens them
    assert "lie on your back" in text and "hand" in text  # the self-check
    assert "whole hand" in text and "anterior pelvic tilt" in text
    assert "half your hand" in text and "typical" in text
    assert "no room" in text
    assert "relief" in text and "strengthening" in text and "months" in text
    assert "physiotherapist" in text or "professional" in text


def test_page_makes_no_medical_claims() -> None:
    text = page_text()
    for word in ("cure", "heal", "diagnos", "treat", "guarantee", "fixes", "will correct"):
        assert word not in text, word


def test_html_escapes_text() -> None:
    html = about_html()
    assert "<h2>" in html and html.count("<h3>") == len(about_sections())
    assert "(an anterior pelvic tilt)" in html


def test_show_reuses_the_open_page(qtbot: object) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)  # type: ignore[attr-defined]
    first = show_about_stretches(parent)
    second = show_about_stretches(parent)
    assert first is second
    assert isinstance(first, AboutStretchesDialog)
    assert first.isVisible()
    assert "Lie on your back" in first.browser.toPlainText()
    first.close()


def test_parentless_page_stays_alive_and_is_reused(qtbot: object) -> None:
    first = show_about_stretches(None)
    assert show_about_stretches(None) is first
    first.close()
    third = show_about_stretches(None)
    assert third is not first
    assert third.isVisible()
    third.close()
