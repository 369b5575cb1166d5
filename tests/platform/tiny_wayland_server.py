"""A tiny Wayland server for tests: offers ``wl_seat`` and ``ext_idle_notifier_v1`` (pywayland's server
side) and dies when killed, so a client can see a compositor go away. It sends no idle events (the
backend's events are tested against a real KWin in tests/wayland/test_kde_session.py). Prints
"ready <socket>" once listening.

Run as ``python -m tests.platform.tiny_wayland_server NAME`` with XDG_RUNTIME_DIR set.
"""

from __future__ import annotations

import sys


def main(name: str) -> int:
    from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotifierV1
    from pywayland.protocol.wayland import WlSeat
    from pywayland.server import Display

    display = Display()
    socket = display.add_socket(name)
    kept: list[object] = []  # pywayland drops server resources nobody references: keep them alive
    for interface in (WlSeat, ExtIdleNotifierV1):
        offered = interface.global_class(display, 1)
        offered.bind_func = kept.append
        kept.append(offered)
    print("ready", socket, flush=True)
    display.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
