"""Signal leakage retrieval: what a denoiser removed that is coherent from trace to trace goes back.

Random noise is independent from trace to trace; reflections and diffractions are not. So where
the removed part (input − output) of a section correlates locally with its neighbouring trace
along some dip, it is signal the denoiser took (a dipping event, a fine reflection on clean data),
and it is put back: ``out + g · removed`` with ``g`` rising from 0 to 1 as that local coherence
rises from ``low`` to ``high``. Where the removed part is incoherent (noise) nothing changes.
Coherent noise (linear noise, ground roll) is put back too: it might be signal. Works on any
denoiser's output (DDTF, DnCNN); numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


@dataclass(frozen=True)
class LeakageSettings:
    """Dips scanned (samples per trace), the local window (traces, samples) of the coherence
    and the coherence band over which the removed part goes back (``low`` → none, ``high`` →
    all), applied ``passes`` times."""

    max_dip: int = 4
    window: tuple[int, int] = (9, 41)
    low: float = 0.25
    high: float = 0.35
    passes: int = 3


def _shift(x: np.ndarray, d: int) -> np.ndarray:
    """``x`` (traces, samples) moved by ``d`` samples along time: y[:, t] = x[:, t + d], 0 out."""
    if d == 0:
        return x
    y = np.zeros_like(x)
    if d > 0:
        y[:, :-d] = x[:, d:]
    else:
        y[:, -d:] = x[:, :d]
    return y


def local_coherence(part: np.ndarray, settings: LeakageSettings = LeakageSettings()
                    ) -> np.ndarray:
    """Per sample of ``part`` (traces, samples): the best over dips d (|d| ≤ ``max_dip``) of the
    locally smoothed correlation of each trace with its neighbour shifted by d,
    S[r_j(t) r_j+1(t + d)] / √(S[r_j²] S[r_j+1(t + d)²]), averaged over the trace's two
    neighbour pairs. About 0 for noise independent from trace to trace, near 1 on events."""
    r = np.asarray(part, dtype=np.float64)
    n_tr = r.shape[0]
    out = np.zeros(r.shape, dtype=np.float64)
    if n_tr < 2 or r.shape[1] < 2:
        return out.astype(np.float32)
    size = (max(int(settings.window[0]), 1), max(int(settings.window[1]), 1))
    a = r[:-1]
    ea = ndimage.uniform_filter(a * a, size, mode="nearest")
    best = np.full(a.shape, -1.0)
    for d in range(-int(settings.max_dip), int(settings.max_dip) + 1):
        b = _shift(r[1:], d)
        num = ndimage.uniform_filter(a * b, size, mode="nearest")
        den = np.sqrt(np.maximum(ea * ndimage.uniform_filter(b * b, size, mode="nearest"), 0))
        rho = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        best = np.maximum(best, rho)
    best = np.maximum(best, 0.0)  # anti-correlated (laterally high-passed) counts as none
    out[:-1] += best
    out[1:] += best
    out[1:-1] /= 2.0
    return out.astype(np.float32)


def retrieve_leakage(inp: np.ndarray, out: np.ndarray,
                     settings: LeakageSettings = LeakageSettings()) -> np.ndarray:
    """``out`` (a denoiser's result for ``inp``, (traces, samples) or (…, traces, samples))
    with the coherent part of what it removed put back (see the module docstring)."""
    x = np.asarray(inp, dtype=np.float32)
    y = np.array(out, dtype=np.float32, copy=True)
    if x.shape != y.shape:
        raise ValueError(f"input {x.shape} and output {y.shape} differ")
    if x.ndim < 2:
        raise ValueError(f"expected (traces, samples) or more axes, got shape {x.shape}")
    lo, hi = float(settings.low), float(settings.high)
    flat_x = x.reshape(-1, *x.shape[-2:])
    flat_y = y.reshape(-1, *y.shape[-2:])
    for k in range(flat_x.shape[0]):
        for _ in range(max(int(settings.passes), 0)):
            removed = flat_x[k] - flat_y[k]
            rho = local_coherence(removed, settings)
            gate = np.clip((rho - lo) / max(hi - lo, 1e-6), 0.0, 1.0)
            flat_y[k] += gate * removed
    return flat_y.reshape(y.shape)
