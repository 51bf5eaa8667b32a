"""Denoising quality in three columns, one run: GeoDesk's own held-out generator, the independent
evaluation family (``evalgen.volumes``), and real lines (no truth: what the model removed).

- **own**: clean volumes from ``geodesk.synth.generate_post3d`` with seeds from 2e9 up (never
  used in training, < 1e9, or validation, 1e9 + k), band-limited noise at ``--snr`` dB.
- **evaluation family**: ``evalgen.volumes.make_volume`` seeds 7e6 + k at ``--eval-snr`` dB
  (0 by default; white, band-limited, bursty or spiky noise, other wavelets, zero-filled tops,
  muted wedges), never used for training or for choosing any setting; ``--split validation``
  runs seeds 7.5e6 + k instead, those the adaptation settings were chosen on
  (``bench_denoise_adapt_validation.py``). The model as shipped,
  and the model after self-supervised adaptation (``geodesk.ml.selfsup``, its default settings:
  noise transfer) on the noisy evaluation volume itself: legitimate, it uses no clean data.
- Baselines on both synthetic columns: the best 3D Gaussian and 3D median filters over a grid
  of sizes, chosen KNOWING the clean volume, in the same run. SNR = 10 log10(P_clean / P_error)
  over the samples that hold data (not the zero-filled ones).
- **real lines**: ``penobscot_xl1155``, ``2D_Xline_12680``, the two Volve lines and two F3
  files from ``../shared/data/segy``: the removed part's share of the input RMS, its
  trace-to-trace coherence and correlation with the input and output, energy put into the
  zero-filled regions, spectrum bands (``geodesk.core.processing.denoise_checks``), and a
  left-right flip check, before and after adapting to each file.
- The model runs as shipped: what it removed coherently from trace to trace is put back
  (``geodesk.core.processing.leakage``); ``*_without_retrieval`` figures beside show the bare
  network's output. On volumes (the synthetic columns, the real 3D files' middle inline) it
  averages the run along inlines with the run along crosslines as the product does
  (``geodesk.ml.tasks.denoise_orient``); ``*_inline_only`` figures beside show one pass.

One JSON object; ``--pictures DIR`` also writes PNGs (input | output | removed ×5) per line:

    .venv/bin/python bench/bench_denoise_quality.py --model resources/models/denoise.pt
"""

from __future__ import annotations

import argparse
import itertools
import json
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
import segyio
from evalgen.volumes import make_volume
from scipy import ndimage

from geodesk.ml.registry import load_model
from geodesk.ml.tasks.denoise import denoise_volume, snr_db

HELD_OUT_SEED = 2_000_000_000
EVAL_SEED = 7_000_000
VALIDATION_SEED = 7_500_000  # adaptation settings are chosen on these, never on EVAL_SEED's
GAUSS_SIGMAS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
MEDIAN_SIZES = (1, 3, 5)
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "segy"
REAL_LINES = {
    "penobscot_xl1155": "seg+tutorials-2014/1410_Phase/data/penobscot_xl1155.sgy",
    "gundih_2D_Xline_12680": "yohanesnuwara+ccs-gundih/data/seismics/2D_Xline_12680.sgy",
    "volve_arb_twt": "trhallam+segysak/examples/data/volve10r12-full-twt-arb.sgy",
    "volve_il10117_depth": "trhallam+segysak/tests/test-data-volve/"
                           "volve10r12-full-z-il10117sub.sgy",
    "f3_segyio": "equinor+segyio/test-data/f3.sgy",
    "f3_segysak": "trhallam+segysak/tests/test-data-segysak/f3-ebcidctest.sgy",
}


def best_gaussian(noisy: np.ndarray, clean: np.ndarray, live: np.ndarray
                  ) -> tuple[float, list[float]]:
    """Best SNR of a 3D Gaussian over a grid of (inline, crossline, time) sigmas."""
    best = (-np.inf, [0.0, 0.0, 0.0])
    for s in itertools.product(GAUSS_SIGMAS, GAUSS_SIGMAS, GAUSS_SIGMAS[:5]):
        if any(s):
            best = max(best, (snr_db(clean[live], ndimage.gaussian_filter(noisy, s)[live]),
                              list(s)))
    return best


