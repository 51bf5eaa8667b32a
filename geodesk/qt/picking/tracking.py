"""Track and auto-pick actions: section tracking, 3D tracking and first-break auto-picking.

Long work runs as a job through the window's :class:`~geodesk.qt.jobs.JobRunner` (progress and
Cancel in the status bar, partial results published); each result is written to the picks as
ONE undoable step. Jobs read the file through their own handle: segyio handles are not shared
between threads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import geodesk
from geodesk.core.history import History
from geodesk.core.jobs import JobContext
from geodesk.core.picks import CORRECTED, MANUAL, FirstBreaks, Horizon
from geodesk.core.processing.firstbreaks import pick_first_breaks
from geodesk.core.processing.tracking import TrackParams, track_3d
from geodesk.core.section import Section
from geodesk.core.survey import Survey
from geodesk.qt.picking.params import PickParams


def private_survey(survey: Survey) -> tuple[Survey, bool]:
    """A survey a worker thread may read: the same file opened again (True: close it after),
    or ``survey`` itself when it is not a file (in-memory surveys)."""
    path = Path(str(getattr(survey, "path", "")))
    if not path.is_file():
        return survey, False
    hb = survey.header_bytes
    own = geodesk.open(path, kind=survey.kind, iline=hb.inline, xline=hb.crossline,
                       cdp_x=hb.cdp_x, cdp_y=hb.cdp_y, cdp=hb.cdp, offset=hb.offset,
                       ffid=hb.ffid, channel=hb.channel)
    return own, True


def track_3d_job(survey: Survey, seeds: list[tuple[float, float, float]], params: TrackParams):
    """A job tracking ``seeds`` through the post-stack volume of ``survey``; its result and
    published partials are ``(times (n_il, n_xl), confidence)`` over the survey grid."""

    def job(ctx: JobContext) -> tuple[np.ndarray, np.ndarray]:
        src, own = private_survey(survey)
        try:
            return track_3d(src, seeds, params, ctx)
        finally:
            if own:
                src.close()

    return job


def write_grid(horizon: Horizon, history: History, inlines: np.ndarray, crosslines: np.ndarray,
               times: np.ndarray, confidence: np.ndarray | None) -> int:
    """Write a tracked grid over ``inlines`` x ``crosslines`` into ``horizon`` (nodes off its
    grid are skipped) as one step "Track horizon <name>"; returns the number written."""
    il, xl = np.meshgrid(np.asarray(inlines), np.asarray(crosslines), indexing="ij")
    on = np.isin(il, horizon.inlines) & np.isin(xl, horizon.crosslines)
    idx = horizon.flat_index_of(il[on], xl[on])
    conf = None if confidence is None else np.asarray(confidence)[on]
    return horizon.write_tracked(history, idx, np.asarray(times)[on], conf,
                                 label=f"Track horizon {horizon.name}")


def auto_pick(section: Section, params: PickParams) -> np.ndarray:
    """First-break times (ms, recorded time) of every trace of a gather with the chosen method:
    STA/LTA with a trigger level and back-off to the emergent onset, or the energy ratio; picks
    straying from the offset trend are re-picked near it."""
    t = np.asarray(section.axis1.values, dtype=float)
    dt = float(t[1] - t[0])
    stalta = params.fb_method == "stalta"
    trigger = params.fb_trigger if stalta and params.fb_trigger > 1 else None
    offsets = section.headers.get("offset")
    residual = params.fb_max_residual_ms if params.fb_max_residual_ms > 0 else None
    return pick_first_breaks(section.data, dt, params.fb_method, sta_ms=params.fb_sta_ms,
                             lta_ms=params.fb_lta_ms, window_ms=params.fb_window_ms,
                             trigger=trigger, back_off=stalta, t0_ms=float(t[0]),
                             offsets=None if residual is None else offsets,
                             max_residual_ms=residual)


def model_provenance(params: PickParams) -> str:
    """Provenance of auto-picks: the picker and its version (``model:stalta@1``)."""
    return f"model:{params.fb_method}@1"


def write_auto_picks(fb: FirstBreaks, history: History, index: np.ndarray, times: np.ndarray,
                     params: PickParams, label: str) -> int:
    """Write auto-picks as one step; manual and corrected picks and NaN results are kept."""
    idx = np.asarray(index, dtype=np.int64)
    t = np.asarray(times, dtype=float)
    keep = [fb.provenance_table.code(MANUAL), fb.provenance_table.code(CORRECTED)]
    sel = (idx >= 0) & np.isfinite(t)
    sel[sel] &= ~np.isin(fb.provenance[idx[sel]], keep)
    if not sel.any():
        return 0
    cmd = fb.set_times(history, idx[sel], t[sel], provenance=model_provenance(params),
                       label=label)
    return 0 if cmd is None else int(cmd.index.size)


def auto_pick_all_job(survey: Survey, params: PickParams):
    """A job auto-picking every gather of a pre-stack survey; returns (file trace indices,
    times) and publishes nothing (the write is one step at the end)."""

    def job(ctx: JobContext) -> tuple[np.ndarray, np.ndarray]:
        src, own = private_survey(survey)
        try:
            keys = np.asarray(src.gather_keys)
            idx: list[Any] = []
            times: list[Any] = []
            for n, k in enumerate(keys):
                ctx.progress(n / max(len(keys), 1), f"first breaks: gather {n + 1} of {len(keys)}")
                g = src.gather(int(k))
                idx.append(np.asarray(g.trace_index, dtype=np.int64))
                times.append(auto_pick(g, params))
            ctx.progress(1.0, "first breaks picked")
            if not idx:
                return np.empty(0, np.int64), np.empty(0)
            return np.concatenate(idx), np.concatenate(times)
        finally:
            if own:
                src.close()

    return job
