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
    .venv/bin/python bench/startup_memory.py --smaps    # where the memory is, beside the floor

``--smaps`` starts the floor (bench/floor_tray.py) and HipBreak side by side and, 15 s later,
sums ``/proc/PID/smaps`` RSS by kind of mapping (Python's arenas, malloc's heap, the PySide6
bindings, Qt, SQLite, OpenSSL ...) for both, then lists the mappings that differ most
(bench/RESULTS.md, "Start-up and memory at 15 s, session 3").

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


def smaps_by_mapping(pid: int) -> dict[str, int]:
    """RSS in KiB per mapping name (file name, ``[anon]``, ``[heap]``, ``[stack]`` ...)."""
    sizes: dict[str, int] = {}
    name = "[anon]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        parts = line.split()
        if parts and "-" in parts[0] and not parts[0].endswith(":"):
            name = (parts[5] if len(parts) > 5 else "[anon]").rsplit("/", 1)[-1]
        elif parts and parts[0] == "Rss:":
            sizes[name] = sizes.get(name, 0) + int(parts[1])
    return sizes


def mapping_kind(name: str) -> str:
    if name in ("[anon]", "[heap]"):
        return name
    if name.endswith(".abi3.so") or "shiboken" in name or "pyside6" in name.lower():
        return "PySide6/shiboken bindings"
    if name.startswith("libQt6"):
        return "Qt libraries"
    if "sqlite" in name:
        return "SQLite"
    if any(key in name for key in ("crypto", "ssl", "krb5", "gssapi", "keyutils", "com_err", "resolv")):
        return "OpenSSL/Kerberos"
    if "cpython" in name:
        return "Python extension modules"
    return "everything else"


def smaps_report(settle: float) -> None:
    """The floor and HipBreak side by side: RSS by kind of mapping after ``settle`` seconds."""
    sys.path.insert(0, str(ROOT / "bench"))
    from measure import bench_desktop, launch_app, launch_floor, stop

    with tempfile.TemporaryDirectory(prefix="hipbreak-smaps-") as tmp, \
            bench_desktop(Path(tmp), sound=False) as desk:
        floor = launch_floor(desk, "smaps")
        app = launch_app(desk, Path(tmp) / "profile")
        time.sleep(max(0.0, settle - (time.monotonic() - floor.started)))
        floor_maps, app_maps = smaps_by_mapping(floor.pid), smaps_by_mapping(app.pid)
        stop(desk, app)
        stop(desk, floor)
    kinds: dict[str, list[int]] = {}
    for column, maps in enumerate((floor_maps, app_maps)):
        for name, kib in maps.items():
            kinds.setdefault(mapping_kind(name), [0, 0])[column] += kib
    total = [sum(floor_maps.values()), sum(app_maps.values())]
    heading = f"RSS MiB at {settle:.0f} s"
    print(f"{heading:32} {'floor':>7} {'app':>7} {'diff':>7}")
    for kind, (f_kib, a_kib) in [("total", total), *sorted(kinds.items(), key=lambda kv: kv[1][0] - kv[1][1])]:
        print(f"{kind:32} {f_kib / 1024:7.1f} {a_kib / 1024:7.1f} {(a_kib - f_kib) / 1024:+7.1f}")
    print("\nmappings that differ most (KiB):")
    names = sorted(set(floor_maps) | set(app_maps), key=lambda n: floor_maps.get(n, 0) - app_maps.get(n, 0))
    for name in names[:20]:
        f_kib, a_kib = floor_maps.get(name, 0), app_maps.get(name, 0)
        print(f"  {name[:48]:48} {f_kib:7} {a_kib:7} {a_kib - f_kib:+7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds after launch to read memory")
    parser.add_argument("--smaps", action="store_true",
                        help="one run beside the floor: RSS by kind of mapping (where the memory is)")
    args = parser.parse_args()
    if args.smaps:
        smaps_report(args.settle)
        return 0
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