def best_median(noisy: np.ndarray, clean: np.ndarray, live: np.ndarray
                ) -> tuple[float, list[int]]:
    """Best SNR of a 3D median filter over a grid of (inline, crossline, time) sizes."""
    best = (-np.inf, [1, 1, 1])
    for s in itertools.product(MEDIAN_SIZES, MEDIAN_SIZES, MEDIAN_SIZES):
        if s != (1, 1, 1):
            best = max(best, (snr_db(clean[live], ndimage.median_filter(noisy, size=s)[live]),
                              list(s)))
    return best


def write_volume(path: Path, vol: np.ndarray, dt_ms: float) -> Path:
    """An IEEE inline-sorted SEG-Y of ``vol`` (inlines, crosslines, samples) for adaptation."""
    spec = segyio.spec()
    spec.format, spec.sorting = 5, 2
    spec.samples = np.arange(vol.shape[2]) * dt_ms
    spec.ilines, spec.xlines = np.arange(1, vol.shape[0] + 1), np.arange(1, vol.shape[1] + 1)
    n = vol.shape[1]
    with segyio.create(path, spec) as f:
        for i in range(vol.shape[0]):
            f.header[i * n:(i + 1) * n] = [
                {189: i + 1, 193: j + 1, 181: 25 * (i + 1), 185: 25 * (j + 1),
                 115: vol.shape[2], 117: int(dt_ms * 1000)} for j in range(n)]
            f.iline[i + 1] = vol[i]
        f.bin.update(hns=vol.shape[2], hdt=int(dt_ms * 1000))
    return path


def adapted_model(model, path: Path, steps: int | None, seed: int):
    """``model`` after self-supervised adaptation to the survey at ``path`` with the default
    settings (``steps`` of them when given)."""
    import geodesk
    from geodesk.ml.selfsup import AdaptSettings, adapt_denoiser

    s = AdaptSettings(seed=seed)
    if steps is not None:
        s.steps = int(steps)
    with geodesk.open(path) as survey:
        return adapt_denoiser(survey, model, settings=s)


def write_png(path: Path, img: np.ndarray) -> None:
    """An 8-bit greyscale PNG of ``img`` (rows, columns), zlib only."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    raw = b"".join(b"\x00" + row.tobytes() for row in img)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    head = struct.pack(">IIBBBBB", img.shape[1], img.shape[0], 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head)
                     + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def panels(inp: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Input | output | removed ×5, time down, at the input's 99th-percentile clip."""
    clip = float(np.percentile(np.abs(inp[inp != 0]), 99)) if np.any(inp) else 1.0

    def grey(a):
        return (127.5 + 127.5 * np.clip(a / clip, -1, 1)).T.astype(np.uint8)

    gap = np.full((inp.shape[1], 6), 255, np.uint8)
    return np.concatenate([grey(inp), gap, grey(out), gap, grey(5 * (inp - out))], axis=1)


def own_column(model, args) -> dict:
    from geodesk.synth import generate_post3d
    from geodesk.synth.wavelets import add_noise_at_snr, bandlimited_noise

    gains: dict[str, list] = {"model": [], "gaussian": [], "median": []}
    for k in range(args.volumes):
        seed = HELD_OUT_SEED + k
        rng = np.random.default_rng(seed)
        dt = 4.0
        clean = generate_post3d(tuple(args.shape), seed=seed, dt_ms=dt, snr_db=None,
                                n_faults=int(rng.integers(1, 4)), n_horizons=0).data
        nyq = 500.0 / dt
        noise = bandlimited_noise(rng, clean.shape, dt / 1000.0, 0.1 * nyq, 0.8 * nyq)
        noisy = add_noise_at_snr(clean, noise, args.snr).astype(np.float32)
        live = np.ones(clean.shape, dtype=bool)
        base = snr_db(clean, noisy)
        gains["model"].append(snr_db(clean, denoise_volume(model, noisy)) - base)
        gains["gaussian"].append(best_gaussian(noisy, clean, live)[0] - base)
        gains["median"].append(best_median(noisy, clean, live)[0] - base)
    mean = {k: round(float(np.mean(v)), 2) for k, v in gains.items()}
    return {"generator": "geodesk.synth.generate_post3d + band-limited noise",
            "seeds": f"{HELD_OUT_SEED}..{HELD_OUT_SEED + args.volumes - 1}",
            "shape": args.shape, "input_snr_db": args.snr, "mean_gain_db": mean,
            "model_over_best_gaussian_db": round(mean["model"] - mean["gaussian"], 2)}


