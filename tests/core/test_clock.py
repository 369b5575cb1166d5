"""SystemClock and ScaledClock (the --demo clock)."""

from __future__ import annotations

import sys

import pytest

from desktop_app.core.clock import ScaledClock, SystemClock
from tests.support.fakeclock import FakeClock


def test_system_clock_readings_never_go_backwards() -> None:
    clock = SystemClock()
    mono = [clock.monotonic() for _ in range(2000)]
    boot = [clock.boottime() for _ in range(2000)]
    assert mono == sorted(mono)
    assert boot == sorted(boot)


def test_system_clock_boottime_keeps_pace_with_monotonic_while_awake() -> None:
    clock = SystemClock()
    mono0, boot0 = clock.monotonic(), clock.boottime()
    for _ in range(10000):
        clock.monotonic()
    gap = (clock.boottime() - boot0) - (clock.monotonic() - mono0)
    assert abs(gap) < 30, "an awake machine must never look like it slept"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CLOCK_BOOTTIME is Linux-only")
def test_linux_has_a_real_suspend_aware_clock() -> None:
    assert SystemClock.has_boottime


def test_system_clock_now_is_aware_local_time_matching_time() -> None:
    clock = SystemClock()
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() is not None
    assert abs(now.timestamp() - clock.time()) < 5


def test_scaled_clock_runs_factor_times_faster() -> None:
    base = FakeClock()
    fast = ScaledClock(base, 60)
    mono, boot, wall = fast.monotonic(), fast.boottime(), fast.time()
    assert (mono, boot, wall) == (base.monotonic(), base.boottime(), base.time())  # starts at "now"
    base.advance(2)
    assert fast.monotonic() == pytest.approx(mono + 120)
    assert fast.boottime() == pytest.approx(boot + 120)
    assert fast.time() == pytest.approx(wall + 120)
    assert fast.now().timestamp() == pytest.approx(fast.time())
    assert fast.now().tzinfo is not None


def test_scaled_clock_scales_a_suspend_too() -> None:
    base = FakeClock()
    fast = ScaledClock(base, 10)
    mono, boot = fast.monotonic(), fast.boottime()
    base.suspend(30)
    assert fast.monotonic() == mono
    assert fast.boottime() == pytest.approx(boot + 300)


def test_scaled_clock_converts_back_to_real_seconds() -> None:
    fast = ScaledClock(FakeClock(), 60)
    assert fast.to_real_seconds(3600) == 60
    assert fast.factor == 60


@pytest.mark.parametrize("factor", [0, -1])
def test_scaled_clock_refuses_a_factor_that_is_not_positive(factor: float) -> None:
    with pytest.raises(ValueError, match="factor must be positive"):
        ScaledClock(FakeClock(), factor)
