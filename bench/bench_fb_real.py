"""First breaks on REAL shots against a person's picks: the four S-wave refraction shots of
``../shared/data/segy/bflinchum+first-arrival-picker`` (96 channels, 2 m groups, 0.25 ms,
Clemson Experimental Forest) and its hand picks (``shot_x rcv_x t_s``; 73 to 96 per shot).

The model was trained only on GeoDesk's synthetic P-wave land shots (5-25 m groups), so this is
a transfer check, not a tuned result. Offsets come from GroupX - SourceX (byte 37 is 0 in
these files). For the model and the STA/LTA survey picker (same run, same traces) it prints
the fraction of hand-picked traces within 2 samples (0.5 ms), 2 ms and 5 ms, and the median
|error|. One JSON object:

    .venv/bin/python bench/bench_fb_real.py --model resources/models/firstbreaks.pt
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import segyio

from geodesk.core.processing.fb_survey import FirstBreakParams, pick_gather
from geodesk.core.section import Axis, Section
from geodesk.ml.registry import load_model
from geodesk.ml.tasks.firstbreaks import gather_section

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "segy" / \
    "bflinchum+first-arrival-picker"
PICKS = "CEF_2021_0315_Swave_picks_after_allShots.txt"


def read_shot(path: Path) -> tuple[np.ndarray, float, float, np.ndarray]:
    """(data (traces, samples), dt ms, source x, group x per trace) of one shot file."""
    with segyio.open(path, ignore_geometry=True) as f:
        data = segyio.collect(f.trace[:]).astype(np.float32)
        dt = segyio.tools.dt(f) / 1000.0
        sx = float(f.header[0][segyio.su.sx])
        gx = np.array([h[segyio.su.gx] for h in f.header], dtype=float)
    return data, dt, sx, gx


def summary(err: np.ndarray, dt: float) -> dict[str, float]:
    a = np.abs(np.where(np.isfinite(err), err, np.inf))
    return {"within_2_samples": round(float((a <= 2 * dt).mean()), 3),
            "within_2_ms": round(float((a <= 2.0).mean()), 3),
            "within_5_ms": round(float((a <= 5.0).mean()), 3),
            "median_abs_error_ms": round(float(np.median(a[np.isfinite(a)])), 2)
            if np.isfinite(a).any() else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="first-break model file (.pt)")
    ap.add_argument("--data", default=str(DATA), help="folder of the shots and the picks")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    folder = Path(args.data)
    if not (folder / PICKS).exists():
        raise SystemExit(f"no hand picks in {folder} (needs ../shared beside the repository)")
    human = np.loadtxt(folder / PICKS)
    model = load_model(args.model, task="firstbreaks", device="cpu")
    errs: dict[str, list] = {"unet": [], "stalta": []}
    shots = {}
    for path in sorted((folder / "ExampleFiles").glob("stacked_*.sgy")):
        data, dt, sx, gx = read_shot(path)
        rows = human[np.isclose(human[:, 0], sx)]
        t_h = np.full(len(gx), np.nan)
        for x, t in rows[:, 1:]:
            hit = np.flatnonzero(np.isclose(gx, x))
            t_h[hit] = 1000.0 * t
        ok = np.isfinite(t_h)
        off = gx - sx
        p_model = model.predict(gather_section(data, dt, offsets=off))
        sec = Section(data, Axis(np.arange(len(gx)) + 1.0, "channel"),
                      Axis(np.arange(data.shape[1]) * dt, "time", "ms"), "gather",
                      headers={"offset": off})
        p_base = pick_gather(sec, FirstBreakParams(method="stalta"))
        e_model, e_base = (p_model - t_h)[ok], (p_base - t_h)[ok]
        errs["unet"].append(e_model)
        errs["stalta"].append(e_base)
        shots[path.name] = {"hand_picks": int(ok.sum()), "unet": summary(e_model, dt),
                            "stalta": summary(e_base, dt)}
    out = {"model": args.model, "shots": shots,
           "all": {k: summary(np.concatenate(v), 0.25) for k, v in errs.items()}}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
