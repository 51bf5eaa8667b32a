"""Linear moveout (reduction velocity) display of a gather, and the time mapping for picks.

A reduced display shifts every trace up by |offset| / v_reduction, so refracted arrivals with
that apparent velocity line up horizontally and first breaks are easier to pick. Picks drawn on
the reduced display map back to recorded time with :func:`unreduce_times`.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.section import Axis, Section


def moveout_ms(offsets: np.ndarray, v_reduction: float) -> np.ndarray:
    """Shift (ms) of each trace: |offset| (m) / v_reduction (m/s)."""
    if not np.isfinite(v_reduction) or v_reduction <= 0:
        raise ValueError("the reduction velocity must be positive (m/s)")
    return 1000.0 * np.abs(np.asarray(offsets, dtype=float)) / float(v_reduction)


def reduce_times(times_ms: np.ndarray, offsets: np.ndarray, v_reduction: float) -> np.ndarray:
    """Recorded times to reduced times: t' = t - |x| / v."""
    return np.asarray(times_ms, dtype=float) - moveout_ms(offsets, v_reduction)


def unreduce_times(reduced_ms: np.ndarray, offsets: np.ndarray, v_reduction: float) -> np.ndarray:
    """Reduced times (picks drawn on a reduced display) back to recorded times: t = t' + |x|/v."""
    return np.asarray(reduced_ms, dtype=float) + moveout_ms(offsets, v_reduction)


def reduce_gather(gather: np.ndarray, offsets: np.ndarray, dt_ms: float,
                  v_reduction: float) -> np.ndarray:
    """Gather (n_traces, n_samples) with each trace shifted up by |x|/v: output sample j holds
    the input at time j*dt + |x|/v (linear interpolation; zero past the trace end).

    The time axis is unchanged, so sample j of the result is at reduced time t0 + j*dt.
    """
    g = np.asarray(gather, dtype=np.float32)
    if g.ndim != 2:
        raise ValueError(f"gather must be 2D (n_traces, n_samples), got shape {g.shape}")
    if dt_ms <= 0:
        raise ValueError("sample interval must be positive")
    shift = moveout_ms(offsets, v_reduction) / dt_ms
    if shift.shape != (g.shape[0],):
        raise ValueError("one offset per trace is needed")
    return _shift_rows(g, shift)


def unreduce_gather(reduced: np.ndarray, offsets: np.ndarray, dt_ms: float,
                    v_reduction: float) -> np.ndarray:
    """Inverse of :func:`reduce_gather` (samples shifted down by |x|/v; zero before the shift)."""
    g = np.asarray(reduced, dtype=np.float32)
    return _shift_rows(g, -moveout_ms(offsets, v_reduction) / dt_ms)


def _shift_rows(g: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """out[i, j] = g[i, j + shift[i]] by linear interpolation, zero outside the trace."""
    n = g.shape[1]
    src = np.arange(n)[None, :] + shift[:, None]
    base = np.floor(src).astype(np.int64)
    frac = (src - base).astype(np.float32)
    rows = np.arange(g.shape[0])[:, None]
    padded = np.concatenate([g, np.zeros((g.shape[0], 1), np.float32)], axis=1)
    ok = (base >= 0) & (base <= n - 1)
    b0 = np.clip(base, 0, n - 1)
    b1 = np.clip(base + 1, 0, n)  # index n is the zero column
    out = (1 - frac) * padded[rows, b0] + frac * padded[rows, b1]
    return np.where(ok, out, 0.0).astype(np.float32)


def reduce_section(section: Section, v_reduction: float) -> Section:
    """A gather :class:`Section` displayed with linear moveout; its time axis is labelled as
    reduced time. Needs ``section.headers['offset']``."""
    if "offset" not in section.headers:
        raise ValueError("the gather has no offsets; cannot apply a reduction velocity")
    times = np.asarray(section.axis1.values, dtype=float)
    dt = float(times[1] - times[0]) if len(times) > 1 else 1.0
    data = reduce_gather(section.data, section.headers["offset"], dt, v_reduction)
    axis1 = Axis(times.copy(), f"time - |x|/{v_reduction:g}", section.axis1.unit)
    return Section(data, section.axis0, axis1, section.kind,
                   title=f"{section.title} (reduced {v_reduction:g} m/s)".strip(),
                   live=section.live, x=section.x, y=section.y,
                   trace_index=section.trace_index, headers=dict(section.headers))
