"""Denoising quality of a denoising model on held-out noisy synthetic volumes, against the best
simple 3D smoothing tuned on the same data.

Clean volumes come from ``geodesk.synth.generate_post3d`` (faults, folds) with seeds from 2e9
up, never used in training (< 1e9) or validation (1e9 + k); band-limited random noise (the
family the training draws from, its own seeds) is added at ``--snr`` dB (0 by default:
noise as strong as the signal). SNR = 10 log10(P_clean / P_error) over the whole volume. The
baselines are a 3D Gaussian filter and a 3D median filter (``scipy.ndimage``), each with the
best of a grid of sizes chosen KNOWING the clean volume, measured in the same run; the model
runs inline by inline with its neighbouring inlines (``denoise_volume``), and once more with
each inline alone (``--no-2d`` skips that). One JSON object:

    .venv/bin/python bench/bench_denoise_quality.py --model resources/models/denoise.pt
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np
from scipy import ndimage

from geodesk.ml.registry import load_model
from geodesk.ml.tasks.denoise import denoise_volume, snr_db
from geodesk.synth import generate_post3d
from geodesk.synth.wavelets import add_noise_at_snr, bandlimited_noise

HELD_OUT_SEED = 2_000_000_000
GAUSS_SIGMAS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
MEDIAN_SIZES = (1, 3, 5)


def best_gaussian(noisy: np.ndarray, clean: np.ndarray) -> tuple[float, list[float]]:
    """Best SNR of a 3D Gaussian over a grid of (inline, crossline, time) sigmas."""
    best = (-np.inf, [0.0, 0.0, 0.0])
    for s in itertools.product(GAUSS_SIGMAS, GAUSS_SIGMAS, GAUSS_SIGMAS[:5]):
        if not any(s):
            continue
        best = max(best, (snr_db(clean, ndimage.gaussian_filter(noisy, s)), list(s)))
    return best


def best_median(noisy: np.ndarray, clean: np.ndarray) -> tuple[float, list[int]]:
    """Best SNR of a 3D median filter over a grid of (inline, crossline, time) sizes."""
    best = (-np.inf, [1, 1, 1])
    for s in itertools.product(MEDIAN_SIZES, MEDIAN_SIZES, MEDIAN_SIZES):
        if s == (1, 1, 1):
            continue
        best = max(best, (snr_db(clean, ndimage.median_filter(noisy, size=s)), list(s)))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="denoising model file (.pt)")
    ap.add_argument("--volumes", type=int, default=2)
    ap.add_argument("--shape", type=int, nargs=3, default=[16, 128, 200])
    ap.add_argument("--snr", type=float, default=0.0, help="input SNR in dB")
    ap.add_argument("--no-2d", action="store_true", help="skip the single-section run")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    model = load_model(args.model, task="denoise", device="cpu")
    out: dict = {"model": args.model, "context": int(model.context), "input_snr_db": args.snr,
                 "shape": args.shape, "held_out_seed_base": HELD_OUT_SEED, "volumes": []}
    gains: dict[str, list] = {"model": [], "model_2d": [], "gaussian": [], "median": []}
    secs = {"model": 0.0}
    for k in range(args.volumes):
        seed = HELD_OUT_SEED + k
        rng = np.random.default_rng(seed)
        dt = 4.0
        clean = generate_post3d(tuple(args.shape), seed=seed, dt_ms=dt, snr_db=None,
                                n_faults=int(rng.integers(1, 4)), n_horizons=0).data
        nyq = 500.0 / dt
        noise = bandlimited_noise(rng, clean.shape, dt / 1000.0, 0.1 * nyq, 0.8 * nyq)
        noisy = add_noise_at_snr(clean, noise, args.snr).astype(np.float32)
        base = snr_db(clean, noisy)
        s = time.perf_counter()
        den = denoise_volume(model, noisy)
        secs["model"] += time.perf_counter() - s
        g, g_sig = best_gaussian(noisy, clean)
        m, m_size = best_median(noisy, clean)
        rec = {"seed": seed, "input_snr_db": round(base, 2),
               "model_gain_db": round(snr_db(clean, den) - base, 2),
               "gaussian_gain_db": round(g - base, 2), "gaussian_sigma": g_sig,
               "median_gain_db": round(m - base, 2), "median_size": m_size}
        gains["model"].append(snr_db(clean, den) - base)
        gains["gaussian"].append(g - base)
        gains["median"].append(m - base)
        if not args.no_2d and model.context:
            d2 = np.stack([model.predict(noisy[i]) for i in range(noisy.shape[0])])
            rec["model_2d_gain_db"] = round(snr_db(clean, d2) - base, 2)
            gains["model_2d"].append(snr_db(clean, d2) - base)
        out["volumes"].append(rec)
    mean = {k: round(float(np.mean(v)), 2) for k, v in gains.items() if v}
    out["mean_gain_db"] = mean
    out["model_over_best_smoothing_db"] = round(
        mean["model"] - max(mean["gaussian"], mean["median"]), 2)
    out["model_seconds"] = round(secs["model"], 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
