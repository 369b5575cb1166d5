"""Small fake D-Bus services for the platform tests, with the real names, paths and signatures.

Run as ``python -m tests.platform.fake_services.run ROLE...`` with
``DBUS_SESSION_BUS_ADDRESS`` pointing at a private bus (tests/support/desktop.py
``dbus_session()``). Roles:

- ``mutter``: org.gnome.Mutter.IdleMonitor at /org/gnome/Mutter/IdleMonitor/Core
  (GetIdletime->t ms, AddIdleWatch(t)->u, AddUserActiveWatch()->u, RemoveWatch(u),
  ResetIdletime(), signal WatchFired(u)); idle watches stay and fire at every idle
  period, user-active watches fire once, as in mutter.
- ``screensaver``: org.freedesktop.ScreenSaver, one object at /ScreenSaver and
  /org/freedesktop/ScreenSaver as kscreenlocker registers it (GetSessionIdleTime->u ms,
  GetActive->b, signal ActiveChanged(b)).
- ``gnome-screensaver``: org.gnome.ScreenSaver at /org/gnome/ScreenSaver (GetActive->b,
  signal ActiveChanged(b)), as gnome-shell exports it.
- ``logind``: org.freedesktop.login1, Manager at /org/freedesktop/login1
  (GetSession(s)->o, GetSessionByPID(u)->o, signal PrepareForSleep(b)) and one session
  at /org/freedesktop/login1/session/_31 (signals Lock(), Unlock()). In reality this is on
  the system bus; the tests point HipBreak's system bus at the private bus.
- ``notifications``: org.freedesktop.Notifications at /org/freedesktop/Notifications
  with the read-only property Inhibited (b) and GetCapabilities()->as.

Control (one command per line on stdin): ``activity``, ``idle_ms N``, ``lock``,
``unlock``, ``gnome_lock``, ``gnome_unlock``, ``session_lock``, ``session_unlock``,
``sleep``, ``wake``, ``inhibit``, ``uninhibit``, ``quit``. Every method call is printed
as ``call <Method> <args>``; ``ready`` is printed once all names are owned.
Uses QtDBus itself (QObject export with a "D-Bus Interface" class info), so no
extra test dependency is needed; KDE's kscreenlocker is also a QtDBus service.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import (
    ClassInfo,
    Property,
    QCoreApplication,
    QObject,
    QSocketNotifier,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtDBus import QDBusConnection, QDBusObjectPath

EXPORT = (QDBusConnection.RegisterOption.ExportAllSlots | QDBusConnection.RegisterOption.ExportAllSignals
          | QDBusConnection.RegisterOption.ExportAllProperties)
SESSION_PATH = "/org/freedesktop/login1/session/_31"


def say(line: str) -> None:
    print(line, flush=True)


class IdleClock:
    """The fake's notion of the last input time, shared by Mutter and ScreenSaver."""

    def __init__(self) -> None:
        self.last_input = time.monotonic()

    def idle_ms(self) -> int:
        return int((time.monotonic() - self.last_input) * 1000)


@ClassInfo({"D-Bus Interface": "org.gnome.Mutter.IdleMonitor"})
class MutterIdleMonitor(QObject):
    WatchFired = Signal("uint")

    def __init__(self, clock: IdleClock) -> None:
        super().__init__()
        self._clock = clock
        self._next_id = 1
        self._idle_watches: dict[int, int] = {}
        self._active_watches: set[int] = set()
        self._timers: dict[int, QTimer] = {}

    @Slot(result="qulonglong")
    def GetIdletime(self) -> int:
        say("call GetIdletime")
        return self._clock.idle_ms()

    @Slot("qulonglong", result="uint")
    def AddIdleWatch(self, interval: int) -> int:
        say(f"call AddIdleWatch {interval}")
        watch = self._new_id()
        self._idle_watches[watch] = int(interval)
        self._schedule(watch)
        return watch

    @Slot(result="uint")
    def AddUserActiveWatch(self) -> int:
        say("call AddUserActiveWatch")
        watch = self._new_id()
        self._active_watches.add(watch)
        return watch

    @Slot("uint")
    def RemoveWatch(self, watch: int) -> None:
        say(f"call RemoveWatch {watch}")
        self._idle_watches.pop(watch, None)
        self._active_watches.discard(watch)
        timer = self._timers.pop(watch, None)
        if timer is not None:
            timer.stop()

    @Slot()
    def ResetIdletime(self) -> None:
        self.activity()

    def activity(self) -> None:
        self._clock.last_input = time.monotonic()
        for watch in sorted(self._active_watches):
            self.WatchFired.emit(watch)
        self._active_watches.clear()
        for watch in self._idle_watches:
            self._schedule(watch)

    def _new_id(self) -> int:
        watch = self._next_id
        self._next_id += 1
        return watch

    def _schedule(self, watch: int) -> None:
        remaining = self._idle_watches[watch] - self._clock.idle_ms()
        timer = self._timers.pop(watch, None)
        if timer is not None:
            timer.stop()
        if remaining < 0:
            return
        timer = QTimer(self)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self.WatchFired.emit(watch))
        timer.start(remaining)
        self._timers[watch] = timer


