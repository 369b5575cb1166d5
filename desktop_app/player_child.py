"""The entry point of the routine player's child process (``hipbreak --player-child``).

Why a module of its own at the top: the child is set up as the tray app is (the Qt environment and
QApplication from ``app.make_qt_application``, the language, the PySide6 reference guard), and
only the composition level may import ``app``; the window and the protocol are in
``ui/player_process.py``, the tray's side in ``ui/player_link.py``.

Logging goes to stderr, which the tray process reads into its own log (one writer of the log file).
"""

from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger(__name__)


def run_child() -> int:
    """Play one routine in this process; 0 when its window closed, 2 when the tray sent no routine."""
    from desktop_app.ui.player_process import ProtocolOut, decode_open, play, private_stdout, read_open_message

    out = ProtocolOut(private_stdout())
    level = getattr(logging, os.environ.get("HIPBREAK_LOG_LEVEL", "INFO").upper(), logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=level if isinstance(level, int) else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    from desktop_app.crash_guard import immortalize_singletons

    immortalize_singletons()  # a routine can play for many minutes (see crash_guard)
    message = read_open_message(sys.stdin)
    if message is None:
        return 2
    try:
        routine, settings, language, geometry, anchor = decode_open(message)
    except Exception as exc:  # a broken message: say why on stderr; the tray plays it in-process
        log.error("cannot read the routine from the tray process: %s", exc)
        return 2
    from desktop_app.i18n import set_language

    set_language(language)
    from desktop_app.app import make_qt_application, route_cues_to_sample_cache

    # Qt names the window class after argv[0]: "hipbreak", as the tray app's windows, not "__main__.py"
    sys.argv[:1] = ["hipbreak"]
    app, _mode = make_qt_application()
    route_cues_to_sample_cache()
    return play(app, out, routine, settings, geometry, anchor)
