"""The single-instance socket name, which a running older instance and a new launch must agree on."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.platform.paths import AppPaths


def _paths(profile: Path | None) -> AppPaths:
    base = Path("/tmp/hb-paths-test")
    return AppPaths(config_dir=base / "c", data_dir=base / "d", log_dir=base / "l", runtime_dir=base / "r",
                    profile_dir=profile)


def test_profile_socket_name_is_the_sha256_of_the_profile_folder() -> None:
    profile = Path("/tmp/some profile/é")
    digest = hashlib.sha256(str(profile).encode("utf-8", "surrogateescape")).hexdigest()
    assert _paths(profile).socket_name == f"hipbreak-{os.getuid()}-{digest[:10]}"
    assert _paths(None).socket_name == f"hipbreak-{os.getuid()}"


def test_the_socket_name_does_not_load_openssl() -> None:
    """hashlib's OpenSSL costs the tray app 3.4 MB; the builtin SHA-256 gives the same digest."""
    code = ("import sys; from pathlib import Path; from desktop_app.platform.paths import AppPaths; "
            "p = Path('/x'); AppPaths(p, p, p, p, profile_dir=p).socket_name; "
            "print('_hashlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
