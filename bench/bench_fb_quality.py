"""First-break quality of a first-break model on held-out synthetic shots, against STA/LTA.

Shots come from ``geodesk.synth.generate_shots`` with seeds from 2e9 up, which neither training
(seeds < 1e9) nor validation (1e9 + k) uses: every (SNR, dt) cell has its own seeds, several
shots of ``--channels`` channels and ``--record-ms`` each. A live trace counts as a hit when its
pick is within 2 samples (of the file's dt) of the true ONSET; unpicked live traces are misses.

SNR here is that of the FIRST ARRIVAL, the signal a picker looks for: the power of the clean
trace over one wavelet period after the onset over the noise power, median over live traces
(``--snr 0`` = SNR 1). The generator's own ``snr_db`` compares the noise with ALL the signal,
strong ground roll and reflections included: its 0 dB leaves the first arrivals 12 dB under
the noise (0 / 10 / 20 / 30 dB total = -12 / -2 / 8 / 18 dB first-arrival SNR on these shots).
The noise is the generator's (band-limited, 3 Hz to 0.6 Nyquist), on the clean shots.

The classical baseline is the survey STA/LTA picker (``FirstBreakParams(method="stalta")``, as
the workstation runs it), measured on the same gathers in the same run. Prints one JSON object:

    .venv/bin/python bench/bench_fb_quality.py --model resources/models/firstbreaks.pt
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from geodesk.core.processing.fb_survey import FirstBreakParams, pick_gather
from geodesk.core.section import Axis, Section
from geodesk.ml.registry import load_model
from geodesk.ml.tasks.firstbreaks import gather_section
from geodesk.synth.shots import generate_shots
from geodesk.synth.wavelets import bandlimited_noise

HELD_OUT_SEED = 2_000_000_000


def stalta(gather: np.ndarray, dt: float, offsets: np.ndarray) -> np.ndarray:
    """The workstation's STA/LTA survey picker on one gather (ms, NaN unpicked)."""
    sec = Section(gather, Axis(np.arange(len(gather)) + 1.0, "channel"),
                  Axis(np.arange(gather.shape[1]) * dt, "time", "ms"), "gather",
                  headers={"offset": offsets})
    return pick_gather(sec, FirstBreakParams(method="stalta"))


def first_arrival_noise(clean: np.ndarray, fb_ms: np.ndarray, dt: float, f_peak: float,
                        snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """Band-limited noise scaled so that the median first-arrival SNR of the live traces of
    ``clean`` (shots, channels, samples) is ``snr_db``."""
    noise = bandlimited_noise(rng, clean.shape, dt / 1000.0, 3.0, 0.6 * 500.0 / dt)
    w = max(round(1000.0 / f_peak / dt), 2)
    k = np.floor(np.nan_to_num(fb_ms, nan=-1.0) / dt).astype(int)
    s = np.arange(clean.shape[-1])
    win = (s >= k[..., None]) & (s < k[..., None] + w) & (k[..., None] >= 0)
    ok = np.isfinite(fb_ms) & (win.sum(axis=-1) == w)
    p_sig = (np.square(clean, dtype=np.float64) * win).sum(axis=-1) / w
    p_noise = np.mean(np.square(noise, dtype=np.float64), axis=-1)
    ratio = np.median(p_sig[ok] / p_noise[ok])
    return (noise * np.sqrt(ratio / 10.0 ** (snr_db / 10.0))).astype(np.float32)


def summary(errors: list[np.ndarray], dt: float) -> dict[str, float]:
    """Hit rate within 2 samples, within 5 samples, median |error| (ms) of picked traces."""
    e = np.concatenate(errors)
    picked = np.isfinite(e)
    a = np.abs(np.where(picked, e, np.inf))
    return {"within_2_samples": round(float((a <= 2 * dt).mean()), 3),
            "within_5_samples": round(float((a <= 5 * dt).mean()), 3),
            "median_abs_error_ms": round(float(np.median(a[picked])), 2) if picked.any()
            else None,
            "picked": round(float(picked.mean()), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="first-break model file (.pt)")
    ap.add_argument("--shots", type=int, default=4, help="shots per (SNR, dt) cell")
    ap.add_argument("--channels", type=int, default=96)
    ap.add_argument("--record-ms", type=float, default=600.0)
    ap.add_argument("--snr", type=float, nargs="+", default=[0.0, 5.0, 10.0, 20.0, 30.0])
    ap.add_argument("--dt", type=float, nargs="+", default=[0.5, 1.0, 2.0, 4.0])
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    model = load_model(args.model, task="firstbreaks", device="cpu")
    out: dict = {"model": args.model, "held_out_seed_base": HELD_OUT_SEED,
                 "shots_per_cell": args.shots, "channels": args.channels,
                 "record_ms": args.record_ms, "cells": {}}
    pooled: dict[str, list] = {"unet": [], "stalta": []}
    t_model = t_base = 0.0
    for i, snr in enumerate(args.snr):
        for j, dt in enumerate(args.dt):
            seed = HELD_OUT_SEED + 1000 * i + 100 * j
            r = generate_shots((args.shots, args.channels, round(args.record_ms / dt)),
                               seed=seed, dt_ms=dt, snr_db=None, shot_step=16)
            fb = r.truth["first_break_ms"]
            data = r.data + first_arrival_noise(r.data, fb, dt, r.params["f_peak_hz"], snr,
                                                np.random.default_rng(seed + 1))
            errs: dict[str, list] = {"unet": [], "stalta": []}
            for k in range(args.shots):
                live = np.isfinite(fb[k])
                t = time.perf_counter()
                p_model = model.predict(gather_section(data[k], dt, offsets=r.offset_m[k]))
                t_model += time.perf_counter() - t
                t = time.perf_counter()
                p_base = stalta(data[k], dt, r.offset_m[k])
                t_base += time.perf_counter() - t
                errs["unet"].append((p_model - fb[k])[live])
                errs["stalta"].append((p_base - fb[k])[live])
            cell = {name: summary(e, dt) for name, e in errs.items()}
            out["cells"][f"first-arrival SNR {snr:g} dB, dt {dt:g} ms"] = cell
            for name, hits in pooled.items():
                hits.append(cell[name]["within_2_samples"])
    out["mean_within_2_samples"] = {k: round(float(np.mean(v)), 3) for k, v in pooled.items()}
    out["ratio_unet_over_stalta"] = round(out["mean_within_2_samples"]["unet"]
                                          / max(out["mean_within_2_samples"]["stalta"], 1e-9), 2)
    out["seconds"] = {"unet": round(t_model, 1), "stalta": round(t_base, 1)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
