"""DDTF in one run, side by side with its baselines; prints one JSON object.

- **learning**: DDTF vs a K-SVD-style baseline (scikit-learn ``MiniBatchDictionaryLearning``,
  64 atoms, lasso coding while learning, one iteration = one pass over the patches, OMP to the
  noise level when coding) on the same 20 000 noisy
  8×8 patches of an evaluation volume: seconds per iteration and SNR of the coded patches
  against their clean versions; the tight frame's max |WᵀW − I|.
- **denoising** at 0 dB on the evaluation family (``evalgen.volumes``, never used to build
  GeoDesk): the DDTF noise handling (plain or adaptive) and threshold factor and the 3D Gaussian's sigmas are chosen on validation
  seeds (7.1e6 + k) and scored on other seeds (7e6 + k, those of bench_denoise_quality);
  the shipped DnCNN and the oracle Gaussian (best sigmas knowing the clean volume) beside;
  DDTF and DnCNN as shipped (leakage retrieved) and without the retrieval.
- **real lines** of ``../shared/data/segy``: what DDTF (settings chosen on validation) and the
  shipped DnCNN removed (coherence < 0.2 wanted, beside the removed RMS share, correlations,
  spectrum bands), with ``geodesk.core.processing.denoise_checks.removed_report``; both with
  the leakage retrieval (``geodesk.core.processing.leakage``, as shipped) and without it.
- **interpolation**: 30 % and 50 % of the traces of clean evaluation volumes removed at
  random, filled by DDTF (POCS) and by linear interpolation between live neighbours along
  the crossline axis; SNR over the filled traces.
- **speed**: DDTF denoising of a 128³ volume, seconds and peak traced memory (tracemalloc).

Run with one thread: ``.venv/bin/python bench/bench_ddtf.py`` (BLAS and torch limited to 1).
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from bench_denoise_quality import DATA, GAUSS_SIGMAS, REAL_LINES, best_gaussian, real_section
from evalgen.volumes import make_volume
from scipy import ndimage
from threadpoolctl import threadpool_limits

from geodesk.core.processing.ddtf.apply import DDTFSettings, denoise_array, interpolate_array
from geodesk.core.processing.ddtf.frame import learn_frame, noise_sigma
from geodesk.core.processing.ddtf.patches import random_patches
from geodesk.core.processing.leakage import retrieve_leakage

VAL_SEED, TEST_SEED = 7_100_000, 7_000_000
FACTORS = (2.0, 3.0, 4.0, 5.0, 6.0)
#: Noise handling tried on validation: plain (white-noise threshold) and adaptive (whitened in
#: time, scaled locally: geodesk.core.processing.ddtf.noise).
ADAPTIVE = (False, True)


def snr(clean: np.ndarray, est: np.ndarray) -> float:
    c = np.asarray(clean, dtype=np.float64)
    e = np.asarray(est, dtype=np.float64) - c
    return float(10 * np.log10(np.mean(c * c) / max(np.mean(e * e), 1e-30)))


def log(name: str, rec) -> None:
    print(f"{name}: {json.dumps(rec, default=float)}", file=sys.stderr, flush=True)


# -- (a) learning speed and quality ----------------------------------------------------------
def learning(args) -> dict:
    from sklearn.decomposition import MiniBatchDictionaryLearning
    from sklearn.linear_model import orthogonal_mp_gram

    v = make_volume((16, 128, 200), seed=VAL_SEED + 99, snr_db=0.0, noise="white", fills=False)
    rng = np.random.default_rng(0)
    secs = v.noisy.reshape(-1, v.noisy.shape[-1])  # inlines stacked: 2D 8x8 patches
    clean2 = v.clean.reshape(-1, v.clean.shape[-1])
    both = np.stack([secs, clean2], axis=-1)
    rows = random_patches(both, (8, 8, 2), args.patches, rng).reshape(-1, 64, 2)
    noisy, clean = rows[..., 0].astype(np.float64), rows[..., 1].astype(np.float64)
    sigma = noise_sigma(noisy, (8, 8))
    out: dict = {"patches": len(noisy), "patch": "8x8", "noise": "white, 0 dB",
                 "sigma_estimate": sigma, "sigma_true": float(np.std(noisy - clean))}
    # DDTF: threshold 3 sigma (the default factor), 20 iterations
    w, rep = learn_frame(noisy, (8, 8), 3.0 * sigma, iterations=args.iterations)
    c = noisy @ w
    c[:, 1:] *= np.abs(c[:, 1:]) >= 3.0 * sigma
    out["ddtf"] = {"iterations": rep.iterations,
                   "ms_per_iteration": round(1000 * rep.seconds_per_iteration, 2),
                   "snr_in_db": round(snr(clean, noisy), 2),
                   "snr_db": round(snr(clean, c @ w.T), 2),
                   "tight_frame_error": rep.orthogonality_error}
    # K-SVD style: scikit-learn's dictionary learning (patches in units of the noise, lasso
    # coding while learning, one iteration = one pass over the patches), then OMP coding to
    # the noise level as in Elad & Aharon's K-SVD denoising
    mean = noisy.mean(axis=1, keepdims=True)
    x = (noisy - mean) / sigma
    dl = MiniBatchDictionaryLearning(n_components=64, alpha=1.0, batch_size=256,
                                     max_iter=args.ksvd_iterations, tol=0.0,
                                     max_no_improvement=None, fit_algorithm="lars",
                                     transform_algorithm="omp", random_state=0)
    t0 = time.perf_counter()
    dl.fit(x)
    fit_s = time.perf_counter() - t0
    d = dl.components_
    codes = orthogonal_mp_gram(d @ d.T, d @ x.T, tol=64 * 1.15 ** 2,
                               norms_squared=np.sum(x * x, axis=1)).T
    out["ksvd_style"] = {"estimator": "sklearn MiniBatchDictionaryLearning(64 atoms, "
                                      "fit_algorithm='lars', transform_algorithm='omp')",
                         "iterations": int(dl.n_iter_),
                         "ms_per_iteration": round(1000 * fit_s / max(int(dl.n_iter_), 1), 1),
                         "snr_db": round(snr(clean, sigma * (codes @ d) + mean), 2)}
    out["speedup"] = round(out["ksvd_style"]["ms_per_iteration"]
                           / max(out["ddtf"]["ms_per_iteration"], 1e-9), 1)
    out["reference_ms_per_iteration"] = {"ddtf": 7, "ksvd": 1700}
    return out


# -- (b) denoising on the evaluation family --------------------------------------------------
def _ddtf(noisy: np.ndarray, choice: tuple[bool, float], args, patch=(8, 8, 8)
          ) -> tuple[np.ndarray, object, np.ndarray]:
    """(DDTF as shipped: leakage retrieved, the fit, the frame's output before retrieval)."""
    s = DDTFSettings(patch=patch, adaptive=choice[0], factor=choice[1],
                     iterations=args.iterations, leakage=False)
    raw, fit = denoise_array(noisy, s)
    return retrieve_leakage(noisy, raw), fit, raw


def denoising(args, dncnn) -> dict:
    from geodesk.ml.tasks.denoise import denoise_volume

    shape = tuple(args.shape)
    val = [make_volume(shape, seed=VAL_SEED + k, snr_db=0.0) for k in range(args.val)]
    tuned: dict = {}
    for choice in itertools.product(ADAPTIVE, FACTORS):
        tuned[choice] = float(np.mean([snr(v.clean[~v.filled],
                                           _ddtf(v.noisy, choice, args)[0][~v.filled])
                                       - snr(v.clean[~v.filled], v.noisy[~v.filled])
                                       for v in val]))
    factor = max(tuned, key=tuned.get)
    gauss = {}
    for s in itertools.product(GAUSS_SIGMAS, GAUSS_SIGMAS, GAUSS_SIGMAS[:5]):
        if any(s):
            gauss[s] = float(np.mean([snr(v.clean[~v.filled],
                                          ndimage.gaussian_filter(v.noisy, s)[~v.filled])
                                      for v in val]))
    sig = max(gauss, key=gauss.get)
    log("tuned", {"ddtf_gain": {str(k): v for k, v in tuned.items()}, "choice": factor,
                  "gaussian_sigma": sig})
    rows = []
    gains = {"ddtf": [], "ddtf_without_retrieval": [], "gaussian_tuned": [],
             "gaussian_oracle": [], "dncnn": [], "dncnn_without_retrieval": []}
    raw_dncnn = copy.deepcopy(dncnn)
    raw_dncnn.leakage = False
    frames_err = []
    for k in range(args.test):
        v = make_volume(shape, seed=TEST_SEED + k, snr_db=0.0)
        live = ~v.filled
        base = snr(v.clean[live], v.noisy[live])
        t0 = time.perf_counter()
        den, fit, raw = _ddtf(v.noisy, factor, args)
        dt = time.perf_counter() - t0
        frames_err.append(fit.report.orthogonality_error)
        rec = {"seed": TEST_SEED + k, "noise": v.info["noise"], "wavelet": v.info["wavelet"],
               "input_snr_db": round(base, 2),
               "ddtf": round(snr(v.clean[live], den[live]) - base, 2),
               "ddtf_without_retrieval": round(snr(v.clean[live], raw[live]) - base, 2),
               "ddtf_seconds": round(dt, 1),
               "gaussian_tuned": round(snr(v.clean[live], ndimage.gaussian_filter(
                   v.noisy, sig)[live]) - base, 2),
               "gaussian_oracle": round(best_gaussian(v.noisy, v.clean, live)[0] - base, 2),
               "dncnn": round(snr(v.clean[live], denoise_volume(dncnn, v.noisy)[live]) - base,
                              2),
               "dncnn_without_retrieval": round(snr(v.clean[live], denoise_volume(
                   raw_dncnn, v.noisy)[live]) - base, 2)}
        for key, vals in gains.items():
            vals.append(rec[key])
        rows.append(rec)
        log(f"test volume {k}", rec)
    mean = {k: round(float(np.mean(g)), 2) for k, g in gains.items()}
    return {"generator": "evalgen.volumes.make_volume (evaluation only)", "shape": list(shape),
            "input_snr_db": 0.0, "validation_seeds": f"{VAL_SEED}..{VAL_SEED + args.val - 1}",
            "test_seeds": f"{TEST_SEED}..{TEST_SEED + args.test - 1}", "patch": "8x8x8",
            "adaptive_and_factor_chosen_on_validation": list(factor),
            "validation_gain_db": {f"adaptive={a} factor={f:g}": round(g, 2)
                                   for (a, f), g in tuned.items()},
            "gaussian_sigma_chosen_on_validation": list(sig), "volumes": rows,
            "mean_gain_db": mean,
            "ddtf_over_tuned_gaussian_db": round(mean["ddtf"] - mean["gaussian_tuned"], 2),
            "ddtf_over_oracle_gaussian_db": round(mean["ddtf"] - mean["gaussian_oracle"], 2),
            "target_over_gaussian_db": 1.0, "tight_frame_error_max": max(frames_err),
            "factor": factor}


# -- real lines ------------------------------------------------------------------------------
REAL_KEYS = ("removed_rms_share", "coherence", "flat_coherence", "corr_with_input",
             "corr_with_output", "zero_region_energy", "band_ratios")


def _removed(data: np.ndarray, res: np.ndarray, dt: float) -> dict:
    from geodesk.core.processing.denoise_checks import keep_constant_regions, removed_report

    rep = removed_report(data, keep_constant_regions(data, res), dt_ms=dt)
    return {k: rep[k] for k in REAL_KEYS}


def real_lines(args, choice: tuple[bool, float], dncnn) -> dict:
    """What DDTF (the settings chosen on validation) and the shipped DnCNN removed from each
    real line, with and without the leakage retrieval, side by side."""
    import geodesk

    raw_dncnn = copy.deepcopy(dncnn)
    raw_dncnn.leakage = False
    out = {}
    for name, rel in REAL_LINES.items():
        path = Path(args.data) / rel
        if not path.is_file():
            out[name] = {"missing": str(path)}
            continue
        with geodesk.open(path) as survey:
            dt = float(survey.dt_ms)
            x_dn, _, _ = real_section(survey, dncnn)
            if survey.kind == "post3d" and len(survey.inlines) >= 8:
                n = len(survey.inlines)
                a = max(n // 2 - 8, 0)
                ils = survey.inlines[a:min(a + 16, n)]
                vol = np.stack([survey.inline(int(il)).data for il in ils])
                mid = len(ils) // 2
                den, _, raw = _ddtf(vol, choice, args)
                data, res, res_raw = vol[mid], den[mid], raw[mid]
                label = f"inline {int(ils[mid])} (3D patches)"
            else:
                sec = survey.line() if survey.kind == "post2d" else \
                    survey.inline(int(survey.inlines[len(survey.inlines) // 2]))
                data = np.asarray(sec.data, dtype=np.float32)
                res, _, res_raw = _ddtf(data, choice, args, patch=(8, 8))
                label = "line (2D patches)"
        dn_data = np.asarray(x_dn if isinstance(x_dn, np.ndarray) else x_dn.data,
                             dtype=np.float32)
        dn_data = dn_data[dn_data.shape[0] // 2] if dn_data.ndim == 3 else dn_data
        out[name] = {"section": label, "shape": list(data.shape),
                     "ddtf": _removed(data, res, dt),
                     "ddtf_without_retrieval": _removed(data, res_raw, dt),
                     "dncnn": _removed(dn_data, dncnn.predict(x_dn), dt),
                     "dncnn_without_retrieval": _removed(dn_data, raw_dncnn.predict(x_dn), dt)}
        log(name, out[name])
    lines = [r for r in out.values() if "ddtf" in r]
    for key in ("ddtf", "ddtf_without_retrieval", "dncnn", "dncnn_without_retrieval"):
        ok = [r[key]["coherence"] for r in lines]
        out[f"max_coherence_{key}"] = max(ok) if ok else None
        out[f"mean_coherence_{key}"] = round(float(np.mean(ok)), 4) if ok else None
    out["settings"] = {"adaptive": choice[0], "factor": choice[1],
                       "leakage": "geodesk.core.processing.leakage defaults"}
    out["target_coherence_below"] = 0.2
    return out


# -- (c) interpolation -----------------------------------------------------------------------
def linear_fill(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Missing traces of each inline linearly interpolated between the live crosslines
    either side (nearest live trace beyond the ends)."""
    out = x.copy()
    cols = np.arange(x.shape[1])
    for i in range(x.shape[0]):
        live = np.flatnonzero(mask[i])
        miss = np.flatnonzero(~mask[i])
        if len(live) == 0 or len(miss) == 0:
            continue
        hi = np.searchsorted(live, miss)  # first live trace after each missing one
        a = live[np.clip(hi - 1, 0, len(live) - 1)]
        b = live[np.clip(hi, 0, len(live) - 1)]
        a = np.where(hi == 0, b, a)  # before the first / after the last: the nearest
        wgt = np.where(b > a, (cols[miss] - a) / np.maximum(b - a, 1), 0.0)[:, None]
        out[i, miss] = (1 - wgt) * x[i, a] + wgt * x[i, b]
    return out


def interpolation(args) -> dict:
    res = {}
    for frac in (0.3, 0.5):
        rows = []
        for k in range(args.interp_volumes):
            v = make_volume((16, 64, 160), seed=TEST_SEED + 50 + k, snr_db=40.0, fills=False)
            rng = np.random.default_rng(k)
            mask = rng.random(v.clean.shape[:2]) >= frac
            obs = v.clean * mask[..., None]
            t0 = time.perf_counter()
            fill, _ = interpolate_array(obs, mask, DDTFSettings(patch=(8, 8, 8)))
            dt = time.perf_counter() - t0
            miss = ~mask
            rows.append({"seed": TEST_SEED + 50 + k, "removed": int(miss.sum()),
                         "ddtf_snr_db": round(snr(v.clean[miss], fill[miss]), 2),
                         "linear_snr_db": round(snr(v.clean[miss],
                                                    linear_fill(obs, mask)[miss]), 2),
                         "ddtf_seconds": round(dt, 1)})
            log(f"interpolation {frac} {k}", rows[-1])
        res[f"{int(frac * 100)}%"] = {
            "volumes": rows,
            "mean_ddtf_snr_db": round(float(np.mean([r["ddtf_snr_db"] for r in rows])), 2),
            "mean_linear_snr_db": round(float(np.mean([r["linear_snr_db"] for r in rows])), 2)}
    res["target_snr_db_at_30%"] = 10.0
    res["volume"] = "evalgen.volumes.make_volume (16, 64, 160), 40 dB, no fills; patch 8x8x8"
    return res


# -- (e) speed -------------------------------------------------------------------------------
def speed(args) -> dict:
    v = make_volume((128, 128, 128), seed=TEST_SEED + 77, snr_db=0.0, fills=False)
    tracemalloc.start()
    t0 = time.perf_counter()
    den, fit = denoise_array(v.noisy, DDTFSettings(patch=(8, 8, 8)))
    dt = time.perf_counter() - t0
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"shape": [128, 128, 128], "patch": "8x8x8", "step": "2x2x2", "seconds": round(dt, 1),
            "learning_seconds": round(fit.report.seconds_per_iteration
                                      * fit.report.iterations, 1),
            "peak_traced_mb": round(peak / 2**20, 1),
            "input_mb": round(v.noisy.nbytes / 2**20, 1),
            "gain_db": round(snr(v.clean, den) - snr(v.clean, v.noisy), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(Path(__file__).resolve().parents[1] / "resources"
                                           / "models" / "denoise.pt"), help="DnCNN weights")
    ap.add_argument("--patches", type=int, default=20000)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--ksvd-iterations", type=int, default=3)
    ap.add_argument("--shape", type=int, nargs=3, default=[16, 128, 200])
    ap.add_argument("--val", type=int, default=2, help="validation volumes")
    ap.add_argument("--test", type=int, default=3, help="scored volumes")
    ap.add_argument("--interp-volumes", type=int, default=2)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--parts", default="learning,denoising,real,interpolation,speed")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    import torch

    from geodesk.ml.registry import load_model

    torch.set_num_threads(args.threads)
    parts = set(args.parts.split(","))
    res: dict = {"threads": args.threads, "machine": "shared (2 cores, other jobs running)"}
    t0 = time.perf_counter()
    with threadpool_limits(args.threads):
        if "learning" in parts:
            res["learning"] = learning(args)
            log("learning", res["learning"])
        factor = (True, 3.0)
        dncnn = load_model(args.model, task="denoise", device="cpu")
        if "denoising" in parts:
            res["denoising"] = denoising(args, dncnn)
            factor = res["denoising"]["factor"]
        if "real" in parts:
            res["real_lines"] = real_lines(args, factor, dncnn)
        if "interpolation" in parts:
            res["interpolation"] = interpolation(args)
        if "speed" in parts:
            res["speed_128"] = speed(args)
            log("speed", res["speed_128"])
    res["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(res, indent=1, default=float))


if __name__ == "__main__":
    main()
