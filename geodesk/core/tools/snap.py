"""Reference snap functions for the picking tools: nearest peak, trough or zero crossing."""

from __future__ import annotations

import numpy as np

from geodesk.core.tools.base import SnapFn


def snap_extremum(kind: str = "peak", window_ms: float = 20.0) -> SnapFn:
    """A snap onto the largest peak / deepest trough / nearest zero crossing within
    ``±window_ms``, refined to sub-sample time (parabola or linear interpolation)."""
    if kind not in ("peak", "trough", "zero"):
        raise ValueError(f"unknown snap kind {kind!r}")

    def snap(samples: np.ndarray, times_ms: np.ndarray, t_ms: float) -> float:
        s = np.asarray(samples, dtype=float)
        t = np.asarray(times_ms, dtype=float)
        lo, hi = np.searchsorted(t, [t_ms - window_ms, t_ms + window_ms])
        hi = min(hi + 1, t.size)
        if hi - lo < 2:
            return float(t_ms)
        if kind == "zero":
            seg = s[lo:hi]
            k = np.flatnonzero(np.signbit(seg[:-1]) != np.signbit(seg[1:]))
            if k.size == 0:
                return float(t_ms)
            tz = t[lo + k] + (t[lo + k + 1] - t[lo + k]) * seg[k] / (seg[k] - seg[k + 1])
            return float(tz[np.argmin(np.abs(tz - t_ms))])
        seg = s[lo:hi] if kind == "peak" else -s[lo:hi]
        k = lo + int(np.argmax(seg))
        if 0 < k < s.size - 1:
            a, b, c = (s[k - 1], s[k], s[k + 1]) if kind == "peak" else (-s[k - 1], -s[k],
                                                                          -s[k + 1])
            den = a - 2 * b + c
            if den < 0:  # a real maximum: refine with the vertex of the parabola
                return float(t[k] + 0.5 * (a - c) / den * (t[k + 1] - t[k]))
        return float(t[k])

    return snap
