"""A section with a known wavelet phase (minimum or zero, the same amplitude spectrum), for
checks of the wavelet-phase detector and of the fault model's phase handling."""

from __future__ import annotations

import numpy as np

from geodesk.core.processing.phase import minimum_phase


def phase_wavelets(period: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """(minimum-phase, zero-phase centred on sample 100) wavelets, 200 samples, with the
    amplitude spectrum of a Berlage pulse t^2 exp(-2t/period) cos(2 pi t / period)."""
    t = np.arange(256.0)
    pulse = t**2 * np.exp(-t / (0.5 * period)) * np.cos(2 * np.pi * t / period)
    amp = np.abs(np.fft.rfft(pulse, 512))
    return minimum_phase(amp)[:200], np.roll(np.fft.irfft(amp), 100)[:200]


def phase_section(seed: int, kind: str, *, n_traces: int = 200, n_samples: int = 256,
                  block: int = 25, noise: float = 0.05) -> np.ndarray:
    """(traces, samples) float32: sparse reflectivity dipping gently within blocks of ``block``
    traces (another series in each block), convolved with the ``kind`` ("minimum" or "zero")
    wavelet, unit RMS, plus white noise of RMS ``noise``."""
    rng = np.random.default_rng(seed)
    w_min, w_zero = phase_wavelets()
    w, t0 = (w_min, 0) if kind == "minimum" else (w_zero, 100)
    pad = n_samples + 300
    data = np.empty((n_traces, n_samples))
    for i in range(n_traces):
        if i % block == 0:
            r = np.zeros(pad)
            r[rng.choice(pad, 25, replace=False)] = rng.laplace(size=25)
        s = i % block
        data[i] = np.convolve(r[s:s + n_samples + 200], w)[t0:t0 + n_samples]
    data /= max(float(data.std()), 1e-30)
    return (data + noise * rng.standard_normal(data.shape)).astype(np.float32)
