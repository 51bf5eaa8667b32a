"""STA/LTA characteristic function: GeoDesk against ObsPy's ``classic_sta_lta`` (C), same run.

A shot of 240 traces x 3000 samples (2 ms): noise with a first arrival of growing delay. Each
repetition times, interleaved (order alternating), ObsPy's ``classic_sta_lta`` over the traces
(its C routine takes one trace), GeoDesk's :func:`~geodesk.core.processing.firstbreaks.stalta`
on 1 and 2 threads, and GeoDesk's numpy path; ratio = reference time / GeoDesk time per
repetition. The two characteristic functions differ by definition (ObsPy's LTA window includes
the STA window; GeoDesk's ends where the STA window starts, so an arrival does not raise its own
background): both are computed with the same 10 ms / 100 ms windows, and the bench checks that
GeoDesk's compiled and numpy paths agree exactly and how far from the true onset each
function first reaches half its trace maximum.

Run: ``.venv/bin/python bench/bench_stalta.py [--reps 15]``. Needs ObsPy (the ``bench`` extra:
``pip install -e .[bench]``); without it the bench says so and times GeoDesk alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _anchors as an
import numpy as np

import geodesk.core.processing.firstbreaks as fb
from geodesk.core.processing.firstbreaks import stalta, stalta_numpy

DT_MS, STA_MS, LTA_MS = 2.0, 10.0, 100.0


def shot(n_traces: int = 240, n_samples: int = 3000, seed: int = 0):
    """Noise plus a 25 Hz arrival at 200 + 4 ms per trace: ``(gather float32, onset samples)``."""
    rng = np.random.default_rng(seed)
    g = 0.1 * rng.standard_normal((n_traces, n_samples)).astype(np.float32)
    onset = (200.0 + 4.0 * np.arange(n_traces)) / DT_MS
    t = np.arange(n_samples)
    for k, o in enumerate(onset):
        s = (t - o) * DT_MS / 1000.0
        g[k] += (np.where(s >= 0, np.sin(2 * np.pi * 25 * s) * np.exp(-3 * s), 0.0)
                 ).astype(np.float32)
    return g, onset


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _trigger(cf: np.ndarray, fraction: float = 0.5) -> np.ndarray:
    """First sample where the function reaches ``fraction`` of its trace maximum (how the
    first-break picker reads a characteristic function; a fixed level would compare the two
    functions' scales, which differ)."""
    return np.argmax(cf >= fraction * cf.max(axis=1, keepdims=True), axis=1)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args(argv)
    g, onset = shot()
    ns, nl = round(STA_MS / DT_MS), round(LTA_MS / DT_MS)
    try:
        from obspy.signal.trigger import classic_sta_lta
    except ImportError:
        classic_sta_lta = None
        print("bench_stalta: ObsPy is not installed (pip install -e .[bench]); timing GeoDesk "
              "alone", file=sys.stderr)

    def obspy_cf():
        return np.stack([classic_sta_lta(tr.astype(np.float64), ns, nl) for tr in g])

    def with_workers(workers):  # firstbreaks imported default_workers by name
        def run():
            keep = fb.default_workers
            fb.default_workers = lambda: workers
            try:
                return stalta(g, DT_MS, STA_MS, LTA_MS)
            finally:
                fb.default_workers = keep
        return run

    runs = {"geodesk_1_thread": with_workers(1), "geodesk_2_threads": with_workers(2),
            "numpy_path": lambda: stalta_numpy(g, DT_MS, STA_MS, LTA_MS)}
    if classic_sta_lta is not None:
        runs["obspy"] = obspy_cf
    results = {name: fn() for name, fn in runs.items()}  # warm-up, loads the kernel
    times: dict[str, list[float]] = {name: [] for name in runs}
    for rep in range(args.reps):
        for name in (list(runs) if rep % 2 == 0 else list(runs)[::-1]):
            times[name].append(_timed(runs[name]))
    fast = results["geodesk_1_thread"]
    out: dict = {"problem": "240 traces x 3000 samples (2 ms), STA 10 ms, LTA 100 ms",
                 "machine": an.machine(), "repetitions": args.reps,
                 "obspy": "classic_sta_lta (C), one call per trace" if classic_sta_lta
                 else "skipped: ObsPy not installed",
                 "agreement": {
                     "compiled_vs_numpy_max_abs_diff": float(np.abs(
                         fast - results["numpy_path"]).max()),
                     "two_threads_equal_one": bool(np.array_equal(
                         fast, results["geodesk_2_threads"])),
                     "geodesk_trigger_median_error_samples": float(np.median(np.abs(
                         _trigger(fast) - onset)))}}
    if classic_sta_lta is not None:
        out["agreement"]["obspy_trigger_median_error_samples"] = float(np.median(np.abs(
            _trigger(results["obspy"]) - onset)))
    for name in ("geodesk_1_thread", "geodesk_2_threads"):
        row = {"median_ms": round(1000 * statistics.median(times[name]), 3),
               "traces_per_s": round(g.shape[0] / statistics.median(times[name])),
               "vs_numpy_path": an.ratio_summary(times["numpy_path"], times[name])}
        if classic_sta_lta is not None:
            row["vs_obspy"] = an.ratio_summary(times["obspy"], times[name])
        out[name] = row
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
