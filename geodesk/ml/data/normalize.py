"""Per-section input conditioning: NaN/Inf cleaning, robust amplitude scaling, time resampling.

Real files differ in amplitude by orders of magnitude (raw counts, IEEE in [-1, 1], integer
formats), so every section or gather is scaled by its own robust RMS before a network sees it.
Pure numpy: the same code conditions training samples and field data.
"""

from __future__ import annotations

import warnings

import numpy as np


class NonFiniteWarning(UserWarning):
    """NaN or Inf samples were replaced by zeros before inference."""


def clean_nonfinite(data: np.ndarray, *, what: str = "section") -> np.ndarray:
    """``data`` as float32 with NaN/Inf set to 0; warns (:class:`NonFiniteWarning`) if any were."""
    x = np.asarray(data, dtype=np.float32)
    bad = ~np.isfinite(x)
    n_bad = int(bad.sum())
    if n_bad:
        warnings.warn(f"{what}: {n_bad} NaN/Inf sample(s) replaced by 0", NonFiniteWarning,
                      stacklevel=2)
        x = np.where(bad, np.float32(0.0), x)
    return x


def robust_scale(data: np.ndarray, live: np.ndarray | None = None) -> float:
    """RMS of the live traces' samples, ignoring the loudest 0.5 % (spikes); 1.0 for silence.

    ``live`` marks traces (rows) to use; dead (all-zero) rows are left out automatically.
    """
    x = np.asarray(data, dtype=np.float32)
    rows = np.abs(x).max(axis=tuple(range(1, x.ndim)), initial=0.0) > 0 if x.ndim > 1 else None
    if live is not None and rows is not None:
        rows = rows & np.asarray(live, dtype=bool)
    vals = x[rows] if rows is not None else x
    a = np.abs(vals[np.isfinite(vals)]).ravel()
    if a.size == 0:
        return 1.0
    cap = np.quantile(a, 0.995)
    a = np.minimum(a, cap)
    rms = float(np.sqrt(np.mean(np.square(a, dtype=np.float64))))
    return rms if rms > 0 and np.isfinite(rms) else 1.0


def normalize(data: np.ndarray, live: np.ndarray | None = None, *,
              clip: float = 8.0) -> tuple[np.ndarray, float]:
    """Section scaled to unit robust RMS and clipped to ±``clip``; returns (scaled, scale)."""
    x = clean_nonfinite(data)
    scale = robust_scale(x, live)
    return np.clip(x / np.float32(scale), -clip, clip).astype(np.float32), scale


def resample_time(data: np.ndarray, dt_in: float, dt_out: float) -> np.ndarray:
    """Band-limited resampling of the last (time) axis from ``dt_in`` to ``dt_out``.

    Down-sampling drops the spectrum above the new Nyquist (anti-alias); up-sampling pads it
    with zeros. The result has ``round(n * dt_in / dt_out)`` samples, sample 0 at the same time.
    """
    x = np.asarray(data, dtype=np.float32)
    if dt_in <= 0 or dt_out <= 0:
        raise ValueError("sample intervals must be positive")
    n = x.shape[-1]
    m = max(round(n * dt_in / dt_out), 1)
    if m == n:
        return x.copy()
    # pad with a mirrored copy so the circular FFT does not wrap the record's end onto its start
    ext = np.concatenate([x, x[..., ::-1]], axis=-1)
    spec = np.fft.rfft(ext, axis=-1)
    n_ext, m_ext = 2 * n, 2 * m
    k = min(spec.shape[-1], m_ext // 2 + 1)
    out_spec = np.zeros(x.shape[:-1] + (m_ext // 2 + 1,), dtype=spec.dtype)
    out_spec[..., :k] = spec[..., :k]
    y = np.fft.irfft(out_spec, n=m_ext, axis=-1) * (m_ext / n_ext)
    return y[..., :m].astype(np.float32)


def interp_time(values: np.ndarray, dt_in: float, dt_out: float, n_out: int) -> np.ndarray:
    """Linear interpolation of the last axis (labels, probabilities) onto ``n_out`` samples."""
    v = np.asarray(values, dtype=np.float32)
    t_in = dt_in * np.arange(v.shape[-1])
    t_out = dt_out * np.arange(n_out)
    flat = v.reshape(-1, v.shape[-1])
    out = np.stack([np.interp(t_out, t_in, row) for row in flat]) if flat.size else flat
    return out.reshape(v.shape[:-1] + (n_out,)).astype(np.float32)
