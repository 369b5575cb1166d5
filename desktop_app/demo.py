"""``hipbreak --demo``: the whole cycle in about a minute.

The schedule runs on a clock 60 times faster than real time, so the default
60-minute interval passes in a minute, a 10-minute snooze in 10 seconds, and
5 real seconds without input count as a 5-minute natural break (the driver
multiplies idle readings by the same factor). Routine holds stay at real
speed: the player window gets the real clock, so the stretches can be seen
and done. ``status`` reports simulated time.

A demo never touches the user's real settings or history: unless
``HIPBREAK_PROFILE_DIR`` is set, it uses a throwaway profile folder in the
temp folder, removed again when the demo ends.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from desktop_app.core.clock import ScaledClock, SystemClock
from desktop_app.platform.paths import PROFILE_ENV, AppPaths, resolve_paths

log = logging.getLogger(__name__)

#: Schedule seconds per real second in the demo.
DEMO_FACTOR = 60.0
#: Marker file that proves a folder is a demo profile we made (and may remove).
_MARKER = "hipbreak-demo-profile"


def demo_clock(factor: float = DEMO_FACTOR) -> ScaledClock:
    """The schedule clock of the demo: real time, ``factor`` times faster from now on."""
    return ScaledClock(SystemClock(), factor)


class DemoProfile:
    """The profile the demo uses: ``HIPBREAK_PROFILE_DIR`` if set, else a throwaway temp folder."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ if environ is None else environ)
        self.throwaway: Path | None = None
        if not env.get(PROFILE_ENV):
            self.throwaway = Path(tempfile.mkdtemp(prefix="hipbreak-demo-"))
            (self.throwaway / _MARKER).write_text("a throwaway HipBreak --demo profile\n", encoding="utf-8")
            env[PROFILE_ENV] = str(self.throwaway)
            # child processes (e.g. a routine started from the demo) and the log see the same profile
            os.environ[PROFILE_ENV] = str(self.throwaway)
            log.info("demo: throwaway profile in %s", self.throwaway)
        self.paths: AppPaths = resolve_paths(env)

    def hint(self) -> str:
        """How to talk to this demo from another terminal."""
        folder = self.paths.profile_dir
        return f"HIPBREAK_PROFILE_DIR={folder} hipbreak status" if folder else "hipbreak status"

    def cleanup(self) -> None:
        """Remove the throwaway folder (only one we made, proven by the marker)."""
        folder = self.throwaway
        if folder is not None and (folder / _MARKER).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            self.throwaway = None
