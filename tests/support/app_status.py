"""Reading ``hipbreak status --json`` from a test that drives the installed app from outside.

The X11 e2e desktop and the Wayland sessions poll the running app this way until it
reaches the state a test waits for; both read the reply the same way, so it is read here once.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any


def status_reply(result: subprocess.CompletedProcess[str]) -> dict[str, Any] | None:
    """The status document printed by ``hipbreak status --json``, or None while the app does not answer."""
    if result.returncode != 0:
        return None
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data
