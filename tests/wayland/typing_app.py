"""A Wayland-native app someone is typing in: one QLineEdit that writes what it holds to a file.

Run with ``QT_QPA_PLATFORM=wayland`` inside the test session. The file always holds the whole
text, so the test can tell exactly which keys this app received (and so which keys the break
prompt did *not* take).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit


def main() -> int:
    out = Path(sys.argv[1])
    out.write_text("", encoding="utf-8")
    app = QApplication(sys.argv[:1])
    edit = QLineEdit()
    edit.setWindowTitle(sys.argv[2] if len(sys.argv) > 2 else "Typing target")
    edit.textChanged.connect(lambda text: out.write_text(text, encoding="utf-8"))
    edit.resize(520, 90)
    edit.show()
    print("platform", app.platformName(), flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
