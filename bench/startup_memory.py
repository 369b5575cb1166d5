#!/usr/bin/env python3
"""Start-up time to an embedded tray icon, and memory after 15 s.

Starts the installed ``hipbreak`` on a private desktop (Xvfb, openbox,
trayer, dunst, a private D-Bus session; see tests/e2e/helpers.py) and
measures, for each run:

* the time from launching the process until its icon window sits inside
  trayer's panel (``xwininfo -root -tree``, polled every 20 ms);
* RSS (``/proc/PID/status`` VmRSS) and PSS (``/proc/PID/smaps_rollup``) 15 s
  after launch, when start-up has settled and no window has been opened.

    .venv/bin/python bench/startup_memory.py            # 3 runs
    .venv/bin/python bench/startup_memory.py --runs 5

The machine is shared, so the figures vary; the median is printed too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.helpers import desktop  # noqa: E402


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in KiB."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


def one_run(settle: float) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory(prefix="hipbreak-startup-") as tmp, desktop(Path(tmp)) as desk:
        started = time.monotonic()
        proc = desk.launch()
        while desk.tray_icon() is None:
            if time.monotonic() - started > 60 or proc.poll() is not None:
                raise RuntimeError("the tray icon never appeared; log:\n" + desk.log())
            time.sleep(0.02)
        embedded = time.monotonic() - started
        time.sleep(max(0.0, settle - (time.monotonic() - started)))
        rss, pss = memory_kib(proc.pid)
        desk.run("quit")
        proc.wait(timeout=15)
    return embedded, rss, pss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds after launch to read memory")
    args = parser.parse_args()
    results = []
    print(f"{'run':>3} {'embedded after':>15} {'RSS MiB':>8} {'PSS MiB':>8}")
    for run in range(1, args.runs + 1):
        embedded, rss, pss = one_run(args.settle)
        results.append((embedded, rss, pss))
        print(f"{run:>3} {embedded * 1000:>12.0f} ms {rss / 1024:>8.1f} {pss / 1024:>8.1f}", flush=True)
    med = [statistics.median(column) for column in zip(*results, strict=True)]
    print(f"med {med[0] * 1000:>12.0f} ms {med[1] / 1024:>8.1f} {med[2] / 1024:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
