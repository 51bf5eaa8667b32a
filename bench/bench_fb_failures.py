"""Where first-break pickers fail, on VALIDATION data only: the share of misses early or late by
how many periods, by distance along the spread and by first-arrival SNR.

Why: a within-2-samples figure says how often a picker fails, not how; a network picking noise
a period early needs other training than one placing the right arrival a sample late. Pickers:
``network`` (the model with ``classical="none"``), ``classical`` (``mer_trend``) and
``combined`` (the default: :mod:`geodesk.ml.tasks.fb_hybrid`), on GeoDesk validation draws
(``examples("firstbreaks", 1e9 + k, size=192)``) and evaluation-family validation seeds 0..N-1
(``evalgen.shots.make_shot``; the scored bench uses seeds from 1e6), traces at first-arrival
SNR >= 6 dB. Errors are in periods of the gather's first arrivals (as the classical stage
estimates them); the spread is cut in thirds by channel distance from the earliest true onset.

    .venv/bin/python bench/bench_fb_failures.py --model resources/models/firstbreaks.pt

Prints one JSON object (machine shared: one thread).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from bench_fb_quality import SNR_BINS, section
from evalgen.shots import make_shot

#: signed error bands (periods) a miss falls in
BANDS = {"early_over_1_period": (-np.inf, -1.0), "early_quarter_to_1": (-1.0, -0.25),
         "within_quarter": (-0.25, 0.25), "late_quarter_to_1": (0.25, 1.0),
         "late_over_1_period": (1.0, np.inf)}
PICKERS = ("network", "classical", "combined")


class Record:
    """Per scored trace: hit (within 2 samples) and signed error in periods of each picker,
    the trace's third of the spread and its SNR."""

    def __init__(self) -> None:
        self.rows: dict[str, list] = {k: [] for k in
                                      ("third", "snr", *[f"{p}_{q}" for p in PICKERS
                                                         for q in ("hit", "err")])}

    def add(self, picks: dict[str, np.ndarray], truth: np.ndarray, dt: float, period: float,
            snr: np.ndarray | None) -> None:
        ok = np.isfinite(truth)
        scored = ok if snr is None else ok & (np.nan_to_num(snr, nan=-99.0) >= 6.0)
        dist = np.abs(np.arange(truth.size) - int(np.argmin(np.where(ok, truth, np.inf))))
        self.rows["third"].append(np.minimum(3 * dist / max(dist.max(), 1), 2.0)[scored])
        self.rows["snr"].append(np.full(scored.sum(), np.inf) if snr is None else snr[scored])
        for name, p in picks.items():
            err = (np.asarray(p, dtype=float) - truth)[scored]
            self.rows[f"{name}_hit"].append(np.where(np.isfinite(err), np.abs(err), np.inf)
                                            <= 2 * dt)
            self.rows[f"{name}_err"].append(err / period)

    def summary(self) -> dict:
        a = {k: np.concatenate(v) for k, v in self.rows.items()}
        out: dict = {"traces": int(a["third"].size)}
        for name in PICKERS:
            hit, err = a[f"{name}_hit"], a[f"{name}_err"]
            miss = ~hit
            row = {"within_2_samples": round(float(hit.mean()), 3),
                   "misses_unpicked": round(float((miss & ~np.isfinite(err)).mean()), 3)}
            for band, (lo, hi) in BANDS.items():
                row[f"misses_{band}"] = round(float((miss & (err >= lo) & (err < hi)).mean()), 3)
            row["by_spread_third"] = {t: round(float(hit[np.floor(a["third"]) == i].mean()), 3)
                                      for i, t in enumerate(("near", "middle", "far"))
                                      if (np.floor(a["third"]) == i).any()}
            if np.isfinite(a["snr"]).any():
                edges = (6.0, 10.0, 14.0, 18.0, np.inf)
                row["by_trace_snr"] = {
                    f"{lo:g}-{hi:g} dB": round(float(hit[(a["snr"] >= lo) & (a["snr"] < hi)]
                                                     .mean()), 3)
                    for lo, hi in zip(edges[:-1], edges[1:])
                    if ((a["snr"] >= lo) & (a["snr"] < hi)).any()}
            out[name] = row
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="first-break model file (.pt)")
    ap.add_argument("--draws", type=int, default=137, help="GeoDesk validation draws 1e9 + 0..N-1")
    ap.add_argument("--eval-shots", type=int, default=16, help="evaluation seeds 0..N-1 per SNR")
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
    sets = {"geodesk_validation": Record(), "evaluation_validation": Record()}

    def add(name: str, g, truth: np.ndarray, snr: np.ndarray | None) -> None:
        d = decode_first_breaks(model, g)
        m = d.prep.meta
        ev = switch_evidence(m["data"], m["dt"], m["t0"], m["offsets"], d.times,
                             model.loglik(d.prob), float(model.work_dt_ms))
        cls = np.asarray(ev.classical.picks_ms, dtype=float)
        picks = {"network": d.times, "classical": cls,
                 "combined": np.where(ev.switch(), ev.placed, cls)}
        sets[name].add(picks, np.asarray(truth, dtype=float), m["dt"], ev.period_ms, snr)

    for k in range(args.draws):
        X, y = examples("firstbreaks", VALIDATION_SEED_BASE + k, size=192)
        add("geodesk_validation", X[0], y[0], None)
    for k in range(args.eval_shots):
        for target in SNR_BINS:
            shot = make_shot(k, target)
            add("evaluation_validation", section(shot.data, shot.dt_ms, shot.offsets),
                shot.onset_ms, shot.snr_db)
    out = {"model": args.model, "draws": args.draws, "seed_base": VALIDATION_SEED_BASE,
           "evaluation_seeds": [0, args.eval_shots - 1],
           "scored": "traces with a truth; evaluation family at first-arrival SNR >= 6 dB",
           **{name: r.summary() for name, r in sets.items()},
           "wall_seconds": round(time.perf_counter() - t_start, 1)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
