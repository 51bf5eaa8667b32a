"""Minimum- to zero-phase conversion of a section: a causal (minimum-phase) wavelet puts each
reflection's energy below its reflector, so faults seen in the data sit below where they are;
removing the minimum-phase spectrum of the section's own amplitude spectrum moves it back.
:func:`detect_wavelet_phase` tells from the data whether to. numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass

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


# -- which phase the section's wavelet has --------------------------------------------------------
#: Window (samples x traces) over which the sparseness (kurtosis) of a section is measured.
PHASE_WINDOW = (64, 25)
#: Median kurtosis gain (:func:`phase_log_gains`) above which a section is taken to be minimum
#: phase, chosen by bench/bench_phase_detect_validation.py on validation draws (never on the
#: scored bench): the fault model's best mean F1 with GeoDesk's zero-phase draws losing at most
#: 0.02 (they lose 0.008; 15 % of them and 32 % of the causal draws are found minimum). A weak
#: detector: on the scored evaluation sections it finds 2 of 17 causal ones at 10 dB.
MINIMUM_PHASE_SCORE = 0.04


@dataclass(frozen=True)
class PhaseEstimate:
    """What :func:`detect_wavelet_phase` decided: ``kind`` ("zero" or "minimum"), the score it
    compared with ``threshold`` and the number of data windows the score is the median of."""

    kind: str
    score: float
    threshold: float
    windows: int


def despike(section: np.ndarray, k: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """(``section`` with samples far from the median of their 5 neighbouring traces replaced by
    that median, traces that are not noise bursts or dead): spikes and bursts would dominate
    a kurtosis, and the phase conversion spreads them, which reads as a loss of sparseness."""
    from scipy import ndimage

    data = np.asarray(section, dtype=np.float64)
    med = ndimage.median_filter(data, size=(5, 1), mode="nearest")
    resid = data - med
    sigma = 1.4826 * float(np.median(np.abs(resid))) + 1e-30
    out = np.where(np.abs(resid) > k * sigma, med, data)
    rms = np.sqrt(np.mean(out**2, axis=1))
    typical = float(np.median(rms[rms > 0])) if np.any(rms > 0) else 0.0
    return out, (rms < 2.5 * typical) & (rms > 0.1 * typical)


def window_kurtosis(data: np.ndarray, window: tuple[int, int] = PHASE_WINDOW) -> np.ndarray:
    """Kurtosis (E x^4 / (E x^2)^2) of every window (``window`` samples x traces, overlapping by
    half in time), trace blocks first; NaN for windows with 1 % or more zero-filled samples."""
    n_s, n_x = window
    n_blocks = data.shape[0] // n_x
    if n_blocks == 0 or data.shape[1] < n_s:
        return np.empty(0)
    blocks = np.asarray(data, dtype=np.float64)[:n_blocks * n_x].reshape(n_blocks, n_x, -1)
    starts = np.arange(0, data.shape[1] - n_s + 1, max(n_s // 2, 1))

    def window_means(per_sample: np.ndarray) -> np.ndarray:
        c = np.cumsum(np.pad(per_sample.sum(axis=1), ((0, 0), (1, 0))), axis=1)
        return (c[:, starts + n_s] - c[:, starts]) / (n_x * n_s)

    sq = blocks * blocks
    m2, m4 = window_means(sq), window_means(sq * sq)
    ok = (m2 > 0) & (window_means((blocks == 0).astype(np.float64)) < 0.01)
    return np.where(ok, m4 / np.where(ok, m2, 1.0) ** 2, np.nan).ravel()


def phase_log_gains(section: np.ndarray, window: tuple[int, int] = PHASE_WINDOW) -> np.ndarray:
    """log(kurtosis after / before :func:`minimum_to_zero_phase`) of each data window of a
    despiked section: a reflectivity series is sparse, and a wavelet is most compact (the data
    most kurtotic) when it is zero phase, so the gain is positive when the section was minimum
    phase and negative when it was zero phase (converting it disperses the wavelet)."""
    data, keep = despike(section)
    data = data[keep]
    if data.shape[0] < window[1] or data.shape[1] < window[0]:
        return np.empty(0)
    zero = np.asarray(section)[keep] == 0  # zero-filled parts stay out of the windows
    converted = np.where(zero, 0.0, minimum_to_zero_phase(data))
    data = np.where(zero, 0.0, data)
    gains = np.log(window_kurtosis(converted, window) / window_kurtosis(data, window))
    return gains[np.isfinite(gains)]


def detect_wavelet_phase(sections: np.ndarray | list[np.ndarray],
                         threshold: float | None = None) -> PhaseEstimate:
    """Whether the wavelet of a section (traces, samples), or of a list of sections of one survey
    pooled, is closer to minimum phase or to zero phase, from the data alone (kurtosis gain of
    the zero-phase conversion, after van der Baan 2008): "minimum" when the median gain over
    the windows exceeds ``threshold``; "zero" (leave the data as they are) when it does not or
    when the data are too small to measure. ``threshold`` None: ``MINIMUM_PHASE_SCORE``."""
    threshold = MINIMUM_PHASE_SCORE if threshold is None else threshold
    if isinstance(sections, np.ndarray) and sections.ndim == 2:
        sections = [sections]
    gains = np.concatenate([phase_log_gains(s) for s in sections] or [np.empty(0)])
    score = float(np.median(gains)) if len(gains) else float("nan")
    kind = "minimum" if len(gains) and score > threshold else "zero"
    return PhaseEstimate(kind, score, float(threshold), len(gains))
