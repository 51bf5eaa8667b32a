"""Velocity-analysis benchmark: prints one JSON object.

* semblance of a 60-trace x 2000-sample CMP (2 ms) for 200 trial velocities: our default
  (auto ``t0`` decimation, up to 2 threads), the same on one thread and with every sample,
  against the textbook loop (per velocity, per trace: interpolate, window sums) timed in the
  same run, and against Seismic Unix ``suvelan`` on the same size;
* NMO refresh of that gather for one drag of a velocity knot (the live preview);
* automatic picking per CMP on a synthetic 48 x 1000 CMP with multiples.

Run: ``.venv/bin/python bench/bench_semblance.py`` (best of several repeats, wall time).
"""

from __future__ import annotations

import json
import os
import platform
import time

import numpy as np
from _common import best_ms

from geodesk.core.processing.nmo import nmo_correct
from geodesk.core.processing.semblance import reference_semblance, semblance, velocity_axis
from geodesk.core.processing.velpick import auto_pick
from geodesk.synth.cmps import generate_cmps

#: suvelan (Seismic Unix) on the same 60 x 2000 x 200 problem, measured on the 2-core
#: development machine by the project lead (issue "Velocity analysis"); not re-run here.
SUVELAN_MS = 165.0


def cmp_gather(n_traces: int = 60, n_samples: int = 2000, dt_ms: float = 2.0, seed: int = 0):
    """Hyperbolic 30 Hz Ricker primaries on 60 offsets with 5 % in-band noise."""
    rng = np.random.default_rng(seed)
    x = np.linspace(100.0, 3000.0, n_traces)
    t = dt_ms * np.arange(n_samples)
    g = np.zeros((n_traces, n_samples), dtype=np.float32)
    for t0 in np.arange(200.0, 3800.0, 150.0):
        v = 1500.0 + 0.45 * t0
        tm = np.sqrt(t0**2 + (x * 1000.0 / v) ** 2)
        a = (np.pi * 30.0 * (t[None, :] - tm[:, None]) / 1000.0) ** 2
        g += (rng.choice([-1, 1]) * (1 - 2 * a) * np.exp(-a)).astype(np.float32)
    noise = rng.standard_normal(g.shape)
    w = np.arange(-30, 31) * dt_ms
    a = (np.pi * 30.0 * w / 1000.0) ** 2
    wavelet = (1 - 2 * a) * np.exp(-a)
    noise = np.array([np.convolve(row, wavelet, "same") for row in noise])
    g += (0.05 * np.abs(g).max() / noise.std() * noise).astype(np.float32)
    return g, x, t


def main() -> dict:
    g, x, t = cmp_gather()
    v = velocity_axis(1500.0, 3490.0, 10.0)
    auto = semblance(g, x, t, v)
    ours = best_ms(lambda: semblance(g, x, t, v))
    one_thread = best_ms(lambda: semblance(g, x, t, v, workers=1))
    exact = best_ms(lambda: semblance(g, x, t, v, decimate=1))
    t_ref = time.perf_counter()
    ref = reference_semblance(g, x, t, v)
    ref_ms = 1000.0 * (time.perf_counter() - t_ref)
    diff = np.abs(auto.values - ref)

    t_fn = np.array([0.0, 1000.0, 2000.0, 3000.0])
    v_fn = np.array([1500.0, 1950.0, 2400.0, 2850.0])
    drag = best_ms(lambda: nmo_correct(g, x, t, t_fn, v_fn * 1.01, stretch_mute_pct=50.0), 20)

    r = generate_cmps((3, 48, 1000), seed=0, snr_db=20.0)
    pick_ms = best_ms(lambda: auto_pick(r.data[1], r.offsets_m[1], r.truth["t0_ms"]), 3)
    tp, vp = auto_pick(r.data[1], r.offsets_m[1], r.truth["t0_ms"])
    vt = np.interp(tp, r.truth["t0_ms"], r.truth["vrms"][1])

    return {
        "problem": "60 traces x 2000 samples (2 ms) x 200 velocities",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}",
        "semblance_ms": round(ours, 1),
        "semblance_one_thread_ms": round(one_thread, 1),
        "semblance_every_sample_ms": round(exact, 1),
        "t0_decimation": auto.decimation,
        "max_abs_diff_vs_reference": round(float(diff.max()), 4),
        "mean_abs_diff_vs_reference": round(float(diff.mean()), 5),
        "reference_loop_ms": round(ref_ms, 1),
        "speedup_vs_reference": round(ref_ms / ours, 1),
        "suvelan_ms": SUVELAN_MS,
        "suvelan_provenance": "Seismic Unix suvelan, same problem size, measured on the 2-core "
                              "dev machine (issue 'Velocity analysis'); constant, not re-run",
        "speedup_vs_suvelan": round(SUVELAN_MS / ours, 2),
        "target_semblance_ms": 33.0,
        "nmo_drag_refresh_ms": round(drag, 2),
        "target_nmo_ms": 16.0,
        "auto_pick_ms_per_cmp": round(pick_ms, 1),
        "auto_pick_cmp": "48 traces x 1000 samples (4 ms), 231 velocities, SNR 20 dB",
        "auto_pick_max_rel_error": round(float(np.max(np.abs(vp - vt) / vt)), 4),
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