@ClassInfo({"D-Bus Interface": "org.freedesktop.ScreenSaver"})
class FreedesktopScreenSaver(QObject):
    ActiveChanged = Signal(bool)

    def __init__(self, clock: IdleClock) -> None:
        super().__init__()
        self._clock = clock
        self.active = False

    @Slot(result="uint")
    def GetSessionIdleTime(self) -> int:
        say("call GetSessionIdleTime")
        return self._clock.idle_ms()

    @Slot(result=bool)
    def GetActive(self) -> bool:
        return self.active

    def set_active(self, active: bool) -> None:
        self.active = active
        self.ActiveChanged.emit(active)


@ClassInfo({"D-Bus Interface": "org.gnome.ScreenSaver"})
class GnomeScreenSaver(QObject):
    ActiveChanged = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.active = False

    @Slot(result=bool)
    def GetActive(self) -> bool:
        return self.active

    def set_active(self, active: bool) -> None:
        self.active = active
        self.ActiveChanged.emit(active)


@ClassInfo({"D-Bus Interface": "org.freedesktop.login1.Manager"})
class LogindManager(QObject):
    PrepareForSleep = Signal(bool)

    @Slot(str, result=QDBusObjectPath)
    def GetSession(self, session_id: str) -> QDBusObjectPath:
        say(f"call GetSession {session_id}")
        return QDBusObjectPath(SESSION_PATH)

    @Slot("uint", result=QDBusObjectPath)
    def GetSessionByPID(self, pid: int) -> QDBusObjectPath:
        say(f"call GetSessionByPID {pid}")
        return QDBusObjectPath(SESSION_PATH)


@ClassInfo({"D-Bus Interface": "org.freedesktop.login1.Session"})
class LogindSession(QObject):
    Lock = Signal()
    Unlock = Signal()


@ClassInfo({"D-Bus Interface": "org.freedesktop.Notifications"})
class Notifications(QObject):
    def __init__(self) -> None:
        super().__init__()
        self._inhibited = False

    def _get_inhibited(self) -> bool:
        say("call Get Inhibited")
        return self._inhibited

    Inhibited = Property(bool, _get_inhibited)

    @Slot(result="QStringList")
    def GetCapabilities(self) -> list[str]:
        return ["body"]

    def set_inhibited(self, inhibited: bool) -> None:
        self._inhibited = inhibited


def main(roles: list[str]) -> int:
    app = QCoreApplication(sys.argv[:1])
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        say("error: no session bus")
        return 1
    clock = IdleClock()
    objects: dict[str, QObject] = {}

    def export(path: str, obj: QObject) -> None:
        if not bus.registerObject(path, obj, EXPORT):
            raise SystemExit(f"cannot register {path}")

    def own(name: str) -> None:
        if not bus.registerService(name):
            raise SystemExit(f"cannot own {name}")

    if "mutter" in roles:
        objects["mutter"] = MutterIdleMonitor(clock)
        export("/org/gnome/Mutter/IdleMonitor/Core", objects["mutter"])
        own("org.gnome.Mutter.IdleMonitor")
    if "screensaver" in roles:
        objects["screensaver"] = FreedesktopScreenSaver(clock)
        export("/ScreenSaver", objects["screensaver"])
        export("/org/freedesktop/ScreenSaver", objects["screensaver"])
        own("org.freedesktop.ScreenSaver")
    if "gnome-screensaver" in roles:
        objects["gnome-screensaver"] = GnomeScreenSaver()
        export("/org/gnome/ScreenSaver", objects["gnome-screensaver"])
        own("org.gnome.ScreenSaver")
    if "logind" in roles:
        objects["logind"] = LogindManager()
        objects["session"] = LogindSession()
        export("/org/freedesktop/login1", objects["logind"])
        export(SESSION_PATH, objects["session"])
        own("org.freedesktop.login1")
    if "notifications" in roles:
        objects["notifications"] = Notifications()
        export("/org/freedesktop/Notifications", objects["notifications"])
        own("org.freedesktop.Notifications")

    def command(line: str) -> None:
        words = line.split()
        if not words:
            return
        verb = words[0]
        mutter = objects.get("mutter")
        screensaver = objects.get("screensaver")
        gnome = objects.get("gnome-screensaver")
        manager = objects.get("logind")
        session = objects.get("session")
        notifications = objects.get("notifications")
        if verb == "activity":
            if isinstance(mutter, MutterIdleMonitor):
                mutter.activity()
            else:
                clock.last_input = time.monotonic()
        elif verb == "idle_ms":
            clock.last_input = time.monotonic() - int(words[1]) / 1000
        elif verb in ("lock", "unlock") and isinstance(screensaver, FreedesktopScreenSaver):
            screensaver.set_active(verb == "lock")
        elif verb in ("gnome_lock", "gnome_unlock") and isinstance(gnome, GnomeScreenSaver):
            gnome.set_active(verb == "gnome_lock")
        elif verb == "session_lock" and isinstance(session, LogindSession):
            session.Lock.emit()
        elif verb == "session_unlock" and isinstance(session, LogindSession):
            session.Unlock.emit()
        elif verb in ("sleep", "wake") and isinstance(manager, LogindManager):
            manager.PrepareForSleep.emit(verb == "sleep")
        elif verb in ("inhibit", "uninhibit") and isinstance(notifications, Notifications):
            notifications.set_inhibited(verb == "inhibit")
        elif verb == "quit":
            app.quit()
            return
        else:
            say(f"error: unknown command {line!r}")
            return
        say(f"done {verb}")

    def read_stdin() -> None:
        line = sys.stdin.readline()
        if not line:  # the test closed our stdin: leave the bus
            app.quit()
            return
        command(line.strip())

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(read_stdin)
    say("ready")
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
