"""Horizon picking on an inline / crossline / 2D line section: seeds, strokes, erase, tracking."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks import MANUAL, Horizon
from geodesk.core.section import Section
from geodesk.core.tools.base import (
    OverlayItem,
    SnapFn,
    ToolError,
    section_keys,
)
from geodesk.core.tools.stroke import StrokeTool

#: ``track(section, seeds [(trace_index, t_ms)]) -> (times per trace, confidence or None)``.
TrackFn = Callable[[Section, list], tuple]


def array_tracker(fn: Callable[..., tuple], **params: object) -> TrackFn:
    """Adapt an array-level tracker ``fn(data, times_ms, seeds, live=..., **params)`` (such as
    :func:`geodesk.core.processing.tracking.track_section`) to a :data:`TrackFn`."""

    def track(section: Section, seeds: list) -> tuple:
        return fn(section.data, np.asarray(section.axis1.values, dtype=float), seeds,
                  live=section.live, **params)

    return track


class HorizonTool(StrokeTool):
    """Click adds a seed (and picks its trace); drag draws manual picks; erase mode or a
    right-button drag unpicks; :meth:`track_section` runs a tracker as one step.

    Picks land only on traces that exist on the horizon grid and are live in the section.
    """

    def __init__(self, horizon: Horizon, history: History, section: Section,
                 line: float | None = None, snap: SnapFn | None = None,
                 tracker: TrackFn | None = None, mode: str = "pick") -> None:
        super().__init__(history, section, snap, mode)
        self.horizon = horizon
        self.tracker = tracker
        self.set_section(section, line)

    def set_section(self, section: Section, line: float | None = None) -> None:
        """Show another section (a stroke in progress is aborted)."""
        self.cancel()
        if line is None and section.kind == "line":
            line = float(self.horizon.inlines[0])
        il, xl = section_keys(section, line)
        self.section = section
        self.line = line
        self._il, self._xl = il, xl
        # flat horizon index of each section trace, -1 where the trace is off the grid
        self._flat = self.horizon.flat_index_or_missing(il, xl)

    # -- stroke hooks ---------------------------------------------------------------------------
    def _label(self, erasing: bool) -> str:
        return f"{'Erase' if erasing else 'Pick'} horizon {self.horizon.name}"

    def _write(self, traces: np.ndarray, times: np.ndarray | None) -> None:
        ok = self._flat[traces] >= 0
        if not ok.any():
            return
        flat = self._flat[traces][ok]
        if times is None:
            self.horizon.erase(self.history, flat, label=self._label(True))
        else:
            self.horizon.set_times(self.history, flat, times[ok], provenance=MANUAL,
                                   label=self._label(False))

    def _finish(self, erasing: bool, visited: set[int]) -> str | None:
        traces = np.array(sorted(visited), dtype=np.int64)
        on = traces[self._flat[traces] >= 0] if traces.size else traces
        if erasing:  # seeds on erased traces go too, or tracking would bring the picks back
            gone = {(float(self._il[i]), float(self._xl[i])) for i in on}
            keep = [s for s in self.horizon.seeds if (s[0], s[1]) not in gone]
            if len(keep) != len(self.horizon.seeds):
                self.horizon.set_seeds(self.history, keep)
            return None
        if len(visited) == 1 and on.size == 1:  # a click: the picked trace becomes a seed
            i = int(on[0])
            t = float(self.horizon.times.reshape(-1)[self._flat[i]])
            if np.isfinite(t):
                self.horizon.add_seed(self.history, self._il[i], self._xl[i], t)
                return f"Add seed {self.horizon.name}"
        return None

    # -- tracking -------------------------------------------------------------------------------
    def seeds_on_section(self) -> list[tuple[int, float]]:
        """Seeds lying on this section as (trace index, t_ms), for the tracker."""
        pos = {(float(a), float(b)): k for k, (a, b) in enumerate(zip(self._il, self._xl))}
        return [(pos[(s[0], s[1])], float(s[2])) for s in self.horizon.seeds
                if (s[0], s[1]) in pos]

    def track_section(self, tracker: TrackFn | None = None, overwrite: bool = False) -> int:
        """Run ``tracker`` (or the tool's) from the seeds on this section and write the result
        as one step; returns the number of picks written. See :meth:`apply_track_result`."""
        track = tracker or self.tracker
        if track is None:
            raise ToolError("no horizon tracker is configured")
        seeds = self.seeds_on_section()
        if not seeds:
            raise ToolError(f"no seeds of {self.horizon.name} on this section")
        times, confidence = track(self.section, seeds)
        return self.apply_track_result(times, confidence, overwrite=overwrite)

    def apply_track_result(self, times: np.ndarray, confidence: np.ndarray | None = None,
                           overwrite: bool = False) -> int:
        """Write tracker output (one time per section trace, NaN untracked) with provenance
        "tracked" as one step "Track horizon <name>". Manual and corrected picks are kept
        unless ``overwrite``; picks at seeds always stay; NaN never erases. Returns the number
        of picks written."""
        self.cancel()
        t = np.asarray(times, dtype=float).ravel()
        if t.size != self.section.shape[0]:
            raise ToolError(f"tracker returned {t.size} times for {self.section.shape[0]} traces")
        c = None if confidence is None else np.asarray(confidence, dtype=float).ravel()
        sel = (self._flat >= 0) & np.asarray(self.section.live, dtype=bool)
        return self.horizon.write_tracked(
            self.history, self._flat[sel], t[sel], None if c is None else c[sel],
            overwrite=overwrite, label=f"Track horizon {self.horizon.name}")

    # -- drawing --------------------------------------------------------------------------------
    def section_times(self) -> np.ndarray:
        """Horizon time at every trace of this section (NaN unpicked or off the grid)."""
        t = self.horizon.times.reshape(-1)[self._flat.clip(0)].astype(float)
        return np.where(self._flat >= 0, t, np.nan)

    def overlay(self) -> list[OverlayItem]:
        """The horizon on this section (NaN gaps), its seeds here, and the stroke in progress."""
        x = np.arange(self.section.shape[0], dtype=float)
        items = [OverlayItem("line", np.column_stack([x, self.section_times()]), "horizon",
                             self.horizon.colour)]
        seeds = self.seeds_on_section()
        items.append(OverlayItem("points", np.array(seeds, dtype=float).reshape(-1, 2), "seed",
                                 self.horizon.colour))
        return items + self._stroke_overlay()
