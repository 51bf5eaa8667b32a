"""Deep-model answers in the form the workstation edits: first-break picks with a confidence,
sparse velocity knots, survey-wide jobs that publish each gather's result as it is done.

Qt-free (the GUI runs these as jobs); torch is only touched through the models themselves.
Provenance of everything a model writes is ``model:<weight id>``, the weight file's
``<name>@v<version>#<sha256[:12]>`` (:func:`provenance_of`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.section import Section
from geodesk.core.survey import Survey, SurveyError

#: Work samples on each side of a first-break change point that its confidence looks at.
CONFIDENCE_HALF = 8


def provenance_of(model: Any) -> str:
    """What a model's picks are labelled with: ``model:<name>@v<version>#<sha256[:12]>`` of the
    weight file it was loaded from (:func:`geodesk.ml.registry.weight_id`), or
    ``model:<name>@<version>`` for a model without one (classical pickers, unsaved training)."""
    wid = getattr(model, "weight_id_", None)
    return f"model:{wid}" if wid else f"model:{model.name}@{int(model.version)}"


def priority_order(keys: Iterable[Any], first: Iterable[Any] = ()) -> list[int]:
    """``keys`` with those in ``first`` moved to the front (in ``keys`` order): the gathers on
    screen are worked on before the rest."""
    ks = [int(k) for k in keys]
    want = {int(k) for k in first}
    return [k for k in ks if k in want] + [k for k in ks if k not in want]


# -- first breaks -------------------------------------------------------------------------------
def change_point_confidence(prob: np.ndarray, k: np.ndarray,
                            half: int = CONFIDENCE_HALF) -> np.ndarray:
    """Per trace, how cleanly the "before" class ends at change point ``k``: the mean of
    P(before) over the ``half`` samples before ``k`` and of 1 - P(before) over the ``half``
    from ``k`` on, in [0, 1] (a side outside the record is left out)."""
    p0 = np.asarray(prob[0], dtype=np.float64)
    n_tr, n = p0.shape
    c = np.concatenate([np.zeros((n_tr, 1)), np.cumsum(p0, axis=1)], axis=1)
    k = np.clip(np.asarray(k, dtype=np.int64), 0, n)
    rows = np.arange(n_tr)
    lo, hi = np.clip(k - half, 0, n), np.clip(k + half, 0, n)
    n_before, n_after = k - lo, hi - k
    before = (c[rows, k] - c[rows, lo]) / np.maximum(n_before, 1)
    after = 1.0 - (c[rows, hi] - c[rows, k]) / np.maximum(n_after, 1)
    total = (np.where(n_before > 0, before, 0.0) + np.where(n_after > 0, after, 0.0))
    sides = (n_before > 0).astype(int) + (n_after > 0).astype(int)
    return np.where(sides > 0, total / np.maximum(sides, 1), np.nan).astype(np.float32)


def firstbreak_picks(model: Any, gather: Section,
                     ctx: JobContext | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(onset ms, confidence in [0, 1]) per trace of a shot gather, NaN where unpicked, from
    ONE pass of a first-break model, always through the combined picker: the network's onset
    likelihood made consistent with the gather's refractor trend
    (:mod:`geodesk.ml.tasks.fb_combine`), whatever decoding the model file names, then (the
    model's ``classical="earlier"``, the default) combined with the classical picker
    (:mod:`geodesk.ml.tasks.fb_hybrid`). The confidence of a network pick is
    :func:`change_point_confidence` at the pick times the network's probability that the onset
    lies inside the trend window (low where network and trend disagree); of a classical pick,
    its classical trend confidence (:func:`~geodesk.core.processing.fb_classical.trend_confidence`)."""
    if not all(hasattr(model, a) for a in ("_prepare", "_raw", "combined", "net_")):
        times = np.asarray(model.predict(gather, ctx=ctx), dtype=np.float32)
        return times, np.full(times.shape, np.nan, dtype=np.float32)
    d = decode_first_breaks(model, gather, ctx)
    return d.times, np.where(np.isfinite(d.times), d.confidence, np.nan).astype(np.float32)


@dataclass
class DecodedFirstBreaks:
    """One network pass over a gather as the workstation picks it (see :func:`firstbreak_picks`):
    the prepared input, the class probabilities, the combined onsets, times (ms), confidence
    and, with ``classical="earlier"``, the classical combination (its mer_trend picks and
    trend; None otherwise), so the uncertainty measures need no second classical pick."""

    prep: Any
    prob: np.ndarray
    onsets: Any
    times: np.ndarray
    confidence: np.ndarray
    hybrid: Any = None


