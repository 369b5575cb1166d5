"""The import directions between the layers, read from the code (every import, also inside functions).

The layers and why they point one way (docs/architecture.md, "Layers"):

* ``core`` is pure rules on an injected clock: it imports no other layer and no Qt;
* ``application`` runs the core for the user and reaches the outside only through its ports:
  no Qt, no ``storage``, no ``platform``, no ``ui``;
* ``storage`` and ``platform`` are adapters: neither imports ``ui`` nor the other;
* ``ui`` is windows only: it shows the application and never opens files or asks the OS itself;
* ``atomic_files`` is neutral ground for every layer that writes a file.

Only ``app.py`` (the composition root), ``cli.py`` and the command-line reports import across.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "desktop_app"

#: layer -> the layers (or top-level modules, or "PySide6") it must never import.
FORBIDDEN: dict[str, set[str]] = {
    "core": {"PySide6", "application", "storage", "platform", "ui", "app", "cli", "ipc", "atomic_files"},
    "application": {"PySide6", "storage", "platform", "ui", "app", "cli", "ipc"},
    "storage": {"PySide6", "platform", "ui", "application", "app", "cli"},
    "platform": {"storage", "ui", "application", "app", "cli"},
    # the command-line reports open the history themselves: through them ui would reach storage
    "ui": {"storage", "platform", "app", "cli", "stats_report", "program_report", "demo"},
    "atomic_files": {"PySide6", "core", "application", "storage", "platform", "ui"},
}

#: Imports that break a rule today, as (module, imported module or its package), each with its
#: reason; the test fails when one is gone too, so this list only ever shrinks. Empty now: what a
#: layer needs from across the rules is handed in by app.py (the composition root) through a port.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "desktop_app":
        return parts[0]
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or in a function, also through importlib with a literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "desktop_app":  # "from desktop_app import autostart"-style
                found.update(f"desktop_app.{alias.name}" for alias in node.names
                             if (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").is_file())
            elif node.module.startswith("desktop_app."):
                base = PACKAGE.joinpath(*node.module.split(".")[1:])
                found.update(f"{node.module}.{alias.name}" for alias in node.names
                             if (base / alias.name).is_dir() or (base / f"{alias.name}.py").is_file())
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return found


def _violations() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        forbidden = FORBIDDEN.get(_layer(module), set())
        for imported in _imports(path):
            target = _layer(imported) if imported.startswith("desktop_app") else imported.split(".")[0]
            if target in forbidden:
                out[(module, imported)] = f"{_layer(module)} must not import {target}"
    return out


def _excused(module: str, imported: str, exception: tuple[str, str]) -> bool:
    return module == exception[0] and (imported == exception[1] or imported.startswith(exception[1] + "."))


def test_the_layers_only_import_in_their_directions() -> None:
    broken = {(module, imported): why for (module, imported), why in _violations().items()
              if not any(_excused(module, imported, known) for known in KNOWN_EXCEPTIONS)}
    assert broken == {}


def test_every_known_exception_is_still_needed() -> None:
    """An exception that no longer happens must leave the list, so the rules tighten as the code does."""
    found = _violations()
    stale = {known for known in KNOWN_EXCEPTIONS if not any(_excused(*pair, known) for pair in found)}
    assert stale == set()


def test_the_probe_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    """The rule would be toothless if a lazy import slipped past it."""
    probe = tmp_path / "probe.py"
    probe.write_text("def later():\n    from desktop_app.storage.history import open_history\n"
                     "    import importlib\n    importlib.import_module('desktop_app.platform.paths')\n",
                     encoding="utf-8")
    assert {"desktop_app.storage.history", "desktop_app.platform.paths"} <= _imports(probe)
