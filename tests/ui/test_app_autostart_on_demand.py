"""The app hands the service a start-at-login port that imports ``platform.autostart`` only when asked."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from desktop_app.app import AutostartOnDemand


def test_each_call_goes_to_the_platform_module(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.platform import autostart

    calls: list[str] = []
    def answer(name: str, value: bool) -> Any:
        def call() -> bool:
            calls.append(name)
            return value
        return call

    monkeypatch.setattr(autostart, "supported", answer("supported", True))
    monkeypatch.setattr(autostart, "is_enabled", answer("is_enabled", False))
    monkeypatch.setattr(autostart, "enable", lambda: calls.append("enable"))

    def refuse() -> Any:
        raise autostart.AutostartError("The autostart folder is not writable.")

    monkeypatch.setattr(autostart, "disable", refuse)
    port = AutostartOnDemand()
    assert port.supported() is True
    assert port.is_enabled() is False
    port.enable()
    with pytest.raises(autostart.AutostartError, match="not writable"):  # the plain sentence reaches the window
        port.disable()
    assert calls == ["supported", "is_enabled", "enable"]


def test_building_the_port_imports_nothing() -> None:
    code = ("import sys; from desktop_app.app import AutostartOnDemand; AutostartOnDemand(); "
            "print(any(m.startswith('desktop_app.platform.autostart') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", out.stderr
