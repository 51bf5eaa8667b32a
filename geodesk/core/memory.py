"""Refuse work whose arrays would not fit in memory, before allocating them (a clear message
instead of a MemoryError or the machine swapping)."""

from __future__ import annotations

import os
import time

#: Share of the available memory one request may take.
MAX_SHARE = 0.8
#: Seconds a reading of the available memory is reused (stepping through sections reads it on
#: every section: two file reads of /proc and /sys per flip otherwise).
REUSE_SECONDS = 0.5
_last_reading: list[float] = [-1e9, 0.0]  # time.monotonic(), bytes


class MemoryRefused(ValueError):
    """Arrays that would need more memory than the machine has; the message says how much."""


def _cgroup_limit() -> int | None:
    """The memory limit of this process's cgroup (containers), None where there is none."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as fh:
                text = fh.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:
            return int(text)
    return None


def available_bytes() -> int:
    """Memory available to this process: MemAvailable on Linux (within a container's cgroup
    limit), else the physical memory; one reading serves :data:`REUSE_SECONDS`."""
    now = time.monotonic()
    if now - _last_reading[0] < REUSE_SECONDS:
        return int(_last_reading[1])
    n = _read_available()
    _last_reading[:] = [now, float(n)]
    return n


def _read_available() -> int:
    limit = _cgroup_limit()
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    return min(avail, limit) if limit else avail
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8 << 30  # unknown platform: assume a modest workstation


def format_bytes(n: float) -> str:
    """``3.2 GiB``-style size for messages."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover - loop returns


def check_allocation(n_bytes: float, what: str, available: int | None = None) -> None:
    """Refuse ``what`` when it needs ``n_bytes`` (an estimate) beyond :data:`MAX_SHARE` of the
    available memory."""
    avail = available_bytes() if available is None else int(available)
    if not n_bytes <= MAX_SHARE * avail:  # also refuses NaN estimates
        raise MemoryRefused(f"{what} would need about {format_bytes(n_bytes)} of memory; "
                            f"{format_bytes(avail)} is available, of which GeoDesk uses at "
                            f"most {MAX_SHARE:.0%} ({format_bytes(MAX_SHARE * avail)})")


def reuse_freed_memory(keep_bytes: int = 64 << 20) -> bool:
    """Let this process reuse the memory it frees instead of handing it back at once (glibc
    ``mallopt``: arrays up to half ``keep_bytes`` from the heap, freed space up to
    ``keep_bytes`` kept). A pass that allocates and frees the same few arrays per gather then
    stops paying fresh zeroed pages for every one (~1 ms a 60 x 2000 gather of NMO + stack).
    For command-line passes; False where the C library offers no ``mallopt``."""
    if os.name != "posix":
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):  # no mallopt: not glibc (macOS)
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    ok = mallopt(m_mmap_threshold, keep_bytes // 2) == 1
    return ok and mallopt(m_trim_threshold, keep_bytes) == 1