def eval_column(model, args, tmp: Path, pictures: Path | None) -> dict:
    from geodesk.core.processing.denoise_checks import removed_report

    rows = []
    gains = {"model": [], "adapted": [], "model_without_retrieval": [],
             "adapted_without_retrieval": [], "model_inline_only": [],
             "adapted_inline_only": [], "gaussian": [], "median": []}
    first = VALIDATION_SEED if args.split == "validation" else EVAL_SEED
    for k in range(args.eval_volumes):
        seed = first + k
        v = make_volume(tuple(args.shape), seed=seed, snr_db=args.eval_snr)
        live = ~v.filled
        base = snr_db(v.clean[live], v.noisy[live])
        den = denoise_volume(model, v.noisy)
        t0 = time.perf_counter()
        adapted = adapted_model(model, write_volume(tmp / f"eval{k}.sgy", v.noisy, v.dt_ms),
                                args.adapt_steps, seed=k)
        ada = denoise_volume(adapted, v.noisy)
        adapt_s = time.perf_counter() - t0
        den_raw, ada_raw = (denoise_volume(without_retrieval(m), v.noisy)
                            for m in (model, adapted))
        den_one, ada_one = (denoise_volume(inline_only(m), v.noisy) for m in (model, adapted))
        g, g_sig = best_gaussian(v.noisy, v.clean, live)
        m, m_size = best_median(v.noisy, v.clean, live)
        mid = v.noisy.shape[0] // 2
        rec = {"seed": seed, **{key: v.info[key] for key in ("wavelet", "noise", "fills",
                                                             "dt_ms")},
               "n_faults": len(v.info["faults"]), "input_snr_db": round(base, 2),
               "model_gain_db": round(snr_db(v.clean[live], den[live]) - base, 2),
               "adapted_gain_db": round(snr_db(v.clean[live], ada[live]) - base, 2),
               "model_without_retrieval_gain_db": round(
                   snr_db(v.clean[live], den_raw[live]) - base, 2),
               "adapted_without_retrieval_gain_db": round(
                   snr_db(v.clean[live], ada_raw[live]) - base, 2),
               "model_inline_only_gain_db": round(snr_db(v.clean[live], den_one[live]) - base,
                                                  2),
               "adapted_inline_only_gain_db": round(
                   snr_db(v.clean[live], ada_one[live]) - base, 2),
               "gaussian_gain_db": round(g - base, 2), "gaussian_sigma": g_sig,
               "median_gain_db": round(m - base, 2), "median_size": m_size,
               "adapt_seconds": round(adapt_s, 1),
               "model_removed": _short(removed_report(v.noisy[mid], den[mid], dt_ms=v.dt_ms)),
               "adapted_removed": _short(removed_report(v.noisy[mid], ada[mid],
                                                        dt_ms=v.dt_ms))}
        for key, vals in gains.items():
            vals.append(rec[f"{key}_gain_db"])
        rows.append(rec)
        if pictures is not None:
            write_png(pictures / f"eval{k}_model.png", panels(v.noisy[mid], den[mid]))
            write_png(pictures / f"eval{k}_adapted.png", panels(v.noisy[mid], ada[mid]))
            write_png(pictures / f"eval{k}_clean.png", panels(v.clean[mid], v.clean[mid]))
        print(f"eval volume {k}: {json.dumps(rec)}", file=sys.stderr, flush=True)
    mean = {k: round(float(np.mean(v)), 2) for k, v in gains.items()}
    return {"generator": "evalgen.volumes.make_volume (evaluation only)",
            "split": args.split, "seeds": f"{first}..{first + args.eval_volumes - 1}",
            "shape": args.shape, "input_snr_db": args.eval_snr,
            "adapt_settings": adapt_settings(args.adapt_steps), "volumes": rows,
            "mean_gain_db": mean,
            "model_over_best_gaussian_db": round(mean["model"] - mean["gaussian"], 2),
            "adapted_over_best_gaussian_db": round(mean["adapted"] - mean["gaussian"], 2),
            "adapted_inline_only_over_best_gaussian_db": round(
                mean["adapted_inline_only"] - mean["gaussian"], 2),
            "target_over_best_gaussian_db": 3.0}


