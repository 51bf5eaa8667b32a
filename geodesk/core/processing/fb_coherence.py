"""How alike a trace's waveform just after a candidate first break is to its neighbours'.

Why: a true first arrival is coherent from trace to trace, pre-arrival noise (bursts, spikes,
random noise) is not. So a candidate onset is checked against the neighbouring traces' waveforms
at the times a moveout guide (e.g. the gather's current picks) gives them. numpy only.
"""

from __future__ import annotations

import numpy as np

#: the waveform compared: from a quarter period before the onset to this many periods after
AFTER_PERIODS = 1.5
#: neighbours may be shifted by up to this share of a period to match (moveout and jitter)
LAG_PERIODS = 0.25


def trace_windows(x: np.ndarray, rows: np.ndarray, k0: np.ndarray, length: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Samples ``k0 .. k0 + length`` of traces ``rows`` (rows, length; NaN ``k0`` allowed), and
    whether each window lies inside the record."""
    ns = x.shape[1]
    k0 = np.asarray(k0, dtype=float)
    ok = np.isfinite(k0)
    k = np.nan_to_num(k0, nan=0.0).astype(np.int64)
    ok &= (k >= 0) & (k + length <= ns)
    idx = np.clip(k[:, None] + np.arange(length)[None, :], 0, ns - 1)
    return x[np.asarray(rows)[:, None], idx], ok


def neighbour_coherence(x: np.ndarray, at_ms: np.ndarray, guide_ms: np.ndarray, dt_ms: float,
                        t0_ms: float, period_ms: float, *, reach: int = 2) -> np.ndarray:
    """Per trace of the gather ``x`` (traces, samples) with a finite candidate onset ``at_ms``:
    the mean, over the neighbours up to ``reach`` traces away, of the largest normalised
    correlation (zero-mean windows, lags up to :data:`LAG_PERIODS` periods) between its waveform
    from a quarter period before the candidate to :data:`AFTER_PERIODS` after, and the
    neighbour's at the candidate plus the guide's moveout (``guide_ms[j] - guide_ms[i]``).
    NaN without a candidate, without a neighbour with a finite guide, or too near the ends."""
    x = np.asarray(x, dtype=np.float64)
    n_tr = x.shape[0]
    at = np.asarray(at_ms, dtype=float)
    guide = np.asarray(guide_ms, dtype=float)
    out = np.full(n_tr, np.nan)
    rows = np.flatnonzero(np.isfinite(at))
    if not rows.size:
        return out
    n = max(2, round(period_ms / dt_ms))
    before, length = max(1, n // 4), max(1, n // 4) + max(2, round(AFTER_PERIODS * n))
    lag = max(1, round(LAG_PERIODS * n))
    k_at = np.round((at[rows] - t0_ms) / dt_ms).astype(np.int64) - before
    core, ok_core = trace_windows(x, rows, k_at, length)
    core = core - core.mean(axis=1, keepdims=True)
    core_norm = np.linalg.norm(core, axis=1)
    total, count = np.zeros(rows.size), np.zeros(rows.size)
    for d in (d for d in range(-reach, reach + 1) if d):
        j = np.clip(rows + d, 0, n_tr - 1)
        move = guide[j] - guide[rows]
        good = (rows + d >= 0) & (rows + d < n_tr) & np.isfinite(move) & ok_core \
            & (core_norm > 0)
        k_nb = np.round((at[rows] + np.nan_to_num(move) - t0_ms) / dt_ms).astype(np.int64) \
            - before - lag
        nb, ok_nb = trace_windows(x, j, k_nb, length + 2 * lag)
        good &= ok_nb
        best = np.full(rows.size, -1.0)
        for s in range(2 * lag + 1):
            v = nb[:, s:s + length]
            v = v - v.mean(axis=1, keepdims=True)
            v_norm = np.linalg.norm(v, axis=1)
            c = (core * v).sum(axis=1) / np.maximum(core_norm * v_norm, 1e-300)
            best = np.maximum(best, np.where(v_norm > 0, c, -1.0))
        total += np.where(good, best, 0.0)
        count += good
    out[rows] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out
