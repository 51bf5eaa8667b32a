"""Dominant period of a section and band-limited resampling in time.

A network trained on wavelets of one size sees another size on real data; resampling the
section so its dominant period is the trained-for one (and mapping the answer back) removes
that difference. Numpy only.
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


def resample_time(data: np.ndarray, n_out: int) -> np.ndarray:
    """``data`` (..., samples) resampled to ``n_out`` samples over the same time span by
    Fourier interpolation (band-limited: no aliasing when shrinking)."""
    x = np.asarray(data, dtype=np.float32)
    n = x.shape[-1]
    if n_out == n:
        return x.copy()
    spec = np.fft.rfft(x, axis=-1)
    keep = min(spec.shape[-1], n_out // 2 + 1)
    out_spec = np.zeros(x.shape[:-1] + (n_out // 2 + 1,), dtype=spec.dtype)
    out_spec[..., :keep] = spec[..., :keep]
    return (np.fft.irfft(out_spec, n=n_out, axis=-1) * (n_out / n)).astype(np.float32)


def interp_time(values: np.ndarray, n_out: int) -> np.ndarray:
    """``values`` (..., samples) linearly interpolated to ``n_out`` samples over the same time
    span (for probabilities and masks, which must not ring)."""
    v = np.asarray(values, dtype=np.float32)
    n = v.shape[-1]
    if n_out == n:
        return v.copy()
    pos = np.linspace(0.0, n - 1.0, n_out)
    i0 = np.clip(np.floor(pos).astype(int), 0, n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    w = (pos - i0).astype(np.float32)
    return v[..., i0] * (1 - w) + v[..., i1] * w
