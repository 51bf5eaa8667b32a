"""Wavelets and noise for the synthetic generators (numpy only).

Wavelets are evaluated analytically at arbitrary (sub-sample) times, so an event placed at time
``t`` sits at ``t`` exactly and the truth needs no sample rounding.
"""

from __future__ import annotations

import numpy as np


def ricker(t_s: np.ndarray, f_peak: float) -> np.ndarray:
    """Zero-phase Ricker wavelet at times ``t_s`` (s), peak +1 at t = 0."""
    a = (np.pi * f_peak * np.asarray(t_s)) ** 2
    return ((1.0 - 2.0 * a) * np.exp(-a)).astype(np.float32)


def berlage(t_s: np.ndarray, f_peak: float, *, n: float = 2.0, damping: float = 2.2) -> np.ndarray:
    """Causal Berlage wavelet ``t^n exp(-a t) sin(2 pi f t)``: zero before t = 0, energy from t = 0.

    The onset is the arrival time, which makes it the wavelet for first-break truth. Normalised
    to a peak of 1; ``damping`` sets the decay in cycles (a = damping * f).
    """
    t = np.asarray(t_s, dtype=np.float64)
    a = damping * f_peak
    tc = np.clip(t, 0.0, None)
    w = tc**n * np.exp(-a * tc) * np.sin(2.0 * np.pi * f_peak * tc)
    # peak of the envelope t^n exp(-a t) is at n / a; normalise with it
    peak = (n / a) ** n * np.exp(-n)
    return np.where(t > 0.0, w / peak, 0.0).astype(np.float32)


def ricker_spectrum(n_fft: int, dt_s: float, f_peak: float) -> np.ndarray:
    """rfft of a zero-phase Ricker sampled at ``dt_s`` with its peak at sample 0 (circular)."""
    lags = np.arange(n_fft, dtype=np.float64)
    lags[lags > n_fft // 2] -= n_fft
    return np.fft.rfft(ricker(lags * dt_s, f_peak).astype(np.float64))


def bandlimited_noise(
    rng: np.random.Generator, shape: tuple[int, ...], dt_s: float, f_lo: float, f_hi: float
) -> np.ndarray:
    """Gaussian noise band-passed (cosine tapers) to [f_lo, f_hi] Hz along the last axis."""
    n = shape[-1]
    white = rng.standard_normal(shape).astype(np.float32)
    spec = np.fft.rfft(white, axis=-1)
    f = np.fft.rfftfreq(n, dt_s)
    nyq = 0.5 / dt_s
    lo, hi = max(f_lo, 0.0), min(f_hi, 0.95 * nyq)
    w_lo, w_hi = 0.5 * lo, 0.25 * (nyq - hi) + 0.15 * hi
    gain = np.ones_like(f)
    ramp_lo = (f >= lo - w_lo) & (f < lo)
    gain[f < lo - w_lo] = 0.0
    gain[ramp_lo] = 0.5 - 0.5 * np.cos(np.pi * (f[ramp_lo] - (lo - w_lo)) / max(w_lo, 1e-9))
    ramp_hi = (f > hi) & (f <= hi + w_hi)
    gain[f > hi + w_hi] = 0.0
    gain[ramp_hi] = 0.5 + 0.5 * np.cos(np.pi * (f[ramp_hi] - hi) / max(w_hi, 1e-9))
    return np.fft.irfft(spec * gain, n=n, axis=-1).astype(np.float32)


def add_noise_at_snr(
    signal: np.ndarray, noise: np.ndarray, snr_db: float | None, mask: np.ndarray | None = None
) -> np.ndarray:
    """``signal + k * noise`` with k chosen so that SNR = 10 log10(P_signal / P_noise) = ``snr_db``.

    Powers are mean squares over the samples selected by ``mask`` (a boolean over the leading
    axes, e.g. live traces; all samples when None). ``snr_db=None`` returns the signal unchanged.
    """
    if snr_db is None:
        return signal
    sel = (slice(None),) if mask is None else (mask,)
    p_sig = float(np.mean(np.square(signal[sel], dtype=np.float64)))
    p_noise = float(np.mean(np.square(noise[sel], dtype=np.float64)))
    if p_noise == 0.0 or p_sig == 0.0:
        return signal
    k = np.sqrt(p_sig / (p_noise * 10.0 ** (snr_db / 10.0)))
    out = signal + (k * noise).astype(signal.dtype)
    if mask is not None:
        out[~mask] = signal[~mask]
    return out


def snr_db(signal: np.ndarray, noisy: np.ndarray) -> float:
    """Measured SNR (dB) of ``noisy`` against the clean ``signal``: 10 log10(P_s / P_(noisy-s))."""
    s = np.asarray(signal, dtype=np.float64)
    n = np.asarray(noisy, dtype=np.float64) - s
    return float(10.0 * np.log10(np.mean(s * s) / np.mean(n * n)))


def add_events(
    out: np.ndarray,
    times_s: np.ndarray,
    amps: np.ndarray,
    dt_s: float,
    wavelet,
    support_s: tuple[float, float],
) -> None:
    """Add one event per trace to ``out`` (n_traces, n_samples) in place: ``amp * w(t - time)``.

    ``wavelet`` maps times (s, relative to the event) to amplitudes; it is evaluated only in the
    window ``time - support_s[0] .. time + support_s[1]`` so long records stay cheap.
    """
    n_tr, ns = out.shape
    times = np.asarray(times_s, dtype=np.float64)
    amps = np.where(np.isfinite(times), np.asarray(amps, dtype=np.float64), 0.0)
    times = np.where(np.isfinite(times), times, 0.0)
    length = int(np.ceil((support_s[0] + support_s[1]) / dt_s)) + 2
    start = np.floor((times - support_s[0]) / dt_s).astype(np.int64)
    idx = start[:, None] + np.arange(length)[None, :]
    vals = wavelet(idx * dt_s - times[:, None]).astype(np.float64) * amps[:, None]
    ok = (idx >= 0) & (idx < ns) & np.isfinite(vals) & (amps[:, None] != 0)
    flat = (np.arange(n_tr)[:, None] * ns + idx)[ok]
    out += (
        np.bincount(flat, weights=vals[ok], minlength=n_tr * ns).reshape(n_tr, ns).astype(out.dtype)
    )
