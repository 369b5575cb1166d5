"""QApplication set-up for a tray app, a clean exit on SIGTERM/SIGINT, and no hidden wakeups.

Why a wakeup fd rather than the usual "QTimer every 500 ms so Python can see
signals": that timer would wake an app sitting in the tray 120 times a
minute. Python writes the signal number into a socket instead, and a
QSocketNotifier wakes Qt only when that happens.

Why :func:`trim_pixmap_cache_soon`: Qt puts every icon it draws (the tray
icon included) into ``QPixmapCache``, and while that cache holds anything a
private timer in it (``QPMCache``) fires every 10-30 s to age entries out.
``bench/wakeups.py`` found it to be the only wakeup source left in an idle
tray app (about 3 a minute). Emptying the cache when no window is open stops
that timer; windows that are open keep their cache.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QSocketNotifier, Qt, QTranslator
from PySide6.QtGui import QGuiApplication, QPixmapCache
from PySide6.QtWidgets import QApplication

from desktop_app import __version__, i18n, lean_pyside
from desktop_app.ui.tray_icon import IconLook, tray_icon

log = logging.getLogger(__name__)


lean_pyside.install()  # when no one did before (cli does, before the first PySide6 import)


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (or the existing one), set up for an app that lives in the tray.

    The Qt platform (``QT_QPA_PLATFORM``, e.g. xcb on Wayland with XWayland) is chosen by ``app.py``
    before this is called: Qt reads it only when the QApplication is created.
    """
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else ["hipbreak"])
    assert isinstance(app, QApplication)
    app.setApplicationName("HipBreak")
    app.setApplicationDisplayName("HipBreak")
    app.setOrganizationName("HipBreak")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("hipbreak")
    # closing the last window (prompt, player) must not end an app that lives in the tray
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(tray_icon(IconLook("working", 0.0)))
    # a window closing moves the focus: the moment to drop pixmaps nobody shows any more
    app.focusWindowChanged.connect(lambda _window: trim_pixmap_cache_soon())
    install_qt_translations(app)
    return app


_qt_translator: QTranslator | None = None


def qt_translations_dir() -> str:
    """Qt's own catalogs (``qtbase_<lang>.qm``): the PySide6 wheel's ``Qt/translations``
    folder, which PyInstaller's PySide6 hook copies into the bundle too."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def _apply_qt_language(code: str) -> None:
    """Qt's strings and formats in ``code``: dialog buttons, context menus, QLocale defaults."""
    app = QApplication.instance()
    if _qt_translator is None or app is None:
        return
    app.removeTranslator(_qt_translator)
    QLocale.setDefault(QLocale(i18n.format_locale_name(code)))
    if code == "en":
        return
    if _qt_translator.load(f"qtbase_{code}", qt_translations_dir()):
        app.installTranslator(_qt_translator)
    else:
        log.warning("Qt's own %s translations (qtbase_%s.qm) are missing in %s", code, code, qt_translations_dir())


def install_qt_translations(app: QApplication) -> None:
    """Translate Qt's own strings (QDialogButtonBox buttons, line-edit menus) into the UI
    language now and after every language change (desktop_app.i18n calls back)."""
    global _qt_translator
    if _qt_translator is None:
        # No Qt parent: the translator outlives any one QApplication (tests make several).
        _qt_translator = QTranslator()
        i18n.add_language_listener(_apply_qt_language)
    _apply_qt_language(i18n.current_language())


#: The window of Qt's own widget that hosts an XEmbed tray icon; it does not count as an open window.
#: Windows, not widgets: wrapping that widget (``QSystemTrayIconSys``, a class PySide does not know)
#: makes shiboken set up every QWidget subclass with its enums, about 1.7 MB for good (issue 13).
XEMBED_ICON_WINDOW = "QSystemTrayIconSysWindow"
#: After widget repaints: Qt posts a widget's UpdateRequest at LowEventPriority, so an event posted
#: below that is handled after the paints already asked for, in the same pass of the event loop.
_AFTER_PAINTS = Qt.EventPriority.LowEventPriority.value - 1
_trim_pending = False
_trimmer: QObject | None = None


def _open_windows() -> bool:
    return any(w.isVisible() and w.objectName() != XEMBED_ICON_WINDOW for w in QGuiApplication.topLevelWindows())


def _trim() -> None:
    global _trim_pending
    _trim_pending = False
    if not _open_windows():
        QPixmapCache.clear()  # also stops QPMCache's ageing timer


class _Trimmer(QObject):
    """Receives the trim event (a plain QObject cannot be handed a Python callback to run)."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.User:
            _trim()
            return True
        return super().event(event)


def trim_pixmap_cache_soon() -> None:
    """Empty Qt's pixmap cache once the paints already asked for are done, if no window is open.

    A paint puts the icon's pixmap in the cache (a ``setIcon`` asks for one), and a
    non-empty cache runs an ageing timer every 30 s. The trim is a posted event below the
    priority of Qt's repaint requests, so it runs after them in the same pass of the event
    loop: no wakeup of its own, and no pixmap left behind by the repaint it follows.
    """
    global _trim_pending, _trimmer
    if _trim_pending or QCoreApplication.instance() is None:
        return
    if _trimmer is None:
        _trimmer = _Trimmer()
    _trim_pending = True
    QCoreApplication.postEvent(_trimmer, QEvent(QEvent.Type.User), _AFTER_PAINTS)


class SignalExit(QObject):
    """Turns SIGTERM / SIGINT / SIGHUP into a call on the Qt main thread, without polling."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous: dict[int, object] = {}
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self._previous[sig] = signal.signal(sig, lambda *_args: None)  # handled via the fd
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)

    def _on_notifier_activated(self, *_args: object) -> None:
        try:
            data = self._read.recv(64)
        except BlockingIOError:
            return
        for number in data:
            log.info("signal %d received; quitting cleanly", number)
            self._on_signal(number)
            break

    def close(self) -> None:
        """Restore the previous handlers (tests create and drop several)."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self._read.close()
        self._write.close()
