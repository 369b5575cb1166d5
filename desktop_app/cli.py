"""Command line entry point (placeholder until the tray issue lands the real CLI)."""

from __future__ import annotations

import sys

from desktop_app import __version__


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the requested command."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--version"]:
        print(f"hipbreak {__version__}")
        return 0
    print("hipbreak: the tray app is not built yet", file=sys.stderr)
    return 1
