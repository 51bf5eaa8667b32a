"""The semblance spectrum (velocity × time) with the velocity function drawn and picked on it.

x is Vrms in m/s, y is time in ms increasing downward (shared with the gather views). Left
button events and the editing keys go to a :class:`~geodesk.core.tools.velocity_tool.
VelocityPickTool`; the right button deletes a knot; the wheel zooms. Test hooks
:meth:`click_data` / :meth:`drag_data` send real mouse events at data coordinates.
"""

from __future__ import annotations

import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from geodesk.core import display
from geodesk.core.processing.semblance import SemblancePanel
from geodesk.core.tools.velocity_tool import VelocityPickTool

KEYS = {Qt.Key.Key_Delete: "Delete", Qt.Key.Key_Backspace: "Backspace",
        Qt.Key.Key_Escape: "Escape"}



#: Knot colours: the interpreter's picks (manual, corrected) and a model's (``model:…``).
HAND_COLOUR, MODEL_COLOUR, OTHER_COLOUR = "#e63946", "#4cc9f0", "#ff9f1c"


def knot_brush(provenance: str):
    """The brush of a knot with ``provenance`` (imported or tracked picks: orange)."""
    if provenance.startswith("model:"):
        return pg.mkBrush(MODEL_COLOUR)
    if provenance in ("manual", "corrected"):
        return pg.mkBrush(HAND_COLOUR)
    return pg.mkBrush(OTHER_COLOUR)

#: The legend, drawn under the plot (over the spectrum it hid the deep picks).
LEGEND_HTML = "&nbsp;&nbsp;".join((
    '<span style="color:#ffffff">━━</span> Vrms picks',
    '<span style="color:#ff9f1c">━━</span> Vint (Dix)',
    '<span style="color:#ffffff">╍╍</span> previous CDP',
    f'<span style="color:{HAND_COLOUR}">●</span> by hand',
    f'<span style="color:{MODEL_COLOUR}">●</span> by a model',
    f'<span style="color:{OTHER_COLOUR}">●</span> imported / tracked'))


