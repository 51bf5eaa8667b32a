"""Overlay lines keep their bounds with their data: the same bounds and bounding rectangle as
pyqtgraph's curve, recomputed when the data change; no bounds for a line with no finite point."""

import numpy as np
import pyqtgraph as pg
import pytest

from geodesk.qt.views.section_curve import SectionCurve, finite_range


@pytest.mark.parametrize("y", [[1.0, np.nan, 3.0, -2.0], [1.0, np.inf, 2.0, 0.5],
                               [2500.0, 2501.0, np.nan, np.nan]])
def test_bounds_and_rect_are_pyqtgraphs_and_follow_new_data(qapp, y):
    y = np.array(y)
    x = np.arange(y.size, dtype=float)
    ours, theirs = SectionCurve(), pg.PlotCurveItem(connect="finite")
    for curve in (ours, theirs):
        curve.setPen(pg.mkPen("#ffcc00", width=2.5))
        curve.setData(x, y, connect="finite")
    assert [ours.dataBounds(a) for a in (0, 1)] == [theirs.dataBounds(a) for a in (0, 1)]
    assert ours.boundingRect() == theirs.boundingRect()
    ours.setData(x, y + 100.0, connect="finite")
    theirs.setData(x, y + 100.0, connect="finite")
    assert ours.dataBounds(1) == theirs.dataBounds(1)


def test_a_line_without_a_finite_point_has_no_bounds(qapp):
    curve = SectionCurve()
    curve.setData(np.arange(3.0), np.full(3, np.nan), connect="finite")
    assert curve.dataBounds(1) == (None, None)
    assert curve.boundingRect().isEmpty()
    assert finite_range(np.array([])) == (None, None)
