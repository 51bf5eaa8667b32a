"""First-break accuracy on GeoDesk's synthetic land shots (geodesk.synth.generate_shots: weak
first lobe of a causal Berlage wavelet, strong ground roll; truth = ONSET of the first arrival).

For each method (stalta, energy_ratio), SNR and sample interval it prints, for the old default
parameters of :func:`pick_first_breaks` and for the new survey-picking defaults
(:class:`FirstBreakParams`), the fraction of live traces picked within 2 samples of the truth
(unpicked traces count as misses) and the median |error| in ms of the picked ones. Seeds are
split into a development set and a held-out set that no parameter was tuned on. One JSON object.

    .venv/bin/python bench/bench_firstbreaks.py [--shots 3] [--channels 96] [--record-ms 600]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

import numpy as np

from geodesk.core.processing.fb_survey import FirstBreakParams, pick_gather
from geodesk.core.processing.firstbreaks import PICKER_VERSION, pick_first_breaks
from geodesk.core.section import Axis, Section
from geodesk.synth.shots import generate_shots

SEEDS = {"dev": (0, 1, 2), "held_out": (10, 11, 12)}
SNRS = (10.0, 20.0, 30.0)
DTS = (0.5, 2.0)
Picker = Callable[[np.ndarray, float, np.ndarray], np.ndarray]


def old_default(method: str) -> Picker:
    """pick_first_breaks with its default parameters (threshold 0.5 x max, AIC onset)."""
    return lambda g, dt, off: pick_first_breaks(g, dt, method)


def new_default(method: str) -> Picker:
    """The survey-picking defaults, as the GUI's job runs them."""
    params = FirstBreakParams(method=method)

    def pick(g: np.ndarray, dt: float, off: np.ndarray) -> np.ndarray:
        sec = Section(g, Axis(np.arange(len(g)) + 1.0, "channel"),
                      Axis(np.arange(g.shape[1]) * dt, "time", "ms"), "gather",
                      headers={"offset": off})
        return pick_gather(sec, params)

    return pick


def score(picker: Picker, seeds: tuple[int, ...], snr: float, dt: float,
          shape: tuple[int, int, int]) -> dict[str, float]:
    """Fraction of live traces within 2 samples and median |error| (ms) of the picked ones."""
    errs = []
    for seed in seeds:
        r = generate_shots(shape, seed=seed, dt_ms=dt, snr_db=snr)
        fb = r.truth["first_break_ms"]
        for k in range(shape[0]):
            live = np.isfinite(fb[k])
            errs.append((picker(r.data[k], dt, r.offset_m[k]) - fb[k])[live])
    e = np.concatenate(errs)
    hit = np.abs(e) <= 2 * dt  # NaN (unpicked) compares False: a miss
    picked = np.isfinite(e)
    return {"within_2_samples": round(float(hit.mean()), 3),
            "median_abs_error_ms": round(float(np.median(np.abs(e[picked]))), 2)
            if picked.any() else None,
            "picked": round(float(picked.mean()), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shots", type=int, default=3)
    ap.add_argument("--channels", type=int, default=96)
    ap.add_argument("--record-ms", type=float, default=600.0)
    args = ap.parse_args()
    out: dict = {"picker_version": PICKER_VERSION, "seeds": SEEDS,
                 "shape": [args.shots, args.channels, f"{args.record_ms:g} ms"]}
    for split, seeds in SEEDS.items():
        res: dict = {}
        for method in ("stalta", "energy_ratio"):
            for name, make in (("old_default", old_default), ("new_default", new_default)):
                for dt in DTS:
                    shape = (args.shots, args.channels, round(args.record_ms / dt))
                    for snr in SNRS:
                        key = f"dt {dt:g} ms, SNR {snr:g} dB"
                        res.setdefault(method, {}).setdefault(name, {})[key] = score(
                            make(method), seeds, snr, dt, shape)
        out[split] = res
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
