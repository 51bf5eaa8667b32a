"""Velocity-picking quality of a velocity model on held-out synthetic CMPs with multiples,
against the semblance auto-picker.

CMPs come from ``geodesk.synth.generate_cmps`` (surface multiples and peg-legs on, band-limited
noise) with seeds from 2e9 up, never used in training (< 1e9) or validation (1e9 + k). Records
of 2, 3 and 4 s at 4 ms, 24 to 60 offsets, maximum offsets 1.5 to 4 km, per SNR. The error is
|ΔVrms| / Vrms at every sample between the first and the last primary reflection (where the
data constrain the velocity; below the last reflection any trend is a guess), pooled: mean and
90th percentile. Methods: ``unet`` the network's trend alone; ``unet_guided`` the picks
:func:`~geodesk.ml.results.model_velocity_function` gives (semblance peaks within 5 % of that
trend, where the semblance shows reflections: what ``geodesk velocities --method unet`` and
the workstation write), interpolated linearly (constant beyond the first and last knot). The
baseline is :func:`geodesk.core.processing.velpick.auto_pick` (semblance peaks chained in
time, multiples rejected), its picks interpolated linearly in time, on the
same gathers in the same run; a CMP where a method picks nothing is counted
(``cmps_without_picks``) and left out of that method's figures. One JSON object:

    .venv/bin/python bench/bench_vel_quality.py --model resources/models/velocities.pt
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from geodesk.core.processing.velpick import auto_pick
from geodesk.core.section import Axis, Section
from geodesk.ml.registry import load_model
from geodesk.ml.results import model_velocity_function
from geodesk.ml.tasks.velocities import panel_for_gather
from geodesk.synth import generate_cmps

HELD_OUT_SEED = 2_000_000_000


def stats(errors: list[np.ndarray]) -> dict[str, float | None]:
    """Mean and p90 of |ΔV|/V in percent."""
    if not errors:
        return {"mean_pct": None, "p90_pct": None}
    e = np.concatenate(errors) * 100.0
    return {"mean_pct": round(float(np.mean(e)), 2), "p90_pct": round(float(np.percentile(e, 90)), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="velocity model file (.pt)")
    ap.add_argument("--cmps", type=int, default=6, help="CMPs per (SNR, record length) cell")
    ap.add_argument("--snr", type=float, nargs="+", default=[0.0, 10.0, 20.0])
    ap.add_argument("--record-s", type=float, nargs="+", default=[2.0, 3.0, 4.0])
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    model = load_model(args.model, task="velocities", device="cpu")
    dt = 4.0
    out: dict = {"model": args.model, "held_out_seed_base": HELD_OUT_SEED, "cells": {}}
    names = ("unet", "semblance", "unet_guided")
    pooled: dict[str, list] = {n: [] for n in names}
    secs = dict.fromkeys(names, 0.0)
    unpicked = dict.fromkeys(names, 0)
    for i, snr in enumerate(args.snr):
        for j, rec in enumerate(args.record_s):
            errs: dict[str, list] = {n: [] for n in names}
            for k in range(args.cmps):
                seed = HELD_OUT_SEED + 10_000 * i + 100 * j + k
                rng = np.random.default_rng(seed)
                n_off = int(rng.integers(24, 61))
                c = generate_cmps((1, n_off, round(rec * 1000 / dt)), seed=seed, dt_ms=dt,
                                  snr_db=snr, irregular=bool(rng.random() < 0.5),
                                  offset_range_m=(float(rng.uniform(50, 300)),
                                                  float(rng.uniform(1500, 4000))))
                t = np.asarray(c.truth["t0_ms"], dtype=float)
                truth = np.asarray(c.truth["vrms"][0], dtype=float)
                p_t0 = np.asarray(c.truth["primary_t0_ms"], dtype=float)
                sel = (t >= p_t0.min()) & (t <= p_t0.max())
                sec = Section(c.data[0], Axis(np.arange(n_off, dtype=float), "trace"),
                              Axis(t, "time", "ms"), "gather",
                              headers={"offset": c.offsets_m[0]})
                s = time.perf_counter()
                v_model = model.predict(panel_for_gather(sec))
                secs["unet"] += time.perf_counter() - s
                s = time.perf_counter()
                pt, pv = auto_pick(c.data[0], c.offsets_m[0], t)
                secs["semblance"] += time.perf_counter() - s
                v_base = np.interp(t, pt, pv) if len(pt) else np.full_like(t, np.nan)
                s = time.perf_counter()
                gt, gv = model_velocity_function(model, sec)
                v_guided = np.interp(t, gt, gv)
                secs["unet_guided"] += time.perf_counter() - s
                for name, v in (("unet", v_model), ("semblance", v_base),
                                ("unet_guided", v_guided)):
                    e = np.abs(np.asarray(v, dtype=float)[sel] - truth[sel]) / truth[sel]
                    if not np.isfinite(e).all():  # nothing picked on this CMP
                        unpicked[name] += 1
                        continue
                    errs[name].append(e)
            cell = {name: stats(e) for name, e in errs.items()}
            out["cells"][f"SNR {snr:g} dB, {rec:g} s"] = cell
            for name in pooled:
                pooled[name] += errs[name]
    out["pooled"] = {name: stats(e) for name, e in pooled.items()}
    out["ratio_unet_over_semblance_mean"] = round(
        out["pooled"]["unet"]["mean_pct"] / max(out["pooled"]["semblance"]["mean_pct"], 1e-9), 2)
    out["cmps_without_picks"] = unpicked  # left out of that method's figures
    out["seconds"] = {k: round(v, 1) for k, v in secs.items()}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
