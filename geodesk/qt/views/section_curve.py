"""A PlotCurveItem for the lines drawn over a section (horizons, fault sticks).

pyqtgraph finds a curve's bounds with ``nanmin`` / ``nanmax`` under a fresh warnings filter each
time its data change (every flip for a horizon line), and the bounding rectangle Qt asks for
on every paint comes from them. Here they are two NaN-skipping reductions (``fmin`` /
``fmax``) kept with the data; the drawing is pyqtgraph's.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg


def finite_range(values: np.ndarray) -> tuple[float, float] | tuple[None, None]:
    """(min, max) of the finite values, ``(None, None)`` where there is none."""
    d = np.asarray(values, dtype=float)
    if d.size == 0:
        return None, None
    lo, hi = float(np.fmin.reduce(d)), float(np.fmax.reduce(d))  # NaN skipped
    if np.isfinite(lo) and np.isfinite(hi):
        return lo, hi
    d = d[np.isfinite(d)]  # all NaN, or infinities among the values
    return (float(d.min()), float(d.max())) if d.size else (None, None)


class SectionCurve(pg.PlotCurveItem):
    """A curve with ``connect="finite"`` whose full data bounds are kept with its data."""

    def __init__(self) -> None:
        self._ranges: tuple | None = None  # (x range, y range) of the data shown
        super().__init__(connect="finite")

    def updateData(self, *args, **kwargs) -> None:
        self._ranges = None
        super().updateData(*args, **kwargs)

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        pen = self.opts["pen"]
        plain = (frac >= 1.0 and orthoRange is None and self.opts["fillLevel"] is None
                 and self.opts["shadowPen"] is None and ax in (0, 1)
                 and (pen is None or pen.isCosmetic()))
        if not plain:  # percentiles, fills, wide non-cosmetic pens: pyqtgraph's own
            return super().dataBounds(ax, frac, orthoRange)
        if self._ranges is None:
            x, y = self.getData()
            if x is None or len(x) == 0:
                return None, None
            self._ranges = (finite_range(x), finite_range(y))
        return self._ranges[ax]
