"""Label efficiency: uncertainty-ranked review against random order, with a simulated interpreter.

A "survey" of one style the shipped models were not trained on (the evaluation family,
``bench/evalgen``: independent code): a pool of sections (faults) or shots (first breaks) the
interpreter may correct and, from other seeds of the same style, a scored set nobody corrects.
Each round the interpreter corrects the next item of the order with the synthetic truth
(faults: the true fault pixels, section marked fully interpreted; first breaks: every live
trace of the shot), then the model is fine-tuned FROM THE BASE weights on all corrections so far
(:mod:`geodesk.ml.finetune`, the workstation's code; a few steps; nothing held back: the scored
set is the measure) and scored. Orders: ``uncertainty`` (the workstation's measure, recomputed
with the current model after each update: fault sections by the mean pixel margin near faults,
shots by the disagreement with ``mer_trend``) and ``random`` (``--random-seeds`` orders).
Reported: the score after 0..budget corrections, the corrections each order needed to reach
the target (faults F1 0.8 at probability 0.5, within one pixel; first breaks 90 % of the
scored picks within 2 samples, misses count) or, when it is not reached, the level reached;
the ratio uncertainty / random (target <= 0.6). Learning curves are written as PNG.

    .venv/bin/python bench/bench_active_learning.py --task faults --out /tmp/al
    .venv/bin/python bench/bench_active_learning.py --task firstbreaks --out /tmp/al

One torch thread; the machine is shared (say so with the figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGETS = {"faults": ("f1", 0.8), "firstbreaks": ("within_2_samples", 0.9)}
MODELS = Path(__file__).resolve().parents[1] / "resources" / "models"


# -- the survey ---------------------------------------------------------------------------------
def fault_items(seeds: list[int], args: argparse.Namespace) -> list:
    """Evaluation sections of one style (period, SNR, size) as fully labelled sections."""
    from evalgen.faults import fault_section

    from geodesk.core.section import Axis, Section
    from geodesk.ml.finetune_faults import LabelledSection

    out = []
    for seed in seeds:
        f = fault_section(seed, args.snr, n_traces=args.traces, n_samples=args.samples,
                          period_samples=args.period)
        sec = Section(f.data, Axis(np.arange(f.data.shape[0], dtype=float), "crossline"),
                      Axis(4.0 * np.arange(f.data.shape[1]), "time", "ms"), "inline")
        out.append(LabelledSection(("inline", float(seed)), sec, f.labels.astype(np.float32),
                                   np.ones(f.labels.shape, dtype=bool)))
    return out


def shot_items(seeds: list[int], args: argparse.Namespace) -> list:
    """Evaluation shots of one style (dt, record, channels, source, wavelet, SNR) with every
    live trace labelled by its true onset."""
    from evalgen.shots import make_shot

    from geodesk.ml.finetune import LabelledGather
    from geodesk.ml.tasks.firstbreaks import gather_section

    out = []
    for seed in seeds:
        s = make_shot(seed, args.snr, dt_ms=2.0, record_ms=1000.0, n_channels=48,
                      source="split", header="signed", irregular=False, wavelet="berlage")
        g = gather_section(s.data, s.dt_ms, offsets=s.offsets)
        out.append(LabelledGather(seed, g, np.asarray(s.onset_ms, dtype=np.float32)))
    return out


# -- scores -------------------------------------------------------------------------------------
def score(task: str, model, items: list) -> float:
    from geodesk.ml.finetune import agreement
    from geodesk.ml.finetune_faults import fault_agreement

    if task == "faults":
        return float(fault_agreement(model, items)["f1"])
    return float(agreement(model, items)["within_2_samples"])


def uncertainty(task: str, model, item) -> float:
    """The workstation's expected-error score of one item under ``model``."""
    from geodesk.ml import uncertainty as unc

    if task == "faults":
        prob = np.asarray(model.predict(item.section), dtype=np.float32)
        return unc.section_score(unc.fault_uncertainty(prob), prob)
    u = unc.firstbreak_uncertainty(model, item.gather, measures=(unc.DEFAULT_MEASURE,))
    return unc.gather_score(u.scores[unc.DEFAULT_MEASURE],
                            saturate=unc.gather_saturation(unc.DEFAULT_MEASURE))


# -- the loop -----------------------------------------------------------------------------------
def settings(task: str, args: argparse.Namespace):
    from geodesk.ml.finetune_sources import default_settings

    s = default_settings(task)
    s.steps, s.holdout, s.threads = int(args.steps), 0.0, 1
    s.n_synthetic, s.synthetic_size = 2, 64
    return s


