"""On X11 both tray protocols exist; answer for the one Qt uses (SNI while a watcher is on the bus)."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.i18n import _
from desktop_app.platform.tray_host import TrayHostWatch
from desktop_app.platform.tray_host.sni import SniTrayHostWatch


class QtOrderTrayHostWatch(TrayHostWatch):
    """SNI when a StatusNotifierWatcher is there (Qt 6 then uses SNI), XEmbed otherwise."""

    name = "sni+xembed"

    def __init__(self, sni: SniTrayHostWatch, xembed: TrayHostWatch) -> None:
        self._sni = sni
        self._xembed = xembed
        self.description = _("{sni}; while no watcher is on the bus: {xembed}").format(
            sni=sni.description, xembed=xembed.description)

    def available(self) -> bool | None:
        if self._sni.watcher_present():
            return self._sni.available()
        return self._xembed.available()

    def start(self, on_change: Callable[[], None]) -> None:
        self._sni.start(on_change)
        self._xembed.start(on_change)

    def close(self) -> None:
        self._sni.close()
        self._xembed.close()
