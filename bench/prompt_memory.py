"""Does the tray process's memory grow with each break prompt? Show and answer it N times and watch RSS.

The soak (``bench/soak``) saw the tray process's RSS rise by ~10 MB during the first simulated working
hours (many prompts) and then level off. This driver isolates the prompt: the real ``hipbreak --demo``
on the bench desktop (Xvfb, openbox, trayer, dunst, D-Bus; ``bench/measure.py``), then in a loop
``break-now`` -> the prompt window shows -> it is answered (snooze 1/5/30 min, skip) or, every
``--natural-every``-th time, left open until the demo's natural break closes it unanswered.
The tray process's VmRSS is sampled every ``--every`` prompts. A series that keeps rising after the
first prompts is a leak per prompt; one that levels off is a cache filling.

``--sit S`` adds S real seconds at the desk (input, sitting time counting) after each answer, so the
tray's ring moves through its steps as on a working day (the soak's rise came from there, not the prompt).

``--probe`` puts ``bench/prompt_probe/sitecustomize.py`` first on the app's PYTHONPATH: at each sample
it writes the counts of widgets, Qt children and Python objects by type (and, with ``--tracemalloc``,
a tracemalloc snapshot) next to the output, so the thing that grows can be named.

Usage: ``.venv/bin/python bench/prompt_memory.py [-n 300] [--every 25] [--probe] [--tracemalloc]``
Prints one line per sample ("iteration: MB") and a JSON summary at the end on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import ROOT, bench_desktop, launch_app, stop

PROBE_DIR = ROOT / "bench" / "prompt_probe"
#: Real seconds without input after which the demo (60x) has had a 5-minute natural break, plus margin.
NATURAL_WAIT_S = 7.0
ANSWERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("snooze", {"minutes": 1}), ("skip", {}), ("snooze", {"minutes": 5}), ("snooze", {"minutes": 30}),
           ("snooze", {}), ("skip", {}))


def rss_parts_mb(pid: int) -> dict[str, float]:
    """VmRSS and its parts: RssAnon (heap: Python and Qt objects, caches) and RssFile (pages of
    libraries, fonts and other mapped files; shared with other processes, the system can drop them)."""
    parts: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":", 1)[0]
        if key in ("VmRSS", "RssAnon", "RssFile"):
            parts[key] = int(line.split()[1]) / 1024.0
    return parts


def vm_rss_mb(pid: int) -> float:
    return rss_parts_mb(pid).get("VmRSS", 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="prompts to show and answer")
    parser.add_argument("--every", type=int, default=25, help="sample RSS every this many prompts")
    parser.add_argument("--natural-every", type=int, default=10,
                        help="every this-many-th prompt is left open until a natural break closes it (0: never)")
    parser.add_argument("--sit", type=float, default=0.0,
                        help="real seconds of input (sitting time: the tray ring moves) after each answer")
    parser.add_argument("--probe", action="store_true", help="dump widget/object counts at each sample")
    parser.add_argument("--tracemalloc", action="store_true", help="with --probe: tracemalloc snapshots too")
    parser.add_argument("--trim", action="store_true",
                        help="with --probe: after each sample, malloc_trim(0) in the app and sample again")
    parser.add_argument("--icon-cache", type=int, default=0,
                        help="with --probe: run with this tray icon cache size (128: as before the fix)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="prompt-memory-"))
    workdir.mkdir(parents=True, exist_ok=True)
    extra: dict[str, str] = {}
    if args.probe:
        extra = {"PYTHONPATH": str(PROBE_DIR), "PROBE_OUT": str(workdir / "probe")}
        if args.tracemalloc:
            extra["PROBE_TRACEMALLOC"] = "1"
        if args.icon_cache:
            extra["PROBE_ICON_CACHE"] = str(args.icon_cache)
    series: list[tuple[int, float]] = []
    trimmed_series: list[tuple[int, float]] = []
    refused: dict[str, int] = {}
    with bench_desktop(workdir / "desk", sound=False) as desk:
        app = launch_app(desk, workdir / "profile", ["--demo"], "prompt-memory", True, **extra)
        if app.embed_seconds is None:
            print("the app's icon never appeared; see", app.log, file=sys.stderr)
            return 1
        os.environ.update({k: v for k, v in app.env.items() if k.startswith(("HIPBREAK", "XDG"))})
        from desktop_app.ipc import IpcError, send_command
        from desktop_app.platform.paths import resolve_paths

        socket_name = resolve_paths().socket_name

        def command(cmd: str, **fields: Any) -> dict[str, Any]:
            try:
                return send_command(socket_name, {"cmd": cmd, **fields}, timeout=10.0)
            except IpcError as exc:
                return {"ok": False, "error": str(exc)}

        def state() -> str:
            return str(command("status").get("state", ""))

        def wait_state(wanted: set[str], limit: float) -> str:
            end = time.monotonic() + limit
            current = state()
            while current not in wanted and time.monotonic() < end:
                time.sleep(0.1)
                current = state()
            return current

        def sample(iteration: int) -> None:
            time.sleep(1.0)  # deleteLater() and the garbage collector
            if args.probe:
                (workdir / "probe.trigger").touch()
                time.sleep(1.0 if not args.tracemalloc else 4.0)
            parts = rss_parts_mb(app.pid)
            mb = parts.get("VmRSS", 0.0)
            series.append((iteration, mb))
            line = (f"{iteration}: {mb:.1f} MB (anon {parts.get('RssAnon', 0.0):.1f}, "
                    f"file {parts.get('RssFile', 0.0):.1f})")
            if args.probe and args.trim:
                (workdir / "probe.trim").touch()
                time.sleep(1.0)
                trimmed = vm_rss_mb(app.pid)
                trimmed_series.append((iteration, trimmed))
                line += f", after malloc_trim {trimmed:.1f} MB"
            print(line, flush=True)

        time.sleep(3.0)
        sample(0)
        for i in range(1, args.n + 1):
            desk.jiggle()  # input: the person is at the desk (no natural break yet)
            reply = command("break_now")
            if not reply.get("ok"):
                refused["break_now"] = refused.get("break_now", 0) + 1
                print("break_now:", reply, file=sys.stderr)
            if wait_state({"due"}, 10.0) != "due":
                refused["not due"] = refused.get("not due", 0) + 1
            time.sleep(0.3)  # the window is shown and painted
            if args.natural_every and i % args.natural_every == 0:
                time.sleep(NATURAL_WAIT_S)  # no input: the natural break closes the prompt unanswered
                desk.jiggle()
                if state() == "due":
                    refused["natural close"] = refused.get("natural close", 0) + 1
                    command("skip")
            else:
                name, fields = ANSWERS[i % len(ANSWERS)]
                if not command(name, **fields).get("ok"):
                    refused[name] = refused.get(name, 0) + 1
            sit_until = time.monotonic() + args.sit
            while time.monotonic() < sit_until:
                desk.jiggle()
                time.sleep(0.5)
            if i % args.every == 0:
                sample(i)
        code = stop(desk, app)
    print(json.dumps({"series_mb": series, "after_trim_mb": trimmed_series, "refused": refused,
                      "exit_code": code, "workdir": str(workdir)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
