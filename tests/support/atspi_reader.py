"""Read the AT-SPI tree of a running app, the way a screen reader does (run with /usr/bin/python3).

Debian's pyatspi (python3-pyatspi) lives in the system Python's dist-packages and
needs GObject introspection, which the project's venv (a separate Python build)
cannot import; so the tests run this file as a child of the system Python and read
its JSON. It imports nothing from the project on purpose.

    tree APP                 print every accessible of APP as one JSON list
    focus APP                print the accessible of APP that has keyboard focus (or null)
    listen TYPE [TYPE ...]   print "ready", then one JSON line per event until stdin closes
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import pyatspi  # type: ignore[import-not-found]

#: The states a test may ask about.
_STATES = {
    "focused": pyatspi.STATE_FOCUSED,
    "focusable": pyatspi.STATE_FOCUSABLE,
    "showing": pyatspi.STATE_SHOWING,
    "visible": pyatspi.STATE_VISIBLE,
    "enabled": pyatspi.STATE_ENABLED,
    "active": pyatspi.STATE_ACTIVE,
}


def _text(acc: Any) -> str | None:
    try:
        text = acc.queryText()
    except NotImplementedError:
        return None
    return text.getText(0, -1)


def _node(acc: Any, path: str) -> dict[str, Any]:
    states = acc.getState()
    node: dict[str, Any] = {
        "path": path,
        "role": acc.getRoleName(),
        "name": acc.name,
        "description": acc.description,
        "text": _text(acc),
        "states": sorted(k for k, v in _STATES.items() if states.contains(v)),
        "labelled_by": [],
    }
    for relation in acc.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            node["labelled_by"] += [relation.getTarget(i).name for i in range(relation.getNTargets())]
    try:
        box = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        node["extents"] = [box.x, box.y, box.width, box.height]
    except NotImplementedError:
        node["extents"] = None
    return node


def _walk(acc: Any, path: str, out: list[dict[str, Any]]) -> None:
    out.append(_node(acc, path))
    for i in range(acc.childCount):
        child = acc.getChildAtIndex(i)
        if child is not None:
            _walk(child, f"{path}/{i}", out)


def _app(name: str) -> Any:
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == name:
            return app
    return None


def tree(name: str) -> list[dict[str, Any]]:
    app = _app(name)
    out: list[dict[str, Any]] = []
    if app is not None:
        _walk(app, "", out)
    return out


def focus(name: str) -> dict[str, Any] | None:
    for node in tree(name):
        if "focused" in node["states"] and node["role"] not in ("frame", "window", "application"):
            return node
    return None


def listen(types: list[str]) -> None:
    def on_event(event: Any) -> None:
        source = event.source
        print(json.dumps({"type": event.type, "detail1": event.detail1, "any_data": str(event.any_data),
                          "source_role": source.getRoleName() if source else None,
                          "source_name": source.name if source else None}), flush=True)

    for kind in types:
        pyatspi.Registry.registerEventListener(on_event, kind)

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        pyatspi.Registry.stop()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    print("ready", flush=True)
    pyatspi.Registry.start()


def main(argv: list[str]) -> int:
    command, args = argv[1], argv[2:]
    if command == "tree":
        print(json.dumps(tree(args[0])))
    elif command == "focus":
        print(json.dumps(focus(args[0])))
    elif command == "listen":
        listen(args)
    else:
        print(f"unknown command {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
