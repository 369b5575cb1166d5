"""Shared measuring helpers for ``bench/run``, ``bench/soak`` and the soak tests.

Everything is measured from outside the app, the way a user's system sees it:

* **a real little desktop**: Xvfb, openbox, trayer (XEmbed tray host), dunst
  and a private D-Bus session, from ``tests/e2e/helpers.py`` (reused, not
  copied), plus an optional private PulseAudio server with a null sink so
  routine sound really plays;
* **start-up**: from ``Popen`` until ``xwininfo`` sees the app's icon window
  inside trayer's panel, i.e. until the user could see it;
* **memory**: RSS and PSS of the whole process tree, summed from
  ``/proc/PID/smaps_rollup`` (PSS shares the Qt libraries fairly between
  processes, so two Qt apps on one machine are not both charged in full);
* **wakeups**: voluntary context switches of every thread of every process
  in the tree (``/proc/PID/task/*/status``): a thread that goes to sleep once
  per wakeup adds one. The per-thread reader is ``bench/wakeups.py``'s.

Nothing here asserts; callers decide what a figure means.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _folder in (str(ROOT), str(BENCH)):
    if _folder not in sys.path:
        sys.path.insert(0, _folder)

from wakeups import thread_switches  # noqa: E402

from tests.e2e.helpers import Desktop, desktop  # noqa: E402

#: The venv's Python (not resolved: .venv/bin/python is a symlink to the system Python).
PYTHON = str(Path(sys.executable))
FLOOR_SCRIPT = BENCH / "floor_tray.py"
FLOOR_CLASS = "hipbreak-floor"
APP_CLASS = "hipbreak"


# --- /proc readers ---------------------------------------------------------------------
def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name may hold spaces and parentheses: the fields start after the last ")"
    fields = stat[stat.rfind(")") + 2:].split()
    return int(fields[1]) if len(fields) > 1 else None


def tree_pids(root: int) -> list[int]:
    """``root`` and every live descendant (children the app starts, e.g. a voice synthesiser)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        if Path(f"/proc/{pid}").exists():
            found.append(pid)
            todo.extend(children.get(pid, []))
    return found


@dataclass(frozen=True)
class Memory:
    """Resident and proportional set size of a process tree, in kilobytes."""

    rss_kb: int
    pss_kb: int

    @property
    def rss_mb(self) -> float:
        return self.rss_kb / 1024.0

    @property
    def pss_mb(self) -> float:
        return self.pss_kb / 1024.0


def tree_memory(root: int) -> Memory:
    """RSS and PSS summed over the tree, from ``smaps_rollup`` (one cheap read per process)."""
    return _memory(tree_pids(root))


def process_memory(pid: int) -> Memory:
    """RSS and PSS of ``pid`` alone: the long-lived tray process without the player child it may have
    running (the soak's growth figure is this one; the tree comes and goes with routines)."""
    return _memory([pid])


def _memory(pids: Sequence[int]) -> Memory:
    rss = pss = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return Memory(rss, pss)


_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds used so far by every process of the tree (all threads, /proc/PID/stat)."""
    total = 0.0
    for pid in tree_pids(root):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14, 15 of stat)
    return total


def tree_switches(root: int) -> dict[str, int]:
    """Voluntary context switches per thread ("pid/tid name" -> count) over the whole tree."""
    result: dict[str, int] = {}
    for pid in tree_pids(root):
        try:
            per_thread = thread_switches(pid)
        except OSError:
            continue  # the process ended while we looked
        for key, count in per_thread.items():
            result[f"{pid}/{key}"] = count
    return result


@dataclass(frozen=True)
class Wakeups:
    """Wakeups over a measured stretch: the total per minute and the busiest threads."""

    seconds: float
    total: int
    per_thread: dict[str, int]

    @property
    def per_minute(self) -> float:
        return self.total * 60.0 / self.seconds if self.seconds > 0 else 0.0

    def top(self, count: int = 4) -> list[tuple[str, float]]:
        """The busiest threads, wakeups per minute, for the report."""
        ranked = sorted(self.per_thread.items(), key=lambda item: -item[1])[:count]
        return [(name.split(" ", 1)[-1], n * 60.0 / self.seconds) for name, n in ranked if n]


def count_wakeups(roots: Sequence[int], seconds: float) -> list[Wakeups]:
    """Wakeups of several process trees over the same ``seconds`` (so noise hits them alike)."""
    before = [tree_switches(pid) for pid in roots]
    t0 = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - t0
    after = [tree_switches(pid) for pid in roots]
    results = []
    for start, end in zip(before, after, strict=True):
        delta = {key: end[key] - start.get(key, 0) for key in end}
        results.append(Wakeups(elapsed, sum(delta.values()), delta))
    return results


# --- launching on the bench desktop ---------------------------------------------------------
@dataclass
class Launched:
    """A process started on the bench desktop and how long its icon took to appear."""

    proc: subprocess.Popen[bytes]
    started: float                # monotonic time of Popen
    embed_seconds: float | None   # None when the icon never appeared
    env: dict[str, str]
    log: Path | None = None       # where its stdout and stderr go

    @property
    def pid(self) -> int:
        return self.proc.pid


def wait_embedded(desk: Desktop, app_class: str, proc: subprocess.Popen[bytes], started: float,
                  timeout: float = 30.0, poll: float = 0.02) -> float | None:
    """Seconds from ``started`` until the icon of ``app_class`` sits in trayer (None on timeout/exit)."""
    while time.monotonic() - started < timeout:
        if desk.tray_icon(app_class) is not None:
            return time.monotonic() - started
        if proc.poll() is not None:
            return None
        time.sleep(poll)
    return None


def launch(desk: Desktop, args: Sequence[str], app_class: str, log_name: str,
           env: dict[str, str] | None = None, wait: bool = True) -> Launched:
    """Start ``args`` on the desktop; with ``wait``, time it until its icon is embedded."""
    environment = dict(env or desk.env)
    out = open(desk.workdir / log_name, "ab")  # noqa: SIM115 - handed to the child
    started = time.monotonic()
    proc = subprocess.Popen(list(args), env=environment, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    desk.procs.append(proc)
    embedded = wait_embedded(desk, app_class, proc, started) if wait else None
    return Launched(proc, started, embedded, environment, desk.workdir / log_name)


def launch_floor(desk: Desktop, tag: str, wait: bool = True) -> Launched:
    return launch(desk, [PYTHON, str(FLOOR_SCRIPT)], FLOOR_CLASS, f"floor-{tag}.log", wait=wait)


def app_env(desk: Desktop, profile: Path, **extra: str) -> dict[str, str]:
    """The desktop's environment with its own HipBreak profile (so launches never hand over)."""
    profile.mkdir(parents=True, exist_ok=True)
    # Someone who has set the app up: a first start would show "Welcome to HipBreak" and measure
    # that window's memory and wakeups instead of the tray's (same marker as tests/e2e/helpers.py).
    (profile / "config").mkdir(exist_ok=True)
    marker = profile / "config" / "welcome.json"
    if not marker.exists():
        marker.write_text('{"version": 1, "welcomed_at": 0}\n', encoding="utf-8")
    env = dict(desk.env, HIPBREAK_PROFILE_DIR=str(profile))
    env.update(extra)
    return env


