"""Offset-consistency of first-break picks: a robust piecewise-linear refractor trend over a gather.

First-arrival times grow with the source-receiver distance along straight segments (one per
refractor), each side of the source. :func:`refractor_trend` fits such a trend to picks that may
hold many outliers: by |offset| each side of the source when the offsets are known, by channel
number when they are not (headers 0), in which case the source is found as the apex of the V.
:func:`repick_near_trend` re-picks every trace within a window around the trend (the onset
nearest the trend, or a caller's score such as a network's probability), and
:func:`consistent_picks` runs fit, re-pick, refit and flags the traces that still disagree.
Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from geodesk.core.processing.firstbreaks import _energy, _eps, aic_onset

#: Fewest picks on one side of the source for a trend of its own (else the other side's mirror).
MIN_SIDE = 4
_KNOT_QUANTILES = np.linspace(0.15, 0.85, 8)


@dataclass(frozen=True)
class Trend:
    """A refractor trend: ``times_ms`` per trace (NaN where none could be fitted), the source
    position ``apex`` in trace-index units (fractional; outside 0..n-1 for an off-end shot), and
    ``scale_ms``, the robust spread (1.4826 x MAD) of the picks about the trend."""

    times_ms: np.ndarray
    apex: float
    scale_ms: float


@dataclass(frozen=True)
class TrendPicks:
    """Picks after the offset-consistency stage: ``picks_ms`` (NaN unpicked), the final
    ``trend`` fitted to them, ``residual_ms`` (pick - trend) and ``flagged``: traces whose pick
    still disagrees with the trend by more than ``tolerance_ms`` (or live traces left unpicked)."""

    picks_ms: np.ndarray
    trend: Trend
    residual_ms: np.ndarray
    flagged: np.ndarray
    tolerance_ms: float


def refractor_trend(times_ms: np.ndarray, offsets: np.ndarray | None = None, *,
                    max_segments: int = 3) -> Trend:
    """Robust piecewise-linear trend of first-break ``times_ms`` (one per trace, NaN ignored).

    With ``offsets`` (signed or not, any unit, irregular) each side of the source is fitted
    against |offset|; when they are missing, all zero or all equal, against the channel distance
    to the apex, found by a search over source positions. Each side gets 1 to ``max_segments``
    continuous linear segments (chosen by a robust information criterion), fitted by iteratively
    reweighted L1 then Tukey biweight, so about a third of the picks may be wild.
    """
    t = np.asarray(times_ms, dtype=float).ravel()
    n = t.size
    ok = np.isfinite(t)
    if ok.sum() < 3:
        return Trend(np.full(n, np.nan), float("nan"), float("nan"))
    coord = _known_coordinate(offsets, n)
    if coord is not None:
        distance, side, apex = coord
        trend = _fit_sides(distance, side, t, max_segments)
    else:
        apex = _find_apex(t)
        distance, side = _channel_distance(n, apex)
        trend = _fit_sides(distance, side, t, max_segments)
    r = (t - trend)[ok & np.isfinite(trend)]
    scale = 1.4826 * float(np.median(np.abs(r - np.median(r)))) if r.size else float("nan")
    return Trend(trend, float(apex), scale)


def repick_near_trend(gather: np.ndarray, dt_ms: float, trend_ms: np.ndarray, half_ms: float, *,
                      score: np.ndarray | None = None, t0_ms: float = 0.0,
                      period_ms: float | None = None) -> np.ndarray:
    """Re-pick each trace within ``trend_ms`` +/- ``half_ms`` (ms, NaN where no trend or dead).

    Without ``score`` the onset is the classical one: the earliest sample in the window where
    the short-term energy (one ``period_ms``) rises clearly above the energy just before the
    window, placed by AIC. With ``score`` (same shape as the gather, e.g. a first-break
    probability) the pick is the window's score maximum.
    """
    x = np.atleast_2d(np.asarray(gather, dtype=np.float64))
    n_tr, ns = x.shape
    trend = np.asarray(trend_ms, dtype=float).ravel()
    if trend.size != n_tr:
        raise ValueError("one trend time per trace is needed")
    half = max(2, int(np.ceil(half_ms / dt_ms)))
    centre = np.round((trend - t0_ms) / dt_ms)
    live = np.isfinite(centre) & np.isfinite(x).all(axis=1) & (np.abs(x).max(axis=1) > 0)
    out = np.full(n_tr, np.nan)
    rows = np.flatnonzero(live)
    if not rows.size:
        return out
    lo = np.clip(centre[rows] - half, 0, ns - 1).astype(int)
    hi = np.clip(centre[rows] + half + 1, 1, ns).astype(int)
    if score is not None:
        s = np.asarray(score, dtype=float)
        if s.shape != x.shape:
            raise ValueError("score must have the gather's shape")
        for k, i in enumerate(rows):
            if hi[k] > lo[k]:
                out[i] = t0_ms + dt_ms * (lo[k] + int(np.argmax(s[i, lo[k]:hi[k]])))
        return out
    n_per = max(2, round((period_ms or 8 * dt_ms) / dt_ms))
    onset = _earliest_rise(x[rows], lo, hi, n_per)
    good = onset >= 0
    out[rows[good]] = t0_ms + dt_ms * onset[good]
    return out


def consistent_picks(gather: np.ndarray, dt_ms: float, picks_ms: np.ndarray,
                     offsets: np.ndarray | None = None, *, window_ms: float | None = None,
                     tolerance_ms: float | None = None, t0_ms: float = 0.0,
                     score: np.ndarray | None = None, period_ms: float | None = None,
                     iterations: int = 2, repick: str = "outliers") -> TrendPicks:
    """Fit a refractor trend to ``picks_ms``, re-pick near it (:func:`repick_near_trend`) the
    traces off it by more than the tolerance (``repick="outliers"``) or every live trace
    (``"all"``), refit, ``iterations`` times; then flag the traces still off the trend.

    ``tolerance_ms`` defaults to max(3 samples, half a period, 3 x the robust spread about the
    trend) and ``window_ms`` (half width of the re-pick window) to max(tolerance, one period).
    Traces whose re-pick fails keep their pick. Dead traces stay NaN and are not flagged.
    """
    if repick not in ("outliers", "all"):
        raise ValueError("repick is 'outliers' or 'all'")
    x = np.atleast_2d(np.asarray(gather, dtype=np.float64))
    picks = np.asarray(picks_ms, dtype=float).ravel().copy()
    if picks.size != x.shape[0]:
        raise ValueError("one pick per trace is needed")
    dead = ~np.isfinite(x).all(axis=1) | (np.abs(x).max(axis=1, initial=0.0) == 0)
    picks[dead] = np.nan
    per = period_ms if period_ms else 8.0 * dt_ms

    def tolerance(tr: Trend) -> float:
        if tolerance_ms:
            return float(tolerance_ms)
        return max(3.0 * dt_ms, 0.5 * per, 3.0 * float(np.nan_to_num(tr.scale_ms)))

    trend = refractor_trend(picks, offsets)
    for _ in range(max(iterations, 0)):
        if not np.isfinite(trend.times_ms).any():
            break
        tol = tolerance(trend)
        sel = ~dead & np.isfinite(trend.times_ms)
        if repick == "outliers":
            sel &= ~(np.abs(picks - trend.times_ms) <= tol)
        if not sel.any():
            break
        half = window_ms if window_ms else max(tol, per)
        re = repick_near_trend(x[sel], dt_ms, trend.times_ms[sel], half,
                               score=None if score is None else np.asarray(score)[sel],
                               t0_ms=t0_ms, period_ms=per)
        picks[sel] = np.where(np.isfinite(re), re, picks[sel])
        trend = refractor_trend(picks, offsets)
    tol = tolerance(trend)
    residual = picks - trend.times_ms
    flagged = ~dead & ~(np.abs(residual) <= tol)
    return TrendPicks(picks, trend, residual, flagged, float(tol))


# -- geometry ------------------------------------------------------------------------------------
def _known_coordinate(offsets: np.ndarray | None, n: int
                      ) -> tuple[np.ndarray, np.ndarray, float] | None:
    """(|offset|, side 0/1, apex in trace units) from usable offsets, or None if unknown."""
    if offsets is None:
        return None
    off = np.asarray(offsets, dtype=float).ravel()
    if off.size != n:
        raise ValueError("one offset per trace is needed")
    if not np.isfinite(off).all() or np.ptp(off) == 0:
        return None
    dist = np.abs(off)
    idx = np.arange(n, dtype=float)
    if (off < 0).any() and (off > 0).any():
        side = (off > 0).astype(int)
    else:  # unsigned offsets: the source sits where |offset| is smallest along the channels
        side = (idx >= int(np.argmin(dist))).astype(int)
    return dist, side, _apex_from_offsets(off, dist)


def _apex_from_offsets(off: np.ndarray, dist: np.ndarray) -> float:
    """Fractional trace position of the source: where the signed offset crosses 0, else the
    nearest trace extrapolated by the local group spacing."""
    n = off.size
    s = np.sign(off)
    cross = np.flatnonzero(s[:-1] * s[1:] < 0)
    if cross.size:
        i = int(cross[0])
        return float(i + off[i] / (off[i] - off[i + 1]))
    k = int(np.argmin(dist))
    step = np.median(np.abs(np.diff(off))) if n > 1 else 0.0
    if step <= 0:
        return float(k)
    away = 1.0 if (k + 1 < n and dist[k + 1] > dist[k]) else -1.0
    return float(k - away * dist[k] / step)


def _channel_distance(n: int, apex: float) -> tuple[np.ndarray, np.ndarray]:
    idx = np.arange(n, dtype=float)
    return np.abs(idx - apex), (idx >= apex).astype(int)


def _find_apex(t: np.ndarray) -> float:
    """Source position (trace units) as the apex of a V of two lines fitted (L1) to the picks
    near the earliest smoothed pick; a far-side pick cannot hide the apex as an outlier here."""
    n = t.size
    smooth = _running_median(t, 5)
    k0 = int(np.nanargmin(smooth))
    reach = max(3, n // 24)  # near the source the direct wave is a straight V
    near = np.arange(max(0, k0 - reach), min(n, k0 + reach + 1))
    near = near[np.isfinite(t[near])]
    step = float(np.median(np.abs(np.diff(t[near])))) if near.size > 1 else 0.0
    clip = max(3.0 * _mad(t[near] - smooth[near]), step, 1e-9 * (np.ptp(t[near]) + 1.0))
    best, best_cost = float(k0), np.inf
    for c in np.arange(near[0] - 0.5, near[-1] + 0.75, 0.5):
        pred = np.full(near.size, np.nan)
        for m in (near <= c, near > c):
            if m.sum() >= 2:
                xd = np.abs(near[m] - c)
                coef, _ = _robust_line(xd, t[near[m]], np.array([]), iters=6)
                pred[m] = coef[0] + coef[1] * xd if coef[1] >= 0 else np.nan
        if np.isnan(pred).any():
            continue
        cost = float(np.sum(np.minimum(np.abs(t[near] - pred), clip)))
        if cost < best_cost:
            best, best_cost = float(c), cost
    return best


def _running_median(t: np.ndarray, w: int) -> np.ndarray:
    pad = w // 2
    tp = np.pad(t, pad, mode="edge")
    win = np.lib.stride_tricks.sliding_window_view(tp, w)
    out = np.full(t.size, np.nan)
    good = np.isfinite(win).any(axis=1)
    out[good] = np.nanmedian(win[good], axis=1)
    return out


# -- fitting -------------------------------------------------------------------------------------
def _fit_sides(dist: np.ndarray, side: np.ndarray, t: np.ndarray, max_segments: int
               ) -> np.ndarray:
    """Trend per trace: each side's own fit, or the other side's mirror when it has too few."""
    out = np.full(t.size, np.nan)
    fits = {}
    for s in (0, 1):
        m = (side == s) & np.isfinite(t)
        if m.sum() >= MIN_SIDE:
            fits[s] = _fit_one_side(dist[m], t[m], max_segments)
    if not fits:
        m = np.isfinite(t)
        fits[0] = fits[1] = _fit_one_side(dist[m], t[m], 1)
    for s in (0, 1):
        coef, knots = fits.get(s, fits.get(1 - s))
        m = side == s
        out[m] = _design(dist[m], knots) @ coef
    return out


def _fit_one_side(x: np.ndarray, t: np.ndarray, max_segments: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(coefficients, knots) of the best continuous piecewise-linear robust fit of t(x)."""
    n = x.size
    q = np.array([])
    if n >= 8:  # quantiles, and a few knots next to the source, where the direct wave is short
        near = np.sort(x)[[k for k in (3, 5, 7) if k < n - 4]]
        q = np.unique(np.concatenate([np.quantile(x, _KNOT_QUANTILES), near]))
    options: list[np.ndarray] = [np.array([])]
    for k in range(1, max_segments):
        if n >= 4 * (k + 1):
            options += [np.array(c) for c in combinations(q, k)]
    best = None
    scale = None
    for knots in options:
        coef, r = _robust_line(x, t, knots)
        if knots.size and np.cumsum(coef[1:]).min() < 0:
            continue  # a segment where time falls with distance: not a refractor
        if scale is None:  # the one-segment fit sets the common outlier scale
            scale = max(_mad(r), 1e-9 * (np.ptp(t) + 1.0))
        cost = n * np.log(np.mean(np.minimum(np.abs(r), 3.0 * scale)) + 1e-12 * scale) \
            + knots.size * np.log(n)
        if best is None or cost < best[0]:
            best = (cost, coef, knots)
    return best[1], best[2]


