"""Helpers shared by the task models: input unwrapping, the U-Net base, tolerance metrics."""

from __future__ import annotations

import numpy as np

from geodesk.core.section import Section
from geodesk.ml.base import SeismicModel


def section_arrays(x: Section | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(data (traces, samples) float32, live mask per trace) of a Section or a 2D array."""
    if isinstance(x, Section):
        data = np.asarray(x.data, dtype=np.float32)
        live = np.asarray(x.live, dtype=bool)
        if live.shape != (data.shape[0],):
            live = np.ones(data.shape[0], dtype=bool)
        return data, live
    data = np.asarray(x, dtype=np.float32)
    if data.ndim != 2:
        raise ValueError(f"expected a 2D section (traces, samples), got shape {data.shape}")
    return data, np.ones(data.shape[0], dtype=bool)


def dead_traces(data: np.ndarray) -> np.ndarray:
    """Traces that are all zero or all non-finite."""
    finite = np.where(np.isfinite(data), data, 0.0)
    return np.abs(finite).max(axis=1, initial=0.0) == 0


class UNetModel(SeismicModel):
    """A model whose network is :class:`geodesk.ml.nets.unet.UNet2d` (``depth``, ``width``)."""

    depth: int
    width: int
    in_channels: int = 1
    out_channels: int = 1

    @property
    def multiple(self) -> int:
        return 2 ** int(self.depth)

    @property
    def min_size(self) -> int:
        return self.multiple

    def _build(self):
        from geodesk.ml.nets.unet import UNet2d

        return UNet2d(self.in_channels, self.out_channels, depth=int(self.depth),
                      width=int(self.width), dropout=float(self.dropout))


def dilate(mask: np.ndarray, radius: int = 1) -> np.ndarray:
    """Binary dilation of a 2D mask by a (2r+1)^2 square (numpy only)."""
    m = np.asarray(mask, dtype=bool)
    out = m.copy()
    h, w = m.shape
    for di in range(-radius, radius + 1):
        for dj in range(-radius, radius + 1):
            src = m[max(-di, 0):h - max(di, 0), max(-dj, 0):w - max(dj, 0)]
            out[max(di, 0):h - max(-di, 0), max(dj, 0):w - max(-dj, 0)] |= src
    return out


def f1_tolerant(prob: np.ndarray, truth: np.ndarray, threshold: float,
                radius: int = 1) -> float:
    """F1 of ``prob >= threshold`` against ``truth`` where a hit within ``radius`` pixels counts."""
    pred = np.asarray(prob) >= threshold
    t = np.asarray(truth, dtype=bool)
    if not pred.any() and not t.any():
        return 1.0
    if not pred.any() or not t.any():
        return 0.0
    precision = float((pred & dilate(t, radius)).sum() / pred.sum())
    recall = float((t & dilate(pred, radius)).sum() / t.sum())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