def adapt_settings(steps: int | None) -> dict:
    """The adaptation settings the bench runs (the defaults, ``steps`` when given)."""
    from dataclasses import asdict

    from geodesk.ml.selfsup import AdaptSettings

    s = asdict(AdaptSettings())
    if steps is not None:
        s["steps"] = int(steps)
    return {k: v for k, v in s.items() if k not in ("seed", "max_bytes")}


def without_retrieval(model):
    """A copy of the denoiser that keeps all it removes (no leakage retrieval), to compare."""
    import copy

    raw = copy.copy(model)  # shares the network; only the switch differs
    raw.leakage = False
    return raw


def inline_only(model):
    """A copy of the denoiser that runs volumes along inlines only (no orientation averaging)."""
    import copy

    one = copy.copy(model)  # shares the network; only the switch differs
    one.average_orientations = False
    return one


def _short(rep: dict) -> dict:
    keys = ("removed_rms_share", "coherence", "flat_coherence", "corr_with_input",
            "corr_with_output", "zero_region_energy")
    return {k: rep[k] for k in keys}


def real_section(survey):
    """(what the model reads, which of its sections is denoised or None, the section's samples,
    its label) of a real file: the 2D line, or a slab of inlines around the middle one
    (``ORIENT_HALO`` each side: what the product reads to average orientations)."""
    from geodesk.ml.tasks.denoise_orient import ORIENT_HALO

    if survey.kind == "post2d":
        sec = survey.line()
        return sec, None, sec.data, "line"
    n = len(survey.inlines)
    i = n // 2
    lo, hi = max(i - ORIENT_HALO, 0), min(i + ORIENT_HALO + 1, n)
    slab = np.stack([np.asarray(survey.inline(int(survey.inlines[j])).data, dtype=np.float32)
                     for j in range(lo, hi)])
    return slab, i - lo, slab[i - lo], f"inline {int(survey.inlines[i])}"


def run_real(model, x, core: int | None) -> np.ndarray:
    """The denoised section of :func:`real_section`'s input, as the product makes it."""
    from geodesk.ml.tasks.denoise_orient import denoise_slab

    if core is None:
        return np.asarray(model.predict(x), dtype=np.float32)
    return denoise_slab(model, x, slice(core, core + 1))[0]


def _flip_check(model, x, core: int | None) -> float:
    """RMS difference of predict(x) and flip(predict(flip(x))), as a share of the output RMS."""
    a = run_real(model, x, core)
    arr = np.asarray(x if isinstance(x, np.ndarray) else x.data, dtype=np.float32)
    b = run_real(model, arr[..., ::-1, :].copy(), core)[::-1]  # traces: the second-last axis
    return round(float(np.sqrt(np.mean((a - b) ** 2)) / max(np.sqrt(np.mean(a ** 2)), 1e-30)), 4)


