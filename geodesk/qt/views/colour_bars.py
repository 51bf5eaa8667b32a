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

#: First layout column of the bars in the PlotItem's grid (right of the right axis).
FIRST_COLUMN = 5


def _colour_map(lut: np.ndarray) -> pg.ColorMap:
    lut = np.asarray(lut, dtype=np.uint8)
    return pg.ColorMap(np.linspace(0.0, 1.0, len(lut)), lut)


class ColourBar(pg.ColorBarItem):
    """A non-interactive vertical colour bar with black text, labelled ``label``."""

    def __init__(self, label: str) -> None:
        super().__init__(values=(0.0, 1.0), width=14, label=label, interactive=False,
                         colorMapMenu=False)
        for name in ("left", "right", "top", "bottom"):
            ax = self.getAxis(name)
            ax.setPen("k")
            ax.setTextPen("k")
            ax.enableAutoSIPrefix(False)  # else every new range re-lays out the label
        self.axis.setWidth(52)
        self._lut_key: bytes | None = None
        self.label = label

    def show_scale(self, lut: np.ndarray, levels: tuple[float, float],
                   label: str | None = None) -> None:
        """Show colour table ``lut`` (n, 3|4 uint8) over ``levels``; no work when unchanged."""
        key = np.asarray(lut).tobytes()
        if key != self._lut_key:
            self._lut_key = key
            self.setColorMap(_colour_map(lut))
        lo, hi = float(levels[0]), float(levels[1])
        if (lo, hi) != tuple(self.levels()):
            self.setLevels((lo, hi))
        if label is not None and label != self.label:
            self.label = label
            self.getAxis("left").setLabel(label)


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
        self.legend.setVisible(bool(shown))

    def labels(self) -> list[str]:
        """The labels shown, top to bottom."""
        return [e.label for e in self._shown]

    def entries(self) -> tuple[LegendEntry, ...]:
        return self._shown
