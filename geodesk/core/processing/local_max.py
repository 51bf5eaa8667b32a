"""Moving maximum of a 2D array over a centred rectangle (outside the array counts as -inf):
``scipy.ndimage.maximum_filter(..., mode="constant", cval=-inf)``, compiled as van Herk /
Gil-Werman (three comparisons a sample per axis, whatever the window) where numba is there.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.processing import compiled as kernels


@kernels.jit(fastmath=False)
def _running_max_rows(a, half, out):  # pragma: no cover - compiled
    """Row by row: ``out[r, c] = max(a[r, c - half : c + half + 1])`` (-inf outside)."""
    n_r, n = a.shape
    k = 2 * half + 1
    m = n + 2 * half
    m = ((m + k - 1) // k) * k  # whole blocks
    pad = np.full(m, -np.inf, dtype=a.dtype)
    g = np.empty(m, dtype=a.dtype)
    h = np.empty(m, dtype=a.dtype)
    for r in range(n_r):
        pad[half:half + n] = a[r]
        for b in range(0, m, k):
            g[b] = pad[b]
            for i in range(b + 1, b + k):
                g[i] = max(g[i - 1], pad[i])
            h[b + k - 1] = pad[b + k - 1]
            for i in range(b + k - 2, b - 1, -1):
                h[i] = max(h[i + 1], pad[i])
        for c in range(n):
            out[r, c] = max(h[c], g[c + 2 * half])


def window_maximum(a: np.ndarray, half_rows: int, half_cols: int) -> np.ndarray:
    """Maximum over ``(2 * half_rows + 1) x (2 * half_cols + 1)`` around each element."""
    a = np.ascontiguousarray(a)
    if not kernels.HAVE_NUMBA or a.dtype not in (np.float32, np.float64) or a.ndim != 2:
        from scipy.ndimage import maximum_filter

        return maximum_filter(a, size=(2 * half_rows + 1, 2 * half_cols + 1),
                              mode="constant", cval=-np.inf)
    run = kernels.compiled(_running_max_rows)
    along = np.empty_like(a)
    run(a, int(half_cols), along)
    out_t = np.empty_like(along.T, order="C")
    run(np.ascontiguousarray(along.T), int(half_rows), out_t)
    return np.ascontiguousarray(out_t.T)
