"""First-break picking: STA/LTA and energy-ratio characteristic functions, an onset picker, an
offset-consistency cleanup, and snapping of interactive picks to an onset, peak or trough.

The picker works in two steps, as in refraction practice: a characteristic function (CF) finds
the first arrival coarsely (first sample where the CF reaches a fraction of its maximum), then
the Akaike information criterion (AIC, Maeda 1985) places the onset, the sample that best splits
the window into "noise before" and "signal after". Pure numpy, vectorised over traces.
``method="mer_trend"`` runs the gather-wide classical pipeline of
:mod:`~geodesk.core.processing.fb_classical` instead (earliest consistent onsets, refractor trend).
"""

from __future__ import annotations

import numpy as np

from geodesk.core.processing.compiled import (
    HAVE_NUMBA,
    compiled,
    default_workers,
    jit,
    thread_pool,
)

METHODS = ("stalta", "energy_ratio", "mer_trend")
#: Version of the picking algorithm, recorded in the picks' provenance (``model:stalta@2``).
PICKER_VERSION = 1
SNAP_MODES = ("onset", "peak", "trough")


def _samples(ms: float, dt_ms: float, name: str) -> int:
    if dt_ms <= 0:
        raise ValueError("sample interval must be positive")
    n = round(ms / dt_ms)
    if n < 1:
        raise ValueError(f"{name} ({ms:g} ms) is shorter than one sample ({dt_ms:g} ms)")
    return n


