"""Velocity-analysis benchmark (GeoDesk alone; Seismic Unix side by side: bench_vs_su.py).

* semblance of a 60-trace x 2000-sample CMP (2 ms) for 200 trial velocities: the default
  (auto ``t0`` decimation, up to 2 threads), one thread, every sample, and GeoDesk's numpy
  path, each against the textbook loop (per velocity, per trace: interpolate, window sums)
  timed in the same repetitions, interleaved; ratio = loop time / fast time per repetition;
* the NMO refresh of that gather for one drag of a velocity knot (the velocity panel's live
  preview, within the 16 ms frame budget), on the compiled pass and on numpy;
* automatic picking per CMP on a synthetic 48 x 1000 CMP with multiples.

Run: ``.venv/bin/python bench/bench_semblance.py [--reps 7]``; prints one JSON object.
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

from geodesk.core.processing import moveout_sums, nmo_compiled
from geodesk.core.processing.nmo import nmo_correct
from geodesk.core.processing.semblance import (
    reference_semblance,
    semblance,
    velocity_axis,
)
from geodesk.core.processing.velpick import auto_pick
from geodesk.synth.cmps import generate_cmps

FRAME_MS = 16.0


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _numpy_path(fn):
    """``fn`` run with the compiled kernels switched off (GeoDesk's numpy path)."""
    def run():
        keep, moveout_sums.HAVE_NUMBA = moveout_sums.HAVE_NUMBA, False
        try:
            return fn()
        finally:
            moveout_sums.HAVE_NUMBA = keep
    return run


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args(argv)
    g, x, t = an.cmp_gather()
    v = velocity_axis(1500.0, 3490.0, 10.0)
    variants = {
        "default": lambda: semblance(g, x, t, v),
        "one_thread": lambda: semblance(g, x, t, v, workers=1),
        "every_sample": lambda: semblance(g, x, t, v, decimate=1),
        "numpy_path_one_thread": _numpy_path(lambda: semblance(g, x, t, v, workers=1)),
    }
    panels = {name: fn() for name, fn in variants.items()}  # warm-up (loads the kernels)
    ref = reference_semblance(g, x, t, v)
    times: dict[str, list[float]] = {name: [] for name in [*variants, "textbook_loop"]}
    for rep in range(args.reps):
        names = list(times) if rep % 2 == 0 else list(times)[::-1]
        for name in names:
            fn = variants.get(name, lambda: reference_semblance(g, x, t, v))
            times[name].append(_timed(fn))
    out: dict = {"problem": "60 traces x 2000 samples (2 ms) x 200 velocities",
                 "machine": an.machine(), "repetitions": args.reps,
                 "t0_decimation": panels["default"].decimation,
                 "textbook_loop_median_ms": round(1000 * statistics.median(
                     times["textbook_loop"]), 1)}
    for name, panel in panels.items():
        diff = np.abs(panel.values - ref)
        out[name] = {"median_ms": round(1000 * statistics.median(times[name]), 2),
                     "vs_textbook_loop": an.ratio_summary(times["textbook_loop"], times[name]),
                     "max_abs_diff_vs_textbook": round(float(diff.max()), 4),
                     "mean_abs_diff_vs_textbook": round(float(diff.mean()), 5)}

    t_fn = np.array([0.0, 1000.0, 2000.0, 3000.0])
    v_fn = np.array([1500.0, 1950.0, 2400.0, 2850.0])
    drag = {}
    for label, on in (("compiled", True), ("numpy", False)):
        keep = nmo_compiled.loaded
        nmo_compiled.loaded = (lambda: True) if on else (lambda: False)
        try:
            nmo_correct(g, x, t, t_fn, v_fn * 1.01, stretch_mute_pct=50.0)
            ts = [_timed(lambda: nmo_correct(g, x, t, t_fn, v_fn * 1.01,
                                             stretch_mute_pct=50.0)) for _ in range(50)]
        finally:
            nmo_compiled.loaded = keep
        drag[label] = {"median_ms": round(1000 * statistics.median(ts), 3),
                       "max_ms": round(1000 * max(ts), 3)}
    out["nmo_drag_refresh"] = {**drag, "frame_budget_ms": FRAME_MS,
                               "within_budget": max(d["max_ms"] for d in drag.values()) <= FRAME_MS}

    r = generate_cmps((3, 48, 1000), seed=0, snr_db=20.0)
    auto_pick(r.data[1], r.offsets_m[1], r.truth["t0_ms"])
    pick = [_timed(lambda: auto_pick(r.data[1], r.offsets_m[1], r.truth["t0_ms"]))
            for _ in range(max(3, args.reps // 2))]
    tp, vp = auto_pick(r.data[1], r.offsets_m[1], r.truth["t0_ms"])
    vt = np.interp(tp, r.truth["t0_ms"], r.truth["vrms"][1])
    out["auto_pick"] = {"cmp": "48 traces x 1000 samples (4 ms), 231 velocities, SNR 20 dB",
                        "median_ms_per_cmp": round(1000 * statistics.median(pick), 1),
                        "max_rel_error": round(float(np.max(np.abs(vp - vt) / vt)), 4)}
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
