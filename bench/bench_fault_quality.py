"""Fault-detection quality of a fault model on held-out synthetic volumes, against coherence.

Volumes come from ``geodesk.synth.generate_post3d`` with seeds from 2e9 up, which neither
training (seeds < 1e9) nor validation (1e9 + k) uses. Every inline is scored by the best F1
over thresholds with a one-sample tolerance (``f1_tolerant``), pooled per SNR, for the model
and for a classical attribute measured in the same run: 1 - coherence, the normalised
cross-correlation of neighbouring traces in a sliding window. Prints one JSON object. Run:
``.venv/bin/python bench/bench_fault_quality.py --model resources/models/faults.pt``.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from geodesk.ml.registry import load_model
from geodesk.ml.tasks.common import f1_tolerant
from geodesk.synth import generate_post3d

HELD_OUT_SEED = 2_000_000_000
THRESHOLDS = np.linspace(0.05, 0.95, 19)


def incoherence(section: np.ndarray, half: int = 4) -> np.ndarray:
    """1 - normalised cross-correlation of each trace with its right neighbour over a
    (2*half+1)-sample window: high where reflections are cut (a coherence attribute)."""
    a = section.astype(np.float64)
    b = np.roll(a, -1, axis=0)
    b[-1] = a[-1]
    k = np.ones(2 * half + 1)

    def smooth(x: np.ndarray) -> np.ndarray:
        return np.apply_along_axis(lambda r: np.convolve(r, k, mode="same"), 1, x)

    num = smooth(a * b)
    den = np.sqrt(smooth(a * a) * smooth(b * b)) + 1e-12
    c = 1.0 - num / den
    return (0.5 * (c + np.roll(c, 1, axis=0))).astype(np.float32)


def best_f1(scores: list[np.ndarray], labels: list[np.ndarray]) -> tuple[float, float]:
    """Best mean F1 over thresholds (scores scaled to [0, 1] per section)."""
    best = (0.0, 0.0)
    for t in THRESHOLDS:
        f1 = float(np.mean([f1_tolerant(s, lab > 0, t) for s, lab in zip(scores, labels)]))
        best = max(best, (f1, float(t)))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True, help="fault model file (.pt)")
    ap.add_argument("--volumes", type=int, default=3, help="volumes per SNR")
    ap.add_argument("--snr", type=float, nargs="+", default=[5.0, 10.0, 20.0])
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    model = load_model(args.model, task="faults", device="cpu")
    out: dict = {"model": args.model, "held_out_seed_base": HELD_OUT_SEED, "by_snr": {}}
    t0 = time.perf_counter()
    for snr in args.snr:
        probs, attrs, labels = [], [], []
        for k in range(args.volumes):
            r = generate_post3d((4, 160, 200), seed=HELD_OUT_SEED + int(snr) * 100 + k,
                                snr_db=snr, n_faults=3, n_horizons=0)
            for i in range(r.data.shape[0]):
                lab = r.truth["fault_labels"][i]
                if not lab.any():
                    continue
                probs.append(model.predict(r.data[i]))
                a = incoherence(r.data[i])
                attrs.append((a - a.min()) / max(float(np.ptp(a)), 1e-12))
                labels.append(lab)
        f1_model, t_model = best_f1(probs, labels)
        f1_attr, t_attr = best_f1(attrs, labels)
        out["by_snr"][f"{snr:g}dB"] = {"sections": len(labels), "unet_f1": round(f1_model, 3),
                                       "unet_threshold": t_model,
                                       "coherence_f1": round(f1_attr, 3),
                                       "coherence_threshold": t_attr}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
