"""A do-not-disturb query that times out is a failed query (no crash), and the sources import
``subprocess`` only when a query runs."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from desktop_app.platform.dnd import GnomeShowBannersSource, MicrophoneSource


def _times_out(args: list[str]) -> subprocess.CompletedProcess[str]:
    raise subprocess.TimeoutExpired(args, 2.0)


@pytest.mark.skipif(shutil.which("pactl") is None, reason="pactl (pulseaudio-utils) is not installed")
def test_a_pactl_timeout_is_a_failed_query() -> None:
    source = MicrophoneSource(run=_times_out)
    assert source.check() is None  # no reason to hold a prompt
    problem = source.problem()
    assert problem is not None and problem.startswith("pactl failed:") and "timed out" in problem


@pytest.mark.skipif(shutil.which("gsettings") is None, reason="gsettings is not installed")
def test_a_gsettings_timeout_is_a_failed_query() -> None:
    source = GnomeShowBannersSource(run=_times_out)
    assert source.check() is None
    problem = source.problem()
    assert problem is not None and problem.startswith("gsettings failed:")


def test_the_tray_modules_do_not_import_subprocess_or_locale() -> None:
    """subprocess (with locale and selectors) stayed in the idle app for good: ~0.8 MB."""
    code = ("import sys; import desktop_app.platform.dnd, desktop_app.platform.notify, desktop_app.i18n; "
            "print(sorted(m for m in ('subprocess', 'locale', 'selectors') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]", out.stderr
