"""First-break picking on a pre-stack gather: click, drag trace by trace, Shift-drag a line."""

from __future__ import annotations

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks import MANUAL, FirstBreaks
from geodesk.core.section import Section
from geodesk.core.tools.base import (
    Modifiers,
    OverlayItem,
    SnapFn,
    ToolError,
    has_modifier,
    segment_traces,
    snap_times,
)
from geodesk.core.tools.stroke import StrokeTool


class FirstBreakTool(StrokeTool):
    """Click picks the nearest trace, a drag picks every trace along the path, a Shift-drag
    picks along the straight line from press to release; right button or erase mode clears.

    The gather's ``trace_index`` maps its traces to the picks (file trace indices).
    """

    def __init__(self, picks: FirstBreaks, history: History, section: Section,
                 snap: SnapFn | None = None, mode: str = "pick") -> None:
        super().__init__(history, section, snap, mode)
        self.picks = picks
        self._line: tuple[float, float, float, float] | None = None
        self.set_section(section)

    def set_section(self, section: Section) -> None:
        """Show another gather (a stroke or line in progress is aborted)."""
        self.cancel()
        if section.trace_index is None:
            raise ToolError("this gather has no file trace indices to pick on")
        ti = np.asarray(section.trace_index, dtype=np.int64)
        if ti.size and ti.max() >= self.picks.n_traces:
            raise ToolError("gather trace indices exceed the first-break picks' traces")
        self.section = section
        self._ti = ti

    def _label(self, erasing: bool) -> str:
        return "Clear first breaks" if erasing else "Pick first breaks"

    def _write(self, traces: np.ndarray, times: np.ndarray | None) -> None:
        ok = self._ti[traces] >= 0
        if not ok.any():
            return
        idx = self._ti[traces][ok]
        if times is None:
            self.picks.erase(self.history, idx, label=self._label(True))
        else:
            self.picks.set_times(self.history, idx, times[ok], provenance=MANUAL,
                                 label=self._label(False))

    # -- line mode ------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return bool(self._path) or self._line is not None

    def press(self, x: float, t: float, button: str = "left", modifiers: Modifiers = ()) -> None:
        if self.active:
            return
        erasing = self.mode == "erase" or button == "right"
        if has_modifier(modifiers, "shift") and not erasing:
            self._line = (float(x), float(t), float(x), float(t))
        else:
            self.begin_stroke(x, t, erasing)

    def move(self, x: float, t: float, modifiers: Modifiers = ()) -> None:
        if self._line is not None:
            self._line = (*self._line[:2], float(x), float(t))
        else:
            self.extend_stroke(x, t)

    def release(self, x: float, t: float, button: str = "left",
                modifiers: Modifiers = ()) -> None:
        if self._line is None:
            self.end_stroke(x, t)
            return
        x0, t0 = self._line[:2]
        self._line = None
        traces, times = segment_traces(x0, t0, float(x), float(t), self.section.shape[0])
        live = np.asarray(self.section.live, dtype=bool)[traces]
        traces, times = traces[live], times[live]
        with self.history.transaction("Pick first breaks (line)"):
            if traces.size:
                self._write(traces, snap_times(self.section, traces, times, self.snap))

    def cancel(self) -> bool:
        if getattr(self, "_line", None) is not None:
            self._line = None
            return True
        return super().cancel()

    # -- drawing --------------------------------------------------------------------------------
    def gather_times(self) -> np.ndarray:
        """Picked time of every trace of this gather (NaN unpicked)."""
        t = self.picks.times[self._ti.clip(0)].astype(float)
        return np.where(self._ti >= 0, t, np.nan)

    def overlay(self) -> list[OverlayItem]:
        """Picks on this gather (points), the stroke in progress and the line rubber band."""
        t = self.gather_times()
        x = np.arange(t.size, dtype=float)
        ok = np.isfinite(t)
        items = [OverlayItem("points", np.column_stack([x[ok], t[ok]]), "first_breaks")]
        if self._line is not None:
            x0, t0, x1, t1 = self._line
            items.append(OverlayItem("line", np.array([[x0, t0], [x1, t1]]), "rubber_band"))
        return items + self._stroke_overlay()
