"""Is anybody drawing our tray icon right now? Watched, so HipBreak is never invisible.

Why: a tray app whose tray host goes away (plasmashell crashes, a panel
restarts without a tray, GNOME's AppIndicator extension is switched off)
keeps running with an icon nobody draws. Qt does not notice: in
StatusNotifierItem mode it only checks that a *watcher* is on the bus, and on
KDE the watcher lives in kded5 and keeps saying "a host is registered" after
plasmashell died. So the views ask a :class:`TrayHostWatch` and show the
status window when the host is gone, and go back to the tray when one returns.

One backend per tray protocol, chosen the way Qt chooses its protocol:

- ``sni``: StatusNotifierItem (KDE, Xfce, GNOME with AppIndicator, every
  Wayland desktop). Watches the watcher's bus name *and* the hosts' own names
  (``org.kde.StatusNotifierHost-<pid>``) with D-Bus NameOwnerChanged signals.
- ``xembed``: the X11 system tray manager selection ``_NET_SYSTEM_TRAY_S<n>``;
  X events (the manager's MANAGER broadcast, the owner window's DestroyNotify)
  arrive on our own X connection, read through a socket notifier.
- ``none``: cannot tell; the views then fall back to Qt's own check, polled
  slowly and only while the status window is shown.

Everything is pushed; nothing here polls, so an app sitting in the tray gets
no extra wakeups.

Threading contract: every method is called on the Qt main thread, and
``on_change`` is always invoked on the Qt main thread from the Qt event loop
(a D-Bus signal slot or a socket notifier), never from a helper thread and
never from inside ``start``. ``on_change`` means "availability may have
changed": the receiver reads :meth:`TrayHostWatch.available` again (several
changes may arrive in a burst, e.g. while a panel restarts).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable

log = logging.getLogger(__name__)


class TrayHostWatch(ABC):
    """Tells whether a tray host is there now, and calls back when that may have changed."""

    #: Short backend id: sni, xembed or none.
    name: str = ""
    #: One plain line for ``hipbreak doctor``.
    description: str = ""

    @abstractmethod
    def available(self) -> bool | None:
        """True: a host draws tray icons now; False: none does; None: this backend cannot tell."""

    def start(self, on_change: Callable[[], None]) -> None:  # noqa: B027 (the Null backend has nothing to watch)
        """Call ``on_change()`` whenever availability may have changed (see the threading contract)."""

    def close(self) -> None:  # noqa: B027
        """Stop watching and release connections."""


class NullTrayHostWatch(TrayHostWatch):
    """No way to watch here (no D-Bus session, no X display): the views poll Qt's check instead."""

    name = "none"

    def __init__(self, reason: str) -> None:
        self.description = reason

    def available(self) -> bool | None:
        return None


def select_tray_host_watch(qt_platform: str, display: str | None) -> TrayHostWatch:
    """The watch that matches the tray protocol Qt will use on ``qt_platform`` ("xcb", "wayland", ...).

    Qt 6 uses a StatusNotifierItem whenever a watcher is on the session bus, and
    XEmbed otherwise (xcb only); so on xcb both are watched and the SNI answer wins
    while a watcher is there. Never raises: a backend that cannot start is left out.
    """
    from desktop_app.i18n import _
    from desktop_app.platform.tray_host.sni import SniTrayHostWatch

    sni: SniTrayHostWatch | None = None
    xembed: TrayHostWatch | None = None
    problems: list[str] = []
    try:
        sni = SniTrayHostWatch()
    except Exception as exc:  # no session bus: nothing to watch there
        problems.append(f"sni: {exc}")
    if qt_platform == "xcb":
        try:
            from desktop_app.platform.tray_host.xembed import XEmbedTrayHostWatch

            xembed = XEmbedTrayHostWatch(display)
        except Exception as exc:
            problems.append(f"xembed: {exc}")
    if sni is not None and xembed is not None:
        from desktop_app.platform.tray_host.combined import QtOrderTrayHostWatch

        return QtOrderTrayHostWatch(sni, xembed)
    if sni is not None:
        return sni
    if xembed is not None:
        return xembed
    return NullTrayHostWatch(_("the tray host cannot be watched here ({problems})").format(
        problems="; ".join(problems) or qt_platform))
