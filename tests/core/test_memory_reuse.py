"""reuse_freed_memory: glibc's mallopt where there is one, a quiet False elsewhere."""

import ctypes
import platform
import sys

import pytest

from geodesk.core import memory


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="mallopt is glibc's")
def test_reuse_freed_memory_sets_the_thresholds_on_glibc():
    assert memory.reuse_freed_memory(64 << 20) is True


def test_reuse_freed_memory_is_false_without_a_c_library_mallopt(monkeypatch):
    def no_library(name):
        raise OSError("no such library")

    monkeypatch.setattr(ctypes, "CDLL", no_library)
    assert memory.reuse_freed_memory() is False
