"""First-break auto-picking of a whole pre-stack survey, and writing the result as one step.

One implementation serves every entry point (the GUI's dialog and Pick menu, scripts): a
frozen :class:`FirstBreakParams`, :func:`pick_gather` for one shot gather and the job
:func:`pick_survey_first_breaks` that picks every shot through its own file handle (segyio
handles are not shared between threads) and returns one time per file trace. The caller
writes the times with :func:`write_auto_picks` as ONE undoable step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from geodesk.core.history import History
from geodesk.core.jobs import JobContext
from geodesk.core.picks import CORRECTED, MANUAL, FirstBreaks
from geodesk.core.processing.fb_classical import pick_mer_trend, trend_confidence
from geodesk.core.processing.firstbreaks import METHODS, PICKER_VERSION, pick_first_breaks
from geodesk.core.section import Section
from geodesk.core.segy.reader import private_survey
from geodesk.core.survey import Survey, SurveyError


@dataclass(frozen=True)
class FirstBreakParams:
    """Settings of :func:`pick_first_breaks` for survey-wide picking.

    ``trigger`` is an STA/LTA level that finds weak first arrivals ahead of stronger later ones
    (0: off, STA/LTA only); ``max_residual_ms`` re-picks picks off the offset trend (0: off).
    ``method="mer_trend"`` (the gather-wide pipeline with the refractor trend) sets its own
    windows from the data and ignores the other settings. It is the default: on shots from
    outside GeoDesk's generator and on real shots with human picks it is the most accurate
    picker measured (``bench/bench_fb_quality.py``); ``stalta`` stays available.
    """

    method: str = "mer_trend"
    sta_ms: float = 10.0
    lta_ms: float = 100.0
    window_ms: float = 20.0
    threshold: float = 0.5
    trigger: float = 6.0
    back_off: bool = True
    max_residual_ms: float = 0.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; choose one of {', '.join(METHODS)}")

    @property
    def provenance(self) -> str:
        """Provenance of the picks: picker and version (``model:stalta@2``)."""
        return f"model:{self.method}@{PICKER_VERSION}"

    def picker(self) -> FirstBreakParams:
        """These settings alone (a subclass adding GUI fields converts back to this class)."""
        return FirstBreakParams(**{f.name: getattr(self, f.name)
                                   for f in fields(FirstBreakParams)})


def pick_gather(section: Section, params: FirstBreakParams) -> np.ndarray:
    """First-break times (ms, recorded time; NaN unpicked) of every trace of a shot gather."""
    return pick_gather_scored(section, params)[0]


def pick_gather_scored(section: Section, params: FirstBreakParams
                       ) -> tuple[np.ndarray, np.ndarray | None]:
    """Times as :func:`pick_gather` and, for ``mer_trend``, a confidence per trace from its
    residual to the refractor trend (under 0.5 where flagged); None for the other methods."""
    t = np.asarray(section.axis1.values, dtype=float)
    if t.size < 2:
        raise ValueError("a gather needs at least two samples to pick first breaks")
    dt = float(t[1] - t[0])
    if params.method == "mer_trend":
        result = pick_mer_trend(section.data, dt, section.headers.get("offset"),
                                t0_ms=float(t[0]))
        return result.picks_ms, trend_confidence(result)
    stalta = params.method == "stalta"
    trigger = params.trigger if stalta and params.trigger > 1 else None
    residual = params.max_residual_ms if params.max_residual_ms > 0 else None
    offsets = section.headers.get("offset") if residual is not None else None
    return pick_first_breaks(section.data, dt, params.method,
                             sta_ms=params.sta_ms, lta_ms=params.lta_ms,
                             window_ms=params.window_ms, threshold=params.threshold,
                             trigger=trigger, back_off=params.back_off, t0_ms=float(t[0]),
                             offsets=offsets, max_residual_ms=residual if offsets is not None
                             else None), None


def pick_survey_first_breaks(survey_or_path: Survey | str | os.PathLike,
                             params: FirstBreakParams, ctx: JobContext,
                             with_confidence: bool = False,
                             **open_kw: Any) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Auto-pick every shot gather of a pre-stack survey (a job: progress, cancel).

    Returns float32 times (ms, NaN unpicked) indexed by file trace, and with
    ``with_confidence`` also a confidence per trace (NaN where the method gives none; for
    ``mer_trend`` under 0.5 on traces off the refractor trend). A path is opened with
    ``open_kw`` (``kind="prestack"`` by default); CDP-sorted surveys are regrouped to shots,
    since the offset-trend stage assumes one source per gather.
    """
    if isinstance(survey_or_path, (str, os.PathLike)):
        open_kw.setdefault("kind", "prestack")
    with private_survey(survey_or_path, **open_kw) as src:
        if src.kind != "prestack":
            raise SurveyError(f"first breaks are picked on pre-stack gathers, not {src.kind}")
        shots = src if src.gather_key == "ffid" else src.regroup("ffid")
        try:
            times = np.full(src.n_traces, np.nan, dtype=np.float32)
            conf = np.full(src.n_traces, np.nan, dtype=np.float32)
            keys = np.asarray(shots.gather_keys)
            for n, key in enumerate(keys):
                ctx.progress(n / max(len(keys), 1),
                             f"Auto-picking first breaks: shot {key} ({n + 1} of {len(keys)})")
                g = shots.gather(int(key))
                idx = np.asarray(g.trace_index, dtype=np.int64)
                times[idx], c = pick_gather_scored(g, params)
                if c is not None:
                    conf[idx] = c
        finally:
            if shots is not src:  # a regrouped view holds its own file handle
                shots.close()
        ctx.progress(1.0, "Auto-picking first breaks: done")
    return (times, conf) if with_confidence else times


def write_auto_picks(fb: FirstBreaks, history: History | None, index: np.ndarray,
                     times: np.ndarray, provenance: str, label: str,
                     overwrite: bool = False, confidence: np.ndarray | None = None) -> int:
    """Write machine picks at file traces ``index`` as one step ``label``; NaN never erases, and
    manual and corrected picks stay unless ``overwrite``. ``confidence`` (one per index, e.g.
    a model's) is stored with the picks. Returns the number written."""
    idx = np.asarray(index, dtype=np.int64).ravel()
    t = np.asarray(times, dtype=float).ravel()
    c = None if confidence is None else np.asarray(confidence, dtype=float).ravel()
    if idx.shape != t.shape or (c is not None and c.shape != t.shape):
        raise ValueError("one time (and confidence) per trace index is needed")
    sel = (idx >= 0) & np.isfinite(t)
    if not overwrite:
        keep = [fb.provenance_table.code(MANUAL), fb.provenance_table.code(CORRECTED)]
        sel[sel] &= ~np.isin(fb.provenance[idx[sel]], keep)
    if not sel.any():
        return 0
    cmd = fb.set_times(history, idx[sel], t[sel], provenance=provenance,
                       confidence=None if c is None else c[sel], label=label)
    return 0 if cmd is None else int(cmd.index.size)
