"""Which uncertainty measure ranks the first-break model's wrong picks first.

For every trace with a truth: the U-Net pick (as the workstation picks), wrong when more than 2
input samples off (unpicked = wrong), and the score of each measure of
:mod:`geodesk.ml.uncertainty` (every one of ``MEASURES``). Per trace: AUROC of the
score against "wrong" and Spearman against |error| (capped like the scores, 50 samples). Per
gather: the saturated mean score (:func:`~geodesk.ml.uncertainty.gather_score`) against the gather's
share of wrong picks, Spearman, and AUROC against "more wrong than the column's median gather".
The real shots (dt 0.25 ms) are also scored against 2 ms, the project's real-data tolerance.

Columns (validation data only; never the scored seeds):

* geodesk: ``geodesk.synth.generate_shots`` at validation seeds 1e9 + k, noise scaled to a
  first-arrival SNR (``bench_fb_quality.first_arrival_noise``);
* evaluation: ``evalgen.shots.make_shot`` at validation seeds 0..N-1 (< 1000);
* evaluation_al: the same validation seeds in the style ``bench_active_learning.py`` scores
  (dt 2 ms, 1 s, 48 channels, split spread, Berlage wavelet, 8 dB; that bench uses seeds from
  72000);
* geostack: the real shots with human picks (read only), reported, not used to choose.

With ``--faults``, the fault measures (margin 1 - |2p - 1| and the MC dropout spread) per pixel
against the calls wrong with one sample of tolerance, and per section, on GeoDesk's fault
validation draws and evaluation-family seeds 0..N-1 (sections without faults count).

Prints one JSON object (machine shared; one torch thread):

    .venv/bin/python bench/bench_uncertainty.py --faults
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch
from bench_fb_quality import GEOSTACK, first_arrival_noise, geostack_human, section
from evalgen.shots import make_shot
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

import geodesk
from geodesk.ml.uncertainty import (
    CAP,
    MEASURES,
    TOLERANCE_SAMPLES,
    firstbreak_uncertainty,
    gather_saturation,
    gather_score,
)

VALIDATION_SEED = 1_000_000_000
COLUMNS = ("geodesk", "evaluation", "evaluation_al", "geostack")


class Collector:
    """Per-trace scores, errors (samples) and gather ids of one column."""

    def __init__(self) -> None:
        self.dt: list[np.ndarray] = []
        self.scores = {m: [] for m in MEASURES}
        self.err: list[np.ndarray] = []
        self.gather: list[np.ndarray] = []
        self.n = 0

    def add(self, model, gather, truth_ms: np.ndarray, mc: int) -> None:
        ok = np.isfinite(truth_ms)
        u = firstbreak_uncertainty(model, gather, mc_samples=mc)
        e = np.abs(u.times_ms.astype(float) - truth_ms)[ok]  # ms
        self.dt.append(np.full(e.size, u.dt_ms))
        self.err.append(np.where(np.isfinite(e), e, np.inf))
        for m in MEASURES:
            self.scores[m].append(u.scores[m][ok])
        self.gather.append(np.full(int(ok.sum()), self.n))
        self.n += 1

    def arrays(self) -> dict[str, np.ndarray]:
        """Per-trace errors (ms), sample intervals, gather ids and scores, for --dump."""
        return {"err_ms": np.concatenate(self.err), "dt_ms": np.concatenate(self.dt),
                "gather": np.concatenate(self.gather),
                **{m: np.concatenate(v) for m, v in self.scores.items()}}

    def figures(self, tolerance_ms: float | None = None) -> dict:
        """The figures with wrong = more than ``tolerance_ms`` off (None: TOLERANCE_SAMPLES
        input samples); errors in input samples."""
        err_ms, dt = np.concatenate(self.err), np.concatenate(self.dt)
        err = err_ms / dt
        wrong = err > TOLERANCE_SAMPLES if tolerance_ms is None else err_ms > tolerance_ms
        gid = np.concatenate(self.gather)
        g_wrong = np.array([wrong[gid == g].mean() for g in range(self.n)])
        out = {"gathers": self.n, "traces": int(err.size),
               "wrong_share": round(float(wrong.mean()), 3),
               "unpicked": int(np.isinf(err).sum())}
        for m in MEASURES:
            s = np.concatenate(self.scores[m]).astype(float)
            sat = gather_saturation(m)
            g_s = np.array([gather_score(s[gid == g], saturate=sat) for g in range(self.n)])
            g_bad = g_wrong > np.median(g_wrong)
            out[m] = {
                "trace_auroc": _auroc(wrong, s),
                "trace_spearman": _rho(s, np.minimum(err, CAP)),
                "gather_spearman": _rho(g_s, g_wrong),
                "gather_auroc": _auroc(g_bad, g_s),
            }
        return out


def _auroc(label: np.ndarray, score: np.ndarray) -> float | None:
    if label.all() or not label.any():
        return None
    return round(float(roc_auc_score(label, score)), 3)


def _rho(a: np.ndarray, b: np.ndarray) -> float | None:
    if a.size < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return round(float(spearmanr(a, b).statistic), 3)


def dump(args, name: str, col: Collector) -> None:
    if args.dump:
        np.savez(f"{args.dump}_{name}.npz", **col.arrays())


def geodesk_column(model, args) -> dict:
    from geodesk.synth.shots import generate_shots

    col = Collector()
    for i, snr in enumerate(args.geodesk_snr):
        seed = VALIDATION_SEED + 1000 * i
        dt = 2.0
        r = generate_shots((args.geodesk_shots, 96, round(600.0 / dt)), seed=seed, dt_ms=dt,
                           snr_db=None, shot_step=16)
        fb = r.truth["first_break_ms"]
        data = r.data + first_arrival_noise(r.data, fb, dt, r.params["f_peak_hz"], snr,
                                            np.random.default_rng(seed + 1))
        for k in range(args.geodesk_shots):
            col.add(model, section(data[k], dt, r.offset_m[k]), fb[k], args.mc)
    dump(args, "geodesk", col)
    return {"seeds": f"{VALIDATION_SEED} + 1000 i", "snr_db": args.geodesk_snr,
            **col.figures()}


def evaluation_column(model, args) -> dict:
    col = Collector()
    for k in range(args.eval_shots):
        for snr in args.eval_snr:
            shot = make_shot(k, snr)
            col.add(model, section(shot.data, shot.dt_ms, shot.offsets), shot.onset_ms, args.mc)
    dump(args, "evaluation", col)
    return {"seeds": f"0..{args.eval_shots - 1}", "snr_db": args.eval_snr, **col.figures()}


def evaluation_al_column(model, args) -> dict:
    col = Collector()
    for k in range(args.al_shots):
        shot = make_shot(k, args.al_snr, dt_ms=2.0, record_ms=1000.0, n_channels=48,
                         source="split", header="signed", irregular=False, wavelet="berlage")
        col.add(model, section(shot.data, shot.dt_ms, shot.offsets), shot.onset_ms, args.mc)
    dump(args, "evaluation_al", col)
    return {"seeds": f"0..{args.al_shots - 1}", "snr_db": args.al_snr,
            "style": "bench_active_learning shots", **col.figures()}


def geostack_column(model, args) -> dict | None:
    human = geostack_human()
    if human is None:
        return None
    shots = {f for f, _ in human}
    col = Collector()
    for name in ("shots_001-040.sgy", "shots_labelled_108-121.sgy"):
        with geodesk.open(GEOSTACK / name, kind="prestack") as s:
            for ffid in (int(k) for k in s.gather_keys):
                if ffid in shots:
                    g = s.gather(ffid)
                    ch = np.asarray(g.headers["channel"], dtype=int)
                    col.add(model, g, np.array([human.get((ffid, int(c)), np.nan) for c in ch]),
                            args.mc)
    dump(args, "geostack", col)
    return {"note": "real shots, reported only (dt 0.25 ms: 2 samples = 0.5 ms)",
            **col.figures(), "within_2ms": col.figures(2.0)}


# -- faults: per-pixel uncertainty -------------------------------------------------------------
def fault_errors(prob: np.ndarray, truth: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Per pixel, wrong with one sample of tolerance: called a fault with no true fault within
    one sample, or a true fault with no call within one sample."""
    from geodesk.ml.tasks.common import dilate

    call, true = prob >= level, np.asarray(truth) > 0.5
    return (call & ~dilate(true, 1)) | (true & ~dilate(call, 1))


