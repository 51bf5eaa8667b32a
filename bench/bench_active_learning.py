"""Label efficiency: the review queue's order against random order, with a simulated interpreter.

A "survey" of one style the shipped models were not trained on (the evaluation family,
``bench/evalgen``: independent code): a pool of sections (faults) or shots (first breaks) the
interpreter may correct and, from other seeds of the same style, a scored set nobody corrects.
Each round the interpreter corrects the next item of the order with the synthetic truth
(faults: the true fault pixels, section marked fully interpreted; first breaks: every live
trace of the shot), then Update model runs as in the window: the PRODUCT's fine-tune
(:func:`geodesk.ml.finetune_sources.finetune` with ``default_settings(task)``, from the base
weights on all corrections so far, labels held back for step choice and the first-break
picking option chosen on them; 1 torch thread) and the model is scored.

Orders: ``uncertainty`` (the window's review queue, :class:`geodesk.core.review.ReviewQueue`
with its diversity discount, fed after each update with the current model's scores: shots by
:func:`geodesk.ml.uncertainty.survey_scores` with the default measure over the model's picks,
as Next most uncertain does; fault sections by the mean pixel margin near faults,
:func:`~geodesk.ml.uncertainty.section_score`; positions = the item's place in the pool) and
``random`` (``--random-seeds`` orders). After each round: the scored set (headline), the
corrected items themselves (does the fine-tune learn what it was given?) beside the base
model on them, the step the fine-tune kept and why it stopped.

Reported: corrections each order needed to reach the issue's target (faults F1 0.8 at
probability 0.5 within one pixel; first breaks 90 % of the scored picks within 2 samples,
misses count) and the ratio uncertainty / random (target <= 0.6); where an order does not
reach the target, ALSO (secondary, not the target) the corrections the uncertainty order
needed to reach what the mean random order reached at the full budget, and the area under
each learning curve (mean score over 0..budget corrections) with the random orders' spread.

Long runs go in pieces (one order, a few rounds, each round saved; ``--until`` / resumed from
``OUT/TASK-ORDER.json`` and the last model file), then ``--merge`` prints the JSON and draws
the PNG:

    .venv/bin/python bench/bench_active_learning.py --task faults --order uncertainty --out /tmp/al
    .venv/bin/python bench/bench_active_learning.py --task faults --order random --seed 0 --out /tmp/al
    .venv/bin/python bench/bench_active_learning.py --task faults --merge --out /tmp/al

Without ``--order`` / ``--merge`` every order runs and is merged. One torch thread; the
machine is shared (say so with the figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGETS = {"faults": ("f1", 0.8), "firstbreaks": ("within_2_samples", 0.9)}
TARGET_RATIO = 0.6
MODELS = Path(__file__).resolve().parents[1] / "resources" / "models"
SEED0 = {"faults": 71000, "firstbreaks": 72000}
SCORED_OFFSET = 500  # scored seeds: SEED0 + 500 ...


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
    live trace labelled by its true onset; each gather knows its traces' place in the pool
    (``trace_index``), as a shot read from a file does."""
    from evalgen.shots import make_shot

    from geodesk.ml.finetune import LabelledGather
    from geodesk.ml.tasks.firstbreaks import gather_section

    out, first = [], 0
    for seed in seeds:
        s = make_shot(seed, args.snr, dt_ms=2.0, record_ms=1000.0, n_channels=48,
                      source="split", header="signed", irregular=False, wavelet="berlage")
        g = gather_section(s.data, s.dt_ms, offsets=s.offsets)
        g.trace_index = np.arange(first, first + g.data.shape[0], dtype=np.int64)
        first += g.data.shape[0]
        out.append(LabelledGather(seed, g, np.asarray(s.onset_ms, dtype=np.float32)))
    return out


def make_items(task: str, seeds: list[int], args: argparse.Namespace) -> list:
    return (fault_items if task == "faults" else shot_items)(seeds, args)


def item_key(task: str, item: Any) -> int:
    return int(item.key[1]) if task == "faults" else int(item.key)


# -- scores -------------------------------------------------------------------------------------
def score(task: str, model: Any, items: list) -> dict[str, Any]:
    """The product's agreement of ``model`` with the labels of ``items`` (pooled)."""
    from geodesk.ml.finetune import agreement
    from geodesk.ml.finetune_faults import fault_agreement

    return (fault_agreement if task == "faults" else agreement)(model, items)


