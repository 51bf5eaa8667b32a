"""Normal-moveout correction, its inverse, and the NMO stack of one CMP gather.

A velocity function is a pair of arrays ``(t_ms, vrms)`` (knots, linear in between, constant
beyond the ends). NMO maps the sample at ``t = sqrt(t0^2 + x^2 / v(t0)^2)`` to ``t0`` with
linear interpolation. The stretch mute zeroes samples whose frequency distortion
``(t - t0) / t0`` (Yilmaz's Δt_NMO / t0) exceeds ``stretch_mute_pct`` percent.
"""

from __future__ import annotations

import contextlib
from functools import partial
from typing import NamedTuple

import numpy as np


def vrms_at(t_fn: np.ndarray, v_fn: np.ndarray, times_ms: np.ndarray) -> np.ndarray:
    """Velocity function sampled at ``times_ms`` (linear between knots, constant beyond)."""
    t_fn = np.asarray(t_fn, dtype=float).ravel()
    v_fn = np.asarray(v_fn, dtype=float).ravel()
    if t_fn.size == 0 or t_fn.size != v_fn.size:
        raise ValueError(f"velocity function needs matching knots, got {t_fn.size} times and "
                         f"{v_fn.size} velocities")
    if np.any(~np.isfinite(v_fn)) or np.any(v_fn <= 0):
        raise ValueError("velocities must be positive and finite")
    order = np.argsort(t_fn, kind="stable")
    return np.interp(np.asarray(times_ms, dtype=float), t_fn[order], v_fn[order])


def _check(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray) -> tuple:
    a = np.asarray(gather, dtype=np.float32)
    x = np.abs(np.asarray(offsets, dtype=float)).ravel()
    t = np.asarray(times_ms, dtype=float).ravel()
    if a.ndim != 2 or a.shape != (x.size, t.size):
        raise ValueError(f"gather shape {a.shape} does not match {x.size} offsets x "
                         f"{t.size} times")
    if t.size < 2 or not (t[1] - t[0]) > 0:
        raise ValueError("times must be regularly sampled and increasing")
    return a, x, t, float(t[1] - t[0])


