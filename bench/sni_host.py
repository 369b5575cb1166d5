#!/usr/bin/env python3
"""A StatusNotifierItem host that reads an item the way plasmashell does, for bench/wakeups.py --sni.

Plasma's system tray (plasma-workspace, ``StatusNotifierItemSource``) caches an item's
properties and reads them again with one ``org.freedesktop.DBus.Properties.GetAll``
whenever the item sends ``NewTitle``, ``NewIcon``, ``NewAttentionIcon``,
``NewOverlayIcon`` or ``NewToolTip`` (10 ms later, coalesced); hovering the icon
reads nothing. So an item pays for every change signal twice: sending it and
serving the GetAll (the icon pixmaps included). The fake watcher of the tests
does not read items; this host does, so the bench counts what a real panel costs.

    python bench/sni_host.py SERVICE      # with DBUS_SESSION_BUS_ADDRESS set

Prints ``ready``, then ``getall <n> ok|error ...`` after each read. Stdin: ``quit``.
"""

from __future__ import annotations

import sys

ITEM_PATH = "/StatusNotifierItem"
ITEM_IFACE = "org.kde.StatusNotifierItem"
CHANGE_SIGNALS = ("NewTitle", "NewIcon", "NewAttentionIcon", "NewOverlayIcon", "NewToolTip")


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer, Slot
    from PySide6.QtDBus import QDBusConnection, QDBusMessage

    service = argv[0]
    app = QCoreApplication(sys.argv[:1])
    bus = QDBusConnection.sessionBus()

    class Host(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.reads = 0
            self._later = QTimer(self)
            self._later.setSingleShot(True)
            self._later.setInterval(10)  # as plasmashell: coalesce a burst of signals into one read
            self._later.timeout.connect(lambda: self.read())

        @Slot()
        def changed(self) -> None:
            if not self._later.isActive():
                self._later.start()

        def read(self) -> None:
            call = QDBusMessage.createMethodCall(service, ITEM_PATH, "org.freedesktop.DBus.Properties", "GetAll")
            call.setArguments([ITEM_IFACE])
            reply = bus.call(call)
            self.reads += 1
            if reply.type() == QDBusMessage.MessageType.ErrorMessage:
                print(f"getall {self.reads} error {reply.errorName()}: {reply.errorMessage()}", flush=True)
            else:
                print(f"getall {self.reads} ok {reply.signature()}", flush=True)

    host = Host()
    for name in CHANGE_SIGNALS:
        # the stub wants bytes for the slot; PySide takes the usual str signature ("1" = slot)
        if not bus.connect(service, ITEM_PATH, ITEM_IFACE, name, host, "1changed()"):  # type: ignore[call-overload]
            print(f"error: cannot watch {name}", flush=True)
    host.read()

    def read_stdin() -> None:
        line = sys.stdin.readline()
        if not line or line.strip() == "quit":
            app.quit()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(read_stdin)
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
