"""Thin fault-probability maps to one-sample-wide ridges (non-maximum suppression across the
fault), so the answer draws as fault lines rather than bands. numpy and scipy.ndimage.
"""

from __future__ import annotations

import numpy as np


def _gauss_smooth(a: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing of a 2D array, edge values repeated, kernel radius ceil(3 sigma)."""
    from scipy import ndimage  # a dependency of scikit-learn

    r = max(int(np.ceil(3 * sigma)), 1)
    return ndimage.gaussian_filter(np.asarray(a, dtype=np.float64), sigma, mode="nearest",
                                   truncate=r / sigma)


def thin_ridges(prob: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    """``prob`` (traces, samples) kept only on its ridges: where it is a maximum along the
    ridge normal (the Hessian's most negative eigenvector, to the nearest of 4 directions)
    of a lightly smoothed copy; zero elsewhere."""
    p = np.nan_to_num(np.asarray(prob, dtype=np.float64))
    if p.ndim != 2:
        raise ValueError(f"expected a 2D probability map, got shape {p.shape}")
    if min(p.shape) < 3:
        return p.astype(np.float32)
    s = _gauss_smooth(p, sigma)
    gx, gz = np.gradient(s)
    hxx, hxz = np.gradient(gx)
    _, hzz = np.gradient(gz)
    # direction of the most negative curvature: perpendicular to the major eigenvector
    theta = 0.5 * np.arctan2(2 * hxz, hxx - hzz) + np.pi / 2
    lam = 0.5 * (hxx + hzz) - np.sqrt((0.5 * (hxx - hzz)) ** 2 + hxz**2)
    octant = np.round(theta / (np.pi / 4)).astype(int) % 4
    steps = [(1, 0), (1, 1), (0, 1), (-1, 1)]  # (trace, sample) for 0, 45, 90, 135 degrees
    padded = np.pad(s, 1, mode="constant", constant_values=-np.inf)
    h, w = s.shape
    keep = np.zeros(s.shape, dtype=bool)
    for q, (di, dj) in enumerate(steps):
        fwd = padded[1 + di:1 + di + h, 1 + dj:1 + dj + w]
        back = padded[1 - di:1 - di + h, 1 - dj:1 - dj + w]
        keep |= (octant == q) & (s >= fwd) & (s >= back)
    keep &= lam < 0
    return np.where(keep, p, 0.0).astype(np.float32)


def fault_lines(prob: np.ndarray | None, threshold: float, min_samples: int = 20,
                ridges: np.ndarray | None = None) -> np.ndarray:
    """The ridges of ``prob`` at or above ``threshold`` that join into lines of at least
    ``min_samples`` samples (8-connected); shorter fragments are dropped (noise, not faults).
    ``ridges`` may pass :func:`thin_ridges` of ``prob`` already computed."""
    from scipy import ndimage  # a dependency of scikit-learn

    r = thin_ridges(prob) if ridges is None else np.asarray(ridges, dtype=np.float32)
    on = r >= threshold
    labels, n = ndimage.label(on, structure=np.ones((3, 3), dtype=bool))
    if n == 0:
        return np.zeros_like(r)
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    keep = sizes >= int(min_samples)
    keep[0] = False
    return np.where(keep[labels], r, 0.0).astype(np.float32)
