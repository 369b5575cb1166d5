"""The Wayland idle backend without a compositor: protocol choice, the KDE binding, clean failure.

The backend against a real KWin (idled at the threshold, resumed on activity, both protocols) is
tested in tests/wayland/test_kde_session.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop_app.platform.idle import IdleUnavailable
from desktop_app.platform.idle.wayland import EXT_IDLE_NOTIFY, KDE_IDLE, WaylandIdleMonitor, pick_protocol

KDE_IDLE_XML = Path("/usr/share/plasma-wayland-protocols/idle.xml")


def test_ext_idle_notify_is_preferred_and_kde_idle_is_the_fallback() -> None:
    kwin_527 = {"wl_seat": 8, "ext_idle_notifier_v1": 1, "org_kde_kwin_idle": 1}
    assert pick_protocol(kwin_527) == EXT_IDLE_NOTIFY
    assert pick_protocol({"wl_seat": 8, "org_kde_kwin_idle": 1}) == KDE_IDLE  # older KWin
    assert pick_protocol({"wl_seat": 8, "ext_idle_notifier_v1": 2}) == EXT_IDLE_NOTIFY  # wlroots
    assert pick_protocol(kwin_527, (KDE_IDLE,)) == KDE_IDLE
    assert pick_protocol({"wl_seat": 8, "wl_compositor": 6}) is None  # Mutter: neither
    assert pick_protocol({"ext_idle_notifier_v1": 1}) is None  # no seat to watch


def test_no_compositor_is_a_plain_reason_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(IdleUnavailable, match="cannot connect to the Wayland display"):
        WaylandIdleMonitor(str(tmp_path / "no-such-wayland-socket"))


def test_the_kde_idle_binding_matches_the_protocol_xml() -> None:
    """The hand-written binding must send the opcodes and argument order KWin expects."""
    if not KDE_IDLE_XML.exists():
        pytest.skip("plasma-wayland-protocols is not installed (scripts/test installs it)")
    from desktop_app.platform.idle.kde_idle_protocol import OrgKdeKwinIdle, OrgKdeKwinIdleTimeout

    root = ET.parse(KDE_IDLE_XML).getroot()
    for interface in (OrgKdeKwinIdle, OrgKdeKwinIdleTimeout):
        node = root.find(f"interface[@name='{interface.name}']")
        assert node is not None, interface.name
        assert int(node.get("version", "1")) == interface.version
        xml_requests = [(r.get("name"), [a.get("type") for a in r.findall("arg")]) for r in node.findall("request")]
        ours = [(m.name, [a.argument_type.name.lower().replace("newid", "new_id") for a in m.arguments])
                for m in interface.requests]
        assert ours == xml_requests, interface.name
        assert [m.name for m in interface.events] == [e.get("name") for e in node.findall("event")]
