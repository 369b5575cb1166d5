# Python binding of KDE's org_kde_kwin_idle protocol (idle.xml from plasma-wayland-protocols),
# written in the shape pywayland's scanner produces (pywayland ships ext-idle-notify-v1 but not
# this one, and its scanner needs wayland.xml from libwayland-dev, which users do not have).
# tests/platform/test_wayland_idle.py checks it against /usr/share/plasma-wayland-protocols/idle.xml.
#
# Protocol copyright: SPDX-FileCopyrightText: 2015 Martin Gräßlin
#                     SPDX-License-Identifier: LGPL-2.1-or-later
# mypy: ignore-errors
"""KWin's older idle protocol, the fallback where ``ext_idle_notifier_v1`` is not offered (KWin < 5.27)."""

from __future__ import annotations

from pywayland.protocol.wayland import WlSeat
from pywayland.protocol_core import Argument, ArgumentType, Global, Interface, Proxy, Resource


class OrgKdeKwinIdleTimeout(Interface):
    """One idle timer: ``idle`` after the timeout without input, ``resumed`` at the next input."""

    name = "org_kde_kwin_idle_timeout"
    version = 1


class OrgKdeKwinIdle(Interface):
    """The manager: creates idle timers on a seat."""

    name = "org_kde_kwin_idle"
    version = 1


class OrgKdeKwinIdleTimeoutProxy(Proxy[OrgKdeKwinIdleTimeout]):
    interface = OrgKdeKwinIdleTimeout

    @OrgKdeKwinIdleTimeout.request()
    def release(self) -> None:
        """Release the timeout object (destructor)."""
        self._marshal(0)
        self._destroy()

    @OrgKdeKwinIdleTimeout.request()
    def simulate_user_activity(self) -> None:
        """Behaves like real user activity on the seat."""
        self._marshal(1)


class OrgKdeKwinIdleTimeoutResource(Resource[OrgKdeKwinIdleTimeout]):
    interface = OrgKdeKwinIdleTimeout

    @OrgKdeKwinIdleTimeout.event()
    def idle(self) -> None:
        """No user activity for the requested interval."""
        self._post_event(0)

    @OrgKdeKwinIdleTimeout.event()
    def resumed(self) -> None:
        """The first user activity after an ``idle`` event."""
        self._post_event(1)


class OrgKdeKwinIdleTimeoutGlobal(Global[OrgKdeKwinIdleTimeout]):
    interface = OrgKdeKwinIdleTimeout


class OrgKdeKwinIdleProxy(Proxy[OrgKdeKwinIdle]):
    interface = OrgKdeKwinIdle

    @OrgKdeKwinIdle.request(
        Argument(ArgumentType.NewId, interface=OrgKdeKwinIdleTimeout),
        Argument(ArgumentType.Object, interface=WlSeat),
        Argument(ArgumentType.Uint),
    )
    def get_idle_timeout(self, seat, timeout: int) -> OrgKdeKwinIdleTimeoutProxy:
        """A timer that fires after ``timeout`` ms without input on ``seat``."""
        return self._marshal_constructor(0, OrgKdeKwinIdleTimeout, seat, timeout)


class OrgKdeKwinIdleResource(Resource[OrgKdeKwinIdle]):
    interface = OrgKdeKwinIdle


class OrgKdeKwinIdleGlobal(Global[OrgKdeKwinIdle]):
    interface = OrgKdeKwinIdle


OrgKdeKwinIdleTimeout._gen_c()
OrgKdeKwinIdleTimeout.proxy_class = OrgKdeKwinIdleTimeoutProxy
OrgKdeKwinIdleTimeout.resource_class = OrgKdeKwinIdleTimeoutResource
OrgKdeKwinIdleTimeout.global_class = OrgKdeKwinIdleTimeoutGlobal

OrgKdeKwinIdle._gen_c()
OrgKdeKwinIdle.proxy_class = OrgKdeKwinIdleProxy
OrgKdeKwinIdle.resource_class = OrgKdeKwinIdleResource
OrgKdeKwinIdle.global_class = OrgKdeKwinIdleGlobal
