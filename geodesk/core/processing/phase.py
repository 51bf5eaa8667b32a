"""Minimum- to zero-phase conversion of a section: a causal (minimum-phase) wavelet puts each
reflection's energy below its reflector, so faults seen in the data sit below where they are;
removing the minimum-phase spectrum of the section's own amplitude spectrum moves it back.
numpy only.
"""

from __future__ import annotations

import numpy as np


def minimum_phase(spectrum_amp: np.ndarray) -> np.ndarray:
    """Minimum-phase wavelet (time samples) with the given rfft amplitude (cepstral method)."""
    n = 2 * (len(spectrum_amp) - 1)
    log_amp = np.log(np.maximum(spectrum_amp, 1e-6 * spectrum_amp.max()))
    cep = np.fft.irfft(log_amp, n)
    fold = np.zeros(n)
    fold[0], fold[n // 2] = cep[0], cep[n // 2]
    fold[1:n // 2] = 2.0 * cep[1:n // 2]
    return np.fft.irfft(np.exp(np.fft.rfft(fold)), n)


def minimum_to_zero_phase(section: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
    """``section`` (traces, samples) with the phase of the minimum-phase wavelet of its mean
    amplitude spectrum (over ``live`` traces, lightly smoothed) removed from every trace."""
    data = np.asarray(section, dtype=np.float64)
    n = data.shape[-1]
    n_fft = 1 << int(np.ceil(np.log2(max(2 * n, 16))))  # room for energy moved up
    spec = np.fft.rfft(data, n=n_fft, axis=-1)
    use = spec if live is None or not np.any(live) else spec[np.asarray(live, bool)]
    amp = np.sqrt(np.mean(np.abs(use) ** 2, axis=0))
    if not amp.any():
        return np.asarray(section, dtype=np.float32).copy()
    k = max(n_fft // 128, 1)
    amp = np.convolve(np.pad(amp, k, mode="edge"), np.ones(2 * k + 1) / (2 * k + 1), "valid")
    phase = np.angle(np.fft.rfft(minimum_phase(amp), n_fft))
    out = np.fft.irfft(spec * np.exp(-1j * phase), n_fft, axis=-1)[..., :n]
    return out.astype(np.float32)
