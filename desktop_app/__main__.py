"""``python -m desktop_app`` runs exactly what the ``hipbreak`` entry point runs."""

import sys

from desktop_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
