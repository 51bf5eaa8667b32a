"""Noise that is not white: whitening in time and a local scale, so one threshold fits all.

Random noise is independent from trace to trace, so the difference of neighbouring traces holds
it (at twice its power) while laterally continuous reflections mostly cancel. Its median
amplitude spectrum along time gives the noise's colour (band-limited noise), its smoothed
local amplitude gives where the noise is stronger (bursts). Dividing the data by both makes the
noise about white and stationary; DDTF's single threshold is then right everywhere, and the
result is multiplied back. Isolated spikes are replaced by a running median first.
numpy and scipy only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage

#: Floor of the noise spectrum and of the local scale, relative to their typical value.
FLOOR = 0.05
#: Despiking: a sample further than SPIKE_K robust deviations of its trace (1.4826 × MAD) from
#: the median of SPIKE_LENGTH samples around it is replaced by that median.
SPIKE_K, SPIKE_LENGTH = 6.0, 5


def despike(x: np.ndarray, k: float = SPIKE_K, length: int = SPIKE_LENGTH) -> np.ndarray:
    """``x`` with isolated spikes replaced by the running median along time; the deviation
    scale is each trace's own robust amplitude (1.4826 × MAD), so blocks agree. Hard
    thresholding keeps a spike (it is large in every atom); the median does not."""
    x = np.asarray(x, dtype=np.float32)
    size = (1,) * (x.ndim - 1) + (int(length),)
    med = ndimage.median_filter(x, size=size, mode="reflect")
    r = x - med
    centre = np.median(x, axis=-1, keepdims=True)
    scale = 1.4826 * np.median(np.abs(x - centre), axis=-1, keepdims=True)
    spike = (np.abs(r) > k * scale) & (scale > 0)
    return np.where(spike, med, x).astype(np.float32)


def noise_spectrum(x: np.ndarray) -> np.ndarray:
    """Median over traces of |rfft| of the neighbouring-trace differences / √2: the noise's
    amplitude per frequency, floored at FLOOR × its largest value (no division by ~0, even
    where most of the band is empty), relative to its median."""
    x = np.asarray(x, dtype=np.float32)
    d = np.diff(x, axis=-2).reshape(-1, x.shape[-1]) / np.sqrt(2.0)
    live = np.any(d != 0, axis=1)
    if not live.any():
        return np.ones(x.shape[-1] // 2 + 1)
    amp = np.median(np.abs(np.fft.rfft(d[live], axis=-1)), axis=0)
    amp = ndimage.uniform_filter1d(amp, 3, mode="nearest")
    top = float(amp.max())
    if top <= 0:
        return np.ones(x.shape[-1] // 2 + 1)
    amp = np.maximum(amp, FLOOR * top)  # a band with no noise at all (digitised sections)
    return amp / float(np.median(amp))  # must not make whitening blow the rest up


def _filter(x: np.ndarray, gain: np.ndarray) -> np.ndarray:
    n = x.shape[-1]
    return np.fft.irfft(np.fft.rfft(x, axis=-1) * gain, n=n, axis=-1).astype(np.float32)


def whiten(x: np.ndarray, spectrum: np.ndarray) -> np.ndarray:
    return _filter(np.asarray(x, dtype=np.float32), 1.0 / spectrum)


def unwhiten(x: np.ndarray, spectrum: np.ndarray) -> np.ndarray:
    return _filter(np.asarray(x, dtype=np.float32), spectrum)


def local_mean_difference(xw: np.ndarray, window: Sequence[int]) -> np.ndarray:
    """Local mean |neighbouring-trace difference| / √2 of whitened data over ``window``."""
    d = np.abs(np.diff(xw, axis=-2)) / np.sqrt(2.0)
    d = np.concatenate([d, d[..., -1:, :]], axis=-2)  # back to the data's shape
    return ndimage.uniform_filter(d, size=tuple(int(w) for w in window), mode="reflect")


def typical_level(local: np.ndarray) -> float:
    """The median of a local level where it is not zero (dead traces, zero-filled tops)."""
    live = local[local > 0]
    return float(np.median(live)) if live.size else 1.0


def local_scale(local: np.ndarray, ref: float) -> np.ndarray:
    """The local level relative to the survey's typical one ``ref`` (1 where the noise is
    typical, > 1 in bursts), floored at FLOOR."""
    return np.maximum(local / max(float(ref), 1e-30), FLOOR).astype(np.float32)