def _design(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    cols = [np.ones_like(x), x] + [np.maximum(0.0, x - k) for k in knots]
    return np.stack(cols, axis=1)


def _robust_line(x: np.ndarray, t: np.ndarray, knots: np.ndarray, iters: int = 12
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Hinge-basis fit by IRLS: L1 first (a start that outliers do not drag), Tukey after."""
    a = _design(x, knots)
    w = np.ones(x.size)
    coef = np.zeros(a.shape[1])
    for it in range(iters):
        sw = np.sqrt(w)[:, None]
        coef = np.linalg.lstsq(a * sw, t * sw[:, 0], rcond=None)[0]
        r = t - a @ coef
        if it < iters // 2:
            w = 1.0 / np.maximum(np.abs(r), 1e-6 * (np.ptp(t) + 1.0))
        else:
            s = max(_mad(r), 1e-9 * (np.ptp(t) + 1.0))
            u = r / (4.685 * s)
            w = np.where(np.abs(u) < 1, (1 - u * u) ** 2, 0.0) + 1e-6
    return coef, t - a @ coef


def _mad(r: np.ndarray) -> float:
    return 1.4826 * float(np.median(np.abs(r - np.median(r)))) if r.size else 0.0


# -- re-picking ----------------------------------------------------------------------------------
def _earliest_rise(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, n_per: int,
                   ratio: float = 4.0) -> np.ndarray:
    """Per row, the AIC onset at the earliest sample in [lo, hi) where the energy of the next
    ``n_per`` samples exceeds ``ratio`` x the energy of the ``2 n_per`` samples before it
    (the background just ahead of the arrival); -1 where none does."""
    n_tr, ns = x.shape
    e, cs = _energy(x)
    out = np.full(n_tr, -1)
    floor = _eps(e)[:, 0]
    for k in range(n_tr):
        i = np.arange(lo[k], hi[k])
        if not i.size:
            continue
        after = (cs[k, np.minimum(i + n_per, ns)] - cs[k, i]) / n_per
        b0 = np.maximum(i - 2 * n_per, 0)
        before = (cs[k, i] - cs[k, b0]) / np.maximum(i - b0, 1)
        er = after / (before + floor[k])
        er[i < 2] = 0.0
        hit = np.flatnonzero(er >= ratio)
        if not hit.size:
            continue  # no onset in the window: the caller keeps its pick (and may flag it)
        c = int(i[hit[0]])
        a0, a1 = max(0, c - n_per), min(ns, c + n_per)
        if a1 - a0 >= 5:
            j = int(aic_onset(x[k:k + 1, a0:a1])[0])
            out[k] = a0 + j if j >= 0 else c
        else:
            out[k] = c
    return out
