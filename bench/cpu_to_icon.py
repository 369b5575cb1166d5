#!/usr/bin/env python3
"""CPU time from process start until the tray icon's ``show()``: HipBreak beside the floor.

Wall-clock start-up on this shared machine swings 0.7x-3.4x between rounds (bench/RESULTS.md);
the CPU the process burns before it asks for its icon is steadier, because a busy machine
delays a process without making it do more work. Each run starts a fresh interpreter (a fresh
profile for HipBreak, so no stale socket is handled), wraps ``QSystemTrayIcon.show`` to write
the process's CPU time (``time.process_time()``, all threads) when it is first called, and then ends the process.

    .venv/bin/python bench/cpu_to_icon.py              # 5 runs each
    .venv/bin/python bench/cpu_to_icon.py --runs 9
    .venv/bin/python bench/cpu_to_icon.py --importtime /tmp/imports.txt   # what is imported before the icon

Runs on a private desktop with a tray (tests/e2e/helpers.py), as ``bench/run`` does.
The wrapper imports QtWidgets before the program does; both import it before their icon anyway.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.helpers import desktop  # noqa: E402

#: Run in the child: time the first show() of a tray icon, then leave at once.
WRAPPER = """
import os, sys
from PySide6.QtWidgets import QSystemTrayIcon
_show = QSystemTrayIcon.show
def _timed_show(self):
    _show(self)
    import time
    with open(os.environ["CPU_TO_ICON_OUT"], "w") as out:
        out.write(f"{time.process_time() * 1000:.1f}")
    os._exit(0)
QSystemTrayIcon.show = _timed_show
target = sys.argv[1]
sys.argv = sys.argv[1:]
if target == "floor":
    import runpy
    runpy.run_path(os.environ["CPU_TO_ICON_FLOOR"], run_name="__main__")
else:
    from desktop_app.cli import main
    sys.exit(main([]))
"""


def one(desk_env: dict[str, str], which: str, workdir: Path, index: int, importtime: Path | None = None
        ) -> float | None:
    out = workdir / f"{which}-{index}.ms"
    env = dict(desk_env, CPU_TO_ICON_OUT=str(out), CPU_TO_ICON_FLOOR=str(ROOT / "bench" / "floor_tray.py"),
               HIPBREAK_PROFILE_DIR=str(workdir / f"profile-{which}-{index}"))
    (workdir / f"profile-{which}-{index}" / "config").mkdir(parents=True, exist_ok=True)
    (workdir / f"profile-{which}-{index}" / "config" / "welcome.json").write_text(
        '{"version": 1, "welcomed_at": 0}\n', encoding="utf-8")
    flags = ["-X", "importtime"] if importtime is not None else []
    with open(importtime or "/dev/null", "wb") as err:
        subprocess.run([sys.executable, *flags, "-c", WRAPPER, which], env=env, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=err, check=False)
    return float(out.read_text()) if out.exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--importtime", type=Path, metavar="FILE",
                        help="instead: one HipBreak run under -X importtime, its report into FILE")
    args = parser.parse_args()
    if args.importtime is not None:
        with tempfile.TemporaryDirectory(prefix="hipbreak-cpu-") as tmp, desktop(Path(tmp)) as desk:
            print(f"app: {one(desk.env, 'app', Path(tmp), 0, args.importtime.resolve())} ms CPU to show()")
        return 0
    results: dict[str, list[float]] = {"floor": [], "app": []}
    with tempfile.TemporaryDirectory(prefix="hipbreak-cpu-") as tmp, desktop(Path(tmp)) as desk:
        for index in range(args.runs):
            order = ("floor", "app") if index % 2 == 0 else ("app", "floor")
            for which in order:
                value = one(desk.env, which, Path(tmp), index)
                if value is not None:
                    results[which].append(value)
    for which, values in results.items():
        if values:
            print(f"{which}: median {statistics.median(values):.0f} ms CPU to show() "
                  f"({min(values):.0f}-{max(values):.0f}, n={len(values)})")
        else:
            print(f"{which}: no icon shown")
    if results["floor"] and results["app"]:
        print(f"ratio: {statistics.median(results['app']) / statistics.median(results['floor']):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
