"""A real Qt window for the fullscreen tests: ``fullscreen``/``normal``/``quit`` on stdin.

Runs under xcb on the test's Xvfb (with openbox managing it), so the window
manager sets _NET_ACTIVE_WINDOW and _NET_WM_STATE exactly as on a desktop.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication, QLabel


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QLabel("HipBreak fullscreen test window")
    window.resize(300, 200)
    window.show()
    window.activateWindow()

    def read() -> None:
        line = sys.stdin.readline().strip()
        if line in ("", "quit"):
            app.quit()
            return
        if line == "fullscreen":
            window.showFullScreen()
        elif line == "normal":
            window.showNormal()
        window.activateWindow()
        print(f"done {line}", flush=True)

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(read)
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
