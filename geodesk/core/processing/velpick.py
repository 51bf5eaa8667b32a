"""Automatic stacking-velocity picking on a semblance panel.

1. Candidates are the local maxima of the panel (over a window in time and a few velocity
   steps) above a semblance threshold, refined to sub-step velocity by a parabola and centred
   in time on the stack energy. With the gather at hand (:func:`auto_pick`, which balances it
   by AGC first), a candidate must also be coherent on near, middle and far offsets alike.
2. A dynamic programme chooses the chain of candidates, increasing in time, with the largest
   total semblance whose Dix interval velocities stay within ``[vint_min, vint_max]`` and whose
   Vrms never drops by more than ``multiple_tol`` (stacking velocity grows with depth).
3. Multiples: for flat layers a surface multiple or peg-leg of picks ``a`` and ``b`` arrives
   at ``t_a + t_b`` with ``V^2 = (t_a V_a^2 + t_b V_b^2) / (t_a + t_b)`` (the time average along
   its path); a pick where such a predicted multiple of earlier picks lies is dropped
   (:func:`predicted_multiples`). A pick lying more than ``chord_tol`` below the chord through
   its neighbours, or a last pick well below the trend above it, is dropped too. Each drop
   chooses the chain again.
"""

from __future__ import annotations

import functools

import numpy as np

from geodesk.core.processing.agc import agc
from geodesk.core.processing.local_max import window_maximum
from geodesk.core.processing.nmo import sample_rows, vrms_at
from geodesk.core.processing.semblance import SemblancePanel, semblance, velocity_axis

DEMULTIPLE_GUIDE = "water"
# q_cut (ms of residual moveout at the far offset) by guide, chosen on validation seeds only
# (evaluation family 1000-1047, GeoDesk 1e9 + 500-507; semblance picker): water -15/-30/-45 gave
# 4.49/4.45/5.53 % mean error (7.48 % without demultiple); picks +30/+60 gave 8.06/13.78 %
DEMULTIPLE_Q_CUT_MS = {"water": -30.0, "picks": 30.0}