def launch_app(desk: Desktop, profile: Path, args: Sequence[str] = (), tag: str = "app",
               wait: bool = True, **extra: str) -> Launched:
    """The installed ``hipbreak`` with ``profile``; ``args`` e.g. ``["--demo"]``."""
    env = app_env(desk, profile, **extra)
    return launch(desk, [desk.hipbreak_command(), *args], APP_CLASS, f"{tag}.log", env=env, wait=wait)


def cli(desk: Desktop, env: dict[str, str], *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """``hipbreak ARGS`` against the instance that owns ``env``'s profile."""
    return subprocess.run([desk.hipbreak_command(), *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def stop(desk: Desktop, launched: Launched, timeout: float = 15) -> int:
    """SIGTERM (HipBreak quits cleanly on it), then SIGKILL if it hangs."""
    return desk.stop_app(launched.proc, timeout)


def _start_desktop(stack: ExitStack, workdir: Path, attempts: int = 3) -> Desktop:
    for attempt in range(1, attempts + 1):
        inner = ExitStack()
        try:
            desk = inner.enter_context(desktop(workdir))
        except RuntimeError as exc:
            inner.close()
            if attempt == attempts:
                raise
            print(f"bench: the desktop did not come up ({str(exc)[:120]}); trying again", file=sys.stderr)
            time.sleep(1.0)
            continue
        stack.push(inner.__exit__)
        return desk
    raise AssertionError("unreachable")


@contextmanager
def bench_desktop(workdir: Path, sound: bool = True) -> Iterator[Desktop]:
    """The e2e desktop, plus a private PulseAudio with a null sink when ``sound`` and available.

    A desktop that does not come up (seen rarely on a loaded machine: trayer
    racing Xvfb) is tried again, up to three times.
    """
    with ExitStack() as stack:
        desk = _start_desktop(stack, workdir)
        pulse: subprocess.Popen[bytes] | None = None
        if sound and shutil.which("pulseaudio") and shutil.which("pactl"):
            pulse = subprocess.Popen(
                ["pulseaudio", "-n", "--load=module-null-sink sink_name=bench",
                 "--load=module-native-protocol-unix", "--exit-idle-time=-1", "--daemonize=no",
                 "-F", "/dev/null"], env=desk.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while subprocess.run(["pactl", "info"], env=desk.env, capture_output=True).returncode != 0:
                if time.monotonic() > deadline or pulse.poll() is not None:
                    print("bench: pulseaudio did not start; routines play without a sound server",
                          file=sys.stderr)
                    break
                time.sleep(0.1)
        try:
            yield desk
        finally:
            if pulse is not None and pulse.poll() is None:
                pulse.terminate()
                try:
                    pulse.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pulse.kill()


# --- summaries -----------------------------------------------------------------------------
def median(values: Sequence[float]) -> float | None:
    clean = [v for v in values if v is not None]
    return statistics.median(clean) if clean else None


def machine_description() -> dict[str, str]:
    """Date, machine and versions for RESULTS.md."""
    import platform

    import PySide6

    mem_total = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    load = ""
    with suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "uname": " ".join(os.uname()),
        "nproc": str(os.cpu_count() or "?"),
        "memory": mem_total,
        "load average at start": load,
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
    }
