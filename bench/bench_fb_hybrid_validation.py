"""How the constants of the network + classical first-break picker were chosen
(:mod:`geodesk.ml.tasks.fb_hybrid`), on GeoDesk VALIDATION draws only.

Draws: ``geodesk.ml.data.datasets.examples("firstbreaks", 1e9 + k, size=192)`` (the network's own
training family at validation seeds, never trained on), k < ``--draws``. Per draw the network's
picks without the classical stage (``classical="none"``) and the classical ``mer_trend`` picks;
then, for every (SUPPORT_RATIO, LL_MARGIN) of the grid, the share within 2 samples of the truth
and the switches that change the outcome (network right where the classical pick was wrong:
``gain``; the reverse: ``loss``). Kept: the most hits among the settings whose switches are
right at least ``--precision`` of the time they matter.

    .venv/bin/python bench/bench_fb_hybrid_validation.py --model resources/models/firstbreaks.pt

Prints one JSON object (machine shared: one thread).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def hits(picks: np.ndarray, truth: np.ndarray, dt: float) -> np.ndarray:
    """Within 2 samples of the truth, on traces that have one (NaN picks miss)."""
    ok = np.isfinite(truth)
    err = np.abs(np.where(np.isfinite(picks), picks, np.inf) - truth)
    return (err <= 2 * dt)[ok]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="first-break model file (.pt)")
    ap.add_argument("--draws", type=int, default=137, help="validation draws 1e9 + 0..N-1")
    ap.add_argument("--support", type=float, nargs="+", default=[0.0, 0.25, 0.5, 1.0])
    ap.add_argument("--margin", type=float, nargs="+", default=[5, 10, 20, 40, 80, 160])
    ap.add_argument("--refine-ms", type=float, nargs="+", default=[2.0])
    ap.add_argument("--precision", type=float, default=0.98)
    args = ap.parse_args()
    import torch

    from geodesk.ml.data.datasets import VALIDATION_SEED_BASE, examples
    from geodesk.ml.registry import load_model
    from geodesk.ml.run.results import decode_first_breaks
    from geodesk.ml.tasks.fb_hybrid import switch_evidence

    torch.set_num_threads(1)
    t_start = time.perf_counter()
    model = load_model(args.model, task="firstbreaks", device="cpu")
    model.classical = "none"
    grid = [(r, s, m) for r in args.refine_ms for s in args.support for m in args.margin]
    tally = {g: {"hit": [], "gain": 0, "loss": 0} for g in grid}
    alone = {"network": [], "classical": []}
    for k in range(args.draws):
        X, y = examples("firstbreaks", VALIDATION_SEED_BASE + k, size=192)
        g, truth = X[0], np.asarray(y[0], dtype=float)
        d = decode_first_breaks(model, g)
        m = d.prep.meta
        ll = model.loglik(d.prob)
        for r in args.refine_ms:
            ev = switch_evidence(m["data"], m["dt"], m["t0"], m["offsets"], d.times, ll,
                                 float(model.work_dt_ms), refine_ms=r)
            c = np.asarray(ev.classical.picks_ms, dtype=float)
            h_net, h_cls = hits(ev.placed, truth, m["dt"]), hits(c, truth, m["dt"])
            if r == args.refine_ms[0]:
                alone["network"].append(hits(d.times, truth, m["dt"]))
                alone["classical"].append(h_cls)
            for s in args.support:
                for mg in args.margin:
                    take = ev.switch(mg, s)[np.isfinite(truth)]
                    t = tally[(r, s, mg)]
                    t["hit"].append(np.where(take, h_net, h_cls))
                    t["gain"] += int((take & h_net & ~h_cls).sum())
                    t["loss"] += int((take & ~h_net & h_cls).sum())
    rows = []
    for (r, s, mg), t in tally.items():
        moved = t["gain"] + t["loss"]
        rows.append({"refine_ms": r, "support_ratio": s, "ll_margin": mg,
                     "within_2_samples": round(float(np.concatenate(t["hit"]).mean()), 4),
                     "gain": t["gain"], "loss": t["loss"],
                     "precision": round(t["gain"] / moved, 4) if moved else 1.0})
    safe = [row for row in rows if row["precision"] >= args.precision]
    out = {"model": args.model, "draws": args.draws, "seed_base": VALIDATION_SEED_BASE,
           "network_alone": round(float(np.concatenate(alone["network"]).mean()), 4),
           "classical_alone": round(float(np.concatenate(alone["classical"]).mean()), 4),
           "precision_required": args.precision,
           "chosen": max(safe, key=lambda row: row["within_2_samples"]) if safe else None,
           "grid": rows, "wall_seconds": round(time.perf_counter() - t_start, 1)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