def decode_first_breaks(model: Any, gather: Section,
                        ctx: JobContext | None = None) -> DecodedFirstBreaks:
    """The one decoding of a first-break network's answer, shared by the picks and by the
    uncertainty measures (so both always describe the same picks)."""
    prep = model._prepare(gather)
    model.net_.eval()
    raw = model._raw(prep.inp, ctx)
    p = model.probabilities(raw)  # as predict does: the same picks to the last bit
    if hasattr(model, "decode_trend"):
        times, onsets, hybrid = model.decode_trend(p, prep)
    else:  # a model class without the classical combination
        onsets, hybrid = model.combined(p, prep), None
        times = model.onset_times(onsets.k, prep, p.shape[-1])
    conf = change_point_confidence(p, np.round(onsets.k).astype(np.int64)) * onsets.inside
    if hybrid is not None:  # classical picks carry the classical trend's confidence
        from geodesk.core.processing.fb_classical import trend_confidence

        classical = np.nan_to_num(trend_confidence(hybrid.classical), nan=0.0)
        conf = np.where(hybrid.from_network, conf, classical).astype(np.float32)
    return DecodedFirstBreaks(prep, p, onsets, times, conf, hybrid)


def pick_first_breaks_model(survey: Survey, model: Any, ctx: JobContext,
                            first: Sequence[int] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Pick every shot gather of a pre-stack ``survey`` with a first-break model (a job).

    Shots whose FFID is in ``first`` (those on screen) go first. After each shot the job
    publishes ``(file trace indices, times)``, so the GUI can show results while it runs.
    Returns (times, confidence) per file trace (float32, NaN unpicked). ``survey`` must be a
    handle this thread may read (see :func:`geodesk.core.segy.reader.private_survey`).
    """
    if survey.kind != "prestack":
        raise SurveyError(f"first breaks are picked on pre-stack gathers, not {survey.kind}")
    shots = survey if survey.gather_key == "ffid" else survey.regroup("ffid")
    times = np.full(survey.n_traces, np.nan, dtype=np.float32)
    conf = np.full(survey.n_traces, np.nan, dtype=np.float32)
    try:
        keys = priority_order(shots.gather_keys, first)
        for n, key in enumerate(keys):
            part = PartContext(ctx, n, len(keys), f"First breaks (U-Net): shot {key} "
                                            f"({n + 1} of {len(keys)})")
            part.progress(0.0)
            g = shots.gather(key)
            idx = np.asarray(g.trace_index, dtype=np.int64)
            t, c = firstbreak_picks(model, g, part)
            ok = idx >= 0
            times[idx[ok]], conf[idx[ok]] = t[ok], c[ok]
            ctx.publish((idx[ok], t[ok]))
    finally:
        if shots is not survey:
            shots.close()
    ctx.progress(1.0, "First breaks (U-Net): done")
    return times, conf


# -- velocities ---------------------------------------------------------------------------------
def semblance_time_range(values: np.ndarray, times_ms: np.ndarray,
                         frac: float = 0.3) -> tuple[float, float] | None:
    """First and last time whose best semblance reaches ``frac`` of the panel's best: where
    there are reflections to pick (above: mute zone, below: the end of the data). On the demo
    CMPs (15 dB) noise and the record's edges stay below 0.25 of the best, reflections above
    0.5."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    t = np.asarray(times_ms, dtype=float)
    if v.ndim != 2 or v.shape[1] != t.size or t.size == 0:
        return None
    best = v.max(axis=0)
    top = best.max()
    if not top > 0:
        return None
    on = np.flatnonzero(best >= frac * top)
    return float(t[on[0]]), float(t[on[-1]])


def _bends(t: np.ndarray, v: np.ndarray, tol: float) -> list[int]:
    """Indices kept by Douglas-Peucker on the curve v(t) with vertical tolerance ``tol``."""
    keep = {0, len(t) - 1}
    stack = [(0, len(t) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        line = v[a] + (v[b] - v[a]) * (t[a + 1:b] - t[a]) / max(t[b] - t[a], 1e-12)
        err = np.abs(v[a + 1:b] - line)
        k = int(np.argmax(err))
        if err[k] > tol:
            m = a + 1 + k
            keep.add(m)
            stack += [(a, m), (m, b)]
    return sorted(keep)


def velocity_knots(times_ms: np.ndarray, vrms: np.ndarray, *, t_min: float | None = None,
                   t_max: float | None = None, max_gap_ms: float = 200.0,
                   tol_frac: float = 0.005, min_gap_ms: float = 40.0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """A few (time, Vrms) knots that reproduce a dense Vrms(t) trend: where it bends (linear
    interpolation between knots stays within ``tol_frac`` of V) and at least every
    ``max_gap_ms``, never closer than ``min_gap_ms``, within [``t_min``, ``t_max``]; knot
    times are sample times of ``times_ms``."""
    t = np.asarray(times_ms, dtype=float)
    v = np.asarray(vrms, dtype=float)
    ok = np.isfinite(t) & np.isfinite(v)
    if t_min is not None:
        ok &= t >= t_min
    if t_max is not None:
        ok &= t <= t_max
    t, v = t[ok], v[ok]
    if t.size == 0:
        return np.zeros(0), np.zeros(0)
    if t.size == 1:
        return t.copy(), v.copy()
    tol = max(float(tol_frac) * float(np.median(np.abs(v))), 1e-6)
    idx = _bends(t, v, tol)
    filled = [idx[0]]
    for a, b in itertools.pairwise(idx):  # regular knots in long gaps
        pieces = int(np.ceil((t[b] - t[a]) / max_gap_ms - 1e-9))
        for q in range(1, pieces):
            filled.append(int(np.argmin(np.abs(t - (t[a] + q * (t[b] - t[a]) / pieces)))))
        filled.append(b)
    filled = sorted(set(filled))
    out = [filled[0]]
    for k in filled[1:-1]:  # thin out knots that crowd each other
        if t[k] - t[out[-1]] >= min_gap_ms:
            out.append(k)
    last = filled[-1]  # the deepest knot stays; it replaces a crowding neighbour
    if len(out) > 1 and t[last] - t[out[-1]] < min_gap_ms:
        out[-1] = last
    else:
        out.append(last)
    return t[out], v[out]


def demultipled(gather: Section) -> Section:
    """A copy of the CMP ``gather`` with its multiples subtracted (parabolic Radon,
    :func:`~geodesk.core.processing.velpick.demultiple_gather`)."""
    import dataclasses

    from geodesk.core.processing.velpick import demultiple_gather

    data = demultiple_gather(gather.data, np.asarray(gather.headers["offset"], dtype=float),
                             np.asarray(gather.axis1.values, dtype=float))
    return dataclasses.replace(gather, data=data)


def model_velocity_function(model: Any, gather: Section, ctx: JobContext | None = None,
                            *, demultiple: bool = False,
                            **knot_options: float) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (time ms, Vrms) picks of one CMP gather by a velocity model, where its semblance
    panel shows reflections: the semblance peaks nearest the network's trend
    (:func:`~geodesk.ml.tasks.velocities.model_velocity_picks`), or, with ``refine=False``, the
    trend itself reduced to :func:`velocity_knots`. With ``demultiple`` all of it runs on the
    gather with its multiples subtracted (:func:`demultipled`)."""
    from geodesk.ml.tasks.velocities import model_velocity_picks, panel_for_gather

    if demultiple:
        gather = demultipled(gather)
    refine = bool(knot_options.pop("refine", True))
    lo = float(getattr(model, "vmin", 1400.0))
    hi = float(getattr(model, "vmax", 6000.0))
    panel = panel_for_gather(gather, vmin=min(lo, 1400.0), vmax=max(hi, 6000.0))
    span = semblance_time_range(panel.values, panel.times_ms)
    if span is None:
        return np.zeros(0), np.zeros(0)
    if refine and hasattr(model, "bins"):
        t, v = model_velocity_picks(model, gather, ctx=ctx,
                                    knot_ms=float(knot_options.get("max_gap_ms", 200.0)))
        keep = (t >= span[0]) & (t <= span[1])
        if keep.any():
            return t[keep], v[keep]
    dense = np.asarray(model.predict(panel, ctx=ctx), dtype=float)
    opts = {"t_min": span[0], "t_max": span[1], **knot_options}
    return velocity_knots(panel.times_ms, dense, **opts)


def pick_velocities_model(survey: Survey, model: Any, ctx: JobContext, *, every: int = 1,
                          min_fold: int = 6, first: Sequence[int] = (), demultiple: bool = False
                          ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``{cdp: (t_ms, vrms)}`` knots by a velocity model on every ``every``-th CMP (a job;
    ``first`` CDPs go first; each CMP's knots are published as ``{cdp: (t, v)}``). CMPs with
    fewer than ``min_fold`` live traces or nothing to pick are left out; ``demultiple`` as in
    :func:`model_velocity_function`."""
    from geodesk.core.processing.nmo import cmp_view
    from geodesk.core.processing.velpick import live_count

    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    with cmp_view(survey) as cmps:
        keys = priority_order(np.asarray(cmps.gather_keys)[::every], first)
        for n, cdp in enumerate(keys):
            part = PartContext(ctx, n, len(keys), f"Velocities (U-Net): CDP {cdp} "
                                            f"({n + 1} of {len(keys)})")
            part.progress(0.0)
            g = cmps.gather(cdp)
            if live_count(g.data) < max(2, min_fold):
                continue
            t, v = model_velocity_function(model, g, part, demultiple=demultiple)
            if t.size:
                out[cdp] = (t, v)
                ctx.publish({cdp: (t, v)})
    ctx.progress(1.0, f"Velocities (U-Net): {len(out)} CMPs picked")
    return out
