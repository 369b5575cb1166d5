"""Read the AT-SPI tree of a running app, the way a screen reader does (run with /usr/bin/python3).

Debian's pyatspi (python3-pyatspi) lives in the system Python's dist-packages and
needs GObject introspection, which the project's venv (a separate Python build)
cannot import; so the tests run this file as a child of the system Python and read
its JSON. It imports nothing from the project on purpose.

    serve    print "ready", then answer one JSON line per command line on stdin:
             tree APP           every accessible of APP as one JSON list
             focus APP          the accessible of APP that has keyboard focus (or null)
             listen TYPE...     start recording events of these types (e.g. object:announcement)
             events             the events recorded so far (and forget them)

One long-lived reader per test, not one process per question: starting pyatspi
costs a second of the shared machine each time, and a serving reader runs the
GLib main loop, so it can record events (announcements) between questions.
"""

from __future__ import annotations

import json
import sys
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
            # a serving reader lives across steps: ask the app every time rather than trust a cache
            # that only events (which Qt sends only to registered listeners) would keep fresh
            app.setCacheMask(pyatspi.cache.NONE)
            app.clearCache()
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


def serve() -> None:
    from gi.repository import GLib  # type: ignore[import-not-found]

    recorded: list[dict[str, Any]] = []
    listening: set[str] = set()

    def on_event(event: Any) -> None:
        source = event.source
        recorded.append({"type": event.type, "detail1": event.detail1, "any_data": str(event.any_data),
                         "source_role": source.getRoleName() if source else None,
                         "source_name": source.name if source else None})

    def answer(words: list[str]) -> Any:
        if words[0] == "tree":
            return tree(words[1])
        if words[0] == "focus":
            return focus(words[1])
        if words[0] == "listen":
            for kind in words[1:]:
                if kind not in listening:
                    pyatspi.Registry.registerEventListener(on_event, kind)
                    listening.add(kind)
            return True
        if words[0] == "events":
            found = list(recorded)
            recorded.clear()
            return found
        return {"error": f"unknown command {words[0]!r}"}

    def on_stdin(_source: Any, _condition: Any) -> bool:
        line = sys.stdin.readline()
        if not line:
            pyatspi.Registry.stop()
            return False
        words = line.split()
        if words:
            try:
                reply = answer(words)
            except Exception as exc:  # report, keep serving: the test decides what it means
                reply = {"error": repr(exc)}
            print(json.dumps(reply), flush=True)
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    print("ready", flush=True)
    pyatspi.Registry.start()


def main(argv: list[str]) -> int:
    command, args = argv[1], argv[2:]
    if command == "tree":
        print(json.dumps(tree(args[0])))
    elif command == "focus":
        print(json.dumps(focus(args[0])))
    elif command == "serve":
        serve()
    else:
        print(f"unknown command {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
