"""Dominant period of a section.

A network trained on wavelets of one size sees another size on real data; resampling the
section (:func:`geodesk.ml.data.normalize.resample_time`) so its dominant period is the trained-for
one, and mapping the answer back, removes that difference. Numpy only.
"""

from __future__ import annotations

import numpy as np

#: Centroid of a Ricker amplitude spectrum over its half-maximum band, in peak frequencies.
RICKER_BAND_CENTROID = 1.0488


def dominant_period(data: np.ndarray, live: np.ndarray | None = None) -> float:
    """Dominant period in samples of a section (traces, samples): 1 / the Ricker-equivalent
    peak frequency, from the centroid of the smoothed mean amplitude spectrum over its
    half-maximum band (robust to noise outside the signal band)."""
    a = np.asarray(data, dtype=np.float64)
    if a.ndim == 1:
        a = a[None]
    if live is not None and np.any(live):
        a = a[np.asarray(live, dtype=bool)]
    a = np.where(np.isfinite(a), a, 0.0)
    n = a.shape[-1]
    if n < 8:
        raise ValueError(f"section too short ({n} samples) for a period estimate")
    spec = np.abs(np.fft.rfft((a - a.mean(axis=-1, keepdims=True)) * np.hanning(n), axis=-1))
    amp = np.sqrt((spec**2).mean(axis=0))
    w = max(3, len(amp) // 16) | 1
    smooth = np.convolve(amp, np.ones(w) / w, mode="same")
    smooth[0] = 0.0  # the mean is removed: no zero-frequency peak
    k = int(np.argmax(smooth))
    if smooth[k] <= 0:
        raise ValueError("section is constant: no dominant period")
    lo, hi = k, k
    while lo > 0 and smooth[lo - 1] >= 0.5 * smooth[k]:
        lo -= 1
    while hi < len(smooth) - 1 and smooth[hi + 1] >= 0.5 * smooth[k]:
        hi += 1
    band = np.arange(lo, hi + 1)
    centroid = float((smooth[band] * band).sum() / smooth[band].sum()) / n  # cycles/sample
    return RICKER_BAND_CENTROID / max(centroid, 1e-6)
