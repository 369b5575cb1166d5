"""Test-wide setup.

Qt aborts the whole run when it cannot reach a display, so offscreen is set
before anything can import Qt. Display and e2e tests start their own Xvfb and
pass DISPLAY to child processes explicitly; in-process widget tests stay offscreen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from desktop_app.crash_guard import immortalize_singletons  # noqa: E402

# PySide6 6.12 on CPython 3.11 drops a reference to None on every void Qt call;
# without this a long test run aborts with "deallocating None" (see crash_guard).
immortalize_singletons()

from tests.support.fakeclock import FakeClock  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock starting Monday 2026-11-23 09:00 UTC."""
    return FakeClock()


@pytest.fixture
def profile_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway HIPBREAK_PROFILE_DIR so no test touches the real user's folders."""
    profile = tmp_path / "profile"
    profile.mkdir()
    monkeypatch.setenv("HIPBREAK_PROFILE_DIR", str(profile))
    return profile