def _energy(gather: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared samples (float64, 2D) and their cumulative sum with a leading zero column."""
    x = np.atleast_2d(np.asarray(gather, dtype=np.float64))
    e = x * x
    cs = np.zeros((e.shape[0], e.shape[1] + 1))
    np.cumsum(e, axis=1, out=cs[:, 1:])
    return e, cs


def _eps(e: np.ndarray) -> np.ndarray:
    """Per-trace stabiliser: a tiny fraction of the trace's mean energy (avoids 0/0 on silence)."""
    return 1e-6 * e.mean(axis=1, keepdims=True) + np.finfo(float).tiny


@jit(fastmath=False)
def _stalta_loop(x, ns, nl, out):  # pragma: no cover - compiled
    """Compiled :func:`stalta`: per trace one cumulative sum of the energy, then the ratio of
    the two window means (the same float64 arithmetic as the numpy path)."""
    n_tr, n = x.shape
    cs = np.empty(n + 1)
    for r in range(n_tr):
        cs[0] = 0.0
        for i in range(n):
            v = np.float64(x[r, i])
            cs[i + 1] = cs[i] + v * v
        eps = 1e-6 * (cs[n] / n) + np.finfo(np.float64).tiny
        full = min(n, ns + nl - 1)  # from here on both windows are whole
        for i in range(full):
            end = i + 1
            sta = (cs[end] - cs[max(end - ns, 0)]) / min(end, ns)
            lta_end = max(end - ns, 0)
            lta_start = max(lta_end - nl, 0)
            lta = (cs[lta_end] - cs[lta_start]) / max(lta_end - lta_start, 1)
            out[r, i] = sta / (lta + eps)
        fs, fl = np.float64(ns), np.float64(nl)
        for i in range(full, n):  # branch-free: vectorised
            sta = (cs[i + 1] - cs[i + 1 - ns]) / fs
            lta = (cs[i + 1 - ns] - cs[i + 1 - ns - nl]) / fl
            out[r, i] = sta / (lta + eps)
        for i in range(min(2 * ns, n)):
            out[r, i] = 0.0


def stalta(gather: np.ndarray, dt_ms: float, sta_ms: float = 10.0,
           lta_ms: float = 100.0) -> np.ndarray:
    """STA/LTA of the energy: the STA window ends at each sample, the LTA window ends where the
    STA window starts, so an arrival does not raise its own background.

    The LTA window shrinks near the trace start (expanding mean), so early arrivals on near
    traces are not masked; the first STA length of samples gives 0. Same shape as the gather.
    One compiled pass where numba is there (see :func:`stalta_numpy`).
    """
    ns, nl = _samples(sta_ms, dt_ms, "STA"), _samples(lta_ms, dt_ms, "LTA")
    if nl <= ns:
        raise ValueError("the LTA window must be longer than the STA window")
    x = np.atleast_2d(np.asarray(gather))
    if not HAVE_NUMBA or x.dtype not in (np.float32, np.float64) or x.shape[1] == 0:
        return stalta_numpy(gather, dt_ms, sta_ms, lta_ms)
    out = np.empty(x.shape, dtype=np.float64)
    x = np.ascontiguousarray(x)
    kernel = compiled(_stalta_loop)
    pool = thread_pool(default_workers() if x.shape[0] >= 64 else 1)
    if pool is None:
        kernel(x, ns, nl, out)
    else:  # halves of the traces side by side (the kernel releases the GIL)
        half = x.shape[0] // 2
        list(pool.map(lambda rows: kernel(x[rows], ns, nl, out[rows]),
                      (slice(0, half), slice(half, None))))
    return out


def stalta_numpy(gather: np.ndarray, dt_ms: float, sta_ms: float = 10.0,
                 lta_ms: float = 100.0) -> np.ndarray:
    """:func:`stalta` by numpy cumulative sums (the fallback, and the tests' check)."""
    e, cs = _energy(gather)
    ns, nl = _samples(sta_ms, dt_ms, "STA"), _samples(lta_ms, dt_ms, "LTA")
    if nl <= ns:
        raise ValueError("the LTA window must be longer than the STA window")
    n = e.shape[1]
    end = np.arange(1, n + 1)  # window ends (exclusive) at sample i + 1
    # window sums as differences of shifted slices of the cumulative sum (cs[:, 0] = 0 stands
    # for the clipped starts): no gathered copies of cs
    sta = cs[:, 1:].copy()
    if ns <= n:
        sta[:, ns:] -= cs[:, 1:n + 1 - ns]
    sta /= np.minimum(end, ns)
    lta = np.zeros_like(sta)  # window [end - ns - nl, end - ns), clipped at the trace start
    if ns <= n:
        lta[:, ns - 1:] = cs[:, :n + 1 - ns]
    if ns + nl <= n:
        lta[:, ns + nl - 1:] -= cs[:, :n + 1 - ns - nl]
    lta_end = np.maximum(end - ns, 0)
    lta /= np.maximum(lta_end - np.maximum(lta_end - nl, 0), 1)
    lta += _eps(e)
    np.divide(sta, lta, out=sta)
    sta[:, : min(2 * ns, n)] = 0.0  # too little background to judge
    return sta


def energy_ratio(gather: np.ndarray, dt_ms: float, window_ms: float = 20.0,
                 modified: bool = True) -> np.ndarray:
    """Energy after each sample over energy before it, in windows of ``window_ms``.

    The ratio peaks at the onset of an arrival. ``modified`` returns the modified energy ratio
    (ER * |x|)**3 (Wong et al., 2009), which sharpens the peak and favours strong arrivals.
    """
    e, cs = _energy(gather)
    n = _samples(window_ms, dt_ms, "window")
    ns = e.shape[1]
    i = np.arange(ns)
    after = cs[:, np.minimum(i + n, ns)] - cs[:, i]
    before = cs[:, i] - cs[:, np.maximum(i - n, 0)]
    er = after / (before + _eps(e))
    er[:, :n] = 0.0  # no full window of noise before these samples: no ratio to trust
    if not modified:
        return er
    x = np.atleast_2d(np.asarray(gather, dtype=np.float64))
    return (er * np.abs(x)) ** 3


def aic_onset(segments: np.ndarray) -> np.ndarray:
    """Index of the AIC minimum of each row: the best split into two stationary parts
    (noise, then signal). Rows shorter than 5 samples or silent give -1."""
    x = np.atleast_2d(np.asarray(segments, dtype=np.float64))
    m, n = x.shape
    if n < 5:
        return np.full(m, -1)
    k = np.arange(1, n)  # split: x[:k] | x[k:]
    c1 = np.cumsum(x, axis=1)
    c2 = np.cumsum(x * x, axis=1)
    s1, s2 = c1[:, -1:], c2[:, -1:]
    pre1, pre2 = c1[:, k - 1], c2[:, k - 1]
    var_a = pre2 / k - (pre1 / k) ** 2
    nb = n - k
    var_b = (s2 - pre2) / nb - ((s1 - pre1) / nb) ** 2
    floor = 1e-12 * (s2 / n) + np.finfo(float).tiny
    aic = k * np.log(np.maximum(var_a, floor)) + nb * np.log(np.maximum(var_b, floor))
    aic[:, :1] = np.inf  # need two samples on each side for a variance
    aic[:, -2:] = np.inf
    out = k[np.argmin(aic, axis=1)]
    out[s2[:, 0] <= 0] = -1
    return out


def _aic_in_windows(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """AIC onset of each trace within [lo, hi), as a sample index or -1. Windows are given one
    common width and shifted (not cut) to fit inside the trace: a padded tail would fool AIC."""
    n_tr, ns = x.shape
    width = min(int(np.max(hi - lo)) if n_tr else 0, ns)
    out = np.full(n_tr, -1)
    if width < 5:
        return out
    lo = np.clip(lo, 0, ns - width)
    seg = x[np.arange(n_tr)[:, None], lo[:, None] + np.arange(width)[None, :]]
    k = aic_onset(seg)
    ok = k >= 0
    out[ok] = lo[ok] + k[ok]
    return out


def pick_first_breaks(
    gather: np.ndarray,
    dt_ms: float,
    method: str = "stalta",
    *,
    sta_ms: float = 10.0,
    lta_ms: float = 100.0,
    window_ms: float = 20.0,
    trigger: float | None = None,
    threshold: float = 0.5,
    offsets: np.ndarray | None = None,
    max_residual_ms: float | None = None,
    t0_ms: float = 0.0,
    back_off: bool = False,
) -> np.ndarray:
    """Onset time (ms) of the first arrival on every trace of ``gather`` (n_traces, n_samples).

    ``method`` picks the characteristic function: ``stalta`` (``sta_ms``/``lta_ms``) or
    ``energy_ratio`` (modified energy ratio over ``window_ms``); ``mer_trend`` is the
    gather-wide pipeline (:func:`~geodesk.core.processing.fb_classical.pick_mer_trend`, which
    sets its own windows from the data; ``offsets`` optional, the other settings unused). The first sample where it reaches
    ``threshold`` x its trace maximum (or ``trigger``, an STA/LTA level, if lower: it finds
    a weak first arrival ahead of stronger later ones) locates the arrival; AIC then places the
    onset in a window around it, and ``back_off`` moves it back to where the smoothed amplitude
    leaves the noise (emergent arrivals). With ``offsets`` and ``max_residual_ms`` picks further than that from a robust
    offset trend are re-picked near the trend, or dropped. Dead traces give NaN.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if method == "mer_trend":  # imported here: fb_classical builds on this module's helpers
        from geodesk.core.processing.fb_classical import pick_mer_trend

        return pick_mer_trend(gather, dt_ms, offsets, t0_ms=t0_ms).picks_ms
    if not 0 < threshold <= 1:
        raise ValueError("threshold is a fraction of the CF maximum in (0, 1]")
    if trigger is not None and (trigger <= 1 or method != "stalta"):
        raise ValueError("trigger is an STA/LTA level (> 1) for method 'stalta'")
    x = np.atleast_2d(np.asarray(gather, dtype=np.float64))
    if method == "stalta":
        cf = stalta(x, dt_ms, sta_ms, lta_ms)
        before, after = _samples(lta_ms, dt_ms, "LTA") // 2, _samples(sta_ms, dt_ms, "STA")
    else:
        cf = energy_ratio(x, dt_ms, window_ms)
        n = _samples(window_ms, dt_ms, "window")
        before, after = 2 * n, n
    dead = ~np.isfinite(x).all(axis=1) | (np.abs(x).max(axis=1, initial=0.0) == 0)
    cf = np.where(np.isfinite(cf), cf, 0.0)
    level = threshold * cf.max(axis=1, keepdims=True)
    if trigger is not None:
        level = np.minimum(trigger, level)
    above = cf >= level
    coarse = np.argmax(above, axis=1)
    dead |= ~above.any(axis=1) | (cf.max(axis=1) <= 0)
    onset = _aic_in_windows(x, coarse - before, coarse + after)
    if back_off:
        onset = _walk_back(x, onset, _samples(sta_ms, dt_ms, "STA"), before)
    picks = np.where((onset >= 0) & ~dead, t0_ms + onset * dt_ms, np.nan)
    if offsets is not None and max_residual_ms is not None:
        picks = _clean_by_offset(x, picks, np.asarray(offsets, dtype=float), max_residual_ms,
                                 dt_ms, t0_ms)
    return picks


def _walk_back(x: np.ndarray, onset: np.ndarray, n_sta: int, n_noise: int,
               k_sigma: float = 2.0) -> np.ndarray:
    """Move each onset back to where the smoothed amplitude leaves the noise band.

    AIC splits at the strongest variance change, which for an emergent arrival (amplitude
    growing like t**n) lies after the true onset; the signal is already above the noise there,
    so the start of the run of above-noise samples that ends at the AIC pick is the onset.
    """
    out = onset.copy()
    h = max(1, n_sta // 2)
    kernel = np.ones(2 * h + 1) / (2 * h + 1)
    ok = np.flatnonzero(onset > n_noise // 2 + 2 * h)
    for i in ok:  # per trace: windows differ; the work per trace is a few short arrays
        k = int(onset[i])
        lo = max(0, k - n_noise - 2 * h)
        seg = np.convolve(np.abs(x[i, lo : k + 1]), kernel, mode="same")
        noise = seg[: max(3, (k - lo) // 2)]
        level = noise.mean() + k_sigma * noise.std()
        below = np.flatnonzero(seg[:-h] <= level) if len(seg) > h else np.array([], int)
        if len(below):
            out[i] = lo + int(below[-1]) + 1
    return out


def offset_trend(times_ms: np.ndarray, offsets: np.ndarray, n_neighbours: int = 9) -> np.ndarray:
    """Robust first-break trend: a local Theil-Sen line (median of pairwise slopes) through the
    ``n_neighbours`` picks nearest in |offset|, each side of the source separately (split
    spreads may dip differently). NaN picks are ignored; it tolerates about a quarter outliers."""
    times_ms = np.asarray(times_ms, dtype=float)
    offsets = np.asarray(offsets, dtype=float)
    trend = np.full(times_ms.shape, np.nan)
    for side in (offsets < 0, offsets >= 0):
        idx = np.flatnonzero(side & np.isfinite(times_ms))
        if len(idx) < 3:
            continue
        idx = idx[np.argsort(np.abs(offsets[idx]), kind="stable")]
        x, t = np.abs(offsets[idx]), times_ms[idx]
        w = min(n_neighbours, len(idx))
        allx = np.flatnonzero(side)
        xq = np.abs(offsets[allx])
        # window of w picks nearest (in sorted order) to each queried offset
        pos = np.clip(np.searchsorted(x, xq) - w // 2, 0, len(x) - w)
        win = pos[:, None] + np.arange(w)[None, :]
        xw, tw = x[win], t[win]
        i, j = np.triu_indices(w, 1)
        dx = xw[:, j] - xw[:, i]
        with np.errstate(divide="ignore", invalid="ignore"):
            slopes = np.where(dx > 0, (tw[:, j] - tw[:, i]) / dx, np.nan)
        b = np.nanmedian(np.where(np.isnan(slopes).all(axis=1, keepdims=True), 0.0, slopes),
                         axis=1)
        a = np.median(tw - b[:, None] * xw, axis=1)
        trend[allx] = a + b * xq
    return trend


def _clean_by_offset(x: np.ndarray, picks: np.ndarray, offsets: np.ndarray, tol_ms: float,
                     dt_ms: float, t0_ms: float) -> np.ndarray:
    """Re-pick (AIC within the tolerance band) the picks that stray from the offset trend."""
    if offsets.shape != picks.shape:
        raise ValueError("one offset per trace is needed")
    trend = offset_trend(picks, offsets)
    bad = np.isfinite(trend) & ~(np.abs(picks - trend) <= tol_ms)
    bad &= np.abs(x).max(axis=1) > 0
    if not bad.any():
        return picks
    centre = (trend[bad] - t0_ms) / dt_ms
    half = max(3, int(np.ceil(2 * tol_ms / dt_ms)))
    rows = x[bad]
    re = _aic_in_windows(rows, np.floor(centre - half).astype(int),
                         np.ceil(centre + half).astype(int) + 1)
    t_new = np.where(re >= 0, t0_ms + re * dt_ms, np.nan)
    t_new[~(np.abs(t_new - trend[bad]) <= tol_ms)] = np.nan
    out = picks.copy()
    out[bad] = t_new
    return out


def snap(trace: np.ndarray, times_ms: np.ndarray, t_ms: float, mode: str = "onset",
         window_ms: float = 20.0) -> float:
    """Move an interactive pick at ``t_ms`` to the nearby onset (AIC), peak or trough within
    +/- ``window_ms``; peaks and troughs are refined by a parabola. Silent traces return t_ms."""
    if mode not in SNAP_MODES:
        raise ValueError(f"unknown snap mode {mode!r}; choose one of {', '.join(SNAP_MODES)}")
    x = np.asarray(trace, dtype=np.float64)
    times_ms = np.asarray(times_ms, dtype=float)
    if len(x) != len(times_ms) or len(x) < 3:
        raise ValueError("trace and times_ms must have the same length (at least 3)")
    dt = float(times_ms[1] - times_ms[0])
    c = round((t_ms - times_ms[0]) / dt)
    w = max(2, round(window_ms / dt))
    lo, hi = max(0, c - w), min(len(x), c + w + 1)
    seg = x[lo:hi]
    if hi - lo < 3 or not np.any(seg):
        return float(t_ms)
    if mode == "onset":
        k = int(aic_onset(seg[None, :])[0])
        return float(t_ms) if k < 0 else float(times_ms[lo + k])
    k = int(np.argmax(seg) if mode == "peak" else np.argmin(seg))
    frac = 0.0
    if 0 < k < len(seg) - 1:
        a, b, cc = seg[k - 1], seg[k], seg[k + 1]
        den = a - 2 * b + cc
        frac = float(np.clip(0.5 * (a - cc) / den, -0.5, 0.5)) if den != 0 else 0.0
    return float(times_ms[lo + k] + frac * dt)
