"""Tiled inference: any-size 2D inputs through a fully convolutional network, tile by tile.

Tiles overlap and are blended with weights that are zero next to each interior tile edge and
then ramp up (raised cosine), so seams where a tile's own zero padding distorts the result get
no weight; every sample keeps positive total weight. Sizes
not divisible by ``multiple`` (2**depth for a U-Net) and inputs smaller than ``min_size`` (the
receptive field) are mirror-padded and cropped back. Pure numpy: ``fn`` runs the network.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from geodesk.core.jobs import JobContext

BatchFn = Callable[[np.ndarray], np.ndarray]  # (B, C, h, w) -> (B, K, h, w)


def _round_up(n: int, m: int) -> int:
    return -(-n // m) * m


def pad_to(x: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Mirror-pad the last two axes of ``x`` at their ends up to ``shape`` (never shrinks)."""
    ph, pw = max(shape[0] - x.shape[-2], 0), max(shape[1] - x.shape[-1], 0)
    if ph == 0 and pw == 0:
        return x
    widths = [(0, 0)] * (x.ndim - 2) + [(0, ph), (0, pw)]
    mode = "symmetric" if min(x.shape[-2:]) > 0 else "constant"
    return np.pad(x, widths, mode=mode)


def _starts(n: int, tile: int, overlap: int) -> list[int]:
    if n <= tile:
        return [0]
    step = max(tile - overlap, 1)
    starts = list(range(0, n - tile, step))
    return starts + [n - tile]


def _ramp(length: int, overlap: int, left: bool, right: bool) -> np.ndarray:
    """1D blending weight at interior edges: zero over the first quarter of ``overlap`` (where
    the tile's own padding is felt most), then a raised-cosine ramp up to 1."""
    w = np.ones(length, dtype=np.float64)
    k = min(overlap, length // 2)
    if k > 0:
        m = k // 4
        r = np.zeros(k)
        r[m:] = 0.5 - 0.5 * np.cos(np.pi * (np.arange(k - m) + 0.5) / (k - m))
        if left:
            w[:k] = r
        if right:
            w[length - k:] = r[::-1]
    return w


def tiled_apply(fn: BatchFn, x: np.ndarray, *, tile: int = 256, overlap: int = 32,
                multiple: int = 1, min_size: int = 1, batch_size: int = 4,
                ctx: JobContext | None = None) -> np.ndarray:
    """``fn`` over ``x`` (C, H, W) in overlapping tiles; returns the blended (K, H, W) output.

    ``tile`` is rounded up to ``multiple``; ``ctx`` gets progress per batch and may cancel.
    """
    if x.ndim != 3:
        raise ValueError(f"tiled input must be (channels, height, width), got {x.shape}")
    _, h, w = x.shape
    if h == 0 or w == 0:
        raise ValueError(f"cannot run a network on an empty input of shape {x.shape}")
    tile = _round_up(max(tile, min_size, multiple), multiple)
    overlap = min(overlap, tile // 2)
    # working size: at least min_size, divisible by multiple, padded to a whole tile if larger
    hh = _round_up(max(h, min_size), multiple) if h <= tile else max(h, tile)
    ww = _round_up(max(w, min_size), multiple) if w <= tile else max(w, tile)
    xp = pad_to(x, (hh, ww))
    th, tw = min(tile, hh), min(tile, ww)
    rows, cols = _starts(hh, th, overlap), _starts(ww, tw, overlap)
    boxes = [(r, q) for r in rows for q in cols]
    out: np.ndarray | None = None
    weight = np.zeros((hh, ww), dtype=np.float64)
    for b0 in range(0, len(boxes), batch_size):
        if ctx is not None:
            ctx.progress(b0 / len(boxes), "inference")
        chunk = boxes[b0:b0 + batch_size]
        batch = np.stack([xp[:, r:r + th, q:q + tw] for r, q in chunk]).astype(np.float32)
        pred = np.asarray(fn(batch), dtype=np.float64)
        if out is None:
            out = np.zeros((pred.shape[1], hh, ww), dtype=np.float64)
        for (r, q), p in zip(chunk, pred):
            wr = _ramp(th, overlap, r > 0, r + th < hh)
            wc = _ramp(tw, overlap, q > 0, q + tw < ww)
            wt = np.outer(wr, wc)
            out[:, r:r + th, q:q + tw] += p * wt
            weight[r:r + th, q:q + tw] += wt
    if ctx is not None:
        ctx.progress(1.0, "inference")
    assert out is not None
    return (out / weight)[:, :h, :w].astype(np.float32)