class SemblanceView(QWidget):
    """Semblance image + function line/knots + interval-velocity steps + previous-CDP guide.

    A QWidget holding a pyqtgraph PlotWidget (as SectionView does) rather than a PlotWidget
    subclass: Qt signals stay on a plain QWidget subclass.
    """

    sig_edited = Signal()  # after each tool event that may have changed the function
    sig_cursor = Signal(float, float, float)  # time (ms), Vrms (m/s), semblance under the mouse

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tool: VelocityPickTool | None = None
        self.panel: SemblancePanel | None = None
        self.plot_widget = pg.PlotWidget(background="w")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot_widget)
        # legend and readout: the panel lays them out under all its views (outside the data,
        # and the linked time axes keep one height)
        self.legend_label = QLabel(LEGEND_HTML)
        self.legend_label.setStyleSheet("background: #2b2b2b; color: white; padding: 2px 4px")
        self.readout = QLabel("time –   Vrms –   semblance –")
        plot = self.plot_widget.getPlotItem()
        plot.invertY(True)
        # title and velocity axis on top, as the gather views have, so the linked time axes
        # line up pixel for pixel
        plot.setTitle("semblance", color="k")
        plot.hideButtons()
        plot.showAxis("top")
        plot.hideAxis("bottom")
        plot.setLabel("top", "Vrms (m/s)")
        plot.setLabel("left", "time (ms)")
        for name in ("top", "left"):
            plot.getAxis(name).enableAutoSIPrefix(False)
            plot.getAxis(name).setTextPen("k")
            plot.getAxis(name).setPen("k")
        plot.setMenuEnabled(False)
        plot.getViewBox().setMenuEnabled(False)  # right click edits knots here
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(display.colormap_lut("viridis"))
        plot.addItem(self.image)
        self.guide = pg.PlotDataItem(pen=pg.mkPen("w", width=1.5, style=Qt.PenStyle.DashLine))

        self.interval = pg.PlotDataItem(pen=pg.mkPen("#ff9f1c", width=1.5), name="Vint (Dix)")
        self.line = pg.PlotDataItem(pen=pg.mkPen("#ffffff", width=2.5), name="Vrms picks")
        self.knots = pg.ScatterPlotItem(size=10, brush=pg.mkBrush("#e63946"),
                                        pen=pg.mkPen("w", width=1.5))
        self.selected = pg.ScatterPlotItem(size=14, brush=pg.mkBrush(None),
                                           pen=pg.mkPen("#ffff00", width=2.5))
        for z, item in enumerate((self.guide, self.interval, self.line, self.knots,
                                  self.selected)):
            item.setZValue(10 + z)
            plot.addItem(item)
        self._dragging = False
        self._right_used = False
        self._filter = _Filter(self)
        self.plot_widget.viewport().installEventFilter(self._filter)
        self.plot_widget.installEventFilter(self._filter)
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def getPlotItem(self) -> pg.PlotItem:
        return self.plot_widget.getPlotItem()

    # -- content ------------------------------------------------------------------------------
    def set_panel(self, panel: SemblancePanel, title: str = "semblance") -> None:
        """Show a semblance panel (colour clipped at its 99.5th percentile)."""
        self.panel = panel
        self.readout.setText("time –   Vrms –   semblance –")  # until the mouse moves here
        self.getPlotItem().setTitle(title, color="k")
        v, t = panel.velocities, panel.times_ms
        # clip at a high percentile: a few near-1 peaks would otherwise leave the rest dark
        top = float(np.nanpercentile(panel.values, 99.5)) if panel.values.size else 1.0
        self.image.setImage(panel.values.T, autoLevels=False, levels=(0.0, max(top, 1e-6)))
        dv = (v[-1] - v[0]) / max(len(v) - 1, 1)
        dt = (t[-1] - t[0]) / max(len(t) - 1, 1)
        self.image.setRect(pg.QtCore.QRectF(v[0] - dv / 2, t[0] - dt / 2, v[-1] - v[0] + dv,
                                            t[-1] - t[0] + dt))
        self.getPlotItem().getViewBox().setLimits(xMin=v[0] - dv, xMax=v[-1] + dv)
        self.getPlotItem().setXRange(v[0], v[-1], padding=0)

    def show_function(self, times: np.ndarray, vrms: np.ndarray,
                      interval: tuple[np.ndarray, np.ndarray] | None = None,
                      selected: int | None = None,
                      provenance: tuple[str, ...] | None = None) -> None:
        """Draw the current function, its Dix interval velocities (steps) and the selection;
        knots are coloured by ``provenance`` (a model's picks apart from the interpreter's)."""
        self.line.setData(vrms, times)
        if provenance is not None and len(provenance) == len(times):
            self.knots.setData(vrms, times, brush=[knot_brush(p) for p in provenance])
        else:
            self.knots.setData(vrms, times)
        if selected is not None and selected < len(times):
            self.selected.setData([vrms[selected]], [times[selected]])
        else:
            self.selected.setData([], [])
        if interval is not None and len(interval[0]) > 1:
            t, vint = interval
            # interval k spans (t[k-1], t[k]]; draw as vertical steps, NaN where impossible
            xs = np.repeat(vint[1:], 2)
            ys = np.column_stack([t[:-1], t[1:]]).ravel()
            self.interval.setData(xs, ys, connect="finite")
        else:
            self.interval.setData([], [])

    def show_guide(self, times: np.ndarray | None, vrms: np.ndarray | None) -> None:
        """The previous analysis location's function, dashed (None: hide)."""
        if times is None or len(times) == 0:
            self.guide.setData([], [])
        else:
            self.guide.setData(vrms, times)

    def semblance_at(self, v: float, t: float) -> float | None:
        """Semblance of the panel's node nearest to (Vrms, time); None off the panel."""
        p = self.panel
        if p is None or p.values.size == 0 or not (
                p.velocities[0] <= v <= p.velocities[-1] and p.times_ms[0] <= t <= p.times_ms[-1]):
            return None
        i = int(np.argmin(np.abs(p.velocities - v)))
        j = int(np.argmin(np.abs(p.times_ms - t)))
        return float(p.values[i, j])

    def _hover(self, v: float, t: float) -> None:
        """The readout under the plot: time, Vrms and semblance at the mouse."""
        s = self.semblance_at(v, t)
        if s is None:
            self.readout.setText("time –   Vrms –   semblance –")
            return
        self.readout.setText(f"time {t:.0f} ms   Vrms {v:.0f} m/s   semblance {s:.3f}")
        self.sig_cursor.emit(t, v, s)

    # -- events -------------------------------------------------------------------------------
    def data_xy(self, pos: QPointF) -> tuple[float, float]:
        p = self.getPlotItem().getViewBox().mapSceneToView(
            self.plot_widget.mapToScene(pos.toPoint()))
        return float(p.x()), float(p.y())

    def _mouse(self, ev: QMouseEvent) -> bool:
        if self.tool is None or self.panel is None:
            return False
        v, t = self.data_xy(ev.position())
        kind = ev.type()
        if kind == QEvent.Type.MouseMove:
            self._hover(v, t)
        if kind == QEvent.Type.MouseButtonPress:
            self.plot_widget.setFocus()
            if ev.button() == Qt.MouseButton.LeftButton:
                self.tool.press(v, t, "left")
                self._dragging = self.tool.dragging
            elif ev.button() == Qt.MouseButton.RightButton:
                if self.tool.hit(v, t) is None:
                    return False  # right drag on empty space: pyqtgraph zoom
                self.tool.press(v, t, "right")
                self._right_used = True
            else:
                return False
            self.sig_edited.emit()
            return True
        if kind == QEvent.Type.MouseMove and self._dragging \
                and ev.buttons() & Qt.MouseButton.LeftButton:
            self.tool.move(v, t)
            self.sig_edited.emit()
            return True
        if kind == QEvent.Type.MouseButtonRelease and ev.button() == Qt.MouseButton.RightButton \
                and self._right_used:
            self._right_used = False  # its press deleted a knot: not a pyqtgraph click
            return True
        if kind == QEvent.Type.MouseButtonRelease and ev.button() == Qt.MouseButton.LeftButton:
            if self._dragging:
                self._dragging = False
                self.tool.release(v, t)
                self.sig_edited.emit()
            return True
        return False

    def _key(self, key: int) -> bool:
        name = KEYS.get(Qt.Key(key))
        if self.tool is None or name is None:
            return False
        used = self.tool.key(name)
        if used:
            self._dragging = False
            self.sig_edited.emit()
        return used

    # -- test hooks (data coordinates) --------------------------------------------------------
    def widget_pos(self, v: float, t: float) -> QPoint:
        scene = self.getPlotItem().getViewBox().mapViewToScene(QPointF(v, t))
        return self.plot_widget.mapFromScene(scene)

    def _send(self, kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton,
              buttons: Qt.MouseButton) -> None:
        vp = self.plot_widget.viewport()
        ev = QMouseEvent(kind, QPointF(pos), vp.mapToGlobal(QPointF(pos)), button, buttons,
                         Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(vp, ev)

    def click_data(self, v: float, t: float,
                   button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
        """Press and release at (Vrms, time)."""
        pos = self.widget_pos(v, t)
        self._send(QEvent.Type.MouseButtonPress, pos, button, button)
        self._send(QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton)

    def hover_data(self, v: float, t: float) -> None:
        """Move the mouse (no button) to (Vrms, time)."""
        self._send(QEvent.Type.MouseMove, self.widget_pos(v, t), Qt.MouseButton.NoButton,
                   Qt.MouseButton.NoButton)

    def drag_data(self, points: list[tuple[float, float]]) -> None:
        """Left-press at the first (Vrms, time), move through the others, release at the last."""
        pos = [self.widget_pos(v, t) for v, t in points]
        left = Qt.MouseButton.LeftButton
        self._send(QEvent.Type.MouseButtonPress, pos[0], left, left)
        for p in pos[1:]:
            self._send(QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, left)
        self._send(QEvent.Type.MouseButtonRelease, pos[-1], left, Qt.MouseButton.NoButton)


class _Filter(QObject):
    """Routes viewport mouse events and editing keys of a :class:`SemblanceView` to its tool."""

    def __init__(self, view: SemblanceView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        kind = ev.type()
        try:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                        QEvent.Type.MouseButtonRelease):
                return self.view._mouse(ev)
            if kind == QEvent.Type.KeyPress:
                return self.view._key(ev.key())
        except Exception as exc:  # noqa: BLE001 - never unwind through Qt's C++ frames
            self.view._dragging = False
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return True
        return False
