"""Choose the denoiser's self-supervised adaptation settings on the evaluation family's VALIDATION
seeds (``evalgen.volumes.make_volume`` seeds 7.5e6 + k; ``bench_denoise_quality`` scores 7e6 + k).

For every configuration (``geodesk.ml.selfsup.AdaptSettings`` fields) each validation volume is
written as SEG-Y, the shipped denoiser adapted to it through ``adapt_denoiser`` (the code the CLI
and the window run) and, at each of its held-out checks, the true SNR gain of the model being
adapted is measured against the clean volume, run along inlines only, along crosslines only and
averaged over the two (``geodesk.ml.tasks.denoise_orient``; the model's ``average_orientations``
is chosen on these). Reported per configuration: the mean gain at each check step, the mean
gain of the weights the held-out rule keeps (what a user gets, no truth used) in each
orientation, and whether the rule's choice agrees with the truth. ``--kept-only`` scores only the
start and the kept weights (and, per ``--horizon`` H, the weights the rule keeps among the checks
up to step H: one long run answers for shorter ones); every ``--variant`` (inference switches of
the kept model, e.g. ``leakage=0`` or ``leakage_low=0.5,leakage_high=0.7``) is scored beside;
``--real`` adapts to two real files no scored bench reads (RIV6, Viking FFID 5) and reports the
removed part's coherence as run and per variant. One JSON object:

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


def _label(variant: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in variant.items())


def orientation_gains(model, v, live: np.ndarray, base: float) -> dict[str, float]:
    """True SNR gains (dB) of ``model`` on volume ``v`` run along inlines, along crosslines and
    averaged over both (the mean of the two passes, as the product's averaging makes it)."""
    single = inline_only(model)
    along = denoise_volume(single, v.noisy)
    across = denoise_volume(single, np.ascontiguousarray(v.noisy.transpose(1, 0, 2)))
    across = across.transpose(1, 0, 2)
    outs = {"inline": along, "crossline": across, "averaged": 0.5 * (along + across)}
    return {k: round(snr_db(v.clean[live], o[live]) - base, 3) for k, o in outs.items()}


def with_inference(model, variant: dict):
    """A copy of ``model`` (sharing its network) with the inference switches of ``variant``
    (model attributes such as ``leakage``, ``flips``) set."""
    import copy

    out = copy.copy(model)
    for key, val in variant.items():
        if not hasattr(out, key):
            raise ValueError(f"the denoiser has no setting {key!r}")
        setattr(out, key, type(getattr(model, key))(val))
    return out


def rule_step(adapted, horizon: int) -> int:
    """The check the held-out rule would have kept had the run stopped at step ``horizon``
    (the lowest held-out loss among the checks up to it, the start included; earliest wins)."""
    best = (float(adapted.provenance_["held_out_loss_before"]), 0)
    for h in adapted.history_:
        if "adapt_step" in h and h["adapt_step"] <= horizon and h["held_out_loss"] < best[0]:
            best = (h["held_out_loss"], h["adapt_step"])
    return best[1]


def run_config(model, config: dict, volumes: list, tmp: Path, kept_only: bool = False,
               variants: tuple[dict, ...] = (), horizons: tuple[int, ...] = ()) -> dict:
    """Mean true gain at every check and of the kept weights, over ``volumes``, per
    orientation (``curve``: as the model runs; ``curves``: each of ORIENTATIONS). With
    ``kept_only`` only the start and the kept weights are scored (no curve); every inference
    ``variant`` is scored on the kept weights as well, and for every step in ``horizons`` the
    weights the rule would have kept had the run stopped there (same seed: the same steps)."""
    import copy

    import geodesk
    from geodesk.ml.selfsup import AdaptSettings, adapt_denoiser

    rows = []
    for k, v in enumerate(volumes):
        live = ~v.filled
        base = snr_db(v.clean[live], v.noisy[live])
        curve: dict[int, float] = {}
        curves: dict[str, dict[int, float]] = {o: {} for o in ORIENTATIONS}
        snapshots: dict[int, dict] = {}

        def score(step: int, adapted, v=v, live=live, base=base, curve=curve,
                  curves=curves, snapshots=snapshots) -> None:
            if kept_only and step > 0:
                snapshots[step] = copy.deepcopy(adapted.net_.state_dict())
                return
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
        seconds = round(time.perf_counter() - t0, 1)
        if kept not in curve:
            gains = orientation_gains(adapted, v, live, base)
            for o in ORIENTATIONS:
                curves[o][kept] = gains[o]
            curve[kept] = gains["averaged" if adapted.average_orientations else "inline"]
        by_horizon = {}
        for h in horizons:
            step = rule_step(adapted, h)
            if step not in curve:
                trial = copy.deepcopy(adapted)
                trial.net_.load_state_dict(snapshots[step])
                gains = orientation_gains(trial, v, live, base)
                for o in ORIENTATIONS:
                    curves[o][step] = gains[o]
                curve[step] = gains["averaged" if adapted.average_orientations else "inline"]
            by_horizon[h] = {"kept_step": step, "gain_db": curve[step]}
        by_variant = {}
        for var in variants:
            gains = orientation_gains(with_inference(adapted, var), v, live, base)
            by_variant[_label(var)] = {"inline": gains["inline"], "averaged": gains["averaged"]}
        rows.append({"variants": by_variant, "horizons": by_horizon,
                     "seed": v.info["seed"], "noise": v.info["noise"], "curve": curve,
                     "curves": curves,
                     "kept_gain_by_orientation_db": {o: curves[o][kept] for o in ORIENTATIONS},
                     "kept_step": kept, "kept_gain_db": curve[kept],
                     "best_step_by_truth": max(curve, key=curve.get),
                     "held_out": [round(h["held_out_loss"], 4) for h in adapted.history_
                                  if "held_out_loss" in h],
                     "seconds": seconds})
        print(json.dumps({"config": config, **rows[-1]}), file=sys.stderr, flush=True)
    steps = sorted(set.intersection(*(set(r["curve"]) for r in rows)))
    return {"config": config,
            "mean_gain_by_horizon_db": {h: round(float(np.mean([r["horizons"][h]["gain_db"]
                                                                for r in rows])), 2)
                                        for h in horizons},
            "mean_variant_gain_db": {
                _label(var): {o: round(float(np.mean([r["variants"][_label(var)][o]
                                                      for r in rows])), 2)
                              for o in ("inline", "averaged")} for var in variants},
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


#: Real files no scored bench reads (the leakage retrieval's constants were chosen on them too):
#: the removed part's coherence there is checked for every configuration and variant.
REAL_VALIDATION = {
    "riv6_line": ("a-pertuz+VelRecover/src/velrecover/examples/SEGY/RIV6.segy", None),
    "viking_ffid5": ("equinor+segyio/python/tutorials/viking_small.segy", 5),
}


def real_validation(model, config: dict, variants: tuple[dict, ...], data: Path) -> dict:
    """Per real validation file: the removed part's coherence and RMS share after adapting with
    ``config``, as the model runs and with every inference ``variant`` (no truth: random noise
    removed gives coherence near 0)."""
    import geodesk
    from geodesk.core.processing.denoise_checks import removed_report
    from geodesk.ml.selfsup import AdaptSettings, adapt_denoiser

    out = {}
    for name, (rel, gather) in REAL_VALIDATION.items():
        path = data / rel
        if not path.is_file():
            out[name] = {"missing": str(path)}
            continue
        with geodesk.open(path) as survey:
            sec = survey.line() if gather is None else survey.gather(gather)
            dt = float(survey.dt_ms)
            adapted = adapt_denoiser(survey, model, settings=AdaptSettings(**config))
        x = np.asarray(sec.data, dtype=np.float32)
        rec = {"kept_step": int(adapted.provenance_["kept_step"])}
        for label, m in [("as_run", adapted)] + [(_label(v), with_inference(adapted, v))
                                                  for v in variants]:
            rep = removed_report(x, np.asarray(m.predict(sec), dtype=np.float32), dt_ms=dt)
            rec[label] = {k: rep[k] for k in ("coherence", "removed_rms_share",
                                              "zero_region_energy")}
        out[name] = rec
        print(json.dumps({"config": config, name: rec}), file=sys.stderr, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="denoising model file (.pt)")
    ap.add_argument("--volumes", type=int, default=6, help="validation volumes")
    ap.add_argument("--first", type=int, default=0, help="first validation volume (k)")
    ap.add_argument("--shape", type=int, nargs=3, default=[16, 128, 200])
    ap.add_argument("--snr", type=float, default=0.0, help="input SNR (dB)")
    ap.add_argument("--config", action="append", default=None,
                    help="AdaptSettings fields, e.g. method=blind-spot,lr=1e-5 (repeatable)")
    ap.add_argument("--variant", action="append", default=[],
                    help="inference switches scored on the kept weights as well, e.g. "
                    "leakage=0,flips=2 (repeatable)")
    ap.add_argument("--horizon", type=int, action="append", default=[],
                    help="with --kept-only: also score the weights the held-out rule keeps "
                    "among the checks up to this step (repeatable)")
    ap.add_argument("--real", action="store_true",
                    help="also adapt to the real validation files (RIV6, Viking FFID 5) and "
                    "report the removed part's coherence for every configuration and variant")
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"
                                          / "segy"), help="folder of the shared SEG-Y files")
    ap.add_argument("--kept-only", action="store_true",
                    help="score only the start and the kept weights, not every check")
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
        variants = tuple(parse_config(v) for v in args.variant)
        table = [run_config(model, parse_config(c), volumes, Path(tmp), args.kept_only,
                            variants, tuple(args.horizon)) if volumes
                 else {"config": parse_config(c), "mean_kept_gain_db": None}
                 for c in (args.config or DEFAULT_CONFIGS)]
    if args.real:
        for row in table:
            row["real_validation"] = real_validation(model, row["config"], variants,
                                                     Path(args.data))
    best = max(table, key=lambda r: r["mean_kept_gain_db"] or 0.0)
    print(json.dumps({"model": args.model, "threads": args.threads,
                      "seeds": f"{first}..{first + args.volumes - 1}",
                      "input_snr_db": args.snr,
                      "summary": [{k: r[k] for k in ("config", "mean_start_gain_db",
                                                     "mean_kept_gain_db", "by_orientation",
                                                     "mean_variant_gain_db",
                                                     "mean_gain_by_horizon_db",
                                                     "real_validation",
                                                     "mean_gain_by_step_db") if k in r}
                                  for r in table],
                      "chosen": best["config"], "table": table,
                      "seconds": round(time.perf_counter() - t0, 1)}, indent=1))


if __name__ == "__main__":
    main()
