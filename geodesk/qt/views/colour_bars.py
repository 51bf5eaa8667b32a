"""Colour bars and the overlay legend of the section view.

:class:`ColourBars` puts one bar per scale beside the section (the amplitude bar first, then
one per overlay that has a scale, e.g. fault probability 0-1): each bar shows the colour table
and the range that the image is drawn with. :class:`OverlayLegend` lists the overlays by name
with their colour. Both redraw only when what they show changed, so stepping through lines
costs nothing when the scale stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QTransform
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

from geodesk.qt.views.paint_cache import cache_static

#: First layout column of the bars in the PlotItem's grid (right of the right axis).
FIRST_COLUMN = 5
#: Bar geometry in pixels: colour strip width, gap to the tick labels, whole item width.
STRIP_PX, GAP_PX, WIDTH_PX = 14, 4, 92
#: Values labelled along a bar, as fractions of its range from the bottom.
TICK_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _fmt(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 1e4 else f"{v:.3e}"


class ColourBar(pg.GraphicsWidget):
    """A vertical colour bar: the colour table as a strip, five values beside it and a rotated
    label. Built from Qt's own pixmap and simple-text items (painted in C++), so a new range
    while stepping costs five ``setText`` and no Python paint."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.strip = QGraphicsPixmapItem(self)
        self.strip.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.frame = QGraphicsRectItem(self)
        self.frame.setPen(pg.mkPen("k"))
        self.ticks = [QGraphicsSimpleTextItem("", self) for _ in TICK_FRACTIONS]
        self.marks = [QGraphicsLineItem(self) for _ in TICK_FRACTIONS]
        for m in self.marks:
            m.setPen(pg.mkPen("k"))
        self.title = QGraphicsSimpleTextItem(label, self)
        self.title.setRotation(-90)
        self.label = label
        self.lut = np.zeros((256, 4), dtype=np.uint8)
        self._levels = (0.0, 1.0)
        self._lut_key: bytes | None = None
        self.setFixedWidth(WIDTH_PX)

    def levels(self) -> tuple[float, float]:
        """The range the strip spans, bottom to top."""
        return self._levels

    def show_scale(self, lut: np.ndarray, levels: tuple[float, float],
                   label: str | None = None) -> None:
        """Show colour table ``lut`` (n, 3|4 uint8) over ``levels``; no work when unchanged."""
        key = np.asarray(lut).tobytes()
        if key != self._lut_key:
            self._lut_key = key
            rgba = np.full((len(lut), 4), 255, dtype=np.uint8)
            rgba[:, :np.asarray(lut).shape[1]] = np.asarray(lut, dtype=np.uint8)
            self.lut = rgba
            column = np.ascontiguousarray(rgba[::-1][:, None, :])  # high values on top
            img = QImage(column.data, 1, len(rgba), 4, QImage.Format.Format_RGBA8888)
            self.strip.setPixmap(QPixmap.fromImage(img.copy()))
            self._place()
        lo, hi = float(levels[0]), float(levels[1])
        if (lo, hi) != self._levels:
            self._levels = (lo, hi)
            for item, f in zip(self.ticks, TICK_FRACTIONS):
                item.setText(_fmt(lo + f * (hi - lo)))
        if label is not None and label != self.label:
            self.label = label
            self.title.setText(label)
            self._place()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._place()

    def _place(self) -> None:
        h = max(self.size().height(), 2.0)
        pix = self.strip.pixmap()
        if not pix.isNull():
            self.strip.setTransform(QTransform.fromScale(STRIP_PX, h / pix.height()))
        self.frame.setRect(0, 0, STRIP_PX, h)
        for item, mark, f in zip(self.ticks, self.marks, TICK_FRACTIONS):
            y = h * (1.0 - f)
            mark.setLine(STRIP_PX, y, STRIP_PX + GAP_PX, y)
            th = item.boundingRect().height()
            item.setPos(STRIP_PX + GAP_PX + 1, min(max(y - th / 2, 0.0), h - th))
        tw = self.title.boundingRect().width()
        self.title.setPos(WIDTH_PX - self.title.boundingRect().height(), (h + tw) / 2)


class ColourBars:
    """The bars of one PlotItem, by key; ``"amplitude"`` stays first."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.bars: dict[str, ColourBar] = {}

    def show(self, key: str, lut: np.ndarray, levels: tuple[float, float], label: str) -> ColourBar:
        """Show (adding if new) the bar ``key``."""
        bar = self.bars.get(key)
        if bar is None:
            bar = self.bars[key] = ColourBar(label)
            self.plot.layout.addItem(bar, 2, FIRST_COLUMN + len(self.bars) - 1)
        bar.show_scale(lut, levels, label)
        if not bar.isVisible():
            bar.setVisible(True)
        return bar

    def hide(self, key: str) -> None:
        bar = self.bars.pop(key, None)
        if bar is not None:
            self.plot.layout.removeItem(bar)
            if bar.scene() is not None:
                bar.scene().removeItem(bar)
            lay = self.plot.layout
            for other in self.bars.values():  # close the gap
                lay.removeItem(other)
            for n, other in enumerate(self.bars.values()):
                lay.addItem(other, 2, FIRST_COLUMN + n)


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: ``label`` drawn as a ``style`` sample ("line", "dashed", "marker" or
    "patch") in ``colour``."""

    label: str
    colour: str
    style: str = "line"


def _sample(entry: LegendEntry) -> pg.GraphicsObject:
    if entry.style == "marker":
        return pg.ScatterPlotItem(symbol="o", size=8, pen=pg.mkPen("k"),
                                  brush=pg.mkBrush(entry.colour))
    if entry.style == "patch":
        return pg.BarGraphItem(x=[0], height=[1], width=1, brush=pg.mkBrush(entry.colour),
                               pen=pg.mkPen("k"))
    style = Qt.PenStyle.DashLine if entry.style == "dashed" else Qt.PenStyle.SolidLine
    return pg.PlotDataItem(pen=pg.mkPen(entry.colour, width=2.5, style=style))


class OverlayLegend:
    """A legend in the top-right corner of the view box listing every overlay's entries."""

    def __init__(self, view_box: pg.ViewBox) -> None:
        self.legend = pg.LegendItem(offset=(-8, 8), labelTextColor="k",
                                    brush=pg.mkBrush(255, 255, 255, 210), pen=pg.mkPen("#888"))
        self.legend.setParentItem(view_box)
        self.legend.setZValue(100)
        self.groups: dict[str, tuple[LegendEntry, ...]] = {}
        self._shown: tuple[LegendEntry, ...] = ()
        self._samples: list[pg.GraphicsObject] = []
        self.legend.setVisible(False)

    def set(self, key: str, entries: list[LegendEntry] | tuple[LegendEntry, ...]) -> None:
        """Replace the entries of overlay ``key`` (empty: remove them); rebuilt only on change."""
        entries = tuple(entries)
        if entries:
            self.groups[key] = entries
        else:
            self.groups.pop(key, None)
        shown = tuple(e for group in self.groups.values() for e in group)
        if shown == self._shown:
            return
        self._shown = shown
        self.legend.clear()
        self._samples = [_sample(e) for e in shown]
        for e, s in zip(shown, self._samples):
            self.legend.addItem(s, e.label)
        cache_static(self.legend)  # samples and labels: pixmaps until they change
        self.legend.setVisible(bool(shown))

    def labels(self) -> list[str]:
        """The labels shown, top to bottom."""
        return [e.label for e in self._shown]

    def entries(self) -> tuple[LegendEntry, ...]:
        return self._shown
