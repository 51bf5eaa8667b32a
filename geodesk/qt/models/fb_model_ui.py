"""First breaks by the U-Net model: the job, and a preview drawn while it runs.

The job (:func:`~geodesk.ml.run.results.pick_first_breaks_model`) picks the shots on screen first
and publishes each shot's times; :class:`FirstBreakPreview` draws the times published so far
on whichever gather is shown (dashed, over the data, following navigation), so the result is
visible after one shot although the picks are written only at the end, as ONE undo step (see
:class:`~geodesk.qt.models.autopick_ui.AutopickController`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from geodesk.core.jobs import JobContext
from geodesk.core.processing.moveout import reduce_times
from geodesk.core.segy.reader import private_survey
from geodesk.core.survey import Survey

PREVIEW_COLOUR = "#ff8c00"  # the colour of machine picks (see picking.overlays.FB_COLOURS)


def shots_on_screen(window: Any) -> list[int]:
    """FFIDs of the traces of the gather on screen (one shot, or every shot of a CMP)."""
    sec, s = window.section, window.survey
    if sec is None or sec.kind != "gather" or s is None:
        return []
    ffid = sec.headers.get("ffid")
    if ffid is not None and np.ndim(ffid) == 1 and len(ffid) == sec.shape[0]:
        return [int(k) for k in np.unique(np.asarray(ffid))]
    if getattr(s, "gather_key", None) == "ffid":
        return [int(window.navigator.value)]
    return []


def model_job(survey: Survey, load: Callable[[JobContext], Any], first: list[int]):
    """A job that loads the model (``load(ctx)``, in the job's thread) and picks every shot of
    ``survey`` with it (through its own file handle); returns (times, confidence) per file
    trace and the model."""
    from geodesk.ml.run.results import pick_first_breaks_model

    def job(ctx: JobContext) -> tuple[np.ndarray, np.ndarray, Any]:
        model = load(ctx)
        with private_survey(survey) as own:
            return (*pick_first_breaks_model(own, model, ctx, first), model)

    return job


class FirstBreakPreview:
    """Dashed curve of the model times published so far, on the gather shown."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.times: np.ndarray | None = None
        self.item = pg.PlotDataItem(connect="finite", pen=pg.mkPen(
            PREVIEW_COLOUR, width=2, style=Qt.PenStyle.DashLine))
        self.item.setVisible(False)
        window.view.add_overlay(self.item, 21)
        window.sig_section_changed.connect(lambda _s: self.draw())

    def start(self, n_traces: int) -> None:
        self.times = np.full(int(n_traces), np.nan, dtype=np.float32)
        self.draw()

    def add(self, partial: Any) -> None:
        """One shot's ``(file trace indices, times)`` from the running job."""
        if self.times is None:
            return
        idx, t = partial
        idx = np.asarray(idx, dtype=np.int64)
        ok = (idx >= 0) & (idx < self.times.size)
        self.times[idx[ok]] = np.asarray(t, dtype=np.float32)[ok]
        self.draw()

    def stop(self) -> None:
        self.times = None
        self.item.setVisible(False)

    def shown_times(self) -> np.ndarray | None:
        """Preview times (ms as displayed, NaN where none yet) of the traces on screen."""
        sec = self.window.section
        if self.times is None or sec is None or sec.kind != "gather" or sec.trace_index is None:
            return None
        ti = np.asarray(sec.trace_index, dtype=np.int64)
        ok = (ti >= 0) & (ti < self.times.size)
        t = np.full(ti.size, np.nan)
        t[ok] = self.times[ti[ok]]
        velocity = self.window.features["picking"].layer.ctx.velocity
        if velocity is not None and "offset" in sec.headers:
            t = reduce_times(t, sec.headers["offset"], velocity)
        return t

    def draw(self) -> None:
        t = self.shown_times()
        if t is None or not np.isfinite(t).any():
            self.item.setVisible(False)
            return
        self.item.setData(np.arange(t.size, dtype=float), t, connect="finite")
        self.item.setVisible(True)
