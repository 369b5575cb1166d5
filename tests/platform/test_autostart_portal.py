"""The Flatpak path's Background portal request, sent by the real gdbus over a real private bus.

No xdg-desktop-portal runs here, so dbus-monitor records the call that
HipBreak sends (name, path, interface, argument types and values) and the
missing service must come back as one plain sentence.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from desktop_app.platform.autostart import AutostartError, gdbus_background_request
from tests.support.desktop import dbus_session, need, wait_for


@pytest.mark.parametrize("enable", [True, False])
def test_request_background_call_on_the_bus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enable: bool
) -> None:
    need("gdbus")
    monitor_bin = need("dbus-monitor")
    log = tmp_path / "monitor.txt"
    with dbus_session() as address, log.open("w") as out:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        monitor = subprocess.Popen([monitor_bin, "--address", address], stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: "NameLost" in log.read_text(), what="dbus-monitor to become a monitor")
            with pytest.raises(AutostartError, match="no background portal"):
                gdbus_background_request(enable, ["hipbreak", "it's --x"])
            wait_for(lambda: "RequestBackground" in log.read_text(), what="the portal call")
        finally:
            monitor.terminate()
            monitor.wait(timeout=5)
    text = log.read_text()
    call = text[text.index("member=RequestBackground") :]
    assert "destination=org.freedesktop.portal.Desktop" in text
    assert "path=/org/freedesktop/portal/desktop; interface=org.freedesktop.portal.Background" in text
    lines = [line.strip() for line in call.splitlines()]
    assert lines[1] == 'string ""'  # parent window
    assert 'string "autostart"' in lines
    assert f"variant             boolean {'true' if enable else 'false'}" in lines
    assert 'string "hipbreak"' in lines and 'string "it\'s --x"' in lines
    assert 'string "dbus-activatable"' in lines
