"""Real hostile folders for the storage tests.

Tests here run as root on CI, and root ignores ``chmod``: a folder with mode
0555 is still writable for root, so a chmod-only "read-only folder" test would
pass on noise. What we do instead, so the write really fails:

* not root: ``chmod 0555`` (the kernel refuses the write);
* root: a read-only *bind mount* of the folder onto itself
  (``mount --bind`` + ``remount,ro``): the file system answers EROFS even to root.

A full disk is a real small tmpfs. When a mechanism is not available (no mount
permission in a container), the test is skipped with that reason, never faked.
Every fixture checks that the write really fails before handing the folder over.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False)


def _unmount(path: Path) -> None:
    if _run("umount", str(path)).returncode != 0:
        _run("umount", "-l", str(path))  # still busy (an open file): detach lazily


def _really_readonly(folder: Path) -> bool:
    probe = folder / ".write-probe"
    try:
        probe.write_text("x")
    except OSError:
        return True
    probe.unlink()
    return False


@contextlib.contextmanager
def readonly(folder: Path) -> Iterator[Path]:
    """Make an existing ``folder`` (with its contents) read-only for this process, for real."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            if not _really_readonly(folder):
                pytest.skip("chmod 0555 did not stop writes here")
            yield folder
        finally:
            folder.chmod(mode)
        return
    bind = _run("mount", "--bind", str(folder), str(folder))
    if bind.returncode != 0:
        pytest.skip(f"running as root, where chmod does not stop writes, and bind mounts are not allowed: "
                    f"{bind.stderr.strip()}")
    try:
        remount = _run("mount", "-o", "remount,bind,ro", str(folder))
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
        if not _really_readonly(folder):
            pytest.skip("the read-only bind mount still accepted a write")
        yield folder
    finally:
        _unmount(folder)


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "256k") -> Iterator[Path]:
    """A real, small tmpfs at ``folder``, so writes fail with ENOSPC once it is full."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        _unmount(folder)


def fill_up(folder: Path) -> Path:
    """Fill the file system holding ``folder`` until it refuses more bytes; returns the filler file."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:
        for chunk in (b"\0" * 65536, b"\0" * 4096, b"\0"):
            try:
                while fh.write(chunk):
                    pass
            except OSError:
                pass
    return filler