class PoolShots:
    """The pool's shots as the window's survey_scores reads a pre-stack survey: gather keys
    (FFIDs = seeds) and gathers with their file trace indices."""

    def __init__(self, items: list) -> None:
        self.by_key = {int(x.key): x for x in items}
        self.gather_keys = sorted(self.by_key)

    def gather(self, key: int) -> Any:
        return self.by_key[int(key)].gather


def queue_scores(task: str, model: Any, pool: list, left: list[int]) -> dict[int, float]:
    """Expected-error score per not yet corrected pool item under ``model``, as the window
    computes it (module docstring)."""
    from geodesk.ml import uncertainty as unc

    if task == "faults":
        out = {}
        for i in left:
            prob = np.asarray(model.predict(pool[i].section), dtype=np.float32)
            out[item_key(task, pool[i])] = unc.section_score(unc.fault_uncertainty(prob), prob)
        return out
    from geodesk.ml.run.results import firstbreak_picks

    wanted = [pool[i] for i in left]
    n = sum(x.gather.data.shape[0] for x in pool)
    times = np.full(n, np.nan, dtype=np.float32)
    conf = np.full(n, np.nan, dtype=np.float32)
    for x in wanted:  # the auto-pick of the shots still to review
        t, c = firstbreak_picks(model, x.gather)
        times[x.gather.trace_index], conf[x.gather.trace_index] = t, c
    _, per_gather = unc.survey_scores(PoolShots(wanted), times, conf, unc.DEFAULT_MEASURE,
                                      model=model)
    return {int(k): float(v) for k, v in per_gather.items()}


def next_from_queue(queue: Any, scores: dict[int, float], positions: dict[int, float]) -> int:
    """The key the review queue proposes next after the new ``scores`` (reviewed marks kept)."""
    queue.update(scores, positions)
    return queue.order(limit=1)[0]


# -- one order, in resumable pieces ---------------------------------------------------------------
def settings(task: str, args: argparse.Namespace) -> Any:
    """The product's fine-tune defaults of ``task`` (Update model), one thread; ``--steps``
    (tests only) shortens them."""
    from geodesk.ml.finetune_sources import default_settings

    s = default_settings(task)
    s.threads = 1
    if args.steps:
        s.steps, s.eval_every = int(args.steps), max(1, min(s.eval_every, int(args.steps)))
    return s


def state_path(out: Path, task: str, order: str) -> Path:
    return out / f"{task}-{order}.json"


def run_order(task: str, order: str, pool: list, scored: list, args: argparse.Namespace,
              out: Path) -> dict[str, Any]:
    """Advance one order (``uncertainty`` or ``random_N``) to ``args.until`` corrections (or
    until ``args.max_seconds`` have passed after a round), saving after every round."""
    from geodesk.core.review import ReviewQueue
    from geodesk.ml.finetune_sources import LabelItems, finetune
    from geodesk.ml.registry import load_model

    metric = TARGETS[task][0]
    base = MODELS / f"{task}.pt"
    path = state_path(out, task, order)
    model_file = out / f"{task}-{order}.pt"
    base_model = load_model(base, task=task, device="cpu")
    if path.is_file():
        st = json.loads(path.read_text())
        model = load_model(model_file, task=task, device="cpu") if st["chosen"] else base_model
    else:
        st = {"task": task, "order": order, "chosen": [], "rounds": [],
              "base_scored": score(task, base_model, scored), "base_on_item": {}}
        model = base_model
    keys = [item_key(task, x) for x in pool]
    index = {k: i for i, k in enumerate(keys)}
    queue = ReviewQueue()
    for k in st["chosen"]:
        queue.mark_reviewed(k)
    rng = np.random.default_rng(int(order.split("_")[1]) if order.startswith("random_") else 0)
    random_order = [keys[i] for i in rng.permutation(len(keys))]
    positions = {k: float(n) for n, k in enumerate(sorted(keys))}
    t_piece = time.monotonic()
    until = min(int(args.until or args.budget), args.budget, len(pool))
    while len(st["chosen"]) < until:
        t0 = time.monotonic()
        left = [index[k] for k in keys if k not in set(st["chosen"])]
        if order == "uncertainty":
            scores = queue_scores(task, model, pool, left)
            pick = next_from_queue(queue, scores, positions)
            pick_score = round(scores[pick], 4)
            spread = sorted(round(v, 4) for v in scores.values())
        else:
            pick = next(k for k in random_order if k not in set(st["chosen"]))
            pick_score, spread = None, None
        queue.mark_reviewed(pick)
        st["chosen"].append(pick)
        st["base_on_item"][str(pick)] = score(task, base_model, [pool[index[pick]]])
        items = [pool[index[k]] for k in st["chosen"]]
        res = finetune(task, base, LabelItems(task, items, ["evaluation survey"]), model_file,
                       settings=settings(task, args))
        model = res.model
        ft = (getattr(model, "provenance_", {}) or {}).get("fine_tune", {})
        st["rounds"].append({
            "corrections": len(st["chosen"]), "chosen": pick, "queue_score": pick_score,
            "queue_scores_sorted": spread,
            "scored": score(task, model, scored),
            "corrected_items": score(task, model, items),
            "corrected_items_base": score(task, base_model, items),
            "held_back": res.agreement, "held_back_base": res.base_agreement,
            "best_step": ft.get("best_step"), "stopped": res.stopped,
            "options": {k: v.get("chosen") for k, v in (ft.get("options") or {}).items()},
            "fine_tune_s": round(res.seconds, 1), "round_s": round(time.monotonic() - t0, 1)})
        r = st["rounds"][-1]
        print(f"  {task} {order} {r['corrections']}: scored {r['scored'][metric]} "
              f"corrected {r['corrected_items'][metric]} (base "
              f"{r['corrected_items_base'][metric]}), step {r['best_step']}, "
              f"{r['round_s']} s", file=sys.stderr, flush=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(st, indent=1))
        tmp.replace(path)
        if args.max_seconds and time.monotonic() - t_piece > args.max_seconds:
            break
    return st


