"""``python -m desktop_app`` runs exactly what the ``hipbreak`` entry point runs.

One exception, a hidden flag: ``--player-child`` runs the routine player as a child process of
the tray app (``desktop_app/player_child.py``, ``desktop_app/ui/player_process.py``). It is checked
here, before the command line is parsed, because the PyInstaller bundle has no ``-m``: its
executable runs this file, so the tray app starts the player as ``hipbreak --player-child``.
"""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--player-child"]:
        from desktop_app.player_child import run_child

        sys.exit(run_child())
    from desktop_app.cli import main

    sys.exit(main())
