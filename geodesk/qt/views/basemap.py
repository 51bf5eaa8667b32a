"""Basemap: survey outline / line / shot and receiver positions in X-Y, the current line and cursor.

Clicking emits ``sig_jump(inline, crossline)`` for 3D surveys (nearest grid node) or
``sig_jump_gather(key)`` for pre-stack files (nearest gather by mean source/CDP position).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from geodesk.core.survey import Survey

SCALAR_BYTE = 71  # SEG-Y trace header: scalar to apply to coordinates


def scaled_header(survey: Survey, byte: int) -> np.ndarray:
    """A coordinate header for every trace with the SEG-Y coordinate scalar (byte 71) applied."""
    v = survey.header_values(byte).astype(float)
    s = survey.header_values(SCALAR_BYTE).astype(float)
    factor = np.ones_like(s)
    factor[s > 0] = s[s > 0]
    factor[s < 0] = -1.0 / s[s < 0]
    return v * factor


CHAR_PX = 7.5  # width of one digit of the axis font, px (a generous estimate)
LABEL_GAP_PX = 10


class PlainAxis(pg.AxisItem):
    """Axis that prints map coordinates in full (620400, not 6.204e+05)."""

    def tickStrings(self, values, scale, spacing):
        return [f"{v * scale:.0f}" if spacing * scale >= 1 else f"{v * scale:g}" for v in values]

    def tickValues(self, minVal, maxVal, size):
        """On a horizontal axis, keep every n-th major tick so full coordinates (7 digits in a
        narrow dock) do not run into each other."""
        levels = super().tickValues(minVal, maxVal, size)
        if self.orientation not in ("bottom", "top") or not levels or len(levels[0][1]) < 2:
            return levels
        spacing, values = levels[0]
        chars = max(len(s) for s in self.tickStrings(values, 1.0, spacing))
        label_px = chars * CHAR_PX + LABEL_GAP_PX
        step = max(1, math.ceil(len(values) * label_px / max(size, 1.0)))
        if step == 1:
            return levels
        return [(spacing * step, list(values)[::step])]


class Basemap(QWidget):
    """X-Y map of the open survey with the current line highlighted."""

    sig_jump = Signal(float, float)  # inline, crossline
    sig_jump_gather = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.survey: Survey | None = None
        self.plot_widget = pg.PlotWidget(
            axisItems={"bottom": PlainAxis("bottom"), "left": PlainAxis("left")})
        self.plot_widget.setBackground("w")
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        for ax in ("bottom", "left"):
            axis = self.plot.getAxis(ax)
            axis.enableAutoSIPrefix(False)
            axis.setTextPen("k")
            axis.setPen("k")
        self.plot.setLabel("bottom", "X")
        self.plot.setLabel("left", "Y")
        self.outline = pg.PlotDataItem(pen=pg.mkPen("k", width=2))
        self.points = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(120, 120, 120))
        self.sources = pg.ScatterPlotItem(size=7, symbol="star", pen=None,
                                          brush=pg.mkBrush(200, 0, 0))
        self.current = pg.PlotDataItem(pen=pg.mkPen((230, 120, 0), width=3),
                                       symbolBrush=(230, 120, 0), symbolPen=None, symbolSize=5)
        self.cursor = pg.ScatterPlotItem(size=10, symbol="+", pen=pg.mkPen("b", width=2))
        for item in (self.outline, self.points, self.sources, self.current, self.cursor):
            self.plot.addItem(item)
        self._gather_xy: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._pending: tuple[str, float] | None = None
        self._position_timer = QTimer(self)
        self._position_timer.setSingleShot(True)
        self._position_timer.setInterval(0)
        self._position_timer.timeout.connect(self.flush_position)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot_widget)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_click)

    def set_survey(self, survey: Survey) -> None:
        """Draw the outline (3D), line (2D) or source and receiver positions (pre-stack)."""
        self.survey = survey
        self._gather_xy = None
        self._pending = None
        for item in (self.outline, self.points, self.sources, self.current, self.cursor):
            item.setData([], [])
        if survey.kind == "post3d":
            o = survey.outline_xy()
            self.outline.setData(o[:, 0], o[:, 1])
        elif survey.kind == "post2d":
            x, y = survey.line_xy()
            self.outline.setData(np.asarray(x, float), np.asarray(y, float))
        else:
            self._set_prestack(survey)
        self.plot.autoRange()

    def _set_prestack(self, survey: Survey) -> None:
        sx, sy = scaled_header(survey, 73), scaled_header(survey, 77)
        gx, gy = scaled_header(survey, 81), scaled_header(survey, 85)
        if not (np.ptp(gx) or np.ptp(gy) or np.ptp(sx) or np.ptp(sy)):
            return  # no coordinates in the headers
        rec = np.unique(np.stack([gx, gy], axis=1), axis=0)
        src = np.unique(np.stack([sx, sy], axis=1), axis=0)
        self.points.setData(rec[:, 0], rec[:, 1])
        self.sources.setData(src[:, 0], src[:, 1])
        keys = survey.header_values(getattr(survey.header_bytes, survey.gather_key))
        # gather position: source for shots, midpoint for CMPs
        mx, my = ((sx, sy) if survey.gather_key == "ffid" else ((sx + gx) / 2, (sy + gy) / 2))
        uk, inv = np.unique(keys, return_inverse=True)
        cnt = np.bincount(inv)
        self._gather_xy = (uk.astype(float), np.bincount(inv, mx) / cnt,
                           np.bincount(inv, my) / cnt)

    def show_position(self, mode: str, value: float) -> None:
        """Highlight the line / gather that the section view shows, at the next event-loop
        turn: a run of steps (a held PgDn) moves the line once, off the section's frame."""
        self._pending = (mode, value)
        self._position_timer.start()

    def flush_position(self) -> None:
        """Draw a pending :meth:`show_position` now."""
        self._position_timer.stop()
        if self._pending is not None:
            mode, value = self._pending
            self._pending = None
            self._draw_position(mode, value)

    def _draw_position(self, mode: str, value: float) -> None:
        s = self.survey
        if s is None:
            return
        if s.kind == "post3d" and mode in ("inline", "crossline"):
            gx, gy = s.grid_xy()
            if mode == "inline":
                i = int(np.argmin(np.abs(s.inlines - value)))
                self.current.setData(gx[i, [0, -1]], gy[i, [0, -1]])
            else:
                j = int(np.argmin(np.abs(s.crosslines - value)))
                self.current.setData(gx[[0, -1], j], gy[[0, -1], j])
        elif s.kind == "prestack" and self._gather_xy is not None:
            k, x, y = self._gather_xy
            i = int(np.argmin(np.abs(k - value)))
            self.current.setData([x[i]], [y[i]])
        else:
            self.current.setData([], [])

    def show_cursor(self, x: float | None, y: float | None) -> None:
        if x is None or y is None or not np.isfinite(x) or not np.isfinite(y):
            self.cursor.setData([], [])
        else:
            self.cursor.setData([x], [y])

    def nearest_node(self, x: float, y: float) -> tuple[float, float]:
        """Inline and crossline of the grid node nearest to map point (x, y)."""
        gx, gy = self.survey.grid_xy()
        d = (gx - x) ** 2 + (gy - y) ** 2
        i, j = np.unravel_index(int(np.argmin(d)), d.shape)
        return float(self.survey.inlines[i]), float(self.survey.crosslines[j])

    def click_xy(self, x: float, y: float) -> None:
        """Act as if the map was clicked at (x, y) (also the test hook)."""
        s = self.survey
        if s is None:
            return
        if s.kind == "post3d":
            self.sig_jump.emit(*self.nearest_node(x, y))
        elif s.kind == "prestack" and self._gather_xy is not None:
            k, gx, gy = self._gather_xy
            self.sig_jump_gather.emit(float(k[int(np.argmin((gx - x) ** 2 + (gy - y) ** 2))]))

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        p = vb.mapSceneToView(ev.scenePos())
        self.click_xy(p.x(), p.y())
