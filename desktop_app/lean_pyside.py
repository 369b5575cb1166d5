"""PySide6's per-import check, answered without keeping each module's source in memory.

PySide6 6.12 (``shibokensupport.feature.feature_imported``) asks, for every module imported
after it, whether the module's text mentions "PySide6" (for ``from __feature__ import``), and
asks through ``inspect.getsource()``. ``linecache`` then keeps every line of every such file for
good: 4.9 MB of the idle tray app, scattered among live objects so that emptying the cache
later gives nothing back (bench/RESULTS.md, "session 3"). :func:`install` answers the same
question by reading the file once and dropping it.

Why a module of its own, outside ``ui``: the check starts with the first PySide6 import, and
on the way to the tray icon that is ``ipc`` (the single-instance lock), before ``ui.qt_app``
is imported; ``cli`` installs this first, so the modules imported in between (the app's
start-up, ``typing``, ``clock`` ...) are not cached either (~1.3 MB).
"""

from __future__ import annotations

import sys


def _mod_uses_pyside(module: object) -> bool:
    """The answer ``inspect.getsource()`` gives (False without a readable ``.py`` file)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def install() -> None:
    """Load shiboken6 (PySide6 would, first thing) and replace its check; a PySide6 without it is left alone."""
    import shiboken6  # noqa: F401 - sets up shibokensupport.feature, which holds the check

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return
    if getattr(feature, "_mod_uses_pyside", None) is not _mod_uses_pyside:
        setattr(feature, "_mod_uses_pyside", _mod_uses_pyside)  # noqa: B010 - a private name mypy cannot see
