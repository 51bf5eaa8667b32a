"""First-break picking on a gather shown with linear moveout (reduction velocity); Qt-free.

The tool works in display (reduced) time so strokes, snapping and the line mode follow what the
user sees; times are mapped back to recorded time (t = t' + |x| / v) where they enter the model.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks import FirstBreaks
from geodesk.core.processing.moveout import reduce_times, unreduce_times
from geodesk.core.section import Section
from geodesk.core.tools import FirstBreakTool, SnapFn


class ReducedFirstBreakTool(FirstBreakTool):
    """:class:`FirstBreakTool` on a reduced gather (see ``reduce_section``) at ``velocity`` m/s."""

    def __init__(self, picks: FirstBreaks, history: History, section: Section, velocity: float,
                 snap: SnapFn | None = None, mode: str = "pick") -> None:
        self.velocity = float(velocity)
        super().__init__(picks, history, section, snap, mode)

    def set_section(self, section: Section) -> None:
        super().set_section(section)
        self._offsets = np.asarray(section.headers["offset"], dtype=float)

    def _write(self, traces: np.ndarray, times: np.ndarray | None) -> None:
        if times is not None:
            times = unreduce_times(times, self._offsets[traces], self.velocity)
        super()._write(traces, times)

    def gather_times(self) -> np.ndarray:
        """Picked times of this gather in reduced (displayed) time."""
        return reduce_times(super().gather_times(), self._offsets, self.velocity)
