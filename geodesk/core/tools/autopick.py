"""Track and auto-pick helpers: 3D tracking as a job, first-break auto-picking of one gather.

Long work runs as a job through the window's :class:`~geodesk.qt.jobs.runner.JobRunner` (progress and
Cancel in the status bar, partial results published); each result is written to the picks as
ONE undoable step. Jobs read the file through their own handle: segyio handles are not shared
between threads. Picking all gathers is :mod:`geodesk.qt.models.autopick_ui` (one job for both menus).
"""

from __future__ import annotations

import numpy as np

from geodesk.core.history import History
from geodesk.core.jobs import JobContext
from geodesk.core.picks import Horizon
from geodesk.core.processing.fb_survey import FirstBreakParams, pick_gather
from geodesk.core.processing.track_report import StopReport
from geodesk.core.processing.tracking import TrackParams, track_3d_report
from geodesk.core.section import Section
from geodesk.core.segy.reader import private_survey
from geodesk.core.survey import Survey
from geodesk.core.tools.params import PickParams


def track_3d_job(survey: Survey, seeds: list[tuple[float, float, float]], params: TrackParams):
    """A job tracking ``seeds`` through the post-stack volume of ``survey``; its result is
    ``(times (n_il, n_xl), confidence, StopReport)`` over the survey grid, its published
    partials ``(times, confidence)``."""

    def job(ctx: JobContext) -> tuple[np.ndarray, np.ndarray, StopReport]:
        with private_survey(survey) as src:
            return track_3d_report(src, seeds, params, ctx)

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


def fb_params(params: PickParams) -> FirstBreakParams:
    """The first-break picker settings held in the picking parameters."""
    return FirstBreakParams(method=params.fb_method, sta_ms=params.fb_sta_ms,
                            lta_ms=params.fb_lta_ms, window_ms=params.fb_window_ms,
                            trigger=params.fb_trigger, back_off=params.fb_method == "stalta",
                            max_residual_ms=params.fb_max_residual_ms)


def auto_pick(section: Section, params: PickParams) -> np.ndarray:
    """First-break times (ms, recorded time) of every trace of a gather with the picking
    parameters' method (see :func:`~geodesk.core.processing.fb_survey.pick_gather`)."""
    return pick_gather(section, fb_params(params))
