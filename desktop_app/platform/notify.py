"""Desktop notifications that are known to arrive, with the tray balloon as the last resort.

Why not just plyer: on Linux plyer sends through the ``dbus`` Python module or
``notify-send`` and reports nothing when neither works (no session bus, no
notification daemon), so a break prompt could silently go nowhere. Here:

* **Linux/BSD**: first ask the session bus (QtDBus) whether anything owns, or
  can be started for, ``org.freedesktop.Notifications``. If so, call
  ``Notify`` and wait for the notification id it returns, which proves
  delivery and lets a quiet notification carry ``urgency: low``.
  The call itself goes through ``gdbus`` (or ``notify-send``): PySide6 cannot
  marshal the ``uint32`` that ``Notify`` takes (a Python int becomes ``int32``,
  or ``uint16`` through ``QDBusArgument``), and the daemon rejects the call.
* **Windows/macOS**: plyer (toast / Notification Center).
* When none of that delivers, the fallback callable set with
  :meth:`Notifier.set_fallback` (the tray's ``showMessage`` balloon) is used.

``notify()`` returns whether something was delivered, and :attr:`Notifier.last_route`
says how, for ``hipbreak doctor`` and the tests.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a command runs (see _run)
    import subprocess

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"

#: ``fallback(title, body)``; returning False means "not shown", anything else means shown.
Fallback = Callable[[str, str], object]


def _gvariant_string(text: str) -> str:
    """``text`` as a GVariant text-format string literal (for ``gdbus call``)."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    escaped = "".join(ch if ch.isprintable() else f"\\U{ord(ch):08x}" for ch in escaped)
    return f"'{escaped}'"


def _reply_id(output: str) -> int | None:
    """The notification id in gdbus's reply ``(uint32 7,)`` (the digits of "uint32" are not part of it)."""
    word = output.strip().strip("()").split(",")[0].split()[-1:] if output.strip() else []
    return int(word[0]) if word and word[0].isdigit() else None


