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


def _pair(width=2.5):
    ours, theirs = SectionCurve(), pg.PlotCurveItem(connect="finite")
    for curve in (ours, theirs):
        curve.setPen(pg.mkPen("#ffcc00", width=width))
    return ours, theirs


def test_set_line_shows_what_set_data_shows(qapp):
    ours, theirs = _pair()
    x, y = np.arange(6.0), np.array([1.0, 2.0, np.nan, 4.0, 3.0, 5.0])
    ours.set_line(x, y)
    theirs.setData(x, y, connect="finite")
    for got, want in zip(ours.getData(), theirs.getData()):
        np.testing.assert_array_equal(got, want)
    assert ours.dataBounds(1) == (1.0, 5.0) and ours.boundingRect() == theirs.boundingRect()
    ours.set_line(x, y - 10.0)
    assert ours.dataBounds(1) == (-9.0, -5.0)
    with pytest.raises(ValueError):
        ours.set_line(x, y[:3])


@pytest.mark.parametrize("width", [1.0, 2.5])
def test_painted_pixels_are_pyqtgraphs(qapp, width):
    from PySide6.QtGui import QImage, QPainter, QTransform

    x = np.arange(40.0)
    y = np.where(np.arange(40) % 13 == 5, np.nan, 20 + 15 * np.sin(x / 4))
    images = []
    for curve in _pair(width):
        curve.setData(x, y, connect="finite")
        img = QImage(200, 120, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        p.setTransform(QTransform.fromScale(4.7, 2.9))
        curve.paint(p, None, None)
        p.end()
        images.append(np.frombuffer(img.constBits(), np.uint8).copy())
    assert images[0].any()
    np.testing.assert_array_equal(images[0], images[1])


def test_rectangle_padding_follows_the_view_after_a_zoom(qapp):
    plot = pg.PlotWidget()
    ours, theirs = _pair()
    for curve in (ours, theirs):
        curve.setData(np.arange(50.0), np.linspace(0, 10, 50), connect="finite")
        plot.addItem(curve)
    plot.resize(400, 300)
    plot.show()
    try:
        for rng in ((0, 50, 0, 10), (10, 20, 2, 4)):
            plot.setRange(xRange=rng[:2], yRange=rng[2:], padding=0)
            qapp.processEvents()
            theirs.invalidateBounds()  # theirs recomputed from scratch, ours from what it kept
            assert ours.boundingRect() == theirs.boundingRect()
            assert ours.boundingRect().width() > 49.0  # padded by a pixel of the current zoom
    finally:
        plot.close()