def real_column(model, args, pictures: Path | None) -> dict:
    import geodesk
    from geodesk.core.processing.denoise_checks import removed_report
    from geodesk.ml.tasks.denoise_orient import averages

    out = {}
    for name, rel in REAL_LINES.items():
        path = Path(args.data) / rel
        if not path.is_file():
            out[name] = {"missing": str(path)}
            continue
        with geodesk.open(path) as survey:
            x, core, data, label = real_section(survey)
            dt = float(survey.dt_ms)
        data = np.asarray(data, dtype=np.float32)
        t0 = time.perf_counter()
        before = run_real(model, x, core)
        adapted = adapted_model(model, path, args.adapt_steps, seed=0)
        after = run_real(adapted, x, core)
        rec = {"file": rel, "section": label, "shape": list(data.shape), "dt": dt,
               "orientations_averaged": core is not None and bool(
                   model.average_orientations) and averages(model, x.shape),
               "adapt_kept_step": int(adapted.provenance_["kept_step"]),
               "before": removed_report(data, before, dt_ms=dt),
               "after": removed_report(data, after, dt_ms=dt),
               "before_without_retrieval": removed_report(
                   data, run_real(without_retrieval(model), x, core), dt_ms=dt),
               "after_without_retrieval": removed_report(
                   data, run_real(without_retrieval(adapted), x, core), dt_ms=dt),
               "flip_difference_before": _flip_check(model, x, core),
               "flip_difference_after": _flip_check(adapted, x, core),
               "seconds": round(time.perf_counter() - t0, 1)}
        if rec["orientations_averaged"]:
            rec["after_inline_only"] = _short(removed_report(
                data, run_real(inline_only(adapted), x, core), dt_ms=dt))
        out[name] = rec
        if pictures is not None:
            write_png(pictures / f"real_{name}_before.png", panels(data, before))
            write_png(pictures / f"real_{name}_after.png", panels(data, after))
        print(f"{name}: {json.dumps(rec)}", file=sys.stderr, flush=True)
    ok = [r for r in out.values() if "before" in r]
    for when in ("before", "after", "before_without_retrieval", "after_without_retrieval"):
        out[f"max_coherence_{when}"] = max(r[when]["coherence"] for r in ok) if ok else None
        out[f"mean_coherence_{when}"] = round(float(np.mean(
            [r[when]["coherence"] for r in ok])), 4) if ok else None
    out["target_coherence_below"] = 0.2
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="denoising model file (.pt)")
    ap.add_argument("--volumes", type=int, default=2, help="own-generator volumes")
    ap.add_argument("--eval-volumes", type=int, default=3, help="evaluation-family volumes")
    ap.add_argument("--shape", type=int, nargs=3, default=[16, 128, 200])
    ap.add_argument("--snr", type=float, default=0.0, help="own-generator input SNR (dB)")
    ap.add_argument("--eval-snr", type=float, default=0.0, help="evaluation input SNR (dB)")
    ap.add_argument("--adapt-steps", type=int, default=None,
                    help="adaptation steps per volume / line (default: AdaptSettings')")
    ap.add_argument("--split", choices=("scored", "validation"), default="scored",
                    help="evaluation-family seeds: scored (7e6 + k) or validation (7.5e6 + k)")
    ap.add_argument("--data", default=str(DATA), help="folder of the shared SEG-Y files")
    ap.add_argument("--pictures", default=None, metavar="DIR", help="write PNGs here")
    ap.add_argument("--columns", default="own,eval,real",
                    help="which columns to run (comma-separated: own, eval, real)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    pictures = Path(args.pictures) if args.pictures else None
    if pictures is not None:
        pictures.mkdir(parents=True, exist_ok=True)
    model = load_model(args.model, task="denoise", device="cpu")
    t0 = time.perf_counter()
    res: dict = {"model": args.model, "context": int(model.context), "threads": args.threads}
    columns = set(args.columns.split(","))
    if "own" in columns:
        res["own_generator"] = own_column(model, args)
        print(f"own: {json.dumps(res['own_generator'])}", file=sys.stderr, flush=True)
    if "eval" in columns:
        with tempfile.TemporaryDirectory(prefix="bench-denoise-") as tmp:
            res["evaluation_family"] = eval_column(model, args, Path(tmp), pictures)
    if "real" in columns:
        res["real_lines"] = real_column(model, args, pictures)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
