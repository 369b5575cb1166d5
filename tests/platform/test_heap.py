"""platform/heap.py: the C heap's free pages go back to the system where glibc can do it, else nothing."""

from __future__ import annotations

import platform
import sys

import pytest

from desktop_app.platform import heap


@pytest.fixture(autouse=True)
def _fresh_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_trim", None)


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_glibc_is_asked_to_give_free_pages_back() -> None:
    blocks = [bytearray(64 * 1024) for _ in range(200)]  # ~13 MB from the C heap, then freed
    del blocks[::2]
    assert heap.release_free_memory() is True
    assert callable(heap._trim)


def test_elsewhere_nothing_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert heap.release_free_memory() is False
    assert heap._trim is False
