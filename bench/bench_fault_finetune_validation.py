"""Which fault fine-tune recipe fits the interpreter's corrections, chosen on VALIDATION sections.

The simulated interpreter of ``bench_active_learning.py`` (evaluation family, the same style:
period 9 samples, 128 x 160, 10 dB) corrects sections of a validation pool (seeds from 1000;
that bench corrects seeds from 71000 and scores from 71500) in random orders; after 1, 3, 6
... corrections the product's fine-tune (:func:`geodesk.ml.finetune_sources.finetune`, from
the base weights on all corrections) runs with each candidate recipe: the default fault
settings with the hold-back by whole sections or by trace blocks of every section
(``holdout_by``) and other learning rates or step counts. Reported per recipe: F1 on the
corrected sections themselves (what the interpreter gave; held-back blocks included) and on
other validation sections nobody corrected (seeds from 1500), the step kept and how often it
was step 0 (no training kept), beside the base model.

Prints one JSON object (one torch thread; the machine is shared):

    .venv/bin/python bench/bench_fault_finetune_validation.py --recipes sections traces
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

POOL_SEED = 1000
OTHER_SEED = 1500
#: candidate recipes: changes to the product's fault settings
RECIPES = {
    "sections": {"holdout_by": "sections"},
    "traces": {"holdout_by": "traces"},
    "traces_lr1e-3": {"holdout_by": "traces", "lr": 1e-3},
    "traces_lr2e-4": {"holdout_by": "traces", "lr": 2e-4},
    "sections_lr1e-3": {"holdout_by": "sections", "lr": 1e-3},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipes", nargs="+", default=["sections", "traces"], choices=RECIPES)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 3, 6])
    ap.add_argument("--orders", type=int, default=2, help="random orders of the pool")
    ap.add_argument("--pool", type=int, default=12)
    ap.add_argument("--other", type=int, default=8)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    from bench_active_learning import fault_items, score

    from geodesk.ml.finetune_sources import LabelItems, default_settings, finetune
    from geodesk.ml.registry import load_model

    style = argparse.Namespace(snr=10.0, traces=128, samples=160, period=9.0)
    pool = fault_items(list(range(POOL_SEED, POOL_SEED + args.pool)), style)
    other = fault_items(list(range(OTHER_SEED, OTHER_SEED + args.other)), style)
    base_path = Path(__file__).resolve().parents[1] / "resources" / "models" / "faults.pt"
    base = load_model(base_path, task="faults", device="cpu")
    out = {"pool_seeds": [POOL_SEED, POOL_SEED + args.pool],
           "other_seeds": [OTHER_SEED, OTHER_SEED + args.other],
           "base_other": score("faults", base, other), "runs": [], "recipes": {}}
    t_all = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.orders):
            order = np.random.default_rng(100 + r).permutation(len(pool))
            for n in args.sizes:
                items = [pool[i] for i in order[:n]]
                base_items = score("faults", base, items)
                for name in args.recipes:
                    s = dataclasses.replace(default_settings("faults"), threads=1,
                                            **RECIPES[name])
                    t0 = time.monotonic()
                    res = finetune("faults", base_path, LabelItems("faults", items, ["val"]),
                                   Path(tmp) / "ft.pt", settings=s)
                    ft = (res.model.provenance_ or {}).get("fine_tune", {})
                    row = {"recipe": name, "order": r, "corrections": n,
                           "corrected": score("faults", res.model, items)["f1"],
                           "corrected_base": base_items["f1"],
                           "other": score("faults", res.model, other)["f1"],
                           "best_step": ft.get("best_step"), "stopped": res.stopped,
                           "held_back": res.agreement.get("f1"),
                           "held_back_base": res.base_agreement.get("f1"),
                           "seconds": round(time.monotonic() - t0, 1)}
                    out["runs"].append(row)
                    print(json.dumps(row), file=sys.stderr, flush=True)
    for name in args.recipes:
        rows = [x for x in out["runs"] if x["recipe"] == name]
        out["recipes"][name] = {
            "mean_corrected": round(float(np.mean([x["corrected"] for x in rows])), 4),
            "mean_corrected_base": round(float(np.mean([x["corrected_base"] for x in rows])), 4),
            "mean_other": round(float(np.mean([x["other"] for x in rows])), 4),
            "step0_share": round(float(np.mean([x["best_step"] == 0 for x in rows])), 3),
            "mean_seconds": round(float(np.mean([x["seconds"] for x in rows])), 1),
            **{f"other_at_{n}": round(float(np.mean([x["other"] for x in rows
                                                     if x["corrections"] == n])), 4)
               for n in args.sizes},
            **{f"corrected_at_{n}": round(float(np.mean([x["corrected"] for x in rows
                                                         if x["corrections"] == n])), 4)
               for n in args.sizes}}
    out["seconds"] = round(time.monotonic() - t_all, 1)
    out["note"] = "1 torch thread, machine shared with other jobs"
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