def fault_figures(model, sections: list[np.ndarray], truths: list[np.ndarray], mc: int) -> dict:
    """AUROC per pixel of each fault measure against :func:`fault_errors`, and Spearman per
    section of :func:`~geodesk.ml.uncertainty.section_score` against the section's share of
    wrong pixels among those called or true (sections without faults count)."""
    from geodesk.ml.uncertainty import fault_uncertainty, section_score

    pix = {"margin": [], "mc_std": []}
    sec = {"margin": [], "mc_std": []}
    wrong_all, share = [], []
    for x, y in zip(sections, truths):
        prob = np.asarray(model.predict(x), dtype=np.float32)
        _, sd = model.predict(x, mc_samples=mc)
        wrong = fault_errors(prob, y)
        wrong_all.append(wrong.ravel())
        near = (prob >= 0.5) | (np.asarray(y) > 0.5)
        share.append(float(wrong[near].mean()) if near.any() else 0.0)
        for m, u in (("margin", fault_uncertainty(prob)), ("mc_std", fault_uncertainty(prob, sd,
                                                                                      "mc_std"))):
            pix[m].append(u.ravel())
            sec[m].append(section_score(u, prob))
    wrong = np.concatenate(wrong_all)
    out = {"sections": len(sections), "pixels": int(wrong.size),
           "wrong_share": round(float(wrong.mean()), 4)}
    for m, maps in pix.items():
        out[m] = {"pixel_auroc": _auroc(wrong, np.concatenate(maps)),
                  "section_spearman": _rho(np.array(sec[m]), np.array(share))}
    return out


