"""The network's onset likelihood combined with a refractor trend over the gather.

Why: a network sees a patch of traces; it can lock onto a strong later arrival or a noise burst
on a few traces where a refraction seismologist would follow the line of onsets across the
gather. So: the likeliest onset per trace, a robust trend through those onsets (by offset, or
by channel when the offsets are unknown), the onset re-picked at the likeliest sample within a
window around the trend, and a weight for each trace: the probability the network gives to the
onset lying inside that window (low where network and trend disagree).

Pure numpy; works in the network's work samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodesk.core.processing.fb_trend import refractor_trend

#: The trend is trusted when at least this share of the network's picks lies within twice the
#: minimum half-window of it.
MIN_SUPPORT = 0.5


@dataclass
class CombinedOnsets:
    """Per trace: the onset (work samples, fractional), the network's own pick, the trend (ms,
    NaN where none), and the probability of the onset inside the trend window (1 without one)."""

    k: np.ndarray
    k_network: np.ndarray
    trend_ms: np.ndarray
    inside: np.ndarray
    half_ms: float


def gather_trend(t_ms: np.ndarray, offsets: np.ndarray | None) -> np.ndarray:
    """Robust refractor trend (ms) through the picks ``t_ms`` of one gather
    (:func:`~geodesk.core.processing.fb_trend.refractor_trend`: piecewise linear by |offset|
    each side of the source, by channel around the apex when offsets are 0). NaN where none."""
    return refractor_trend(np.asarray(t_ms, dtype=float), offsets).times_ms


def _robust_half_ms(resid: np.ndarray, floor_ms: float, cap_ms: float) -> float:
    """Half-width of the re-pick window: 3 robust sigmas of the residuals, within [floor, cap]."""
    r = resid[np.isfinite(resid)]
    if r.size == 0:
        return floor_ms
    sigma = 1.4826 * float(np.median(np.abs(r - np.median(r))))
    return float(np.clip(3.0 * sigma, floor_ms, max(cap_ms, floor_ms)))


def combined_onsets(loglik: np.ndarray, live: np.ndarray, offsets: np.ndarray | None,
                    t0_ms: float, work_dt_ms: float, min_half_ms: float,
                    passes: int = 2) -> CombinedOnsets:
    """Onsets from the onset log-likelihood ``loglik`` (traces, samples + 1; the last column is
    "no onset") made consistent with the gather's trend (see the module docstring).

    The window half-width is 3 robust sigmas of the residuals from the trend, at least
    ``min_half_ms``; the trend is used only where it explains at least :data:`MIN_SUPPORT` of
    the network's picks, so a gather without a line of onsets keeps the network's picks.
    """
    ll = np.asarray(loglik, dtype=np.float64)
    n_tr, n1 = ll.shape
    n = n1 - 1
    k_net = np.argmax(ll, axis=1)
    picked = live & (k_net < n)
    to_ms = lambda k: t0_ms + (np.asarray(k, dtype=float) - 0.5) * work_dt_ms
    k = k_net.copy()
    trend = np.full(n_tr, np.nan)
    inside = np.ones(n_tr)
    half = float(min_half_ms)
    s = np.arange(n1)[None, :]
    for _ in range(max(int(passes), 1)):
        t = np.where(picked & (k < n), to_ms(k), np.nan)
        cand = gather_trend(t, offsets)
        cand[~live] = np.nan
        resid = to_ms(k_net) - cand
        near = np.abs(resid) <= 2.0 * float(min_half_ms)
        has = np.isfinite(cand) & picked
        if has.sum() < 3 or near[has].mean() < MIN_SUPPORT:
            break
        trend = cand
        half = _robust_half_ms(np.where(picked, resid, np.nan), float(min_half_ms),
                               10.0 * float(min_half_ms))
        centre = (trend - t0_ms) / work_dt_ms + 0.5  # work-sample index of the trend onset
        win = np.isfinite(centre)[:, None] & (np.abs(s - np.nan_to_num(centre)[:, None])
                                              <= half / work_dt_ms)
        win[:, n] = False
        masked = np.where(win, ll, -np.inf)
        best_in = masked.max(axis=1)
        rows = np.flatnonzero(np.isfinite(best_in) & live)
        k = k_net.copy()
        k[rows] = np.argmax(masked[rows], axis=1)
        # posterior share of the onset inside the window (flat prior over samples)
        top = ll.max(axis=1, keepdims=True)
        tot = np.exp(ll - top).sum(axis=1)
        ins = np.exp(np.where(win, ll, -np.inf) - top).sum(axis=1)
        inside = np.where(np.isfinite(best_in), ins / np.maximum(tot, 1e-300), 1.0)
    frac = subsample_peak(ll[:, :n], k)  # the last column is "no onset", not a sample
    return CombinedOnsets(k + frac, k_net.astype(float), trend, inside, half)


def subsample_peak(values: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Fractional offset in [-0.5, 0.5] of the vertex of the parabola through each row's
    values at ``k - 1``, ``k``, ``k + 1`` (0 at the ends or where the three are not a peak)."""
    n = values.shape[1]
    rows = np.arange(values.shape[0])
    inner = (k > 0) & (k < n - 1)
    kk = np.clip(k, 1, n - 2)
    a, b, c = values[rows, kk - 1], values[rows, kk], values[rows, kk + 1]
    den = a - 2 * b + c
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(inner & (den < 0) & np.isfinite(den), 0.5 * (a - c) / den, 0.0)
    return np.clip(np.nan_to_num(d), -0.5, 0.5)
