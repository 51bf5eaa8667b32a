"""How the constants of the network + classical first-break picker were chosen
(:mod:`geodesk.ml.tasks.fb_hybrid`), on VALIDATION data only.

Two validation sets: GeoDesk draws ``geodesk.ml.data.datasets.examples("firstbreaks", 1e9 + k,
size=192)`` (the network's own training family at validation seeds, never trained on), k <
``--draws``; and evaluation-family shots ``evalgen.shots.make_shot(k, snr)`` for k <
``--eval-shots`` at the six target SNRs of ``bench_fb_quality`` (its scored split uses seeds
from 1e6). Per gather the network's picks without the classical stage (``classical="none"``)
and the classical ``mer_trend`` picks; then, for every (SUPPORT_RATIO, LL_MARGIN,
MIN_COHERENCE) of the grid, the share within 2 samples of the truth (evaluation family: traces
at first-arrival SNR >= 6 dB) and the switches that change the outcome, on all traces (network
right where the classical pick was wrong: ``gain``; the reverse: ``loss``). Kept: the most hits
(sum of the two shares) among the settings whose switches are right at least ``--precision``
of the time on GeoDesk's and ``--eval-precision`` on the evaluation family's. Evaluation
seeds from ``--check-from`` are scored beside it, not used by the choice.

    .venv/bin/python bench/bench_fb_hybrid_validation.py --model resources/models/firstbreaks.pt

Prints one JSON object (machine shared: one thread).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

import numpy as np
from bench_fb_quality import SNR_BINS, section
from evalgen.shots import make_shot


def hits(picks: np.ndarray, truth: np.ndarray, dt: float) -> np.ndarray:
    """Within 2 samples of the truth, on traces that have one (NaN picks miss)."""
    ok = np.isfinite(truth)
    err = np.abs(np.where(np.isfinite(picks), picks, np.inf) - truth)
    return (err <= 2 * dt)[ok]


class Tally:
    """Hits and switch outcomes of one validation set, per grid setting and for each picker."""

    def __init__(self, grid: list[tuple]) -> None:
        self.grid = {g: {"hit": [], "gain": 0, "loss": 0} for g in grid}
        self.alone = {"network": [], "classical": []}

    def add(self, ev, network_ms: np.ndarray, truth: np.ndarray, dt: float,
            scored: np.ndarray) -> None:
        """One gather: switch evidence ``ev``, the network's own picks, the truth and the
        traces (among those with a truth) whose hits count in the share."""
        c = np.asarray(ev.classical.picks_ms, dtype=float)
        h_net, h_cls = hits(ev.placed, truth, dt), hits(c, truth, dt)
        self.alone["network"].append(hits(network_ms, truth, dt)[scored])
        self.alone["classical"].append(h_cls[scored])
        for (s, mg, coh), t in self.grid.items():
            take = ev.switch(mg, s, coh)[np.isfinite(truth)]
            t["hit"].append(np.where(take, h_net, h_cls)[scored])
            t["gain"] += int((take & h_net & ~h_cls).sum())
            t["loss"] += int((take & ~h_net & h_cls).sum())

    def rows(self) -> dict[tuple, dict]:
        out = {}
        for g, t in self.grid.items():
            moved = t["gain"] + t["loss"]
            out[g] = {"within_2_samples": round(float(np.concatenate(t["hit"]).mean()), 4),
                      "gain": t["gain"], "loss": t["loss"],
                      "precision": round(t["gain"] / moved, 4) if moved else 1.0}
        return out

    def alone_rows(self) -> dict[str, float]:
        return {k: round(float(np.concatenate(v).mean()), 4) for k, v in self.alone.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="first-break model file (.pt)")
    ap.add_argument("--draws", type=int, default=137, help="GeoDesk validation draws 1e9 + 0..N-1")
    ap.add_argument("--eval-shots", type=int, default=16, help="evaluation seeds 0..N-1 per SNR")
    ap.add_argument("--check-from", type=int, default=16, help="evaluation check seeds from here")
    ap.add_argument("--check-shots", type=int, default=8, help="evaluation check seeds per SNR")
    ap.add_argument("--support", type=float, nargs="+", default=[0.0, 0.25])
    ap.add_argument("--margin", type=float, nargs="+", default=[10, 20, 40])
    ap.add_argument("--coherence", type=float, nargs="+",
                    default=[-1.0, 0.3, 0.4, 0.5, 0.6, 0.7], help="-1: no coherence check")
    ap.add_argument("--precision", type=float, default=0.98)
    ap.add_argument("--eval-precision", type=float, default=0.85)
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
    grid = list(itertools.product(args.support, args.margin, args.coherence))
    sets = {"geodesk": Tally(grid), "evaluation": Tally(grid), "evaluation_check": Tally(grid)}

    def add(name: str, g, truth: np.ndarray, snr: np.ndarray | None) -> None:
        d = decode_first_breaks(model, g)
        m = d.prep.meta
        ev = switch_evidence(m["data"], m["dt"], m["t0"], m["offsets"], d.times,
                             model.loglik(d.prob), float(model.work_dt_ms))
        truth = np.asarray(truth, dtype=float)
        ok = np.isfinite(truth)
        scored = np.ones(int(ok.sum()), bool) if snr is None else np.asarray(snr)[ok] >= 6.0
        sets[name].add(ev, d.times, truth, m["dt"], scored)

    for k in range(args.draws):
        X, y = examples("firstbreaks", VALIDATION_SEED_BASE + k, size=192)
        add("geodesk", X[0], y[0], None)
    seeds = [("evaluation", k) for k in range(args.eval_shots)] + \
        [("evaluation_check", args.check_from + k) for k in range(args.check_shots)]
    for name, k in seeds:
        for target in SNR_BINS:
            shot = make_shot(k, target)
            add(name, section(shot.data, shot.dt_ms, shot.offsets), shot.onset_ms, shot.snr_db)

    rows = {name: t.rows() for name, t in sets.items()}
    table = []
    for g in grid:
        s, mg, coh = g
        table.append({"support_ratio": s, "ll_margin": mg, "min_coherence": coh,
                      **{name: rows[name][g] for name in sets}})
    safe = [r for r in table if r["geodesk"]["precision"] >= args.precision
            and r["evaluation"]["precision"] >= args.eval_precision]
    chosen = max(safe, key=lambda r: r["geodesk"]["within_2_samples"]
                 + r["evaluation"]["within_2_samples"]) if safe else None
    out = {"model": args.model, "draws": args.draws, "seed_base": VALIDATION_SEED_BASE,
           "evaluation_seeds": [0, args.eval_shots - 1],
           "evaluation_check_seeds": [args.check_from, args.check_from + args.check_shots - 1],
           "evaluation_scored_at": "first-arrival SNR >= 6 dB",
           "alone": {name: t.alone_rows() for name, t in sets.items()},
           "precision_required": {"geodesk": args.precision, "evaluation": args.eval_precision},
           "chosen": chosen, "grid": table, "wall_seconds": round(time.perf_counter() - t_start, 1)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