def fault_columns(args) -> dict:
    """GeoDesk's fault validation draws (seeds 1e9 + k) and evaluation-family seeds 0..N-1."""
    from evalgen.faults import fault_suite

    from geodesk.ml.data.datasets import validation_set
    from geodesk.ml.registry import load_model

    model = load_model(args.fault_model, task="faults", device="cpu")
    X, y = validation_set("faults", args.fault_draws)
    out = {"model": args.fault_model, "geodesk": fault_figures(model, X, y, args.mc)}
    suite = fault_suite(0, args.fault_sections, 10.0)
    out["evaluation"] = {"seeds": f"0..{args.fault_sections - 1}", "snr_db": 10.0,
                         **fault_figures(model, [s.data for s in suite],
                                         [s.labels for s in suite], args.mc)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/models/firstbreaks.pt")
    ap.add_argument("--mc", type=int, default=8, help="Monte-Carlo dropout passes")
    ap.add_argument("--geodesk-shots", type=int, default=12)
    ap.add_argument("--geodesk-snr", type=float, nargs="+", default=[5.0, 15.0])
    ap.add_argument("--eval-shots", type=int, default=12)
    ap.add_argument("--eval-snr", type=float, nargs="+", default=[5.0, 10.0])
    ap.add_argument("--al-shots", type=int, default=12)
    ap.add_argument("--al-snr", type=float, default=8.0)
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--columns", nargs="+", default=list(COLUMNS), choices=COLUMNS,
                    help="which columns to run (long runs go in pieces)")
    ap.add_argument("--faults", action="store_true", help="also the fault pixel measures")
    ap.add_argument("--fault-model", default="resources/models/faults.pt")
    ap.add_argument("--fault-draws", type=int, default=12)
    ap.add_argument("--fault-sections", type=int, default=24)
    ap.add_argument("--dump", help="also write per-trace arrays to DUMP_<column>.npz")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(max(args.threads, 1))
    from geodesk.ml.registry import load_model

    model = load_model(args.model, task="firstbreaks", device="cpu")
    t = time.perf_counter()
    out = {"model": args.model, "mc_samples": args.mc, "tolerance_samples": TOLERANCE_SAMPLES}
    columns = {"geodesk": geodesk_column, "evaluation": evaluation_column,
               "evaluation_al": evaluation_al_column, "geostack": geostack_column}
    for name in args.columns:
        if name != "geostack" or not args.no_real:
            out[name] = columns[name](model, args)
    if args.faults:
        out["faults"] = fault_columns(args)
    out["seconds"] = round(time.perf_counter() - t, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