# -- the figures ----------------------------------------------------------------------------------
def curve_of(st: dict[str, Any], metric: str, where: str = "scored") -> list[float]:
    """Score after 0, 1, ... corrections (0: the base model)."""
    first = st["base_scored"][metric] if where == "scored" else None
    rest = [r[where][metric] for r in st["rounds"]]
    return ([float(first)] if first is not None else []) + [float(v) for v in rest]


def needed(curve: list[float], level: float) -> int | None:
    """Corrections until ``curve`` first reaches ``level`` (None: never within the budget)."""
    return next((k for k, v in enumerate(curve) if v >= level), None)


def area(curve: list[float]) -> float:
    """Area under a learning curve as the mean score over 0..budget corrections."""
    return round(float(np.mean(curve)), 4) if curve else float("nan")


def summarise(unc: list[float], rand: list[list[float]], level: float) -> dict[str, Any]:
    """Target ratio and the secondary measures of one uncertainty curve against random ones
    (all cut to the shortest curve: the budget every order reached)."""
    n = min([len(unc)] + [len(c) for c in rand])
    unc, rand = unc[:n], [c[:n] for c in rand]
    rand_mean = [round(float(v), 4) for v in np.mean(rand, axis=0)] if rand else []
    n_unc, n_rand = needed(unc, level), [needed(c, level) for c in rand]
    ratio = None
    if n_unc is not None and rand and all(k is not None for k in n_rand) and np.mean(n_rand):
        ratio = round(n_unc / float(np.mean(n_rand)), 3)
    out: dict[str, Any] = {
        "budget_compared": n - 1, "random_mean_curve": rand_mean,
        "corrections_to_target": {"uncertainty": n_unc, "random": n_rand},
        "ratio_uncertainty_over_random": ratio,
        "target_met": ratio is not None and ratio <= TARGET_RATIO,
        "target_shown": ratio is not None}
    if ratio is None and rand_mean:
        reach = rand_mean[-1]
        aucs = [area(c) for c in rand]
        out["secondary_not_the_target"] = {
            "random_mean_at_budget": reach,
            "uncertainty_corrections_to_that_level": needed(unc, reach),
            "random_corrections_to_that_level": [needed(c, reach) for c in rand],
            "area_under_curve": {"uncertainty": area(unc), "random": aucs,
                                 "random_mean": round(float(np.mean(aucs)), 4),
                                 "random_sd": round(float(np.std(aucs, ddof=1)), 4)
                                 if len(aucs) > 1 else None},
            "final": {"uncertainty": unc[-1], "random": [c[-1] for c in rand]}}
    return out