def run_order(task: str, order: str, pool: list, scored: list, args, rng_seed: int,
              tmp: Path) -> dict:
    """One order: scores after 0..budget corrections and what each round took."""
    from geodesk.ml.finetune_sources import LabelItems, finetune
    from geodesk.ml.registry import load_model

    base = MODELS / f"{task}.pt"
    model = load_model(base, task=task, device="cpu")
    curve = [score(task, model, scored)]
    rng = np.random.default_rng(rng_seed)
    left = list(range(len(pool)))
    chosen: list[int] = []
    seconds = []
    for k in range(min(args.budget, len(pool))):
        t0 = time.monotonic()
        if order == "uncertainty":
            ranks = [uncertainty(task, model, pool[i]) for i in left]
            pick = left[int(np.argmax(ranks))]
        else:
            pick = left[int(rng.integers(len(left)))]
        left.remove(pick)
        chosen.append(pick)
        labels = LabelItems(task, [pool[i] for i in chosen], ["evaluation survey"])
        res = finetune(task, base, labels, tmp / f"{task}-{order}-{rng_seed}-{k}.pt",
                       settings=settings(task, args))
        model = res.model
        curve.append(score(task, model, scored))
        seconds.append(round(time.monotonic() - t0, 1))
        print(f"  {task} {order}#{rng_seed} {k + 1}: {curve[-1]:.3f} ({seconds[-1]} s)",
              file=sys.stderr, flush=True)
    return {"curve": [round(v, 4) for v in curve], "chosen": chosen, "seconds": seconds}


def needed(curve: list[float], level: float) -> int | None:
    """Corrections until ``curve`` first reaches ``level`` (None: never within the budget)."""
    return next((k for k, v in enumerate(curve) if v >= level), None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", choices=tuple(TARGETS), required=True)
    ap.add_argument("--budget", type=int, default=8, help="corrections per order")
    ap.add_argument("--pool", type=int, default=16, help="items the interpreter may correct")
    ap.add_argument("--scored", type=int, default=8, help="items scored (never corrected)")
    ap.add_argument("--steps", type=int, default=None, help="fine-tune steps per update")
    ap.add_argument("--random-seeds", type=int, default=2, help="random orders averaged")
    ap.add_argument("--snr", type=float, default=None)
    ap.add_argument("--period", type=float, default=9.0, help="faults: period in samples")
    ap.add_argument("--traces", type=int, default=128)
    ap.add_argument("--samples", type=int, default=160)
    ap.add_argument("--out", default="/tmp/bench_active_learning")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    task = args.task
    args.steps = args.steps or (60 if task == "faults" else 80)
    args.snr = args.snr if args.snr is not None else (10.0 if task == "faults" else 8.0)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    make = fault_items if task == "faults" else shot_items
    seed0 = 71000 if task == "faults" else 72000
    pool = make(list(range(seed0, seed0 + args.pool)), args)
    scored = make(list(range(seed0 + 500, seed0 + 500 + args.scored)), args)
    t0 = time.monotonic()
    runs = {"uncertainty": run_order(task, "uncertainty", pool, scored, args, 0, out)}
    for r in range(args.random_seeds):
        runs[f"random_{r}"] = run_order(task, "random", pool, scored, args, r, out)
    metric, level = TARGETS[task]
    rand = [runs[f"random_{r}"]["curve"] for r in range(args.random_seeds)]
    rand_mean = [round(float(v), 4) for v in np.mean(rand, axis=0)] if rand else []
    n_unc = needed(runs["uncertainty"]["curve"], level)
    n_rand = [needed(c, level) for c in rand]
    ratio = None
    if n_unc is not None and n_rand and all(n is not None for n in n_rand) and np.mean(n_rand):
        ratio = round(n_unc / float(np.mean(n_rand)), 3)
    from _chart import line_chart

    xs = list(range(len(runs["uncertainty"]["curve"])))
    series = {"uncertainty": (xs, runs["uncertainty"]["curve"])}
    series.update({f"random #{r}": (xs, c) for r, c in enumerate(rand)})
    png = line_chart(out / f"active_learning_{task}.png", series,
                     title=f"{task}: corrections vs {metric} (evaluation family)",
                     xlabel="corrected " + ("sections" if task == "faults" else "shots"),
                     ylabel=metric, target=level)
    for name in list(out.glob(f"{task}-*.pt")):
        name.unlink()
    print(json.dumps({
        "task": task, "metric": metric, "target_level": level,
        "survey": {"family": "bench/evalgen", "pool": args.pool, "scored": args.scored,
                   "snr_db": args.snr, "seeds": [seed0, seed0 + args.pool],
                   "scored_seeds": [seed0 + 500, seed0 + 500 + args.scored],
                   **({"period_samples": args.period, "traces": args.traces,
                       "samples": args.samples} if task == "faults" else
                      {"dt_ms": 2.0, "record_ms": 1000, "channels": 48, "wavelet": "berlage"})},
        "fine_tune": {"steps": args.steps, "from": "base weights every update",
                      "synthetic_fraction": settings(task, args).synthetic_fraction},
        "runs": runs, "random_mean_curve": rand_mean,
        "corrections_needed": {"uncertainty": n_unc, "random": n_rand},
        "level_reached": {"uncertainty": max(runs["uncertainty"]["curve"]),
                          "random_mean": max(rand_mean) if rand_mean else None},
        "ratio_uncertainty_over_random": ratio,
        "target_ratio": 0.6,
        "target_met": ratio is not None and ratio <= 0.6,
        "png": str(png), "seconds": round(time.monotonic() - t0, 1),
        "threads": 1, "note": "machine shared with other jobs",
    }, indent=1))


if __name__ == "__main__":
    main()