def _escape_markup(text: str) -> str:
    """``html.escape(text, quote=False)``: the text is ours to show, not markup.

    Written out because ``import html`` also loads ``html.entities``, a table of 2,000 names
    that stayed in the tray app's memory for good (about 0.5 MB; bench/RESULTS.md, "session 3").
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

class Notifier:
    """Sends notifications; see the module docstring for the order of routes."""

    def __init__(self, app_name: str = "HipBreak", app_icon: Path | None = None, timeout_seconds: int = 10,
                 *, environ: Mapping[str, str] | None = None, platform: str = sys.platform,
                 call_timeout: float = 3.0) -> None:
        self.app_name = app_name
        self.app_icon = app_icon
        self.timeout_seconds = timeout_seconds
        self._environ = dict(os.environ if environ is None else environ)
        self._platform = platform
        self._call_timeout = call_timeout
        self._fallback: Fallback | None = None
        self._capabilities: list[str] | None = None
        self._bus_connection: object | None = None
        #: How the last notification went out: "dbus", "notify-send", "plyer", "fallback" or "none".
        self.last_route = "none"
        #: The id the notification daemon gave the last notification (D-Bus routes only).
        self.last_id: int | None = None

    def set_fallback(self, fallback: Fallback | None) -> None:
        """Use ``fallback(title, body)`` when no notification service delivers (the tray balloon)."""
        self._fallback = fallback

    @property
    def uses_freedesktop(self) -> bool:
        return not (self._platform.startswith("win") or self._platform == "darwin")

    # ------------------------------------------------------------------ public

    def notify(self, title: str, body: str, quiet: bool = False) -> bool:
        """Show a notification. ``quiet`` asks for low urgency and no sound. True when delivered."""
        self.last_id = None
        try:
            if self.uses_freedesktop:
                if self._service_available():
                    if self._send_freedesktop(title, body, quiet):
                        return True
                    if not self._has_tool() and self._send_plyer(title, body):
                        return True
            elif self._send_plyer(title, body):
                return True
        except Exception:  # a notification must never take the app down
            log.exception("notify: sending failed")
        return self._send_fallback(title, body)

    def describe(self) -> str:
        """One line for ``hipbreak doctor``: which route would be used now."""
        if not self.uses_freedesktop:
            return "plyer (" + self._platform + "), tray balloon as fallback"
        if not self._bus_address():
            return "no D-Bus session bus: tray balloon only"
        if not self._service_available():
            return "no notification daemon on the session bus: tray balloon only"
        tool = shutil.which("gdbus") or shutil.which("notify-send") or "plyer"
        return f"org.freedesktop.Notifications via {Path(tool).name}, tray balloon as fallback"

    # ------------------------------------------------------------------ freedesktop

    def _bus_address(self) -> str:
        return self._environ.get("DBUS_SESSION_BUS_ADDRESS", "")

    def _connection(self) -> object | None:
        """A QtDBus connection to *this* notifier's session bus (not Qt's process-wide singleton)."""
        if self._bus_connection is not None:
            return self._bus_connection
        address = self._bus_address()
        if not address:
            return None
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return None
        name = f"hipbreak-notify-{id(self):x}"
        connection = QDBusConnection.connectToBus(address, name)
        if not connection.isConnected():
            log.info("notify: cannot connect to the session bus %s", address)
            QDBusConnection.disconnectFromBus(name)
            return None
        self._bus_connection = connection
        return connection

    def _service_available(self) -> bool:
        """True when a notification daemon runs, or can be started by D-Bus activation."""
        connection = self._connection()
        if connection is None:
            # Without QtDBus we cannot look; let the call itself find out.
            return bool(self._bus_address()) and self._qtdbus_missing()
        interface = connection.interface()  # type: ignore[attr-defined]
        if interface is None:
            return False
        reply = interface.isServiceRegistered(SERVICE)
        if reply.isValid() and reply.value():
            return True
        activatable = interface.activatableServiceNames()
        names = activatable.value() if activatable.isValid() else []
        return SERVICE in (names or [])

    @staticmethod
    def _qtdbus_missing() -> bool:
        try:
            import PySide6.QtDBus  # noqa: F401
        except ImportError:
            return True
        return False

    def _capabilities_list(self) -> list[str]:
        if self._capabilities is not None:
            return self._capabilities
        capabilities: list[str] = []
        connection = self._connection()
        if connection is not None:
            from PySide6.QtDBus import QDBus, QDBusMessage

            message = QDBusMessage.createMethodCall(SERVICE, OBJECT_PATH, INTERFACE, "GetCapabilities")
            reply = connection.call(message, QDBus.CallMode.Block, int(self._call_timeout * 1000))  # type: ignore[attr-defined]
            if reply.type() == QDBusMessage.MessageType.ReplyMessage and reply.arguments():
                capabilities = [str(item) for item in reply.arguments()[0]]
        self._capabilities = capabilities
        return capabilities

    def _has_tool(self) -> bool:
        return bool(shutil.which("gdbus") or shutil.which("notify-send"))

    def _send_freedesktop(self, title: str, body: str, quiet: bool) -> bool:
        if "body-markup" in self._capabilities_list():
            body = _escape_markup(body)  # the text is ours to show, not markup
        icon = str(self.app_icon) if self.app_icon else ""
        timeout_ms = int(self.timeout_seconds * 1000)
        env = dict(self._environ)
        gdbus = shutil.which("gdbus")
        if gdbus:
            urgency = 0 if quiet else 1
            sound = ", 'suppress-sound': <true>" if quiet else ""
            hints = f"{{'urgency': <byte {urgency}>, 'desktop-entry': <'hipbreak'>{sound}}}"
            args = [gdbus, "call", "--session", "--dest", SERVICE, "--object-path", OBJECT_PATH,
                    "--method", f"{INTERFACE}.Notify", "--timeout", str(max(1, int(self._call_timeout))),
                    _gvariant_string(self.app_name), "uint32 0", _gvariant_string(icon),
                    _gvariant_string(title), _gvariant_string(body), "@as []", hints, str(timeout_ms)]
            result = self._run(args, env)
            if result is not None and result.returncode == 0:
                self.last_id = _reply_id(result.stdout)
                self.last_route = "dbus"
                return True
            if result is not None:
                log.info("notify: gdbus failed: %s", result.stderr.strip()[:300])
        notify_send = shutil.which("notify-send")
        if notify_send:
            args = [notify_send, "--app-name", self.app_name, "--urgency", "low" if quiet else "normal",
                    "--expire-time", str(timeout_ms), "--print-id"]
            if icon:
                args += ["--icon", icon]
            args += ["--", title, body]
            result = self._run(args, env)
            if result is not None and result.returncode == 0:
                digits = result.stdout.strip()
                self.last_id = int(digits) if digits.isdigit() else None
                self.last_route = "notify-send"
                return True
            if result is not None:
                log.info("notify: notify-send failed: %s", result.stderr.strip()[:300])
        return False

    def notify_with_actions(self, title: str, body: str, actions: Sequence[tuple[str, str]], *,
                            urgency: int = 2, replaces_id: int = 0) -> int | None:
        """A notification with buttons (``(key, label)`` pairs); the server's id, or None when not sent.

        The answer comes back as the server's ``ActionInvoked(id, key)`` signal (see
        ``platform/notification_prompt.py``). Sent only where the server says it has ``actions``;
        urgency 2 (critical) keeps the banner up until the person answers on GNOME and KDE.
        """
        self.last_id = None
        if not self.uses_freedesktop or not self._service_available():
            return None
        if "actions" not in self._capabilities_list():
            log.info("notify: the notification server has no buttons (actions)")
            return None
        gdbus = shutil.which("gdbus")
        if not gdbus:
            return None
        if "body-markup" in self._capabilities_list():
            body = _escape_markup(body)
        flat = ", ".join(_gvariant_string(part) for pair in actions for part in pair)
        hints = f"{{'urgency': <byte {max(0, min(2, urgency))}>, 'desktop-entry': <'hipbreak'>}}"
        args = [gdbus, "call", "--session", "--dest", SERVICE, "--object-path", OBJECT_PATH,
                "--method", f"{INTERFACE}.Notify", "--timeout", str(max(1, int(self._call_timeout))),
                _gvariant_string(self.app_name), f"uint32 {max(0, replaces_id)}",
                _gvariant_string(str(self.app_icon) if self.app_icon else ""), _gvariant_string(title),
                _gvariant_string(body), f"@as [{flat}]", hints, "0"]
        result = self._run(args, dict(self._environ))
        if result is None or result.returncode != 0:
            if result is not None:
                log.info("notify: gdbus failed: %s", result.stderr.strip()[:300])
            return None
        self.last_id = _reply_id(result.stdout)
        self.last_route = "dbus"
        return self.last_id

    def close_notification(self, notification_id: int) -> bool:
        """Take notification ``notification_id`` off the screen (``CloseNotification``)."""
        gdbus = shutil.which("gdbus")
        if not gdbus or notification_id <= 0 or not self._bus_address():
            return False
        args = [gdbus, "call", "--session", "--dest", SERVICE, "--object-path", OBJECT_PATH,
                "--method", f"{INTERFACE}.CloseNotification", "--timeout", str(max(1, int(self._call_timeout))),
                f"uint32 {notification_id}"]
        result = self._run(args, dict(self._environ))
        return result is not None and result.returncode == 0

    def _run(self, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str] | None:
        import subprocess  # here: it also loads locale and selectors, which the idle tray app never needs

        try:
            return subprocess.run(args, env=env, capture_output=True, text=True,
                                  timeout=self._call_timeout + 1, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            log.info("notify: %s failed: %s", Path(args[0]).name, exc)
            return None

    # ------------------------------------------------------------------ plyer / fallback

    def _send_plyer(self, title: str, body: str) -> bool:
        try:
            from plyer import notification
        except ImportError:
            return False
        try:
            notification.notify(title=title, message=body, app_name=self.app_name,
                                app_icon=str(self.app_icon) if self.app_icon else "",
                                timeout=self.timeout_seconds)
        except Exception as exc:  # plyer raises anything from NotImplementedError to OSError
            log.info("notify: plyer failed: %s", exc)
            return False
        self.last_route = "plyer"
        return True

    def _send_fallback(self, title: str, body: str) -> bool:
        if self._fallback is None:
            self.last_route = "none"
            log.info("notify: nothing could show %r", title)
            return False
        try:
            shown = self._fallback(title, body)
        except Exception:
            log.exception("notify: the fallback failed")
            self.last_route = "none"
            return False
        if shown is False:
            self.last_route = "none"
            return False
        self.last_route = "fallback"
        return True

    def close(self) -> None:
        """Drop the private bus connection."""
        if self._bus_connection is not None:
            from PySide6.QtDBus import QDBusConnection

            QDBusConnection.disconnectFromBus(f"hipbreak-notify-{id(self):x}")
            self._bus_connection = None


class NullNotifier(Notifier):
    """Delivers nothing but the fallback (tests, or when notifications are turned off)."""

    def notify(self, title: str, body: str, quiet: bool = False) -> bool:
        return self._send_fallback(title, body)
