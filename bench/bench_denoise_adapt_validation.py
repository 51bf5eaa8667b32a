"""Choose the denoiser's self-supervised adaptation settings on the evaluation family's VALIDATION
seeds (``evalgen.volumes.make_volume`` seeds 7.5e6 + k; ``bench_denoise_quality`` scores 7e6 + k).

For every configuration (``geodesk.ml.selfsup.AdaptSettings`` fields) each validation volume is
written as SEG-Y, the shipped denoiser adapted to it through ``adapt_denoiser`` (the code the CLI
and the window run) and, at each of its held-out checks, the true SNR gain of the model being
adapted is measured against the clean volume, run along inlines only, along crosslines only and
averaged over the two (``geodesk.ml.tasks.denoise_orient``; the model's ``average_orientations``
is chosen on these). Reported per configuration: the mean gain at each check step, the mean
gain of the weights the held-out rule keeps (what a user gets, no truth used) in each
orientation, and whether the rule's choice agrees with the truth. One JSON object:

    .venv/bin/python bench/bench_denoise_adapt_validation.py --model resources/models/denoise.pt \\
        --config method=noise-transfer,lr=1e-4 --config method=blind-spot,lr=1e-5
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_denoise_quality import VALIDATION_SEED, inline_only, write_volume
from evalgen.volumes import make_volume

from geodesk.ml.registry import load_model
from geodesk.ml.tasks.denoise import denoise_volume, snr_db

DEFAULT_CONFIGS = ("method=blind-spot,lr=1e-4,steps=200", "method=blind-spot,lr=1e-5,steps=200",
                   "method=noise-transfer,lr=1e-4,steps=300")


def parse_config(text: str) -> dict:
    """``"method=blind-spot,lr=1e-5"`` → AdaptSettings keyword arguments (numbers parsed)."""
    out: dict = {}
    for item in filter(None, text.split(",")):
        key, _, val = item.partition("=")
        try:
            out[key.strip()] = int(val) if val.strip().lstrip("-").isdigit() else float(val)
        except ValueError:
            out[key.strip()] = val.strip()
    return out


ORIENTATIONS = ("inline", "crossline", "averaged")


def orientation_gains(model, v, live: np.ndarray, base: float) -> dict[str, float]:
    """True SNR gains (dB) of ``model`` on volume ``v`` run along inlines, along crosslines and
    averaged over both (the mean of the two passes, as the product's averaging makes it)."""
    single = inline_only(model)
    along = denoise_volume(single, v.noisy)
    across = denoise_volume(single, np.ascontiguousarray(v.noisy.transpose(1, 0, 2)))
    across = across.transpose(1, 0, 2)
    outs = {"inline": along, "crossline": across, "averaged": 0.5 * (along + across)}
    return {k: round(snr_db(v.clean[live], o[live]) - base, 3) for k, o in outs.items()}


def run_config(model, config: dict, volumes: list, tmp: Path) -> dict:
    """Mean true gain at every check and of the kept weights, over ``volumes``, per
    orientation (``curve``: as the model runs; ``curves``: each of ORIENTATIONS)."""
    import geodesk
    from geodesk.ml.selfsup import AdaptSettings, adapt_denoiser

    rows = []
    for k, v in enumerate(volumes):
        live = ~v.filled
        base = snr_db(v.clean[live], v.noisy[live])
        curve: dict[int, float] = {}
        curves: dict[str, dict[int, float]] = {o: {} for o in ORIENTATIONS}

        def score(step: int, adapted, v=v, live=live, base=base, curve=curve,
                  curves=curves) -> None:
            gains = orientation_gains(adapted, v, live, base)
            for o in ORIENTATIONS:
                curves[o][step] = gains[o]
            curve[step] = gains["averaged" if adapted.average_orientations else "inline"]

        path = write_volume(tmp / f"val{k}.sgy", v.noisy, v.dt_ms)
        t0 = time.perf_counter()
        with geodesk.open(path) as survey:
            adapted = adapt_denoiser(survey, model, on_check=score,
                                     settings=AdaptSettings(**{"seed": k, **config}))
        kept = int(adapted.provenance_["kept_step"])
        rows.append({"seed": v.info["seed"], "noise": v.info["noise"], "curve": curve,
                     "curves": curves,
                     "kept_gain_by_orientation_db": {o: curves[o][kept] for o in ORIENTATIONS},
                     "kept_step": kept, "kept_gain_db": curve[kept],
                     "best_step_by_truth": max(curve, key=curve.get),
                     "held_out": [round(h["held_out_loss"], 4) for h in adapted.history_
                                  if "held_out_loss" in h],
                     "seconds": round(time.perf_counter() - t0, 1)})
        print(json.dumps({"config": config, **rows[-1]}), file=sys.stderr, flush=True)
    steps = sorted(rows[0]["curve"])
    return {"config": config,
            "mean_gain_by_step_db": {s: round(float(np.mean([r["curve"][s] for r in rows])), 2)
                                     for s in steps},
            "mean_kept_gain_db": round(float(np.mean([r["kept_gain_db"] for r in rows])), 2),
            "mean_start_gain_db": round(float(np.mean([r["curve"][0] for r in rows])), 2),
            "by_orientation": {o: {
                "mean_start_gain_db": round(float(np.mean([r["curves"][o][0] for r in rows])), 2),
                "mean_kept_gain_db": round(float(np.mean(
                    [r["kept_gain_by_orientation_db"][o] for r in rows])), 2)}
                for o in ORIENTATIONS},
            "volumes": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="denoising model file (.pt)")
    ap.add_argument("--volumes", type=int, default=6, help="validation volumes")
    ap.add_argument("--first", type=int, default=0, help="first validation volume (k)")
    ap.add_argument("--shape", type=int, nargs=3, default=[16, 128, 200])
    ap.add_argument("--snr", type=float, default=0.0, help="input SNR (dB)")
    ap.add_argument("--config", action="append", default=None,
                    help="AdaptSettings fields, e.g. method=blind-spot,lr=1e-5 (repeatable)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    model = load_model(args.model, task="denoise", device="cpu")
    first = VALIDATION_SEED + args.first
    volumes = [make_volume(tuple(args.shape), seed=first + k, snr_db=args.snr)
               for k in range(args.volumes)]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-adapt-val-") as tmp:
        table = [run_config(model, parse_config(c), volumes, Path(tmp))
                 for c in (args.config or DEFAULT_CONFIGS)]
    best = max(table, key=lambda r: r["mean_kept_gain_db"])
    print(json.dumps({"model": args.model, "threads": args.threads,
                      "seeds": f"{first}..{first + args.volumes - 1}",
                      "input_snr_db": args.snr,
                      "summary": [{k: r[k] for k in ("config", "mean_start_gain_db",
                                                     "mean_kept_gain_db", "by_orientation",
                                                     "mean_gain_by_step_db")} for r in table],
                      "chosen": best["config"], "table": table,
                      "seconds": round(time.perf_counter() - t0, 1)}, indent=1))


if __name__ == "__main__":
    main()
