"""Leak probe for bench/prompt_memory.py (on the app's PYTHONPATH with --probe).

When PROBE_OUT.trigger appears it writes the counts of widgets, Qt children, Python objects by type,
the tray icon cache (and a tracemalloc snapshot with PROBE_TRACEMALLOC=1) to PROBE_OUT.N.json; when
PROBE_OUT.trim appears it runs malloc_trim(0) and appends VmRSS before/after to PROBE_OUT.trimmed.
Triggered by files, not a signal: the app's wakeup fd turns any signal into a clean quit.
"""
import collections
import gc
import json
import os

_OUT = os.environ.get("PROBE_OUT")
if _OUT:
    if os.environ.get("PROBE_TRACEMALLOC") == "1":
        import tracemalloc
        tracemalloc.start(int(os.environ.get("PROBE_FRAMES", "8")))
    if os.environ.get("PROBE_ICON_CACHE"):
        # the cache size before the fix (128), to measure both in the real app from one tree
        import functools

        import desktop_app.ui.tray_icon as _icons

        _icons.tray_icon = functools.lru_cache(maxsize=int(os.environ["PROBE_ICON_CACHE"]))(
            _icons.tray_icon.__wrapped__)
    _n = [0]
    _first = {}
    def _dump(*_a):
        _n[0] += 1
        gc.collect()
        out = {"n": _n[0]}
        try:
            from PySide6.QtWidgets import QApplication
            app = QApplication.instance()
            if app is not None:
                ws = QApplication.allWidgets()
                out["widgets"] = len(ws)
                out["widget_types"] = collections.Counter(type(w).__name__ for w in ws).most_common(15)
                def count(o):
                    return 1 + sum(count(c) for c in o.children())
                out["app_children"] = count(app)
                out["toplevels"] = len(QApplication.topLevelWidgets())
        except Exception as exc:
            out["qt_error"] = repr(exc)
        try:
            from desktop_app.ui.tray_icon import tray_icon
            out["tray_icon_cache"] = tray_icon.cache_info().currsize
        except Exception as exc:
            out["tray_icon_error"] = repr(exc)
        types = collections.Counter(type(o).__name__ for o in gc.get_objects())
        out["gc_total"] = sum(types.values())
        out["gc_top"] = types.most_common(40)
        try:
            import tracemalloc
            if tracemalloc.is_tracing():
                snap = tracemalloc.take_snapshot()
                snap.dump(f"{_OUT}.snap{_n[0]}")
                out["traced_mb"] = tracemalloc.get_traced_memory()[0] / 1e6
        except Exception as exc:
            out["tm_error"] = repr(exc)
        with open(f"{_OUT}.{_n[0]}.json", "w") as f:
            json.dump(out, f)
    def _trim():
        """malloc_trim(0) on the main thread (what desktop_app/platform/heap.py does), RSS before/after."""
        def rss():
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024.0
            return 0.0
        before = rss()
        import ctypes
        ctypes.CDLL(None).malloc_trim(0)
        with open(f"{_OUT}.trimmed", "a") as f:
            f.write(f"{before:.1f} {rss():.1f}\n")

    # Not a signal: the app's wakeup fd turns any signal into a clean quit (ui/qt_app.py).
    # A thread waits for the trigger file and hands the dump to the Qt main thread.
    import threading
    import time

    def _watch():
        trigger = f"{_OUT}.trigger"
        while True:
            time.sleep(0.2)
            trim = f"{_OUT}.trim"
            if os.path.exists(trim):
                os.remove(trim)
                try:
                    from PySide6.QtCore import QTimer
                    from PySide6.QtWidgets import QApplication
                    QTimer.singleShot(0, QApplication.instance(), _trim)
                except Exception:
                    pass
            if os.path.exists(trigger):
                os.remove(trigger)
                try:
                    from PySide6.QtCore import QTimer
                    from PySide6.QtWidgets import QApplication
                    app = QApplication.instance()
                    if app is not None:
                        QTimer.singleShot(0, app, _dump)
                    else:
                        _dump()
                except Exception:
                    _dump()

    threading.Thread(target=_watch, daemon=True, name="leak-probe").start()
