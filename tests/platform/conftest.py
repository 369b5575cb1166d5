"""Fixtures for the platform tests: a private D-Bus bus and a QtDBus connection to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.desktop import dbus_session


@pytest.fixture
def private_bus() -> Iterator[str]:
    """The address of a fresh private bus (a real dbus-daemon), gone after the test."""
    with dbus_session() as address:
        yield address


@pytest.fixture
def bus(qapp: object, private_bus: str) -> Iterator[object]:
    """A QDBusConnection to ``private_bus``, for HipBreak's side of the conversation."""
    from PySide6.QtDBus import QDBusConnection

    from desktop_app.platform.idle.dbus_support import connect_to_address

    connection = connect_to_address(private_bus)
    assert connection.isConnected()
    yield connection
    QDBusConnection.disconnectFromBus(connection.name())
