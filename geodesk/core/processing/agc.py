"""Automatic gain control: divide each sample by the mean |amplitude| in a sliding time window.

Balances weak deep reflections against strong shallow ones for display and picking. Uses running
sums, so the cost is O(samples) whatever the window length.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from geodesk.core.section import Section


def agc(data: np.ndarray, window: int, eps: float = 1e-12) -> np.ndarray:
    """AGC along the last axis with a centred window of ``window`` samples (mean |a| normalised).

    Windows are truncated at the trace ends (the mean uses only the samples inside), and samples
    whose window is all zero stay zero, so dead traces remain dead.
    """
    a = np.asarray(data, dtype=np.float32)
    n = a.shape[-1]
    w = int(max(1, min(int(window), n if n else 1)))
    half = w // 2
    absa = np.abs(a, dtype=np.float64)
    csum = np.concatenate([np.zeros(a.shape[:-1] + (1,)), np.cumsum(absa, axis=-1)], axis=-1)
    idx = np.arange(n)
    lo = np.clip(idx - half, 0, n)
    hi = np.clip(idx - half + w, 0, n)
    mean = (csum[..., hi] - csum[..., lo]) / np.maximum(hi - lo, 1)
    out = np.zeros_like(a)
    np.divide(a, mean, out=out, where=mean > eps)
    return out.astype(np.float32, copy=False)


def agc_section(section: Section, window_ms: float) -> Section:
    """AGC of a trace section with a window given in ms (time slices are returned unchanged)."""
    if section.is_time_slice:
        return section
    t = np.asarray(section.axis1.values, dtype=float)
    dt = float(t[1] - t[0]) if len(t) > 1 else 1.0
    window = max(1, round(float(window_ms) / abs(dt))) if dt else 1
    return dataclasses.replace(section, data=agc(section.data, window))
