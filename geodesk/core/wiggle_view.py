"""Which part of a section a wiggle raster covers, and at what pixel density, for a view range.

The section view re-rasterises wiggles / variable area for the visible traces and samples at
screen resolution (one raster column per screen pixel, one row per screen row) instead of once
for the whole section: a zoomed view then shows real traces, not magnified blocks. Below
:data:`MIN_PX_PER_TRACE` screen pixels between traces wiggles are unreadable (150 traces in
300 px are solid black) and the view shows variable density instead. Qt-free numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Closer than this (screen pixels between neighbouring traces) wiggles fall back to density.
MIN_PX_PER_TRACE = 2.0
#: Largest raster column count per trace and raster size (bounded work at any zoom).
MAX_PX_PER_TRACE = 128
MAX_ROWS = 4096


@dataclass(frozen=True)
class WiggleWindow:
    """Traces ``i0..i1`` and samples ``j0..j1`` (inclusive) drawn ``px_per_trace`` columns per
    trace into ``rows`` raster rows; ``spacing_px`` is the on-screen trace spacing."""

    i0: int
    i1: int
    j0: int
    j1: int
    px_per_trace: int
    rows: int
    spacing_px: float

    @property
    def n_traces(self) -> int:
        return self.i1 - self.i0 + 1

    @property
    def n_samples(self) -> int:
        return self.j1 - self.j0 + 1


def wiggle_window(shape: tuple[int, int], x_range: tuple[float, float],
                  sample_range: tuple[float, float], width_px: float,
                  height_px: float, margin: int = 1) -> WiggleWindow | None:
    """The raster for a view showing trace indices ``x_range`` and (fractional) sample indices
    ``sample_range`` in a ``width_px`` x ``height_px`` viewport of a (traces, samples) section;
    None when traces are closer than :data:`MIN_PX_PER_TRACE` pixels (show density instead).
    ``margin`` traces beyond each edge are kept so that their swings into view are drawn."""
    n_tr, n_s = int(shape[0]), int(shape[1])
    x0, x1 = sorted(map(float, x_range))
    s0, s1 = sorted(map(float, sample_range))
    if n_tr == 0 or n_s == 0 or x1 <= x0 or s1 <= s0 or width_px <= 0 or height_px <= 0:
        return None
    spacing = float(width_px) / (x1 - x0)
    if spacing < MIN_PX_PER_TRACE:
        return None
    i0 = int(np.clip(np.floor(x0 + 0.5) - margin, 0, n_tr - 1))
    i1 = int(np.clip(np.ceil(x1 - 0.5) + margin, i0, n_tr - 1))
    j0 = int(np.clip(np.floor(s0 + 0.5), 0, n_s - 1))
    j1 = int(np.clip(np.ceil(s1 - 0.5), j0, n_s - 1))
    ppt = int(np.clip(round(spacing), MIN_PX_PER_TRACE, MAX_PX_PER_TRACE))
    px_per_sample = float(height_px) / (s1 - s0)
    rows = int(np.clip(round((j1 - j0 + 1) * px_per_sample), 2, MAX_ROWS))
    return WiggleWindow(i0, i1, j0, j1, ppt, rows, spacing)


def resample_rows(data: np.ndarray, j0: int, j1: int, rows: int) -> np.ndarray:
    """Samples ``j0..j1`` of (traces, samples) ``data`` interpolated onto ``rows`` equal rows
    spanning sample edges ``j0 - 0.5 .. j1 + 0.5`` (float32, (traces, rows)). Upsampling uses
    cubic convolution (Keys, a = -0.5): wiggles stay smooth between sparse samples instead of
    showing the corners of straight segments; downsampling interpolates linearly."""
    n_s = data.shape[1]
    n = j1 - j0 + 1
    pos = j0 - 0.5 + (np.arange(rows, dtype=np.float64) + 0.5) * (n / rows)
    pos = np.clip(pos, 0.0, n_s - 1)
    k = np.minimum(pos.astype(np.intp), n_s - 1)
    f = (pos - k).astype(np.float32)
    d = np.asarray(data, dtype=np.float32)
    if rows <= n or n_s < 4:
        return d[:, k] * (1.0 - f) + d[:, np.minimum(k + 1, n_s - 1)] * f
    f2, f3 = f * f, f * f * f
    weights = (-0.5 * f3 + f2 - 0.5 * f, 1.5 * f3 - 2.5 * f2 + 1.0,
               -1.5 * f3 + 2.0 * f2 + 0.5 * f, 0.5 * f3 - 0.5 * f2)
    out = np.zeros((d.shape[0], rows), dtype=np.float32)
    for off, w in zip((-1, 0, 1, 2), weights):
        out += d[:, np.clip(k + off, 0, n_s - 1)] * w
    return out


def upsample_linear(data: np.ndarray, fx: int, fy: int) -> np.ndarray:
    """(rows, cols) image interpolated (bilinear) onto ``fy``x``fx`` as many pixels over the
    same pixel-edge extent: the smooth density display of small cubes."""
    d = np.asarray(data, dtype=np.float32)
    out = d
    for axis, f in ((0, int(fy)), (1, int(fx))):
        n = out.shape[axis]
        if f <= 1 or n < 2:
            if f > 1:
                out = np.repeat(out, f, axis=axis)
            continue
        pos = np.clip((np.arange(n * f, dtype=np.float64) + 0.5) / f - 0.5, 0.0, n - 1)
        k0 = np.minimum(pos.astype(np.intp), n - 2)
        w = (pos - k0).astype(np.float32)
        a = np.take(out, k0, axis=axis)
        b = np.take(out, k0 + 1, axis=axis)
        shape = [1, 1]
        shape[axis] = -1
        w = w.reshape(shape)
        out = a * (1.0 - w) + b * w
    return out


def smooth_factors(shape: tuple[int, int], width_px: float, height_px: float,
                   limit: int = 8) -> tuple[int, int]:
    """Upsampling (fx, fy) for an image of (rows, cols) ``shape`` drawn in ``width_px`` x
    ``height_px``: about one image pixel per screen pixel, at most ``limit``."""
    rows, cols = shape
    fx = int(np.clip(np.ceil(width_px / max(cols, 1)), 1, limit))
    fy = int(np.clip(np.ceil(height_px / max(rows, 1)), 1, limit))
    return fx, fy
