"""Map view: any inline × crossline map (horizon time structure, amplitude, facies…) with its
colour bar or class legend, contours, the line on screen and click-to-jump.

x is the crossline number, y the inline number. The chooser lists the maps the controller offers
(``sig_chosen(name)``); a click emits ``sig_jump(inline, crossline)`` of the nearest node. The
colouring, levels and contour lines come from :mod:`geodesk.core.maps`. Test hooks
:meth:`click_data` / :meth:`widget_pos` work in (inline, crossline).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from geodesk.core import display
from geodesk.core.maps import (
    MapGrid,
    class_colour,
    contour_levels,
    contour_lines,
    index_to_keys,
    map_levels,
    map_rgba,
)

LINE_COLOUR = (230, 120, 0)  # the line on screen, as on the basemap


class MapView(QWidget):
    """One map at a time, chosen in a combo box, with contours and the current line."""

    sig_jump = Signal(float, float)  # inline, crossline
    sig_chosen = Signal(str)  # a map name from the chooser
    sig_gap_changed = Signal(int)  # gaps up to N nodes are gridded

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: MapGrid | None = None
        self.contour_grid: MapGrid | None = None
        self.levels: np.ndarray = np.zeros(0)
        self.chooser = QComboBox()
        self.chooser.setMinimumContentsLength(18)
        self.contours_box = QCheckBox("Contours")
        self.contours_box.setChecked(True)
        self.gap_box = QSpinBox()
        self.gap_box.setRange(0, 100)
        self.gap_box.setPrefix("grid gaps ≤ ")
        self.gap_box.setSuffix(" nodes")
        self.gap_box.setToolTip("Fill runs of up to this many unpicked nodes between two picks "
                                "along an inline or crossline (lines picked every N-th "
                                "inline: N - 1); 0: the picks only")
        self.readout = QLabel("")
        self.plot_widget = pg.PlotWidget(background="w")
        plot = self.plot = self.plot_widget.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setLabel("bottom", "crossline")
        plot.setLabel("left", "inline")
        for name in ("bottom", "left"):
            axis = plot.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setTextPen("k")
            axis.setPen("k")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.contours = pg.PlotDataItem(pen=pg.mkPen((30, 30, 30), width=1))
        self.current = pg.PlotDataItem(pen=pg.mkPen(LINE_COLOUR, width=3))
        self.cursor = pg.ScatterPlotItem(size=10, symbol="+", pen=pg.mkPen("k", width=2))
        for z, item in enumerate((self.image, self.contours, self.current, self.cursor)):
            item.setZValue(z)
            plot.addItem(item)
        self.colour_bar: pg.ColorBarItem | None = None
        self.legend: pg.LegendItem | None = None
        bar = QHBoxLayout()
        for w in (self.chooser, self.contours_box, self.gap_box):
            bar.addWidget(w)
        bar.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(bar)
        lay.addWidget(self.plot_widget, 1)
        lay.addWidget(self.readout)
        self.chooser.currentTextChanged.connect(
            lambda name: self.sig_chosen.emit(name) if name else None)
        self.contours_box.toggled.connect(lambda _on: self._draw_contours())
        self.gap_box.valueChanged.connect(self.sig_gap_changed.emit)
        scene = self.plot_widget.scene()
        scene.sigMouseClicked.connect(self._on_click)
        scene.sigMouseMoved.connect(self._on_move)

    # -- content ------------------------------------------------------------------------------
    def set_choices(self, names: list[str], current: str | None = None) -> None:
        """The maps offered in the chooser (no ``sig_chosen`` while it is refilled)."""
        with QSignalBlocker(self.chooser):
            self.chooser.clear()
            self.chooser.addItems(names)
            if current in names:
                self.chooser.setCurrentText(current)

    @property
    def chosen(self) -> str:
        return self.chooser.currentText()

    def show_map(self, grid: MapGrid | None, contour_grid: MapGrid | None = None) -> None:
        """Draw ``grid`` (None: clear) with its colour bar or class legend, contoured itself or
        by ``contour_grid`` (same nodes: time contours over an amplitude map)."""
        self.grid = grid
        self.contour_grid = contour_grid if contour_grid is not None else grid
        self._clear_keys()
        if grid is None:
            self.image.clear()
            self.contours.setData([], [])
            self.readout.setText("")
            return
        lut = display.colormap_lut(grid.colormap)
        levels = map_levels(grid)
        self.image.setImage(map_rgba(grid, lut, levels), autoLevels=False)
        il, xl = grid.inlines.astype(float), grid.crosslines.astype(float)
        dil = (il[-1] - il[0]) / max(il.size - 1, 1) or 1.0
        dxl = (xl[-1] - xl[0]) / max(xl.size - 1, 1) or 1.0
        self.image.setRect(pg.QtCore.QRectF(xl[0] - dxl / 2, il[0] - dil / 2,
                                            xl[-1] - xl[0] + dxl, il[-1] - il[0] + dil))
        if grid.categorical:
            self._add_legend(grid)
        else:
            self._add_colour_bar(grid, lut, levels)
        self.contours_box.setEnabled(not self.contour_grid.categorical)
        self._draw_contours()
        self.plot.getViewBox().autoRange(padding=0.02)
        n = int(np.isfinite(grid.values).sum())
        self.readout.setText(f"{grid.name}: {n} of {grid.values.size} nodes"
                             + self._contour_note())

    def _clear_keys(self) -> None:
        """Take the previous map's colour bar or legend away."""
        if self.colour_bar is not None:
            self.plot.layout.removeItem(self.colour_bar)
        for item in (self.colour_bar, self.legend):
            if item is not None and item.scene() is not None:
                item.scene().removeItem(item)
        self.colour_bar = self.legend = None

    def _add_colour_bar(self, grid: MapGrid, lut: np.ndarray, levels: tuple[float, float]
                        ) -> None:
        """A colour bar beside the map (outside the data), labelled with the unit."""
        cmap = pg.ColorMap(np.linspace(0, 1, len(lut)), lut)
        bar = pg.ColorBarItem(values=levels, colorMap=cmap, interactive=False, width=14)
        bar.axis.setLabel(grid.unit or grid.name, color="k")
        bar.axis.setTextPen("k")
        bar.axis.setPen("k")
        bar.axis.enableAutoSIPrefix(False)
        self.plot.layout.addItem(bar, 2, 5)
        self.colour_bar = bar

    def _add_legend(self, grid: MapGrid) -> None:
        """One square per class present in the map, with its name."""
        legend = pg.LegendItem(offset=(-10, 10), labelTextColor="k",
                               brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("k"))
        legend.setParentItem(self.plot.getViewBox())
        values = grid.values[np.isfinite(grid.values)]
        for c in np.unique(values.astype(np.int64)):
            legend.addItem(pg.ScatterPlotItem(size=11, symbol="s", pen=pg.mkPen("k"),
                                              brush=pg.mkBrush(*class_colour(int(c)))),
                           grid.class_name(float(c)))
        self.legend = legend

    def _draw_contours(self) -> None:
        grid = self.contour_grid
        if grid is None or grid.categorical or not self.contours_box.isChecked():
            self.levels = np.zeros(0)
            self.contours.setData([], [])
            return
        self.levels = contour_levels(grid.values)
        segs = [s for s in contour_lines(grid.values, self.levels) if len(s)]
        if not segs:
            self.contours.setData([], [])
            return
        keys = index_to_keys(grid, np.concatenate(segs)).reshape(-1, 2)
        self.contours.setData(keys[:, 1], keys[:, 0], connect="pairs")

    def _contour_note(self) -> str:
        if self.levels.size > 1:
            step = float(self.levels[1] - self.levels[0])
            g = self.contour_grid
            what = "" if g is self.grid else f" of {g.name}"
            return f"   contours every {step:g} {g.unit}{what}".rstrip()
        return ""

    def contour_count(self) -> int:
        """Number of contour segments drawn (0 when contours are off)."""
        x, _ = self.contours.getData()
        return 0 if x is None else len(x) // 2

    def set_ground_spacing(self, spacing: tuple[float, float] | None) -> None:
        """Keep the map's true shape: (m per inline number, m per crossline number) of the
        survey (:func:`~geodesk.core.maps.metres_per_line_number`); None: free aspect."""
        vb = self.plot.getViewBox()
        if spacing is None:
            vb.setAspectLocked(False)
        else:  # pyqtgraph's ratio is (y units per pixel) / (x units per pixel)
            vb.setAspectLocked(True, ratio=spacing[1] / spacing[0])

    def show_position(self, mode: str, value: float) -> None:
        """Draw the inline or crossline on screen across the map (nothing for a time slice)."""
        g = self.grid
        if g is None or mode not in ("inline", "crossline"):
            self.current.setData([], [])
            return
        if mode == "inline":
            self.current.setData([g.crosslines[0], g.crosslines[-1]], [value, value])
        else:
            self.current.setData([value, value], [g.inlines[0], g.inlines[-1]])

    def show_cursor(self, inline: float | None, crossline: float | None) -> None:
        """Mark (inline, crossline) on the map (the mouse on the section); None hides it."""
        if self.grid is None or inline is None or crossline is None:
            self.cursor.setData([], [])
        else:
            self.cursor.setData([crossline], [inline])

    # -- mouse --------------------------------------------------------------------------------
    def _keys_at(self, scene_pos: QPointF) -> tuple[float, float] | None:
        vb = self.plot.getViewBox()
        if self.grid is None or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        return float(p.y()), float(p.x())

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        keys = self._keys_at(ev.scenePos())
        if keys is not None:
            self.jump_to(*keys)

    def jump_to(self, inline: float, crossline: float) -> None:
        """Emit ``sig_jump`` with the grid node nearest to (inline, crossline)."""
        i, j = self.grid.node(inline, crossline)
        self.sig_jump.emit(float(self.grid.inlines[i]), float(self.grid.crosslines[j]))

    def _on_move(self, scene_pos: QPointF) -> None:
        keys = self._keys_at(scene_pos)
        if keys is None:
            return
        g = self.grid
        i, j = g.node(*keys)
        v = float(g.values[i, j])
        text = g.class_name(v) if g.categorical else (
            f"{v:.5g} {g.unit}" if np.isfinite(v) else "no value")
        self.readout.setText(f"inline {g.inlines[i]}   crossline {g.crosslines[j]}   {text}")
        self.show_cursor(g.inlines[i], g.crosslines[j])

    # -- test hooks (inline, crossline) -------------------------------------------------------
    def widget_pos(self, inline: float, crossline: float) -> QPoint:
        scene = self.plot.getViewBox().mapViewToScene(QPointF(crossline, inline))
        return self.plot_widget.mapFromScene(scene)

    def click_data(self, inline: float, crossline: float) -> None:
        """A real left click on the map at (inline, crossline)."""
        QTest.mouseClick(self.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, self.widget_pos(inline, crossline))