def moveout_times(offsets: np.ndarray, times_ms: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Recorded time (ms) of every (offset, t0) for the velocity ``v`` sampled at ``times_ms``."""
    x = np.abs(np.asarray(offsets, dtype=np.float32))
    t0 = np.asarray(times_ms, dtype=np.float32)
    slow = (np.float32(1000.0) / np.asarray(v, dtype=np.float32)) ** 2
    return np.sqrt(t0[None, :] ** 2 + (x * x)[:, None] * slow[None, :])


def sample_rows(a: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear interpolation of each row of ``a`` at fractional sample positions ``pos``.

    Returns the values and a mask of positions inside the record (others are zero).
    """
    n_x, n_s = a.shape
    inside = (pos >= 0) & (pos <= n_s - 1)
    p = np.clip(pos, 0, n_s - 1)
    i0 = np.minimum(p.astype(np.intp), n_s - 2) if n_s > 1 else np.zeros(p.shape, np.intp)
    w = (p - i0).astype(np.float32)
    flat = a.ravel()
    base = i0 + (np.arange(n_x, dtype=np.intp) * n_s)[:, None]
    lo = flat.take(base)
    hi = flat.take(base + 1)
    out = lo + w * (hi - lo)
    out[~inside] = 0.0
    return out, inside


def nmo_correct(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray,
                t_fn: np.ndarray, v_fn: np.ndarray,
                stretch_mute_pct: float | None = None, *,
                cache: MoveoutCache | None = None) -> np.ndarray:
    """NMO-corrected copy of ``gather`` (n_traces, n_samples), float32; muted samples are zero.
    ``cache`` reuses the previous gather's moveout geometry when this one has the same."""
    return _nmo(gather, offsets, times_ms, t_fn, v_fn, stretch_mute_pct, cache)[0]


def _nmo(gather, offsets, times_ms, t_fn, v_fn, stretch_mute_pct, cache=None):
    """``(corrected, valid)``: the compiled pass where numba is there, else numpy."""
    from geodesk.core.processing import nmo_compiled

    a, x, t, dt = _check(gather, offsets, times_ms)
    if nmo_compiled.use_compiled():
        return nmo_compiled.compiled_nmo(a, x, t, vrms_at(t_fn, v_fn, t), stretch_mute_pct)
    return _nmo_numpy(a, x, t, dt, vrms_at(t_fn, v_fn, t), stretch_mute_pct, cache)


class MoveoutPlan(NamedTuple):
    """Where NMO takes each output sample from: flat index of the earlier input sample, the
    float32 weight of the later one, and which samples are kept (inside, not muted)."""

    index: np.ndarray
    weight: np.ndarray
    valid: np.ndarray
    muted: np.ndarray  # ~valid


def moveout_plan(x: np.ndarray, t: np.ndarray, dt: float, v: np.ndarray,
                 stretch_mute_pct: float | None, n_s: int) -> MoveoutPlan:
    """The moveout geometry of a gather with |offsets| ``x`` and ``n_s`` samples, output
    times ``t`` (ms, step ``dt``) and Vrms ``v`` at each: the compiled pass's float32
    arithmetic as a few in-place numpy passes."""
    n_x = x.size
    t0 = t.astype(np.float32)
    xx = np.asarray(x, dtype=np.float32) ** 2
    tm = np.multiply.outer(xx, (np.float32(1000.0) / np.asarray(v, dtype=np.float32)) ** 2)
    tm += t0 * t0
    np.sqrt(tm, out=tm)  # recorded time of each (offset, t0)
    pos = tm - np.float32(t[0])
    pos /= np.float32(dt)  # its fractional sample
    valid = pos >= 0
    valid &= pos <= np.float32(n_s - 1)
    if stretch_mute_pct is not None:
        zero = t0 <= 0  # t0 = 0: only a zero-offset trace is kept
        inside_at_zero = valid[:, zero] & (x == 0)[:, None]
        tm -= t0
        valid &= tm <= np.float32(stretch_mute_pct / 100.0) * t0
        valid[:, zero] = inside_at_zero
    i0 = pos.astype(np.intp)
    np.clip(i0, 0, n_s - 2, out=i0)
    pos -= i0  # the weight of the later sample
    i0 += (np.arange(n_x, dtype=np.intp) * n_s)[:, None]
    plan = MoveoutPlan(i0, pos, valid, ~valid)
    for part in plan:
        part.flags.writeable = False  # a cached plan serves several gathers
    return plan


def apply_plan(a: np.ndarray, plan: MoveoutPlan) -> np.ndarray:
    """Gather ``a`` (float32) resampled by ``plan``: linear interpolation, muted samples zero."""
    flat = np.ascontiguousarray(a, dtype=np.float32).ravel()
    lo = flat.take(plan.index)
    out = flat[1:].take(plan.index)
    out -= lo
    out *= plan.weight
    out += lo
    np.copyto(out, 0.0, where=plan.muted)
    return out


class MoveoutCache:
    """The last gather's moveout plan, reused by the next gather with the same offsets, times,
    velocities and mute: along a line with one velocity function (or beyond the last picked
    CDP) and a fixed spread, NMO then only resamples. Safe to share between worker threads
    (at worst two threads both make a plan)."""

    def __init__(self) -> None:
        self._last: tuple | None = None
        self._fold: tuple | None = None  # (valid mask, its fold)

    def fold(self, valid: np.ndarray) -> np.ndarray:
        """Live samples per time of ``valid`` (int32, read-only), kept for the mask of the
        cached plan: the stack of the next gather with that plan does not count them again."""
        held = self._fold
        if held is not None and held[0] is valid:
            return held[1]
        fold = valid.sum(axis=0).astype(np.int32)
        fold.flags.writeable = False
        self._fold = (valid, fold)
        return fold

    def plan(self, x: np.ndarray, t: np.ndarray, dt: float, v: np.ndarray,
             stretch_mute_pct: float | None, n_s: int) -> MoveoutPlan:
        last = self._last
        if (last is not None and last[0] == (n_s, stretch_mute_pct, dt)
                and np.array_equal(last[1], x) and np.array_equal(last[2], t)
                and np.array_equal(last[3], v)):
            return last[4]
        plan = moveout_plan(x, t, dt, v, stretch_mute_pct, n_s)
        self._last = ((n_s, stretch_mute_pct, dt), x.copy(), t.copy(), np.array(v), plan)
        return plan


def _nmo_numpy(a, x, t, dt, v, stretch_mute_pct, cache: MoveoutCache | None = None):
    """The NMO resampling by numpy (the fallback, and the check of the compiled pass)."""
    n_s = a.shape[1]
    plan = (cache.plan(x, t, dt, v, stretch_mute_pct, n_s) if cache is not None
            else moveout_plan(x, t, dt, v, stretch_mute_pct, n_s))
    return apply_plan(a, plan), plan.valid


def inverse_nmo(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray,
                t_fn: np.ndarray, v_fn: np.ndarray) -> np.ndarray:
    """Undo :func:`nmo_correct`: put each ``t0`` sample back at its recorded time."""
    a, x, t, dt = _check(gather, offsets, times_ms)
    tm = moveout_times(x, t, vrms_at(t_fn, v_fn, t)).astype(float)
    # Where fast velocity increase makes moveout curves cross (far offsets, shallow times) keep
    # the deeper branch: the recorded time of t0 is capped by that of every later t0.
    tm = np.minimum.accumulate(tm[:, ::-1], axis=1)[:, ::-1]
    pos = np.empty(a.shape, dtype=np.float32)
    for i in range(a.shape[0]):
        t0 = np.interp(t, tm[i], t, left=np.nan, right=np.nan)
        pos[i] = (t0 - t[0]) / dt
    bad = ~np.isfinite(pos)
    pos[bad] = -1.0
    return sample_rows(a, pos)[0]


def nmo_stack(gather: np.ndarray, offsets: np.ndarray, times_ms: np.ndarray,
              t_fn: np.ndarray, v_fn: np.ndarray,
              stretch_mute_pct: float | None = 50.0, *,
              cache: MoveoutCache | None = None) -> tuple[np.ndarray, np.ndarray]:
    """NMO and stack of one CMP: the mean over contributing traces per sample, and that fold.

    Dead traces (all zero or non-finite) and muted or out-of-record samples are not counted,
    so the amplitude of a flat event does not depend on the mute. ``cache``: as
    :func:`nmo_correct`.
    """
    a = np.asarray(gather, dtype=np.float32)
    live = np.isfinite(a).all(axis=1) & (a != 0).any(axis=1)
    n_s = a.shape[1] if a.ndim == 2 else 0
    if not live.any():
        return np.zeros(n_s, dtype=np.float32), np.zeros(n_s, dtype=np.int32)
    x = np.asarray(offsets)
    if not live.all():  # boolean indexing copies: only where there are dead traces
        a, x = a[live], x[live]
    out, valid = _nmo(a, x, times_ms, t_fn, v_fn, stretch_mute_pct, cache)
    fold = cache.fold(valid) if cache is not None else valid.sum(axis=0).astype(np.int32)
    total = out.sum(axis=0)
    trace = np.zeros(n_s, dtype=np.float32)
    np.divide(total, fold, out=trace, where=fold > 0, casting="unsafe")
    return trace, fold


@contextlib.contextmanager
def cmp_view(survey):
    """The survey grouped by CDP (shot-sorted files are sorted to CMPs by the CDP header).

    A regrouped view holds its own file handle, closed when the ``with`` block ends.
    """
    from geodesk.core.survey import Prestack, SurveyError

    if not isinstance(survey, Prestack):
        raise SurveyError(f"{survey.name} is a {survey.kind} file: velocity work needs "
                          "pre-stack CMP gathers")
    if survey.gather_key == "cdp":
        yield survey
        return
    view = survey.regroup("cdp")
    try:
        yield view
    finally:
        view.close()


def stack_gathers(survey, functions, *, stretch_mute_pct: float | None = 50.0,
                  ctx=None, workers: int | None = None):
    """NMO-stack every CMP of a pre-stack survey with a velocity field -> a 2D line Section.

    ``functions`` is ``{cdp: (t_ms, vrms)}``, interpolated linearly across CDPs. The Section
    holds one trace per CDP (``axis0`` = CDP), CDP X/Y as the mean of the gather's, and the
    headers ``cdp`` and ``fold`` (the largest fold over time). Gathers are read in turn and
    stacked on ``workers`` threads where that pays (:func:`gather_workers`).
    """
    from geodesk.core.jobs import JobContext
    from geodesk.core.processing.compiled import map_ordered
    from geodesk.core.processing.velfield import vrms_section
    from geodesk.core.section import Axis, Section

    ctx = ctx or JobContext()
    with cmp_view(survey) as cmps:
        cdps = np.asarray(cmps.gather_keys, dtype=np.int64)
        times = np.asarray(cmps.times_ms, dtype=float)
        field, _ = vrms_section(functions, cdps, times)
        _prepare(cmps.n_traces * times.size)
        data = np.zeros((cdps.size, times.size), dtype=np.float32)
        xs, ys = np.zeros(cdps.size), np.zeros(cdps.size)
        fold = np.zeros(cdps.size, dtype=np.int64)

        def gathers():
            for k, cdp in enumerate(cdps):
                ctx.progress(k / cdps.size, f"stack CDP {cdp}")
                g = cmps.gather(int(cdp))
                if g.x is not None and g.y is not None and len(g.x):
                    xs[k], ys[k] = float(np.mean(g.x)), float(np.mean(g.y))
                yield g.data, g.headers["offset"], times, times, field[k], stretch_mute_pct

        stacks = map_ordered(partial(nmo_stack, cache=MoveoutCache()), gathers(),
                             gather_workers(workers))
        for k, (trace, f) in enumerate(stacks):
            data[k] = trace
            fold[k] = int(f.max()) if f.size else 0
    ctx.progress(1.0, "stack done")
    return Section(data, Axis(cdps, "cdp"), Axis(times, "time", "ms"), "line",
                   f"stack of {survey.name}", x=xs, y=ys, headers={"cdp": cdps, "fold": fold})


def gather_workers(workers: int | None) -> int:
    """Threads a survey pass corrects gathers on (after :func:`_prepare`): ``workers`` (default
    :func:`~geodesk.core.processing.compiled.default_workers`) where the compiled pass runs, one
    for the numpy pass. The numpy pass of a gather is a dozen short array operations, each
    letting go of the GIL and taking it back: a second thread waits for it more than it works
    (``geodesk nmo`` on 100 gathers of 60 x 2000, whole process: 418 ms on two threads against
    302 on one), while the compiled pass is one GIL-free call a gather."""
    from geodesk.core.processing import nmo_compiled
    from geodesk.core.processing.compiled import default_workers

    return (workers or default_workers()) if nmo_compiled.use_compiled() else 1


def _prepare(n_samples: int) -> None:
    from geodesk.core.processing import nmo_compiled

    nmo_compiled.prepare(n_samples)


def file_order_gathers(cmps) -> bool:
    """True when every CMP's traces lie together in the file, CMPs in ascending order (a
    CDP-sorted file): its NMO can then be written gather by gather, in file order."""
    if not cmps.gather_keys.size:
        return False
    ends = []
    for cdp in cmps.gather_keys:
        idx = cmps.gather_indices(int(cdp))
        if idx.max() - idx.min() + 1 != idx.size:
            return False
        ends.append((int(idx.min()), int(idx.max())))
    return all(b[0] == a[1] + 1 for a, b in zip(ends, ends[1:])) and ends[0][0] == 0 and \
        ends[-1][1] == cmps.n_traces - 1


def nmo_blocks(cmps, functions, *, stretch_mute_pct: float | None = 50.0, ctx=None,
               workers: int | None = None):
    """NMO-corrected traces of a CDP-sorted survey (:func:`file_order_gathers`), one gather
    at a time in file order: what a writer streams, so memory stays at a few gathers (read in
    turn, corrected on ``workers`` threads where that pays: :func:`gather_workers`)."""
    from geodesk.core.jobs import JobContext
    from geodesk.core.processing.compiled import map_ordered
    from geodesk.core.processing.velfield import vrms_section

    ctx = ctx or JobContext()
    cdps = np.asarray(cmps.gather_keys, dtype=np.int64)
    times = np.asarray(cmps.times_ms, dtype=float)
    field, _ = vrms_section(functions, cdps, times)
    offsets = cmps.header_values(cmps.header_bytes.offset).astype(float)
    _prepare(cmps.n_traces * times.size)

    def gathers():
        for k, cdp in enumerate(cdps):
            ctx.progress(k / cdps.size, f"NMO CDP {cdp}")
            idx = cmps.gather_indices(int(cdp))
            rows = slice(int(idx.min()), int(idx.min()) + idx.size)  # traces are independent
            yield (cmps.traces(rows), offsets[rows], times, times, field[k],
                   stretch_mute_pct)

    yield from map_ordered(partial(nmo_correct, cache=MoveoutCache()), gathers(),
                           gather_workers(workers))
    ctx.progress(1.0, "NMO done")


def nmo_survey(survey, functions, *, stretch_mute_pct: float | None = 50.0,
               ctx=None, workers: int | None = None) -> np.ndarray:
    """NMO-correct every trace of a pre-stack survey; returns (n_traces, n_samples) in file order."""
    from geodesk.core.jobs import JobContext
    from geodesk.core.processing.compiled import map_ordered
    from geodesk.core.processing.velfield import vrms_section

    ctx = ctx or JobContext()
    with cmp_view(survey) as cmps:
        cdps = np.asarray(cmps.gather_keys, dtype=np.int64)
        times = np.asarray(cmps.times_ms, dtype=float)
        field, _ = vrms_section(functions, cdps, times)
        _prepare(cmps.n_traces * times.size)
        out = np.zeros((cmps.n_traces, times.size), dtype=np.float32)
        where = []

        def gathers():
            for k, cdp in enumerate(cdps):
                ctx.progress(k / cdps.size, f"NMO CDP {cdp}")
                g = cmps.gather(int(cdp))
                where.append(g.trace_index)
                yield g.data, g.headers["offset"], times, times, field[k], stretch_mute_pct

        corrections = map_ordered(partial(nmo_correct, cache=MoveoutCache()), gathers(),
                                  gather_workers(workers))
        for k, corrected in enumerate(corrections):
            out[where[k]] = corrected
            where[k] = None
    ctx.progress(1.0, "NMO done")
    return out
