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

``--routine`` measures a routine instead (issue 13: at most 600 wakeups a minute
over all threads and 1% of one core while a routine plays with sound): it plays
``hipbreak routine desk-break`` on a desktop with a PulseAudio null sink, over
the same two windows as ``bench/run`` (the 20 s from 2 s after the start, which
hold the get-ready ticks, the chime and the marching rep set, and 15 s of the
first hold), and prints every thread of the process tree (a player child
process included) with user + system CPU. ``--variant`` runs several set-ups
side by side in each round, each with its own profile, so the shared
machine's noise hits them alike:

    .venv/bin/python bench/wakeups.py --routine --rounds 3 \\
        --variant base --variant nomitshm:QT_XCB_NO_MITSHM=1 \\
        --variant snap:PYTHONPATH=/tmp/snap-abc123
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    """``LABEL[:KEY=VALUE,KEY=VALUE]`` -> (label, extra environment)."""
    label, _sep, rest = text.partition(":")
    extra: dict[str, str] = {}
    for item in filter(None, rest.split(",")):
        key, eq, value = item.partition("=")
        if not eq:
            raise argparse.ArgumentTypeError(f"{item!r}: expected KEY=VALUE")
        extra[key] = value
    return label, extra


def routine_rounds(variants: list[tuple[str, dict[str, str]]], rounds: int, settle: float) -> int:
    """Play desk-break in every variant at once, ``rounds`` times; print per-thread wakeups and CPU."""
    sys.path.insert(0, str(ROOT / "bench"))
    from measure import bench_desktop, cli, count_wakeups, launch_app, stop, tree_cpu_seconds

    def measured(pids: list[int], seconds: float) -> tuple[list[Any], list[float]]:
        """Wakeups of each tree over the same ``seconds``, and each tree's CPU as % of one core."""
        cpu_before, start = [tree_cpu_seconds(pid) for pid in pids], time.monotonic()
        counted = count_wakeups(pids, seconds)
        elapsed = time.monotonic() - start
        return counted, [100.0 * (tree_cpu_seconds(pid) - cpu) / elapsed
                         for pid, cpu in zip(pids, cpu_before, strict=True)]

    totals: dict[str, list[tuple[float, float, float, float]]] = {label: [] for label, _env in variants}
    with tempfile.TemporaryDirectory(prefix="hipbreak-routine-wakeups-") as tmp, bench_desktop(Path(tmp)) as desk:
        # The player child runs ``python -m desktop_app``, which puts its working directory first on
        # sys.path: started from a checkout it would run the checkout's code, not a PYTHONPATH snapshot.
        os.chdir(tmp)
        for number in range(rounds):
            order = variants if number % 2 == 0 else variants[::-1]
            apps = {label: launch_app(desk, Path(tmp) / f"profile-{label}-{number}", tag=f"{label}-{number}",
                                      **extra) for label, extra in order}  # type: ignore[arg-type]
            time.sleep(settle)
            for label, _extra in order:
                started = cli(desk, apps[label].env, "routine", "desk-break")
                if started.returncode != 0:
                    print(f"{label}: routine did not start: {started.stderr.strip()}", file=sys.stderr)
            labels = [label for label, _extra in order]
            pids = [apps[label].pid for label in labels]
            # the routine starts when its window shows (the player may run in a child process that
            # needs a moment to start), so count from there, as bench/run does
            shown_by = time.monotonic() + 15.0
            while time.monotonic() < shown_by:
                found = desk.tool(["xdotool", "search", "--onlyvisible", "--name", "^HipBreak: "])
                if len(found.stdout.split()) >= len(labels):
                    break
                time.sleep(0.05)
            else:
                print("not every player window showed within 15 s", file=sys.stderr)
            time.sleep(2.0)
            t0 = time.monotonic()
            reps, rep_cpu = measured(pids, 20.0)
            time.sleep(max(0.0, t0 + 30.0 - time.monotonic()))
            holds, hold_cpu = measured(pids, 15.0)
            for index, label in enumerate(labels):
                rep, hold = reps[index], holds[index]
                totals[label].append((rep.per_minute, rep_cpu[index], hold.per_minute, hold_cpu[index]))
                print(f"round {number + 1} {label}: rep set {rep.per_minute:.0f}/min {rep_cpu[index]:.2f}% CPU; "
                      f"hold {hold.per_minute:.0f}/min {hold_cpu[index]:.2f}% CPU")
                for name, per_min in rep.top(8):
                    print(f"    rep set  {name:<36} {per_min:>7.0f}/min")
                for name, per_min in hold.top(4):
                    print(f"    hold     {name:<36} {per_min:>7.0f}/min")
            for label in labels:
                stop(desk, apps[label])
    print(f"\n{'variant':<16} {'rep set /min':>22} {'rep set CPU %':>20} {'hold /min':>20} {'hold CPU %':>18}")
    for label, rows in totals.items():
        cells = []
        for column in range(4):
            values = sorted(row[column] for row in rows)
            fmt = "{:.0f}" if column in (0, 2) else "{:.2f}"
            median = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1]
                                                                       + values[len(values) // 2]) / 2
            cells.append(f"{fmt.format(median)} ({fmt.format(values[0])}-{fmt.format(values[-1])})")
        print(f"{label:<16} {cells[0]:>22} {cells[1]:>20} {cells[2]:>20} {cells[3]:>18}")
    print("targets: <= 600 wakeups a minute, <= 1% of one core (median, lowest-highest of the rounds)")
    return 0


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
    parser.add_argument("--routine", action="store_true",
                        help="measure a routine with sound (desk-break: its rep set and a hold) instead of idle")
    parser.add_argument("--rounds", type=int, default=3, help="--routine: rounds (default 3)")
    parser.add_argument("--variant", action="append", type=parse_variant, default=[],
                        help="--routine: LABEL[:KEY=VALUE,...] extra environment for one app; several run "
                             "side by side (e.g. PYTHONPATH=<snapshot>, QT_XCB_NO_MITSHM=1)")
    args = parser.parse_args()
    if args.routine:
        return routine_rounds(args.variant or [("app", {})], args.rounds, args.settle)
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
