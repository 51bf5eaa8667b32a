"""A PlotCurveItem for the lines drawn over a section (horizons, fault sticks).

pyqtgraph finds a curve's bounds with ``nanmin`` / ``nanmax`` under a fresh warnings filter each
time its data change (every flip for a horizon line), and the bounding rectangle Qt asks for
on every paint comes from them. Here they are two NaN-skipping reductions (``fmin`` /
``fmax``) kept with the data; the size of a view pixel that pads the rectangle is kept until
the view's transform changes (pyqtgraph maps it through the device transform on every new
line). The drawing is pyqtgraph's.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF


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
        self._pixel: tuple[float, float] | None = None  # a view pixel's size in data units
        super().__init__(connect="finite")

    def updateData(self, *args, **kwargs) -> None:
        self._ranges = None
        super().updateData(*args, **kwargs)

    def set_line(self, x: np.ndarray, y: np.ndarray) -> None:
        """New points (1D arrays of one length), pen and connection kept: what a flip to the
        next line sets, without ``setData``'s handling of every other option."""
        x, y = np.asarray(x).view(np.ndarray), np.asarray(y).view(np.ndarray)
        if x.ndim != 1 or x.shape != y.shape:
            raise ValueError(f"a line needs x and y of one length, got {x.shape} and {y.shape}")
        self._ranges = None
        self.xData, self.yData = x, y
        self.invalidateBounds()
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.path = self.fillPath = self._fillPathList = self._mouseShape = None
        self._lineSegmentsRendered = False
        self.update()
        self.sigPlotChanged.emit(self)

    def viewTransformChanged(self) -> None:
        self._pixel = None
        super().viewTransformChanged()

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        if not self._plain() or frac < 1.0 or orthoRange is not None or ax not in (0, 1):
            return super().dataBounds(ax, frac, orthoRange)  # percentiles, fills, wide pens
        if self._ranges is None:
            x, y = self.getData()
            if x is None or len(x) == 0:
                return None, None
            self._ranges = (finite_range(x), finite_range(y))
        return self._ranges[ax]

    def _plain(self) -> bool:
        """No fill, no shadow, a cosmetic pen (or none): the bounds are the data's."""
        pen = self.opts["pen"]
        return (self.opts["fillLevel"] is None and self.opts["shadowPen"] is None
                and (pen is None or pen.isCosmetic()))

    def _pixel_size(self) -> tuple[float, float] | None:
        """(x, y) length of a view pixel in data units, kept until the view transform changes."""
        if self._pixel is None:
            px, py = self.pixelVectors()
            if px is None or py is None:
                return None  # not shown yet: nothing to keep
            try:
                self._pixel = (px.length(), py.length())
            except OverflowError:
                return None
        return self._pixel

    def boundingRect(self) -> QRectF:
        if self._boundingRect is not None or not self._plain() or self.clickable:
            return super().boundingRect()
        (xmn, xmx), (ymn, ymx) = self.dataBounds(0), self.dataBounds(1)
        if xmn is None or xmx is None or ymn is None or ymx is None:
            return QRectF()
        px = py = 0.0
        pad = self.pixelPadding()
        if pad > 0:
            pixel = self._pixel_size()
            if pixel is not None:
                px, py = pixel[0] * pad, pixel[1] * pad
        self._boundingRect = QRectF(xmn - px, ymn - py, 2 * px + xmx - xmn, 2 * py + ymx - ymn)
        return self._boundingRect
