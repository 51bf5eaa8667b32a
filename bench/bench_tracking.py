"""Horizon-tracking throughput: traces/s of 3D flood fill on a 400 x 400 grid, and of section
tracking. Prints one JSON object. ``--segy`` also times tracking from a SEG-Y file on disk.

    .venv/bin/python bench/bench_tracking.py [--size 400] [--samples 200] [--segy]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from geodesk.core.processing.tracking import TrackParams, track_3d, track_section


def ricker(t_ms: np.ndarray, f: float = 30.0) -> np.ndarray:
    a = (np.pi * f * t_ms / 1000.0) ** 2
    return (1 - 2 * a) * np.exp(-a)


def folded_volume(n: int, ns: int, dt: float, seed: int = 0):
    """A folded peak + trough pair with 10 % noise; returns (volume, times, truth)."""
    times = np.arange(ns) * dt
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    truth = ns * dt * 0.4 + 30 * np.sin(i / (n / 6)) * np.cos(j / (n / 5)) + 0.1 * i
    vol = np.empty((n, n, ns), np.float32)
    for k, t in enumerate(times):
        vol[:, :, k] = ricker(t - truth) - 0.6 * ricker(t - truth - 80)
    vol += 0.1 * np.random.default_rng(seed).standard_normal(vol.shape).astype(np.float32)
    return vol, times, truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=400)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--segy", action="store_true", help="also track from a SEG-Y file")
    a = ap.parse_args()
    dt = 4.0
    vol, times, truth = folded_volume(a.size, a.samples, dt)
    c = a.size // 2
    seed = [(c, c, float(truth[c, c]))]
    params = TrackParams()
    t0 = time.perf_counter()
    hz, _ = track_3d(vol, seed, params, times_ms=times)
    el = time.perf_counter() - t0
    n = int(np.isfinite(hz).sum())
    out = {"grid": [a.size, a.size], "samples": a.samples,
           "memory_traces_per_s": round(n / el), "memory_seconds": round(el, 3),
           "tracked_fraction": round(n / hz.size, 4),
           "within_one_sample": round(float(np.mean(np.abs(hz - truth) <= dt)), 4)}

    line = vol[c]
    t0, reps = time.perf_counter(), 5
    for _ in range(reps):
        track_section(line, times, [(c, float(truth[c, c]))], params)
    out["section_traces_per_s"] = round(reps * a.size / (time.perf_counter() - t0))

    if a.segy:
        import geodesk
        from geodesk.core.segy.write import write_post3d

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.sgy"
            i, j = np.meshgrid(np.arange(a.size), np.arange(a.size), indexing="ij")
            write_post3d(path, vol, 1 + np.arange(a.size), 1 + np.arange(a.size),
                         25.0 * i, 25.0 * j, dt_ms=dt)
            with geodesk.open(path) as survey:
                t0 = time.perf_counter()
                hz2, _ = track_3d(survey, [(c + 1, c + 1, float(truth[c, c]))], params)
                el = time.perf_counter() - t0
            out["segy_traces_per_s"] = round(int(np.isfinite(hz2).sum()) / el)
            out["segy_seconds"] = round(el, 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