def merge(task: str, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    """The report of every order saved under ``out`` and the PNG of the learning curves."""
    from _chart import line_chart

    metric, level = TARGETS[task]
    runs = {p.stem.split("-", 1)[1]: json.loads(p.read_text())
            for p in sorted(out.glob(f"{task}-*.json"))}
    if "uncertainty" not in runs:
        raise SystemExit(f"no {task}-uncertainty.json under {out}")
    rand_names = sorted(k for k in runs if k.startswith("random_"))
    unc = curve_of(runs["uncertainty"], metric)
    rand = [curve_of(runs[k], metric) for k in rand_names]
    summary = summarise(unc, rand, level)
    xs = list(range(len(unc)))
    series = {"uncertainty": (xs, unc)}
    series.update({k.replace("_", " #"): (list(range(len(c))), c)
                   for k, c in zip(rand_names, rand)})
    png = Path(args.png) if args.png else out / f"active_learning_{task}.png"
    line_chart(png, series, title=f"{task}: {metric} on scored seeds (evalgen)",
               xlabel="corrected " + ("sections" if task == "faults" else "shots"),
               ylabel=metric, target=level)
    table = {name: {"scored": curve_of(st, metric),
                    "corrected_items": curve_of(st, metric, "corrected_items"),
                    "corrected_items_base": curve_of(st, metric, "corrected_items_base"),
                    "best_step": [r["best_step"] for r in st["rounds"]],
                    "options": [r["options"] for r in st["rounds"]],
                    "chosen": st["chosen"],
                    "fine_tune_s": [r["fine_tune_s"] for r in st["rounds"]]}
             for name, st in runs.items()}
    first = runs["uncertainty"]
    s = settings(task, args)
    return {
        "task": task, "metric": metric, "target_level": level, "target_ratio": TARGET_RATIO,
        "survey": {"family": "bench/evalgen", "pool": args.pool, "scored": args.scored,
                   "snr_db": args.snr, "pool_seeds": [SEED0[task], SEED0[task] + args.pool],
                   "scored_seeds": [SEED0[task] + SCORED_OFFSET,
                                    SEED0[task] + SCORED_OFFSET + args.scored],
                   **({"period_samples": args.period, "traces": args.traces,
                       "samples": args.samples} if task == "faults" else
                      {"dt_ms": 2.0, "record_ms": 1000, "channels": 48, "wavelet": "berlage"})},
        "fine_tune": {"recipe": "geodesk.ml.finetune_sources.default_settings (Update model)"
                      + (f", steps overridden to {args.steps}" if args.steps else ""),
                      "steps": s.steps, "holdout": s.holdout, "eval_every": s.eval_every,
                      "patience": s.patience, "synthetic_fraction": s.synthetic_fraction,
                      "from": "base weights every update"},
        "queue": "geodesk.core.review.ReviewQueue (spacing 3, window 3) on "
                 + ("section_score(fault_uncertainty margin)" if task == "faults" else
                    "survey_scores(DEFAULT_MEASURE)"),
        "base_scored": first["base_scored"], "orders": table, **summary, "png": str(png),
        "threads": 1, "note": "machine shared with other jobs"}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--task", choices=tuple(TARGETS), required=True)
    ap.add_argument("--budget", type=int, default=10, help="corrections per order")
    ap.add_argument("--pool", type=int, default=16, help="items the interpreter may correct")
    ap.add_argument("--scored", type=int, default=8, help="items scored (never corrected)")
    ap.add_argument("--steps", type=int, default=None,
                    help="override the product's fine-tune steps (tests only)")
    ap.add_argument("--random-seeds", type=int, default=3, help="random orders")
    ap.add_argument("--order", default=None, help="run only this order: uncertainty or random")
    ap.add_argument("--seed", type=int, default=0, help="with --order random: which order")
    ap.add_argument("--until", type=int, default=None, help="stop at this many corrections")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop after the round that passes this many seconds")
    ap.add_argument("--merge", action="store_true", help="report the saved orders")
    ap.add_argument("--png", default=None, help="where the learning curves go")
    ap.add_argument("--snr", type=float, default=None)
    ap.add_argument("--period", type=float, default=9.0, help="faults: period in samples")
    ap.add_argument("--traces", type=int, default=128)
    ap.add_argument("--samples", type=int, default=160)
    ap.add_argument("--out", default="/tmp/bench_active_learning")
    args = ap.parse_args(argv)
    args.snr = args.snr if args.snr is not None else (10.0 if args.task == "faults" else 8.0)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    import torch

    torch.set_num_threads(1)
    task, out = args.task, Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.merge:
        seed0 = SEED0[task]
        pool = make_items(task, list(range(seed0, seed0 + args.pool)), args)
        scored = make_items(task, list(range(seed0 + SCORED_OFFSET,
                                             seed0 + SCORED_OFFSET + args.scored)), args)
        orders = ([args.order if args.order != "random" else f"random_{args.seed}"]
                  if args.order else
                  ["uncertainty"] + [f"random_{r}" for r in range(args.random_seeds)])
        for order in orders:
            run_order(task, order, pool, scored, args, out)
        if args.order:
            return
    print(json.dumps(merge(task, args, out), indent=1))


if __name__ == "__main__":
    main()
