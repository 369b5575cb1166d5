"""A real Qt text editor window for the natural-pause tests: the person types into it with xdotool.

stdin: ``count`` answers ``typed N`` (characters received so far), ``quit`` ends it.
Prints ``ready`` once the window is shown and active.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication, QPlainTextEdit


def main() -> int:
    app = QApplication(sys.argv[:1])
    editor = QPlainTextEdit()
    editor.setWindowTitle("HipBreak typing test window")
    editor.resize(500, 300)
    editor.move(40, 40)
    editor.show()
    editor.activateWindow()
    editor.setFocus()

    def read() -> None:
        line = sys.stdin.readline().strip()
        if line in ("", "quit"):
            app.quit()
            return
        if line == "count":
            print(f"typed {len(editor.toPlainText())}", flush=True)

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(read)
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
