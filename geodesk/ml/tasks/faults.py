"""Fault probability on seismic sections with a 2D U-Net (after Wu et al. 2019, FaultSeg).

Input: an inline, crossline or 2D-line section (traces, samples), scaled per section. Output:
fault probability in [0, 1] per sample. Loss: class-balanced binary cross-entropy, since fault
samples are a few percent of a section: positives weighted by the fraction of negatives.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.section import Section
from geodesk.ml.base import Prepared
from geodesk.ml.normalize import normalize
from geodesk.ml.tasks.common import UNetModel, dead_traces, f1_tolerant, section_arrays


class FaultUNet(UNetModel):
    """Fault segmentation of sections: ``predict(section)`` → probability (traces, samples)."""

    task = "faults"
    name = "fault-unet"
    version = 1

    def __init__(self, *, depth: int = 4, width: int = 16, dropout: float = 0.1,
                 lr: float = 1e-3, batch_size: int = 4, patch: tuple[int, int] = (128, 128),
                 epochs: int = 10, steps_per_epoch: int = 100, tile: int = 256,
                 device: str = "auto", seed: int = 0) -> None:
        self.depth, self.width, self.dropout = depth, width, dropout
        self.lr, self.batch_size, self.patch = lr, batch_size, tuple(patch)
        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        self.tile, self.device, self.seed = tile, device, seed

    def _prepare(self, x: Section | np.ndarray, y: Any = None) -> Prepared:
        data, live = section_arrays(x)
        live = live & ~dead_traces(data)
        inp, scale = normalize(data, live)
        mask = np.broadcast_to(live[:, None], data.shape).astype(np.float32)
        target = None if y is None else (np.asarray(y) > 0).astype(np.float32)[None]
        if target is not None and target.shape[1:] != data.shape:
            raise ValueError(f"fault labels {target.shape[1:]} do not match section {data.shape}")
        return Prepared(inp[None], target, mask, {"live": live, "scale": scale})

    def _loss(self, out, target, mask, inp):
        import torch.nn.functional as F

        z, y = out[:, 0], target[:, 0]
        n = mask.sum().clamp_min(1.0)
        beta = 1.0 - (y * mask).sum() / n  # fraction of non-fault samples
        pos = F.softplus(-z) * y * beta
        neg = F.softplus(z) * (1 - y) * (1 - beta)
        return ((pos + neg) * mask).sum() / n

    def _finish(self, raw: np.ndarray, prep: Prepared) -> np.ndarray:
        prob = 1.0 / (1.0 + np.exp(-np.clip(raw[0], -30, 30)))
        prob[~prep.meta["live"]] = 0.0
        return prob.astype(np.float32)

    def score(self, X: list, y: list) -> dict[str, float]:
        """Best F1 over thresholds with one-sample tolerance, pooled over the sections."""
        probs = [self.predict(x) for x in X]
        best, best_t = 0.0, 0.5
        for t in np.arange(0.1, 0.95, 0.05):
            f1 = float(np.mean([f1_tolerant(p, np.asarray(lab) > 0, t)
                                for p, lab in zip(probs, y)]))
            if f1 > best:
                best, best_t = f1, float(t)
        return {"f1": best, "threshold": best_t}
