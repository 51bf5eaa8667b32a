"""Shared helpers for the SEG-Y benches: a generated IEEE volume and a median timer."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import numpy as np
import segyio


def make_volume(path: Path, n_il: int, n_xl: int, ns: int) -> Path:
    """Write an inline-sorted IEEE volume with segyio (once: reused if the size matches)."""
    size = 3600 + n_il * n_xl * (240 + 4 * ns)
    if path.exists() and path.stat().st_size == size:
        return path
    spec = segyio.spec()
    spec.format, spec.samples = 5, np.arange(ns) * 4.0
    spec.ilines, spec.xlines, spec.sorting = np.arange(1, n_il + 1), np.arange(1, n_xl + 1), 2
    rng = np.random.default_rng(0)
    block = rng.standard_normal((n_xl, ns)).astype(np.float32)
    tmp = path.with_name(path.name + ".part")
    with segyio.create(tmp, spec) as f:
        for i in range(n_il):
            f.header[i * n_xl:(i + 1) * n_xl] = [
                {189: i + 1, 193: j + 1, 181: 1000 * (i + 1), 185: 1000 * (j + 1)}
                for j in range(n_xl)]
            f.iline[i + 1] = block + i
    os.replace(tmp, path)
    return path


def median_ms(fn, args: list, repeat: int = 1) -> float:
    """Median wall time of ``fn(a)`` over ``args`` (each repeated), in milliseconds."""
    times = []
    for a in args:
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn(a)
            times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 3)


def best_ms(fn, repeats: int = 7) -> float:
    """Fastest of ``repeats`` calls of ``fn()`` after one warm-up, in milliseconds (the least
    disturbed by other processes on a shared machine)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000.0 * min(times)
