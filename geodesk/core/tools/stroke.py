"""A drag-painting state machine shared by the horizon and first-break tools.

press starts one history step, move paints every trace crossed since the last point, release
commits it, Escape aborts it (reverting the partial stroke). Subclasses say what a painted
trace means through :meth:`StrokeTool._write`.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.history import History
from geodesk.core.section import Section
from geodesk.core.tools.base import (
    Modifiers,
    OverlayItem,
    SnapFn,
    segment_traces,
    snap_times,
)

MODES = ("pick", "erase")


class StrokeTool:
    """Pick or erase along a pointer path, one labelled history step per stroke."""

    def __init__(self, history: History, section: Section, snap: SnapFn | None = None,
                 mode: str = "pick") -> None:
        self.history = history
        self.section = section
        self.snap = snap
        self.mode = mode
        self._path: list[tuple[float, float]] = []
        self._erasing = False
        self._visited: set[int] = set()

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self._mode = value

    @property
    def active(self) -> bool:
        """True while a stroke is in progress."""
        return bool(self._path)

    # -- subclass hooks -------------------------------------------------------------------------
    def _write(self, traces: np.ndarray, times: np.ndarray | None) -> None:
        """Write picks (``times``) or erase them (``times`` None) at section ``traces``."""
        raise NotImplementedError

    def _label(self, erasing: bool) -> str:
        raise NotImplementedError

    def _finish(self, erasing: bool, visited: set[int]) -> str | None:
        """Called before commit; may add to the step and return a new label."""
        return None

    # -- painting -------------------------------------------------------------------------------
    def _paint(self, x0: float, t0: float, x1: float, t1: float) -> None:
        traces, times = segment_traces(x0, t0, x1, t1, self.section.shape[0])
        live = np.asarray(self.section.live, dtype=bool)[traces]
        traces, times = traces[live], times[live]
        if traces.size == 0:
            return
        self._visited.update(int(i) for i in traces)
        if self._erasing:
            self._write(traces, None)
        else:
            self._write(traces, snap_times(self.section, traces, times, self.snap))

    def begin_stroke(self, x: float, t: float, erasing: bool) -> None:
        if self.active:
            return
        self._erasing = erasing
        self._visited = set()
        self.history.begin(self._label(erasing))
        self._path = [(float(x), float(t))]
        self._paint(x, t, x, t)

    def extend_stroke(self, x: float, t: float) -> None:
        if not self.active:
            return
        x0, t0 = self._path[-1]
        self._path.append((float(x), float(t)))
        self._paint(x0, t0, x, t)

    def end_stroke(self, x: float, t: float) -> None:
        if not self.active:
            return
        if (float(x), float(t)) != self._path[-1]:
            self.extend_stroke(x, t)
        label = self._finish(self._erasing, self._visited)
        self._path = []
        self.history.commit(label)

    def cancel(self) -> bool:
        """Abort the stroke in progress (reverting what it painted); True if there was one."""
        if not self.active:
            return False
        self._path = []
        self.history.abort()
        return True

    # -- events ---------------------------------------------------------------------------------
    def press(self, x: float, t: float, button: str = "left", modifiers: Modifiers = ()) -> None:
        self.begin_stroke(x, t, erasing=self.mode == "erase" or button == "right")

    def move(self, x: float, t: float, modifiers: Modifiers = ()) -> None:
        self.extend_stroke(x, t)

    def release(self, x: float, t: float, button: str = "left",
                modifiers: Modifiers = ()) -> None:
        self.end_stroke(x, t)

    def double_click(self, x: float, t: float, button: str = "left",
                     modifiers: Modifiers = ()) -> None:
        """Nothing extra: the press/release pair already picked the trace."""

    def key(self, name: str, modifiers: Modifiers = ()) -> bool:
        """Escape aborts the stroke in progress; returns True when the key was used."""
        if name == "Escape":
            return self.cancel()
        return False

    def _stroke_overlay(self) -> list[OverlayItem]:
        if not self.active:
            return []
        return [OverlayItem("line", np.asarray(self._path, dtype=float).reshape(-1, 2),
                            "stroke")]
