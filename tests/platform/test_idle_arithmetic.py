"""The pure arithmetic around the system calls that can't run here (Windows, macOS) and unit checks."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.platform.idle import IdleUnavailable
from desktop_app.platform.idle.freedesktop import milliseconds_to_seconds
from desktop_app.platform.idle.macos import seconds_from_cg, seconds_from_hid_nanoseconds
from desktop_app.platform.idle.windows import TICK_MODULUS, idle_milliseconds

DAY_MS = 86_400_000


def test_plain_subtraction_without_wrap() -> None:
    assert idle_milliseconds(10_000, 4_000) == 6_000
    assert idle_milliseconds(4_000, 4_000) == 0


def test_tick_counter_wrap_after_49_7_days() -> None:
    # Last input 1 s before the 32-bit counter wraps, "now" 2 s after it.
    assert idle_milliseconds(2_000, TICK_MODULUS - 1_000) == 3_000
    assert round(TICK_MODULUS / DAY_MS, 2) == 49.71


@given(st.integers(0, TICK_MODULUS - 1), st.integers(0, TICK_MODULUS - 1))
def test_idle_is_the_forward_distance_on_the_32_bit_circle(last: int, idle: int) -> None:
    now = (last + idle) % TICK_MODULUS
    assert idle_milliseconds(now, last) == idle


def test_macos_conversions() -> None:
    assert seconds_from_cg(12.25) == 12.25
    assert seconds_from_hid_nanoseconds(1_500_000_000) == 1.5
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(IdleUnavailable):
            seconds_from_cg(bad)
    with pytest.raises(IdleUnavailable):
        seconds_from_hid_nanoseconds(-5)


def test_freedesktop_milliseconds() -> None:
    assert milliseconds_to_seconds(125_000) == 125.0
    for bad in (-1, True, "12", None):
        with pytest.raises(IdleUnavailable):
            milliseconds_to_seconds(bad)
