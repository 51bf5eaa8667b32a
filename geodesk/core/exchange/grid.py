"""Map between survey grid nodes (inline, crossline) and map coordinates (x, y).

XYZ horizon files carry only x/y, so import must find the grid node of each point. A 3D survey
grid is affine (origin + two bin vectors) up to rounding, so the node is found by inverting an
affine fit and then checking the 3x3 neighbourhood against the survey's actual node coordinates,
which also copes with slightly irregular grids. A point farther than ``tolerance`` from its
nearest node is outside the survey.
"""

from __future__ import annotations

import numpy as np


class GridMapper:
    """Nearest-node lookup and fractional (inline, crossline) → (x, y) for one survey grid."""

    def __init__(self, inlines: np.ndarray, crosslines: np.ndarray, grid_x: np.ndarray,
                 grid_y: np.ndarray) -> None:
        self.inlines = np.asarray(inlines, dtype=np.int64)
        self.crosslines = np.asarray(crosslines, dtype=np.int64)
        self.grid_x = np.asarray(grid_x, dtype=np.float64)
        self.grid_y = np.asarray(grid_y, dtype=np.float64)
        shape = (self.inlines.size, self.crosslines.size)
        if self.grid_x.shape != shape or self.grid_y.shape != shape:
            raise ValueError(f"grid x/y shape {self.grid_x.shape} does not match {shape}")
        ii, jj = np.meshgrid(np.arange(shape[0], dtype=float), np.arange(shape[1], dtype=float),
                             indexing="ij")
        design = np.column_stack([np.ones(ii.size), ii.ravel(), jj.ravel()])
        coef, *_ = np.linalg.lstsq(design, np.column_stack([self.grid_x.ravel(),
                                                            self.grid_y.ravel()]), rcond=None)
        self._origin = coef[0]
        self._bins = coef[1:].T  # 2x2: columns = xy step per inline index, per crossline index
        steps = [np.hypot(*self._bins[:, k]) for k in range(2) if shape[k] > 1]
        self.bin_size = float(min(steps)) if steps else 0.0
        if self.grid_x.size > 1 and not self.bin_size > 0:
            raise ValueError("the survey has no usable x/y coordinates (all grid nodes at the "
                             "same place): map coordinates cannot be matched to inline/crossline")

    def xy_of(self, inlines: np.ndarray, crosslines: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """x/y of (possibly fractional) inline/crossline numbers, from the affine fit."""
        fi = _fractional_index(self.inlines, np.asarray(inlines, dtype=float))
        fj = _fractional_index(self.crosslines, np.asarray(crosslines, dtype=float))
        xy = self._origin[:, None] + self._bins @ np.vstack([fi.ravel(), fj.ravel()])
        return xy[0].reshape(fi.shape), xy[1].reshape(fi.shape)

    def nearest_node(self, x: np.ndarray, y: np.ndarray, tolerance: float | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and distance of the nearest grid node of each point; row/column are -1
        where that distance exceeds ``tolerance`` (default half the smaller bin size)."""
        x = np.asarray(x, dtype=np.float64).ravel()
        y = np.asarray(y, dtype=np.float64).ravel()
        tol = 0.5 * self.bin_size if tolerance is None else float(tolerance)
        if abs(np.linalg.det(self._bins)) < 1e-9 * max(self.bin_size, 1.0) ** 2:
            best_i, best_j, best_d = self._brute_force(x, y)
        else:
            best_i, best_j, best_d = self._affine_then_local(x, y)
        far = ~(best_d <= tol)
        return np.where(far, -1, best_i), np.where(far, -1, best_j), best_d

    def _affine_then_local(self, x: np.ndarray, y: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n0, n1 = self.grid_x.shape
        f = np.linalg.solve(self._bins, np.vstack([x - self._origin[0], y - self._origin[1]]))
        i0 = np.rint(f[0]).clip(-1, n0).astype(np.int64)
        j0 = np.rint(f[1]).clip(-1, n1).astype(np.int64)
        best_d = np.full(x.size, np.inf)
        best_i, best_j = i0.clip(0, n0 - 1), j0.clip(0, n1 - 1)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                i, j = i0 + di, j0 + dj
                inside = (i >= 0) & (i < n0) & (j >= 0) & (j < n1)
                ic, jc = i.clip(0, n0 - 1), j.clip(0, n1 - 1)
                d = np.where(inside, np.hypot(self.grid_x[ic, jc] - x, self.grid_y[ic, jc] - y),
                             np.inf)
                better = d < best_d
                best_d = np.where(better, d, best_d)
                best_i = np.where(better, ic, best_i)
                best_j = np.where(better, jc, best_j)
        return best_i, best_j, best_d

    def _brute_force(self, x: np.ndarray, y: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest node by full search (single-line grids, where the affine fit is singular)."""
        gx, gy = self.grid_x.ravel(), self.grid_y.ravel()
        best = np.empty(x.size, dtype=np.int64)
        dist = np.empty(x.size)
        step = max(1, 2_000_000 // max(gx.size, 1))
        for a in range(0, x.size, step):
            d = np.hypot(gx[None, :] - x[a:a + step, None], gy[None, :] - y[a:a + step, None])
            best[a:a + step] = np.argmin(d, axis=1)
            dist[a:a + step] = d[np.arange(d.shape[0]), best[a:a + step]]
        i, j = np.unravel_index(best, self.grid_x.shape)
        return i.astype(np.int64), j.astype(np.int64), dist


def _fractional_index(axis: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Fractional index of line numbers on a sorted axis (linear, extrapolated at the ends)."""
    axis = axis.astype(float)
    if axis.size == 1:
        return np.zeros_like(values, dtype=float)
    idx = np.interp(values, axis, np.arange(axis.size, dtype=float))
    lo = values < axis[0]
    hi = values > axis[-1]
    idx = np.where(lo, (values - axis[0]) / (axis[1] - axis[0]), idx)
    return np.where(hi, axis.size - 1 + (values - axis[-1]) / (axis[-1] - axis[-2]), idx)
