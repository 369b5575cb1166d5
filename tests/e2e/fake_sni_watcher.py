"""A small org.kde.StatusNotifierWatcher on a private session bus, for the SNI tray tests.

Why a fake: the real watchers live inside big desktop shells (plasmashell,
xfce4-panel, the GNOME AppIndicator extension). Qt 6 only needs one thing to
switch its tray to StatusNotifierItem mode: at start, a watcher on the session
bus whose ``IsStatusNotifierHostRegistered`` property is true. This fake
implements the watcher interface as the freedesktop/KDE specification
describes it, with the real names, path and signatures:

- service ``org.kde.StatusNotifierWatcher``, object ``/StatusNotifierWatcher``,
  interface ``org.kde.StatusNotifierWatcher``;
- methods ``RegisterStatusNotifierItem(s)`` and ``RegisterStatusNotifierHost(s)``;
- properties ``RegisteredStatusNotifierItems`` (as), ``IsStatusNotifierHostRegistered`` (b),
  ``ProtocolVersion`` (i);
- signals ``StatusNotifierItemRegistered(s)``, ``StatusNotifierItemUnregistered(s)``,
  ``StatusNotifierHostRegistered()``, ``StatusNotifierHostUnregistered()``.

An item registers with its bus name (Qt sends ``org.kde.StatusNotifierItem-PID-N``).
Some libraries send an object path instead, which a real watcher combines with
the caller's unique name; PySide's QtDBus does not tell a Python slot who
called, so this fake keeps such a path as it came (Qt never sends one). Items
whose bus name leaves the bus are dropped again, as a real watcher does. By
default the fake also counts itself as a host (it stands in for the panel that
draws the icons); ``--no-host`` leaves the host list empty.

Run as ``python -m tests.e2e.fake_sni_watcher [--no-host]`` with
``DBUS_SESSION_BUS_ADDRESS`` set. Output lines: ``ready``, ``registered <item>``,
``unregistered <item>``, ``host <service>``, ``error: ...``. Stdin: ``quit``.
Uses QtDBus (a QObject exported with a "D-Bus Interface" class info), so no
extra test dependency is needed. :class:`WatcherProcess` runs it for a test.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"


def say(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str]) -> int:
    """Own the watcher name and serve it until ``quit`` on stdin (or stdin closes)."""
    from PySide6.QtCore import ClassInfo, Property, QCoreApplication, QObject, QSocketNotifier, Signal, Slot
    from PySide6.QtDBus import QDBusConnection, QDBusServiceWatcher

    class_info: Any = ClassInfo  # PySide's stub types ClassInfo as neither callable nor taking str values

    @class_info(**{"D-Bus Interface": SERVICE})
    class StatusNotifierWatcher(QObject):
        StatusNotifierItemRegistered = Signal(str)
        StatusNotifierItemUnregistered = Signal(str)
        StatusNotifierHostRegistered = Signal()
        StatusNotifierHostUnregistered = Signal()

        def __init__(self, bus: QDBusConnection, self_host: bool) -> None:
            super().__init__()
            self.items: list[str] = []
            self.hosts: list[str] = ["(this fake)"] if self_host else []
            self._owners = QDBusServiceWatcher(self)
            self._owners.setConnection(bus)
            self._owners.setWatchMode(QDBusServiceWatcher.WatchModeFlag.WatchForUnregistration)
            # a lambda, not a bound method: a connected method would be exported as a D-Bus method too
            self._owners.serviceUnregistered.connect(lambda name: self.forget(name))

        @Slot(str)
        def RegisterStatusNotifierItem(self, service: str) -> None:
            if service not in self.items:
                self.items.append(service)
                if not service.startswith("/"):
                    self._owners.addWatchedService(service)
                say(f"registered {service}")
                self.StatusNotifierItemRegistered.emit(service)

        @Slot(str)
        def RegisterStatusNotifierHost(self, service: str) -> None:
            if service not in self.hosts:
                self.hosts.append(service)
                self._owners.addWatchedService(service)
                say(f"host {service}")
                self.StatusNotifierHostRegistered.emit()

        def forget(self, name: str) -> None:
            """``name`` left the bus: drop its item or host, as a real watcher does."""
            if name in self.items:
                self.items.remove(name)
                say(f"unregistered {name}")
                self.StatusNotifierItemUnregistered.emit(name)
            if name in self.hosts:
                self.hosts.remove(name)
                self.StatusNotifierHostUnregistered.emit()

        def _get_items(self) -> list[str]:
            return list(self.items)

        def _get_host_registered(self) -> bool:
            return bool(self.hosts)

        def _get_protocol_version(self) -> int:
            return 0

        # "as" on the bus needs the C++ type name; the stub only allows Python types
        RegisteredStatusNotifierItems = Property("QStringList", _get_items)  # type: ignore[arg-type]
        IsStatusNotifierHostRegistered = Property(bool, _get_host_registered)
        ProtocolVersion = Property(int, _get_protocol_version)

    app = QCoreApplication(sys.argv[:1])
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        say("error: no session bus")
        return 1
    watcher = StatusNotifierWatcher(bus, self_host="--no-host" not in argv)
    options = (QDBusConnection.RegisterOption.ExportAllSlots | QDBusConnection.RegisterOption.ExportAllSignals
               | QDBusConnection.RegisterOption.ExportAllProperties)
    if not bus.registerObject(PATH, watcher, options):
        say(f"error: cannot register {PATH}")
        return 1
    if not bus.registerService(SERVICE):
        say(f"error: cannot own {SERVICE}")
        return 1

    def read_stdin() -> None:
        line = sys.stdin.readline()
        if not line or line.strip() == "quit":
            app.quit()
        elif line.strip():
            say(f"error: unknown command {line.strip()!r}")

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(read_stdin)
    say("ready")
    return app.exec()


class WatcherProcess:
    """The fake watcher in a child process (a QtDBus service must not share a thread with blocking calls)."""

    def __init__(self, address: str, host: bool = True, log_path: Path | None = None) -> None:
        env = dict(os.environ)
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        env["QT_QPA_PLATFORM"] = "offscreen"
        args = [sys.executable, "-m", "tests.e2e.fake_sni_watcher"] + ([] if host else ["--no-host"])
        self.lines: list[str] = []
        self._log = log_path
        self._queue: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_line("ready")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.rstrip("\n")
            self.lines.append(line)
            self._queue.put(line)
            if self._log is not None:
                with open(self._log, "a", encoding="utf-8") as out:
                    out.write(line + "\n")

    def wait_line(self, prefix: str, timeout: float = 20.0) -> str:
        """The next output line starting with ``prefix`` (earlier lines are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the fake watcher never printed {prefix!r}; output: {self.lines[-20:]}")
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line.startswith("error"):
                raise AssertionError(f"fake watcher: {line}")
            if line.startswith(prefix):
                return line

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=10)
            except (BrokenPipeError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
