"""Fine-tuning the shipped first-break model on a few labelled REAL shots, scored on the others.

Data: ``../shared/data/real/geostack-first-breaks`` (9 shots with human picks, dt 0.25 ms,
offsets unknown). For n labelled shots (1, 2, 5 and 8: with 9 labelled shots "9" leaves no
shot to score, so the largest size is every leave-one-out), the splits are the 9 rotations of
the shots in FFID order (shots k .. k+n-1 modulo 9, ``--splits`` of them): every shot is
labelled in n of the 9 splits and scored in the others. Each split fine-tunes
``resources/models/firstbreaks.pt`` from the base weights with :func:`geodesk.ml.finetune.
finetune_firstbreaks` (the code path of ``geodesk train firstbreaks --labels`` and of the
window's Update model) and scores the shots not labelled: within 2 ms and median |error| of the
model's picks as the workstation makes them (:func:`geodesk.ml.run.results.firstbreak_picks`),
beside the base model and the classical ``mer_trend`` picker on the same shots in the same
run; human-picked traces only, an unpicked trace is a miss; also the picking options each
fine-tune chose on its held-back labels (``options_chosen``) and a hash of the picking code
the run imported (``picker_code_sha1``). The time of each fine-tune is
wall time on one torch thread (machine shared with other work: say so with the figures).

    .venv/bin/python bench/bench_finetune_fb.py --threads 1 > /tmp/bench_finetune_fb.json
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

import numpy as np

import geodesk
from geodesk.core.processing.fb_classical import pick_mer_trend
from geodesk.ml.finetune import FineTuneSettings, LabelledGather, finetune_firstbreaks
from geodesk.ml.registry import load_model
from geodesk.ml.run.results import firstbreak_picks

ROOT = Path(__file__).resolve().parents[1]
GEOSTACK = ROOT.parent / "shared" / "data" / "real" / "geostack-first-breaks"
FILES = ("shots_001-040.sgy", "shots_labelled_108-121.sgy")


def human_picks() -> dict[tuple[int, int], float]:
    with open(GEOSTACK / "picks.csv", newline="") as fh:
        return {(int(r["ffid"]), int(r["channel"])): float(r["time_ms"])
                for r in csv.DictReader(fh)}


def labelled_shots() -> list[LabelledGather]:
    """The 9 human-picked shots (gathers read into memory) with their picks."""
    human = human_picks()
    wanted = {f for f, _ in human}
    out = []
    for name in FILES:
        with geodesk.open(GEOSTACK / name, kind="prestack") as s:
            for ffid in (int(k) for k in s.gather_keys if int(k) in wanted):
                g = s.gather(ffid)
                g.data = np.array(g.data)
                ch = np.asarray(g.headers["channel"], dtype=int)
                t = np.array([human.get((ffid, int(c)), np.nan) for c in ch], dtype=np.float32)
                out.append(LabelledGather(ffid, g, t))
    return sorted(out, key=lambda g: g.key)


def errors(picks: np.ndarray, g: LabelledGather) -> np.ndarray:
    ok = np.isfinite(g.times)
    e = np.abs(np.asarray(picks, dtype=float)[ok] - g.times[ok])
    return np.where(np.isfinite(e), e, np.inf)


def summary(errs: list[np.ndarray]) -> dict[str, float | None]:
    e = np.concatenate(errs) if errs else np.empty(0)
    if e.size == 0:
        return {"within_2ms": None, "within_5ms": None, "median_abs_error_ms": None, "traces": 0}
    return {"within_2ms": round(float((e <= 2.0).mean()), 3),
            "within_5ms": round(float((e <= 5.0).mean()), 3),
            "median_abs_error_ms": round(float(np.median(e)), 2), "traces": int(e.size)}


def picker_code_sha1() -> str:
    """SHA-1 of the first-break picking and fine-tuning code this run imported (the figures
    belong to that code: the inference path is worked on beside the fine-tune)."""
    import hashlib

    h = hashlib.sha1()
    for rel in PICKER_CODE:
        path = ROOT / rel
        h.update(path.read_bytes() if path.is_file() else b"-")
    return h.hexdigest()[:12]


PICKER_CODE = ("geodesk/ml/tasks/firstbreaks.py", "geodesk/ml/tasks/fb_combine.py",
               "geodesk/ml/tasks/fb_hybrid.py", "geodesk/ml/run/results.py",
               "geodesk/core/processing/fb_classical.py", "geodesk/core/processing/fb_trend.py",
               "geodesk/ml/finetune.py")


def mer_trend(g: LabelledGather) -> np.ndarray:
    t = np.asarray(g.gather.axis1.values, dtype=float)
    return pick_mer_trend(g.gather.data, float(t[1] - t[0]), g.gather.headers.get("offset"),
                          t0_ms=float(t[0])).picks_ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "resources" / "models" / "firstbreaks.pt"))
    ap.add_argument("--sizes", default="1,2,5,8", help="labelled shots per split")
    ap.add_argument("--splits", type=int, default=9, help="rotations per size (at most 9)")
    ap.add_argument("--steps", type=int, default=FineTuneSettings.steps)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    t_start = time.perf_counter()
    shots = labelled_shots()
    keys = [g.key for g in shots]
    base = load_model(args.model, task="firstbreaks", device="cpu")
    t = time.perf_counter()
    base_err = {g.key: errors(firstbreak_picks(base, g.gather)[0], g) for g in shots}
    base_s = time.perf_counter() - t
    t = time.perf_counter()
    mer_err = {g.key: errors(mer_trend(g), g) for g in shots}
    mer_s = time.perf_counter() - t
    settings = FineTuneSettings(steps=args.steps, threads=args.threads)
    out: dict = {"data": str(GEOSTACK.relative_to(ROOT.parent)), "shots": keys,
                 "picker_code_sha1": picker_code_sha1(),
                 "base_model": Path(args.model).name, "threads": args.threads,
                 "settings": {k: v for k, v in vars(settings).items()},
                 "base_seconds_all_shots": round(base_s, 1),
                 "mer_trend_seconds_all_shots": round(mer_s, 1), "sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(v) for v in args.sizes.split(",")):
            rows, pooled = [], {"finetuned": [], "base": [], "mer_trend": []}
            for k in range(min(args.splits, len(shots))):
                train = [shots[(k + j) % len(shots)] for j in range(n)]
                scored = [g for g in shots if g not in train]
                t = time.perf_counter()
                res = finetune_firstbreaks(args.model, train, Path(tmp) / f"ft{n}_{k}.pt",
                                           survey_name="geostack", settings=settings)
                seconds = time.perf_counter() - t
                ft_err = [errors(firstbreak_picks(res.model, g.gather)[0], g) for g in scored]
                row = {"labelled": [g.key for g in train], "scored": [g.key for g in scored],
                       "finetuned": summary(ft_err),
                       "base": summary([base_err[g.key] for g in scored]),
                       "mer_trend": summary([mer_err[g.key] for g in scored]),
                       "finetune_seconds": round(seconds, 1), "stopped": res.stopped,
                       "held_back_agreement": res.agreement,
                       "options_chosen": {k: v["chosen"] for k, v in
                                          res.model.provenance_["fine_tune"].get(
                                              "options", {}).items()}}
                rows.append(row)
                pooled["finetuned"] += ft_err
                pooled["base"] += [base_err[g.key] for g in scored]
                pooled["mer_trend"] += [mer_err[g.key] for g in scored]
                print(json.dumps({"n": n, "split": k, **row}), file=__import__("sys").stderr)
            secs = [r["finetune_seconds"] for r in rows]
            out["sizes"][str(n)] = {
                "splits": rows,
                "pooled": {m: summary(e) for m, e in pooled.items()},
                "finetuned_within_2ms_by_split": [r["finetuned"]["within_2ms"] for r in rows],
                "finetune_seconds_median": round(float(np.median(secs)), 1),
                "finetune_seconds_max": round(float(np.max(secs)), 1)}
    out["wall_seconds"] = round(time.perf_counter() - t_start, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
