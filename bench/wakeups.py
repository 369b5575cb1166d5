#!/usr/bin/env python3
"""How often does HipBreak wake up while it just sits in the tray?

Starts the installed ``hipbreak`` on a private desktop (Xvfb, openbox,
trayer, dunst, a private D-Bus session; see tests/e2e/helpers.py), waits
until the icon is embedded and start-up has settled, then counts voluntary
context switches of every thread (``/proc/PID/task/*/status``) over an idle
stretch with no window open. Each voluntary switch is the thread going to
sleep, so the count is the number of wakeups. Prints wakeups per minute,
per thread and in total.

    .venv/bin/python bench/wakeups.py            # 60 s, the figure for bench/RESULTS.md
    .venv/bin/python bench/wakeups.py --seconds 20 --demo
    .venv/bin/python bench/wakeups.py --active      # a user at the desk: the mouse moves every 5 s
    .venv/bin/python bench/wakeups.py --sni         # StatusNotifierItem tray: the fake watcher and a host
                                                    # that reads the item like plasmashell (bench/sni_host.py)

Without ``--active`` nobody touches the (virtual) mouse, so after the natural
break time (5 min) the app counts the user as away and, per the scheduler,
polls the idle time every 30 s to notice the return.

Target (issue 3): at most 2 wakeups a minute on average with no window open.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.fake_sni_watcher import WatcherProcess  # noqa: E402
from tests.e2e.helpers import desktop  # noqa: E402


def thread_switches(pid: int) -> dict[str, int]:
    """Voluntary context switches per thread ("tid name" -> count)."""
    result: dict[str, int] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
            name = (task / "comm").read_text().strip()
        except OSError:
            continue  # the thread ended
        for line in status.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                result[f"{task.name} {name}"] = int(line.split()[1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the idle stretch measured")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to wait after the icon is embedded")
    parser.add_argument("--demo", action="store_true", help="measure hipbreak --demo instead")
    parser.add_argument("--active", action="store_true",
                        help="move the mouse a little every 5 s, like a user at work (xdotool; the app is not "
                             "told, it reads idle time only when it polls)")
    parser.add_argument("--sni", action="store_true",
                        help="no XEmbed tray: the fake SNI watcher and a host that reads the item on every "
                             "change signal, as plasmashell does (bench/sni_host.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hipbreak-wakeups-") as tmp, \
            desktop(Path(tmp), with_tray=not args.sni) as desk:
        watcher = WatcherProcess(desk.bus, host=True, log_path=Path(tmp) / "watcher.log") if args.sni else None
        proc = desk.launch(*(["--demo"] if args.demo else []))
        host: subprocess.Popen[str] | None = None
        if watcher is not None:
            item = watcher.wait_line("registered ").split(" ", 1)[1]
            host = subprocess.Popen([sys.executable, str(ROOT / "bench" / "sni_host.py"), item],
                                    env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": desk.bus,
                                         "QT_QPA_PLATFORM": "offscreen"},
                                    stdin=subprocess.PIPE, stdout=open(Path(tmp) / "host.log", "w"),  # noqa: SIM115
                                    stderr=subprocess.STDOUT, text=True)
        start = time.monotonic()
        while watcher is None and desk.tray_icon() is None:
            if time.monotonic() - start > 30 or proc.poll() is not None:
                print("the tray icon never appeared; log:\n" + desk.log(), file=sys.stderr)
                return 1
            time.sleep(0.05)
        time.sleep(args.settle)
        reads_before = (Path(tmp) / "host.log").read_text().count("getall") if host else 0
        pid = proc.pid  # the entry-point script runs the app in this very process
        before = thread_switches(pid)
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            time.sleep(min(5.0, max(0.0, end - time.monotonic())))
            if args.active:
                desk.jiggle()
        after = thread_switches(pid)
        host_reads = (Path(tmp) / "host.log").read_text().count("getall") - reads_before if host else 0
        status = desk.status() or {}
        if host is not None:
            host.communicate("quit\n", timeout=10)
            print("host reads (GetAll) during the window: " + str(host_reads))
            print("\n".join((Path(tmp) / "host.log").read_text().splitlines()[-3:]))
        if watcher is not None:
            watcher.stop()
        desk.run("quit")
        proc.wait(timeout=15)
    minutes = args.seconds / 60.0
    total = 0
    mode = "a user at the desk (mouse moves every 5 s)" if args.active else "nobody at the desk"
    print(f"hipbreak{' --demo' if args.demo else ''}: {args.seconds:.0f} s in the tray, {mode}, no window open, "
          f"state {status.get('state')}, idle backend {status.get('idle_backend')}")
    print(f"{'thread':<28} {'wakeups':>8} {'per min':>8}")
    for key in sorted(after):
        delta = after[key] - before.get(key, 0)
        total += delta
        print(f"{key:<28} {delta:>8} {delta / minutes:>8.2f}")
    print(f"{'TOTAL':<28} {total:>8} {total / minutes:>8.2f}  (target <= 2 per minute)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
