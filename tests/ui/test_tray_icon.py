"""The painted tray icon: sizes, looks, ring fill and contrast on light and dark panels."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from desktop_app.ui.tray_icon import (
    ICON_CACHE_SIZE,
    ICON_SIZES,
    LOOKS,
    PIXEL_RATIOS,
    RING_STEPS,
    IconLook,
    next_ring_change,
    paint_pixmap,
    ring_fraction,
    ring_steps,
    tray_icon,
)


def _image(look: IconLook, size: int = 32, ratio: float = 1.0) -> QImage:
    return paint_pixmap(look, size, ratio).toImage().convertToFormat(QImage.Format.Format_ARGB32)


def _on(background: str, look: IconLook, size: int = 32) -> QImage:
    """The icon composed onto a panel colour, as a tray host would show it."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(QColor(background))
    painter = QPainter(image)
    painter.drawPixmap(0, 0, paint_pixmap(look, size))
    painter.end()
    return image


def _count(image: QImage, predicate: Callable[[QColor], bool]) -> int:
    pixels = (image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width()))
    return sum(1 for color in pixels if predicate(color))


@pytest.mark.parametrize("size", ICON_SIZES)
@pytest.mark.parametrize("ratio", PIXEL_RATIOS)
def test_every_size_is_drawn_at_its_own_pixel_size(qapp: QApplication, size: int, ratio: float) -> None:
    pixmap = paint_pixmap(IconLook("working", 0.5), size, ratio)
    assert pixmap.width() == round(size * ratio)
    assert pixmap.devicePixelRatio() == ratio
    image = pixmap.toImage()
    # the corner is transparent (round icon), the centre is painted
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(pixmap.width() // 2, pixmap.width() // 2).alpha() == 255


def test_icon_offers_every_size_for_normal_and_hidpi_screens(qapp: QApplication) -> None:
    sizes = {s.width() for s in tray_icon(IconLook("due", 1.0)).availableSizes()}
    for size in ICON_SIZES:
        assert size in sizes and size * 2 in sizes


def test_a_day_of_looks_keeps_only_a_few_icons_in_memory(qapp: QApplication) -> None:
    """Every ring step of working, snoozed and paused, and the other looks (what a working day
    shows) must not stay painted: each icon holds 14 pixmaps, and a 128-entry cache kept ~80 of
    them (~24 MB; the soak saw the tray's RSS rise 13.5 MB over the first working hours)."""
    tray_icon.cache_clear()
    looks = [IconLook(look, step / RING_STEPS) for look in ("working", "snoozed", "paused")
             for step in range(RING_STEPS + 1)]
    looks += [IconLook(look, 1.0 if look in ("due", "in_routine") else 0.0)
              for look in LOOKS if look not in ("working", "snoozed", "paused")]
    for look in looks:
        tray_icon(look)
    icon = tray_icon(looks[-1])
    pixel_bytes = sum(size.width() * size.height() * 4 for size in icon.availableSizes())
    kept = tray_icon.cache_info().currsize
    assert kept <= ICON_CACHE_SIZE <= 8
    assert kept * pixel_bytes < 2 * 1024 * 1024, f"{kept} icons of {pixel_bytes} bytes kept"
    # the icon on show is still served without painting it again (the tray and the status window ask)
    assert tray_icon(looks[-1]).cacheKey() == icon.cacheKey()


def test_every_look_is_distinct(qapp: QApplication) -> None:
    images = {look: _image(IconLook.for_status(look, 1800, 3600)) for look in LOOKS if look != "off_hours"}
    names = list(images)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert images[a] != images[b], f"{a} and {b} look the same"


def test_ring_fills_with_sitting_time(qapp: QApplication) -> None:
    green = QColor("#4fc3a1")

    def ring_pixels(fraction: float) -> int:
        image = _image(IconLook("working", fraction), 64)
        return _count(image, lambda c: abs(c.red() - green.red()) < 40 and abs(c.green() - green.green()) < 40
                      and abs(c.blue() - green.blue()) < 40 and c.alpha() > 200)

    quarter, three_quarters, empty = ring_pixels(0.25), ring_pixels(0.75), ring_pixels(0.0)
    assert empty == 0
    assert 0 < quarter < three_quarters
    assert 2.4 < three_quarters / quarter < 3.6  # about three times as much ring


def test_ring_is_quantised_so_the_icon_changes_rarely() -> None:
    interval = 3600.0
    step = interval / RING_STEPS
    a = IconLook.for_status("working", step * 5 + 1, interval)
    b = IconLook.for_status("working", step * 5 + step / 3, interval)
    c = IconLook.for_status("working", step * 6, interval)
    assert a == b
    assert c != a
    assert IconLook.for_status("due", 10, interval).fraction == 1.0
    assert IconLook.for_status("standing", 3000, interval).fraction == 0.0
    assert IconLook.for_status("something-new", 0, interval).look == "working"


@pytest.mark.parametrize("panel", ["#ffffff", "#f0f0f0", "#000000", "#303030"])
@pytest.mark.parametrize("look", ["working", "paused", "away"])
def test_readable_on_light_and_dark_panels(qapp: QApplication, panel: str, look: str) -> None:
    """Plenty of pixels differ clearly from the panel colour, whatever it is."""
    bg = QColor(panel)
    image = _on(panel, IconLook(look, 0.5), 22)
    contrasting = _count(image, lambda c: abs(c.lightness() - bg.lightness()) > 80)
    assert contrasting > 22 * 22 * 0.3


def test_a_status_notifier_host_gets_a_coarse_ring_of_ten_minute_steps() -> None:
    """SNI: each icon change costs the host's full read, so a step lasts at least 10 minutes."""
    assert ring_steps(3600, cached_host=False) == RING_STEPS
    assert ring_steps(3600, cached_host=True) == 6
    assert ring_steps(45 * 60, cached_host=True) == 4
    assert ring_steps(20 * 60, cached_host=True) == 2
    assert ring_steps(15 * 60, cached_host=True) == 1  # only "due" fills it
    assert ring_steps(4 * 3600, cached_host=True) == 8  # eighths at most
    assert ring_steps(0, cached_host=True) == 1


def test_a_coarse_ring_counts_whole_steps_and_is_full_only_at_the_interval() -> None:
    assert ring_fraction(599, 3600, 6) == 0.0
    assert ring_fraction(600, 3600, 6) == pytest.approx(1 / 6)
    assert ring_fraction(3599, 3600, 6) == pytest.approx(5 / 6)
    assert ring_fraction(3600, 3600, 6) == 1.0
    assert next_ring_change(70, 3600, 6) == pytest.approx(530)
    assert next_ring_change(3599, 3600, 6) == pytest.approx(1)
    assert next_ring_change(3600, 3600, 6) is None
    # the fine ring rounds to the nearest step: it changes half a step past each boundary
    assert ring_fraction(74, 3600) == 0.0 and ring_fraction(76, 3600) == pytest.approx(1 / 24)
    assert next_ring_change(20, 3600) == pytest.approx(55)
    assert next_ring_change(3600 - 75, 3600) is None  # already rounded up to full
    assert IconLook.for_status("working", 3599, 3600, 6) == IconLook("working", 5 / 6)
    assert IconLook.for_status("due", 10, 3600, 6) == IconLook("due", 1.0)