def panel_peaks(panel: SemblancePanel, *, min_semblance: float = 0.1,
                time_half_ms: float = 40.0, vel_half_steps: int = 3,
                min_power_ratio: float = 0.01, power_half_ms: float = 500.0,
                min_global_power_ratio: float = 1e-3) -> np.ndarray:
    """Local maxima ``(t_ms, vrms, semblance)`` rows of a panel, velocity refined by a parabola.

    Peaks whose windowed stack power is below ``min_power_ratio`` of the strongest peak's
    within ``power_half_ms``, or below ``min_global_power_ratio`` of the panel's strongest, are
    dropped: in noise, chance alignments reach the semblance threshold with little power.
    (Against the whole panel's strongest alone, a hard sea floor would silence every deeper
    reflection: its coefficient is often ten times theirs.)
    """
    p = np.asarray(panel.values, dtype=np.float32)
    n_v, n_t = p.shape
    if n_v < 1 or n_t < 1 or not np.isfinite(p).any():
        return np.zeros((0, 3))
    dt = float(panel.times_ms[1] - panel.times_ms[0]) if n_t > 1 else 1.0
    ht = max(1, round(time_half_ms / dt))
    hv = max(1, int(vel_half_steps))
    local = window_maximum(p, hv, ht)
    thresh = max(float(min_semblance), 0.1 * float(p.max()))
    iv, it = np.nonzero((p >= local) & (p >= thresh))
    if n_v == 1 or np.ptp(p, axis=0).max() <= 1e-6:  # flat panel: no velocity information
        return np.zeros((0, 3))
    rows = []
    taken = np.zeros(p.shape, dtype=bool)
    power = panel.stack_power
    for k in np.argsort(-p[iv, it], kind="stable"):  # strongest first; plateaus give one peak
        i, j = int(iv[k]), int(it[k])
        if taken[i, j] or i in (0, n_v - 1):  # a maximum on the range edge lies outside it
            continue
        taken[max(0, i - hv):i + hv + 1, max(0, j - ht):j + ht + 1] = True
        v = float(panel.velocities[i])
        a, b, c = (float(x) for x in p[i - 1:i + 2, j])
        den = a - 2 * b + c
        if den < 0:
            v += 0.5 * (a - c) / den * float(panel.velocities[i + 1] - panel.velocities[i])
        lo, hi = max(0, j - ht), min(n_t, j + ht + 1)
        if power is not None:  # the semblance plateau spans a window: centre on the energy
            e = np.convolve(power[i, lo:hi], np.ones(max(1, ht // 2)), mode="same")
            j = lo + int(np.argmax(e))
        strength = float(power[i, lo:hi].sum()) if power is not None else 1.0
        rows.append((float(panel.times_ms[j]), v, float(p[i, it[k]]), strength))
    out = np.array(sorted(rows), dtype=float).reshape(-1, 4)
    near = np.abs(out[:, None, 0] - out[None, :, 0]) <= power_half_ms
    ref = np.where(near, out[None, :, 3], 0.0).max(axis=1) if len(out) else np.zeros(0)
    keep = (out[:, 3] >= min_power_ratio * ref) & (
        out[:, 3] >= min_global_power_ratio * (out[:, 3].max() if len(out) else 0.0))
    return out[keep, :3]


def _allowed(c: np.ndarray, vint_min: float, vint_max: float, multiple_tol: float,
             min_gap_ms: float) -> np.ndarray:
    """ok[i, j]: candidate j may follow candidate i in a chain."""
    t, v = c[:, 0] / 1000.0, c[:, 1]
    dt = t[None, :] - t[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        vint2 = (v[None, :] ** 2 * t[None, :] - v[:, None] ** 2 * t[:, None]) / dt
    return ((dt * 1000.0 >= min_gap_ms) & (vint2 >= vint_min**2) & (vint2 <= vint_max**2)
            & (v[None, :] >= v[:, None] * (1.0 - multiple_tol)))


def best_chain(c: np.ndarray, *, vint_min: float, vint_max: float, multiple_tol: float,
               min_gap_ms: float) -> np.ndarray:
    """Indices of the candidate chain (increasing time) with the largest total semblance."""
    n = len(c)
    if n == 0:
        return np.zeros(0, dtype=int)
    ok = _allowed(c, vint_min, vint_max, multiple_tol, min_gap_ms)
    start_ok = (c[:, 1] >= vint_min) & (c[:, 1] <= vint_max)  # first layer: vint = vrms
    score = np.where(start_ok, c[:, 2], -np.inf)
    prev = np.full(n, -1)
    for j in range(n):
        cand = np.where(ok[:j, j], score[:j], -np.inf)
        if j and cand.max() + c[j, 2] > score[j]:
            i = int(cand.argmax())
            score[j], prev[j] = cand[i] + c[j, 2], i
    if not np.isfinite(score).any():
        return np.zeros(0, dtype=int)
    chain = [int(np.argmax(score))]
    while prev[chain[-1]] >= 0:
        chain.append(int(prev[chain[-1]]))
    return np.array(chain[::-1])


def _slow_outliers(c: np.ndarray, chain: np.ndarray, tol: float) -> list[int]:
    """Chain members off the primary trend at their time.

    Inside the chain the trend is the chord through the two neighbours (a pick more than
    ``tol`` below it goes). The end picks are compared with the trend of the picks next to
    them, extrapolated with half its slope: the last goes when more than ``tol`` below it, or
    when it is weaker than the chain's median semblance and its Dix interval velocity is over
    1.5 times the median one above it (noise past the last reflection); the first only when it is
    also weaker than that median (below a water layer the true first primary, the sea floor,
    lies below any trend extrapolated from deeper ones, but it is strong).
    """
    bad = []
    for k in range(1, len(chain) - 1):
        (t0, v0), (t1, v1), (t2, v2) = (c[chain[k + d], :2] for d in (-1, 0, 1))
        chord = v0 + (v2 - v0) * (t1 - t0) / (t2 - t0)
        if v1 < chord * (1.0 - tol):
            bad.append(int(chain[k]))
    if len(chain) < 3:
        return bad
    weak = c[chain, 2] < np.median(c[chain, 2])
    for end, others in ((chain[-1], chain[-5:-1]), (chain[0], chain[1:5])):
        near = c[others, :2]
        slope = max(0.0, float(np.polyfit(near[:, 0], near[:, 1], 1)[0]))
        t_end, v_end = c[end, :2]
        closest = near[-1] if end == chain[-1] else near[0]
        trend = closest[1] + 0.5 * slope * (t_end - closest[0])
        if v_end < trend * (1.0 - tol) and (end == chain[-1] or weak[0]):
            bad.append(int(end))
    t, w = c[chain, 0] / 1000.0, c[chain, 1] ** 2 * c[chain, 0] / 1000.0
    vint = np.sqrt(np.maximum(np.diff(w) / np.maximum(np.diff(t), 1e-9), 0.0))
    if weak[-1] and vint[-1] > 1.5 * np.median(vint[:-1]):
        bad.append(int(chain[-1]))
    return bad


def predicted_multiples(t_ms: np.ndarray, v: np.ndarray, t_max_ms: float,
                        max_order: int = 4, strong: np.ndarray | None = None) -> np.ndarray:
    """``(t_ms, vrms)`` rows of the flat-layer multiples of primaries ``(t_ms, v)``.

    Order 2: every pair ``a <= b`` with ``a`` or ``b`` among the ``strong`` indices (default
    all): surface multiples and peg-legs, whose amplitude is the product of two reflection
    coefficients; orders 3 to ``max_order`` add bounces of the shallowest strong primary (the
    water bottom in marine data). Along a path, times add and so does ``V^2 t``.
    """
    t = np.asarray(t_ms, dtype=float)
    w = np.asarray(v, dtype=float) ** 2 * t
    is_strong = np.ones(len(t), dtype=bool)
    if strong is not None:
        is_strong[:] = False
        is_strong[np.asarray(strong, dtype=int)] = True
    i, j = _pairs_upper(len(t))
    pair = is_strong[i] | is_strong[j]
    i, j = i[pair], j[pair]
    bounces = max(0, max_order - 2) if is_strong.any() else 0
    tm = np.empty((1 + bounces, i.size))
    wm = np.empty((1 + bounces, i.size))
    tm[0], wm[0] = t[i] + t[j], w[i] + w[j]
    if bounces:
        first = int(np.flatnonzero(is_strong)[np.argmin(t[is_strong])])
        for k in range(1, 1 + bounces):  # one more bounce of the shallowest strong primary
            tm[k], wm[k] = tm[k - 1] + t[first], wm[k - 1] + w[first]
    tm, wm = tm.ravel(), wm.ravel()
    keep = (tm > 0) & (tm <= t_max_ms)
    return np.stack((tm[keep], np.sqrt(wm[keep] / tm[keep])), axis=1)


@functools.lru_cache(maxsize=64)
def _pairs_upper(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(n)``, kept: the multiple test asks for the same few sizes per CMP."""
    i, j = np.triu_indices(n)
    i.flags.writeable = j.flags.writeable = False
    return i, j


def _explained_as_multiples(c: np.ndarray, members: np.ndarray, t_tol_ms: float,
                            v_tol: float, n_strong: int = 3) -> list[int]:
    """``members`` (indices into ``c``, in time order) lying on a predicted multiple of the
    members above them that are not multiples themselves. The time tolerance grows to 3 % of
    the time (a pick's offset from the true ``t0``, the wavelet's centre, adds up in
    multiples); a leg shorter than twice the tolerance cannot be told from the event itself.
    One leg of every multiple is among the ``n_strong`` primaries of highest semblance."""
    primaries: list[int] = []
    bad = []
    for k in members:
        t, v = c[k, :2]
        tol = max(t_tol_ms, 0.03 * t)
        legs = [p for p in primaries if c[p, 0] >= 2.0 * tol]  # shorter: the event itself
        if legs:
            strong = np.argsort(-c[legs, 2], kind="stable")[:n_strong]  # by semblance
            m = predicted_multiples(c[legs, 0], c[legs, 1], t + 2.0 * tol, strong=strong)
            hit = (np.abs(m[:, 0] - t) <= tol) & (np.abs(m[:, 1] - v) <= v_tol * m[:, 1])
            if hit.any():
                bad.append(int(k))
                continue
        primaries.append(int(k))
    return bad


def spread_inside_record(c: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray
                         ) -> np.ndarray:
    """Fraction of the live offsets whose moveout time of each peak ``(t_ms, vrms)`` lies
    inside the record: near the end of the record only the near offsets see a hyperbola, and
    a few traces reach high semblance by chance."""
    x = np.abs(np.asarray(offsets, dtype=float))
    if len(c) == 0 or len(x) == 0:
        return np.ones(len(c))
    tx = np.sqrt(c[:, :1] ** 2 + (x[None, :] * 1000.0 / c[:, 1:2]) ** 2)
    return (tx <= float(np.asarray(times_ms)[-1])).mean(axis=1)


def offset_support(c: np.ndarray, gather: np.ndarray, offsets: np.ndarray,
                   times_ms: np.ndarray, half_ms: float = 20.0, groups: int = 3) -> np.ndarray:
    """Weakest over strongest coherent amplitude among offset groups, per peak (0..1).

    A hyperbola of the wrong ``t0`` still crosses an event somewhere along the spread (every
    hyperbola of the same asymptote meets its far tail): such a peak is coherent on one group
    of offsets only, while a reflection is coherent on all of them. Only the traces recording
    at the peak's moveout time count (below their top mute, inside the record), so a muted
    far group does not veto a reflection the near and middle offsets show; with fewer than
    two traces per group left the support cannot be told and is 1.
    """
    a = np.asarray(gather, dtype=np.float32)
    x = np.abs(np.asarray(offsets, dtype=float))
    t = np.asarray(times_ms, dtype=float)
    live = np.isfinite(a).all(axis=1) & (a != 0).any(axis=1)
    a, x = a[live], x[live]
    out = np.ones(len(c))
    if len(x) < 2 * groups or len(c) == 0 or np.ptp(x) == 0:
        return out
    dt = t[1] - t[0]
    first = t[0] + dt * np.argmax(a != 0, axis=1)  # top of each trace's unmuted part
    w = np.arange(-round(half_ms / dt), round(half_ms / dt) + 1) * dt
    t0, v = c[:, 0:1], c[:, 1:2]  # all peaks at once: (peak, trace[, window sample])
    slow = (x[None, :] * 1000.0 / v) ** 2
    t_x = np.sqrt(t0 ** 2 + slow)
    rec = (t_x - half_ms >= first[None, :]) & (t_x + half_ms <= t[-1])
    n_rec = rec.sum(axis=1)
    order = np.argsort(x, kind="stable")  # offset groups: equal thirds of the recording traces
    rank = np.empty(rec.shape, dtype=np.int64)
    rank[:, order] = np.cumsum(rec[:, order], axis=1) - 1
    q, extra = n_rec // groups, n_rec % groups
    big = extra * (q + 1)  # np.array_split: the first ``extra`` groups hold one more
    group = np.where(rank < big[:, None], rank // np.maximum(q + 1, 1)[:, None],
                     extra[:, None] + (rank - big[:, None]) // np.maximum(q, 1)[:, None])
    tw = np.maximum(t0 + w[None, :], 0.0)
    tm = np.sqrt(tw[:, None, :] ** 2 + slow[:, :, None])
    pos = ((tm - t[0]) / dt).astype(np.float32)
    vals = sample_rows(a, pos)[0] * rec[:, :, None]
    onehot = (group[:, :, None] == np.arange(groups)) & rec[:, :, None]
    sums = np.einsum("kxg,kxw->kgw", onehot.astype(np.float64), vals)
    means = sums / np.maximum(onehot.sum(axis=1), 1)[:, :, None]
    amp = np.sqrt((means ** 2).mean(axis=2))
    ratio = np.divide(amp.min(axis=1), amp.max(axis=1), out=np.zeros(len(c)),
                      where=amp.max(axis=1) > 0)
    return np.where(n_rec >= 2 * groups, ratio, out)


def pick_panel(panel: SemblancePanel, *, min_semblance: float = 0.1,
               vint_min: float = 1400.0, vint_max: float = 6500.0,
               multiple_tol: float = 0.02, min_gap_ms: float | None = None,
               guide: tuple[np.ndarray, np.ndarray] | None = None,
               guide_tol: float = 0.15,
               gather: tuple[np.ndarray, np.ndarray] | None = None,
               min_support: float = 0.25, chord_tol: float = 0.05,
               multiple_t_tol_ms: float = 40.0, multiple_v_tol: float = 0.03
               ) -> tuple[np.ndarray, np.ndarray]:
    """Automatic ``(t_ms, vrms)`` knots from a semblance panel (empty arrays if nothing fits).

    ``guide`` (a velocity function) keeps only candidates within ``guide_tol`` of it. With the
    ``gather`` (data, offsets) a candidate also needs coherent amplitude on every group of
    offsets (see :func:`offset_support`) of at least ``min_support``. A chain member within
    ``multiple_t_tol_ms`` and ``multiple_v_tol`` of a predicted multiple of the members above
    it is dropped (``multiple_v_tol=0``: no such test).
    """
    if not panel.resolved:
        return np.zeros(0), np.zeros(0)
    c = panel_peaks(panel, min_semblance=min_semblance)
    if gather is not None and len(c):
        c = c[offset_support(c, gather[0], gather[1], panel.times_ms) >= min_support]
        live = np.isfinite(gather[0]).all(axis=1) & (np.asarray(gather[0]) != 0).any(axis=1)
        c = c[spread_inside_record(c, np.asarray(gather[1])[live], panel.times_ms) >= 0.5]
    if multiple_v_tol > 0 and len(c):  # candidates that earlier candidates' multiples explain
        c = np.delete(c, _explained_as_multiples(c, np.arange(len(c)), multiple_t_tol_ms,
                                                 multiple_v_tol), axis=0)
    if guide is not None and len(c):
        g = vrms_at(guide[0], guide[1], c[:, 0])
        c = c[np.abs(c[:, 1] - g) <= guide_tol * g]
    gap = 40.0 if min_gap_ms is None else float(min_gap_ms)
    for _ in range(len(c) + 1):
        chain = best_chain(c, vint_min=vint_min, vint_max=vint_max,
                           multiple_tol=multiple_tol, min_gap_ms=gap)
        bad = _slow_outliers(c, chain, chord_tol)
        if multiple_v_tol > 0:
            bad += _explained_as_multiples(c, chain, multiple_t_tol_ms, multiple_v_tol)
        if not bad:
            break
        c = np.delete(c, bad, axis=0)
    return c[chain, 0].copy(), c[chain, 1].copy()


def balanced_panel(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray, *,
                   vmin: float = 1400.0, vmax: float = 6000.0, dv: float = 20.0,
                   window_ms: float = 40.0, stretch_mute_pct: float | None = None,
                   agc_ms: float = 500.0) -> tuple[np.ndarray, SemblancePanel]:
    """The gather balanced by an AGC of ``agc_ms`` (0: none) and its semblance panel: what
    :func:`pick_panel` picks on (several pickings of one CMP share it)."""
    t = np.asarray(times_ms, dtype=float)
    if agc_ms and len(t) > 1:
        gather = agc(gather, max(1, round(agc_ms / (t[1] - t[0]))))
    panel = semblance(gather, offsets, times_ms, velocity_axis(vmin, vmax, dv),
                      window_ms=window_ms, stretch_mute_pct=stretch_mute_pct)
    return gather, panel


def demultiple_gather(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray, *,
                      guide: str = DEMULTIPLE_GUIDE, q_cut_ms: float | None = None,
                      **radon_options: float) -> np.ndarray:
    """``gather`` with its multiples subtracted by a parabolic Radon transform
    (:func:`~geodesk.core.processing.radon.radon_demultiple`) before velocity analysis.

    ``guide="water"``: everything at or slower than water velocity (``q_cut_ms`` below it at
    the far offset) is a multiple; ``guide="picks"``: the guide is this picker's own first pass
    and what is slower than it by over ``q_cut_ms`` goes (no first-pass picks: water guide).
    """
    from geodesk.core.processing.radon import radon_demultiple, water_guide

    t = np.asarray(times_ms, dtype=float)
    if guide not in DEMULTIPLE_Q_CUT_MS:
        raise ValueError(f"demultiple guide must be one of {sorted(DEMULTIPLE_Q_CUT_MS)}, "
                         f"got {guide!r}")
    fn, kind = water_guide(t), "water"
    if guide == "picks":
        pt, pv = auto_pick(gather, offsets, t)
        if len(pt):
            fn, kind = (pt, pv), "picks"
    q_cut = DEMULTIPLE_Q_CUT_MS[kind] if q_cut_ms is None else float(q_cut_ms)
    return radon_demultiple(gather, offsets, t, fn, q_cut_ms=q_cut, **radon_options)


def auto_pick(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray, *,
              vmin: float = 1400.0, vmax: float = 6000.0, dv: float = 20.0,
              window_ms: float = 40.0, stretch_mute_pct: float | None = None,
              guide: tuple[np.ndarray, np.ndarray] | None = None, agc_ms: float = 500.0,
              demultiple: bool = False, **pick_options: float) -> tuple[np.ndarray, np.ndarray]:
    """Semblance of one CMP gather and its automatic picks ``(t_ms, vrms)``.

    The gather is balanced by an AGC of ``agc_ms`` first (0: none), so that deep reflections
    are not judged weak against shallow ones when candidates are compared by stack power.
    With ``demultiple`` the picks are made on :func:`demultiple_gather`'s output.
    """
    if demultiple:
        gather = demultiple_gather(gather, offsets, times_ms)
    gather, panel = balanced_panel(gather, offsets, times_ms, vmin=vmin, vmax=vmax, dv=dv,
                                   window_ms=window_ms, stretch_mute_pct=stretch_mute_pct,
                                   agc_ms=agc_ms)
    return pick_panel(panel, guide=guide, min_gap_ms=pick_options.pop("min_gap_ms", window_ms),
                      gather=(gather, offsets), **pick_options)


def pick_survey(survey, *, every: int = 1, min_fold: int = 6, ctx=None,
                **options: float) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Automatic picks ``{cdp: (t_ms, vrms)}`` on every ``every``-th CMP of a pre-stack survey.

    Shot-sorted files are sorted to CMPs by their CDP header first. ``options`` go to
    :func:`auto_pick`. CMPs with fewer than ``min_fold`` live traces (too few to measure
    moveout) and CMPs where nothing can be picked are left out.
    """
    from geodesk.core.jobs import JobContext
    from geodesk.core.processing.nmo import cmp_view

    ctx = ctx or JobContext()
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    with cmp_view(survey) as cmps:
        keys = np.asarray(cmps.gather_keys)[::every]
        times = np.asarray(cmps.times_ms, dtype=float)
        for k, cdp in enumerate(keys):
            ctx.progress(k / keys.size, f"CDP {cdp} ({k + 1}/{keys.size})")
            g = cmps.gather(int(cdp))
            if live_count(g.data) < max(2, min_fold):
                continue
            t, v = auto_pick(g.data, g.headers["offset"], times, **options)
            if t.size:
                out[int(cdp)] = (t, v)
            ctx.publish({int(cdp): (t, v)})
    ctx.progress(1.0, f"{len(out)} CMPs picked")
    return out


def live_count(gather: np.ndarray) -> int:
    """Number of live (finite, not all-zero) traces."""
    a = np.asarray(gather)
    return int((np.isfinite(a).all(axis=1) & (a != 0).any(axis=1)).sum())
