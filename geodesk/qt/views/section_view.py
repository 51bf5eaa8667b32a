"""Section view: variable density, wiggle and variable-area display of one Section (pyqtgraph).

Scene coordinates: x is the trace *index* along ``section.axis0`` (labelled with its real values,
e.g. crossline numbers or channels), y is time in ms for trace sections (increasing downward) or
the crossline index for time slices. Signals and the test hooks :meth:`click_data` /
:meth:`drag_data` speak real values (trace value, time). Others add overlays with
:meth:`add_overlay` and place them with :meth:`x_of` / :meth:`y_of`.

Wiggle and variable-area rasters cover the visible traces and samples at screen resolution and
are redrawn (debounced) when the view zooms, pans or resizes; traces closer than 2 px show as
variable density with a note saying so. A colour bar beside the section shows the colour table
and the clip the image is drawn with (percentile or fixed value); an optional smooth density
interpolates small cubes to screen resolution. Overlays list themselves in a legend
(:meth:`set_legend`) and may add their own colour bar (:meth:`show_overlay_scale`).

Tool mode: :meth:`set_tool_handler` routes left-button press / drag / release / double-click
and the editing keys to a picking tool (scene coordinates) instead of panning; Alt + left drag,
middle drag and the wheel still navigate, right drag still zooms.
"""

from __future__ import annotations

import sys
from typing import Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsSimpleTextItem,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from geodesk.core import display
from geodesk.core import wiggle_view as wv
from geodesk.core.processing.agc import agc_section
from geodesk.core.section import Section
from geodesk.qt.views.colour_bars import ColourBars, LegendEntry, OverlayLegend
from geodesk.qt.views.paint_cache import cache_static
from geodesk.qt.views.section_image import SectionImage

DISPLAY_MODES = ("density", "wiggle", "va", "wiggle_density")
MODE_LABELS = {"density": "Variable density", "wiggle": "Wiggle", "va": "Wiggle + variable area",
               "wiggle_density": "Wiggle over density"}
#: Delay (ms) between the last zoom / pan / resize and the wiggle raster for the new view.
REDRAW_DELAY_MS = 60
FALLBACK_NOTE = (f"Traces closer than {wv.MIN_PX_PER_TRACE:g} px: variable density shown "
                 "(zoom in for wiggles)")


TOOL_KEYS = {Qt.Key.Key_Escape: "Escape", Qt.Key.Key_Return: "Return",
             Qt.Key.Key_Enter: "Enter", Qt.Key.Key_Delete: "Delete",
             Qt.Key.Key_Backspace: "Backspace"}


class ToolHandler(Protocol):
    """What :meth:`SectionView.set_tool_handler` feeds: scene coordinates (x = trace index,
    y = time ms), ``button`` "left"/"none", ``modifiers`` a set of "shift"/"ctrl"/"alt"."""

    def pointer(self, kind: str, x: float, y: float, button: str,
                modifiers: frozenset[str]) -> bool:
        """``kind`` press/move/release/double_click/hover; True when the event was used."""

    def key(self, name: str, modifiers: frozenset[str]) -> bool:
        """An editing key (Escape, Return, Enter, Delete, Backspace); True when used."""


def modifier_names(mods: Qt.KeyboardModifier) -> frozenset[str]:
    """Qt keyboard modifiers as the tools' names."""
    out = set()
    for flag, name in ((Qt.KeyboardModifier.ShiftModifier, "shift"),
                       (Qt.KeyboardModifier.ControlModifier, "ctrl"),
                       (Qt.KeyboardModifier.AltModifier, "alt")):
        if mods & flag:
            out.add(name)
    return frozenset(out)


def _fmt(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:g}"


class ValueAxis(pg.AxisItem):
    """Axis whose ticks sit on index positions and read the real values at those indices."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.values: np.ndarray | None = None
        self.enableAutoSIPrefix(False)

    def set_values(self, values: np.ndarray | None) -> None:
        """Label ticks with ``values``; a no-op when they are the ones shown (a flip to the
        next line keeps its axis picture instead of relabelling it)."""
        new = None if values is None else np.asarray(values, dtype=float)
        if (new is None and self.values is None) or (
                new is not None and self.values is not None and new.shape == self.values.shape
                and np.array_equal(new, self.values)):
            return
        self.values = new
        self.picture = None
        self.update()

    def set_label_once(self, text: str) -> None:
        """``setLabel`` only when the text changes (it re-lays out the plot)."""
        if self.labelText != text:
            self.setLabel(text)

    def tickStrings(self, values, scale, spacing):
        if self.values is None or len(self.values) == 0:
            return super().tickStrings(values, scale, spacing)
        n = len(self.values)
        out = []
        for v in values:
            i = round(v)
            out.append(_fmt(self.values[i]) if 0 <= i < n and abs(v - i) < 1e-6 else "")
        return out

    def tickValues(self, minVal, maxVal, size):
        ticks = super().tickValues(minVal, maxVal, size)
        if self.values is None:
            return ticks
        # only integer positions carry a value; drop fractional minor ticks
        return [(max(sp, 1.0), [v for v in vals if float(v).is_integer()]) for sp, vals in ticks]


class PlotTitle:
    """The plot's title as one Qt simple-text item centred in pyqtgraph's title row: a new
    line number costs a ``setText`` (pyqtgraph's LabelItem re-parses HTML and re-lays out)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        plot.setTitle(" ")  # keeps the 30 px title row of the layout
        self.row = plot.titleLabel
        self.item = QGraphicsSimpleTextItem("", self.row)
        font = QFont()
        font.setPointSizeF(11.0)
        self.item.setFont(font)
        self.row.geometryChanged.connect(self._centre)

    def set_text(self, text: str) -> None:
        self.item.setText(text)
        self._centre()

    def text(self) -> str:
        return self.item.text()

    def _centre(self) -> None:
        r = self.item.boundingRect()
        size = self.row.size()
        self.item.setPos((size.width() - r.width()) / 2, (size.height() - r.height()) / 2)


class SectionView(QWidget):
    """Displays a :class:`Section` with a colormap, clip, AGC and wiggle modes; emits data coords."""

    sig_mouse_moved = Signal(float, float)  # trace value, time ms (crossline on time slices)
    sig_clicked = Signal(float, float, object)  # trace value, time ms, Qt.MouseButton
    sig_cursor = Signal(object)  # dict of readout fields (ordered) for the status bar
    _cursor_pos: QPointF | None = None  # the mouse's last scene position over the view
    sig_display_changed = Signal()
    sig_colormap_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section: Section | None = None
        self.shown: Section | None = None  # the section after AGC: what the image displays
        self.clip_value = 1.0
        self.colormap = display.DEFAULT_COLORMAP
        self.clip_percentile = display.DEFAULT_CLIP_PERCENTILE
        self.clip_fixed: float | None = None  # a clip by value (None: by percentile)
        self.smooth = False  # interpolated density
        self.wiggle_fallback = False  # wiggle mode asked, density shown (traces < 2 px apart)
        self._lut = display.colormap_lut(self.colormap)
        self._title = None
        self._image_rect: tuple | None = None
        self.agc_enabled = False
        self.agc_window_ms = 500.0
        self.mode = "density"
        self.gain = 1.0
        self.clip_reference: Section | None = None  # clip from this section's amplitudes

        self.top_axis = ValueAxis("top")
        self.left_axis = ValueAxis("left")
        self.plot_widget = pg.PlotWidget(axisItems={"top": self.top_axis, "left": self.left_axis})
        self.plot_widget.setBackground("w")
        # the view paints its white background over every exposed pixel itself: Qt need not
        # fill the viewport first (one full-viewport fill less per frame)
        self.plot_widget.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showAxis("top")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.view_box = self.plot.getViewBox()
        for ax in ("top", "left"):
            self.plot.getAxis(ax).setTextPen("k")
            self.plot.getAxis(ax).setPen("k")
        self.image = SectionImage()
        self.wiggle = SectionImage()
        self.image.setZValue(0)
        self.wiggle.setZValue(1)
        self.plot.addItem(self.image)
        self.plot.addItem(self.wiggle)
        self.overlays: list[pg.GraphicsObject] = []
        self.title = PlotTitle(self.plot)
        self.bars = ColourBars(self.plot)
        self.legend = OverlayLegend(self.view_box)
        # items that rarely change are painted once into a pixmap and blitted on each frame
        # (their Python paint otherwise runs on every repaint of the section)
        for item in (self.top_axis, self.left_axis, self.legend.legend):
            cache_static(item)
        self.note = QLabel()
        self.note.setStyleSheet("color: #8a4b00; padding: 1px 4px;")
        self.note.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot_widget)
        lay.addWidget(self.note)
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(REDRAW_DELAY_MS)
        self._view_timer.timeout.connect(self._on_view_settled)
        self.view_box.sigRangeChanged.connect(self._on_range_changed)
        self.view_box.sigResized.connect(self._on_range_changed)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_scene_moved)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.tool_handler: ToolHandler | None = None
        self._tool_drag = False  # a left press went to the tool: its moves/release follow
        self._filter = _ToolEventFilter(self)
        self.plot_widget.viewport().installEventFilter(self._filter)
        self.plot_widget.installEventFilter(self._filter)
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- settings ------------------------------------------------------------------------------
    def set_colormap(self, name: str) -> None:
        self._lut = display.colormap_lut(name)  # validates
        self.colormap = name
        self._redraw(recompute=False)
        self.sig_colormap_changed.emit(name)

    def set_clip_percentile(self, percentile: float) -> None:
        """Clip at ``percentile`` % of |amplitude| of each section (the default)."""
        if not 0.0 < percentile <= 100.0:
            raise ValueError(f"clip percentile must be in (0, 100], got {percentile}")
        self.clip_percentile = float(percentile)
        self.clip_fixed = None
        self._redraw()

    def set_clip_value(self, value: float) -> None:
        """Clip every section at amplitude ``value`` (the same scale on every line)."""
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"clip value must be a positive amplitude, got {value}")
        self.clip_fixed = float(value)
        self._redraw()

    def clip_text(self) -> str:
        """How the clip is chosen, for the colour bar and the status bar."""
        if self.clip_fixed is not None:
            return f"clip ±{self.clip_fixed:.4g}"
        return f"clip {self.clip_percentile:g} %"

    def set_smooth(self, enabled: bool) -> None:
        """Interpolated (smooth) density instead of one block per sample."""
        self.smooth = bool(enabled)
        self._redraw(recompute=False)

    def set_agc(self, enabled: bool, window_ms: float | None = None) -> None:
        self.agc_enabled = bool(enabled)
        if window_ms is not None:
            if window_ms <= 0:
                raise ValueError("AGC window must be positive")
            self.agc_window_ms = float(window_ms)
        self._redraw()

    def set_mode(self, mode: str) -> None:
        if mode not in DISPLAY_MODES:
            raise ValueError(f"display mode must be one of {DISPLAY_MODES}, got {mode!r}")
        self.mode = mode
        self._redraw(recompute=False)

    # -- data ----------------------------------------------------------------------------------
    def set_section(self, section: Section, keep_view: bool | None = None,
                    clip_reference: Section | None = None) -> None:
        """Show ``section``; the zoom is kept when the new one has the same kind and shape.
        ``clip_reference`` (same shape) sets the clip instead of ``section`` itself: derived
        data (denoised, the noise removed) is drawn at the scale of the data it came from."""
        old = self.section
        same = old is not None and old.kind == section.kind and old.shape == section.shape
        self.section = section
        self.clip_reference = clip_reference
        title = section.title or None
        if title != self._title:  # axes and labels are re-laid out only on change
            self._title = title
            self.title.set_text(title or "")
        self.top_axis.set_values(section.axis0.values)
        self.top_axis.set_label_once(section.axis0.label)
        if section.is_time_slice:
            self.left_axis.set_values(section.axis1.values)
            self.left_axis.set_label_once(section.axis1.label)
        else:
            self.left_axis.set_values(None)
            self.left_axis.set_label_once(f"{section.axis1.label} ({section.axis1.unit})"
                                          if section.axis1.unit else section.axis1.label)
        if self.view_box.yInverted() == section.is_time_slice:
            self.view_box.invertY(not section.is_time_slice)
        if not (same if keep_view is None else keep_view):
            self.reset_view()
        self._redraw()
        self._view_timer.stop()  # drawn for the range just set
        if self._cursor_pos is not None:  # PgDn: the readout is of the new section at once
            self._on_scene_moved(self._cursor_pos)

    def _y_extent(self) -> tuple[float, float]:
        """(first, step) of the y coordinate of sample rows."""
        sec = self.section
        if sec is None or sec.is_time_slice or len(sec.axis1) < 2:
            return 0.0, 1.0
        t = np.asarray(sec.axis1.values, dtype=float)
        return float(t[0]), float((t[-1] - t[0]) / (len(t) - 1))

    def image_rect(self) -> QRectF:
        """Scene rectangle covered by the section (pixel edges, not centres)."""
        sec = self.section
        if sec is None:
            return QRectF(0, 0, 1, 1)
        y0, dy = self._y_extent()
        return QRectF(-0.5, y0 - dy / 2, sec.shape[0], sec.shape[1] * dy)

    def _redraw(self, recompute: bool = True) -> None:
        sec = self.section
        if sec is None:
            return
        if recompute or self.shown is None:
            shown = agc_section(sec, self.agc_window_ms) if self.agc_enabled else sec
            self.shown = shown
            if self.clip_fixed is not None:
                self.clip_value = self.clip_fixed
            else:
                ref = self.clip_reference
                src = shown
                if ref is not None and ref.shape == sec.shape:
                    src = agc_section(ref, self.agc_window_ms) if self.agc_enabled else ref
                self.clip_value = display.symmetric_clip(src.data, self.clip_percentile,
                                                         src.live)
        self._draw_density()
        self._draw_wiggle()
        self._draw_bar()
        self.sig_display_changed.emit()

    def _draw_bar(self) -> None:
        """The amplitude bar: the colour table and clip of the density image (hidden while
        only wiggles are drawn: their scale is the trace spacing, said in the note)."""
        if self.image.isVisible():
            self.bars.show("amplitude", self._lut, (-self.clip_value, self.clip_value),
                           f"amplitude ({self.clip_text()})")
        else:
            self.bars.hide("amplitude")

    def wants_wiggles(self) -> bool:
        """True when the chosen mode draws wiggles on this section (not on time slices)."""
        return self.mode != "density" and self.section is not None \
            and not self.section.is_time_slice

    def _view_pixels(self) -> tuple[tuple[float, float], tuple[float, float], float, float]:
        """Visible x range, y range and the view box size in screen pixels."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        return (x0, x1), (y0, y1), float(self.view_box.width()), float(self.view_box.height())

    def wiggle_window(self) -> wv.WiggleWindow | None:
        """The raster the visible range needs (None: traces too close, density instead)."""
        sec = self.section
        (x0, x1), (y0, y1), w, h = self._view_pixels()
        t0, dt = self._y_extent()
        return wv.wiggle_window(sec.shape, (x0, x1), ((y0 - t0) / dt, (y1 - t0) / dt), w, h)

    def _draw_density(self) -> None:
        sec, shown = self.section, self.shown
        window = self.wiggle_window() if self.wants_wiggles() else None
        fallback = self.wants_wiggles() and window is None
        if fallback != self.wiggle_fallback:
            self.wiggle_fallback = fallback
            self.note.setText(FALLBACK_NOTE if fallback else "")
            self.note.setVisible(fallback)
        show = not self.wants_wiggles() or self.mode == "wiggle_density" or fallback
        if not show:
            if self.image.isVisible():
                self.image.setVisible(False)
            return
        img = shown.data.T
        live = np.asarray(shown.live, dtype=bool)
        if not live.all():  # missing traces blank (NaN renders transparent)
            img = img.astype(np.float32, copy=True)
            if sec.is_time_slice:
                img[~live.T] = np.nan
            else:
                img[:, ~live] = np.nan
        if self.smooth:
            (x0, x1), (y0, y1), w, h = self._view_pixels()
            ny = (y1 - y0) / (self._y_extent()[1] or 1.0)
            fx, fy = wv.smooth_factors((ny, x1 - x0), w, h)
            if fx > 1 or fy > 1:
                img = wv.upsample_linear(img, fx, fy)
        self.image.setImage(img, levels=(-self.clip_value, self.clip_value), lut=self._lut,
                            autoLevels=False)
        rect = self.image_rect()
        if (rect, img.shape) != self._image_rect:  # same place and size: no new transform
            self._image_rect = (rect, img.shape)
            self.image.setRect(rect)
        if not self.image.isVisible():
            self.image.setVisible(True)

    def _draw_wiggle(self) -> None:
        window = self.wiggle_window() if self.wants_wiggles() else None
        if window is None:
            if self.wiggle.isVisible():
                self.wiggle.setVisible(False)
            return
        shown, mode = self.shown, self.mode
        w = window
        data = wv.resample_rows(shown.data[w.i0:w.i1 + 1], w.j0, w.j1, w.rows)
        live = np.asarray(shown.live, dtype=bool)[w.i0:w.i1 + 1]
        line_rgba = (0, 0, 0, 255)
        if mode == "wiggle_density":
            # over colour, dense wiggles hide the image: keep one wiggle per ~6 px, lighter
            k = int(np.ceil(6 / w.spacing_px))
            live = live & (np.arange(w.i0, w.i1 + 1) % k == 0)
            line_rgba = (0, 0, 0, 190)
        rgba = display.rasterise_wiggle(
            data, self.clip_value, px_per_trace=w.px_per_trace, gain=self.gain,
            max_excursion=1.0, fill="none" if mode in ("wiggle", "wiggle_density") else "positive",
            live=live, line_rgba=line_rgba, packed=True)
        t0, dt = self._y_extent()
        self.wiggle.setImage(rgba, autoLevels=False, levels=None)  # ARGB32 words as is
        self.wiggle.setRect(QRectF(w.i0 - 0.5, t0 + (w.j0 - 0.5) * dt, w.n_traces,
                                   w.n_samples * dt))
        if not self.wiggle.isVisible():
            self.wiggle.setVisible(True)

    def _on_range_changed(self, *_args) -> None:
        if self.section is not None and (self.wants_wiggles() or self.smooth):
            self._view_timer.start()

    def _on_view_settled(self) -> None:
        """The view stopped moving: redraw the rasters that follow it (wiggles, smooth)."""
        if self.section is None:
            return
        self._draw_density()
        self._draw_wiggle()
        self._draw_bar()

    def refresh(self) -> None:
        """Redraw at the current view (wiggle rasters follow the visible range at once)."""
        self._view_timer.stop()
        self._redraw(recompute=False)

    # -- overlay legend and scales ---------------------------------------------------------------
    def set_legend(self, key: str, entries: list[LegendEntry]) -> None:
        """Legend rows of overlay ``key`` (empty list: none)."""
        self.legend.set(key, entries)

    def show_overlay_scale(self, key: str, lut: np.ndarray, levels: tuple[float, float],
                           label: str) -> None:
        """A colour bar for an overlay drawn through ``lut`` over ``levels``."""
        self.bars.show(key, lut, levels, label)

    def hide_overlay_scale(self, key: str) -> None:
        if key != "amplitude":
            self.bars.hide(key)

    def displayed_data(self) -> np.ndarray | None:
        """Amplitudes (traces/inlines, samples/crosslines) behind the image, before clip/LUT."""
        return None if self.shown is None else self.shown.data

    # -- view ----------------------------------------------------------------------------------
    def reset_view(self) -> None:
        """Zoom out to the whole section."""
        self.view_box.setRange(rect=self.image_rect(), padding=0.0)

    def add_overlay(self, item: pg.GraphicsObject, z: float = 10.0) -> None:
        """Add an overlay item (curve, scatter, semi-transparent image) above the section."""
        item.setZValue(z)
        self.plot.addItem(item)
        self.overlays.append(item)

    def remove_overlay(self, item: pg.GraphicsObject) -> None:
        if item in self.overlays:
            self.overlays.remove(item)
            self.plot.removeItem(item)

    def x_of(self, trace_values: np.ndarray | float) -> np.ndarray:
        """Scene x (fractional trace index) of axis0 values; nearest trace if not monotone."""
        v = np.asarray(self.section.axis0.values, dtype=float)
        q = np.atleast_1d(np.asarray(trace_values, dtype=float))
        d = np.diff(v)
        if len(v) > 1 and (np.all(d > 0) or np.all(d < 0)):
            order = np.argsort(v)
            return np.interp(q, v[order], np.arange(len(v), dtype=float)[order])
        return np.array([np.argmin(np.abs(v - x)) for x in q], dtype=float)

    def y_of(self, value: np.ndarray | float) -> np.ndarray:
        """Scene y of times (trace sections) or crossline values (time slices)."""
        sec = self.section
        if sec.is_time_slice:
            v = np.asarray(sec.axis1.values, dtype=float)
            return np.interp(np.atleast_1d(value), v, np.arange(len(v), dtype=float))
        return np.atleast_1d(np.asarray(value, dtype=float))

    # -- mouse ---------------------------------------------------------------------------------
    def _data_at(self, x: float, y: float) -> tuple[int, int, float, float] | None:
        """(trace index, sample index, trace value, y value) under scene (x, y), or None."""
        sec = self.section
        if sec is None:
            return None
        i = round(x)
        if sec.is_time_slice:
            j = round(y)
        else:
            y0, dy = self._y_extent()
            j = round((y - y0) / dy) if dy else 0
        if not (0 <= i < sec.shape[0] and 0 <= j < sec.shape[1]):
            return None
        yv = float(sec.axis1.values[j]) if sec.is_time_slice else float(y)
        return i, j, float(sec.axis0.values[i]), yv

    def readout(self, i: int, j: int) -> dict[str, float]:
        """Status-bar fields for trace ``i`` and sample ``j`` (line numbers, time, amplitude, X/Y)."""
        sec, shown = self.section, self.shown
        out: dict[str, float] = {sec.axis0.label: float(sec.axis0.values[i]),
                                 sec.axis1.label: float(sec.axis1.values[j])}
        live = np.asarray(sec.live, dtype=bool)
        alive = live[i, j] if live.ndim == 2 else live[i]
        if alive:
            out["amplitude"] = float(shown.data[i, j])
        for key in ("inline", "crossline", "ffid", "cdp", "channel", "offset"):
            h = sec.headers.get(key)
            if h is not None and key not in out and np.ndim(h) == 1 and len(h) == sec.shape[0]:
                out[key] = float(h[i])
        for name, arr in (("X", sec.x), ("Y", sec.y)):
            if arr is not None:
                a = np.asarray(arr)
                if a.ndim == 2 and a.shape == sec.shape:
                    out[name] = float(a[i, j])
                elif a.ndim == 1 and len(a) == sec.shape[0]:
                    out[name] = float(a[i])
        return out

    def _on_scene_moved(self, pos: QPointF) -> None:
        self._cursor_pos = QPointF(pos)  # read again when the section changes under it
        if self.section is None or not self.view_box.sceneBoundingRect().contains(pos):
            return
        p = self.view_box.mapSceneToView(pos)
        hit = self._data_at(p.x(), p.y())
        if hit is None:
            return
        i, j, tv, yv = hit
        self.sig_mouse_moved.emit(tv, yv)
        self.sig_cursor.emit(self.readout(i, j))

    def _on_scene_clicked(self, ev) -> None:
        if self.section is None:
            return
        p = self.view_box.mapSceneToView(ev.scenePos())
        hit = self._data_at(p.x(), p.y())
        if hit is not None:
            self.sig_clicked.emit(hit[2], hit[3], ev.button())

    # -- tool mode -----------------------------------------------------------------------------
    def set_tool_handler(self, handler: ToolHandler | None) -> None:
        """Send left-button and editing-key events to ``handler`` (None: plain navigation)."""
        self.tool_handler = handler
        self._tool_drag = False
        cursor = Qt.CursorShape.CrossCursor if handler is not None else Qt.CursorShape.ArrowCursor
        self.plot_widget.viewport().setCursor(cursor)

    def scene_xy(self, pos: QPointF) -> tuple[float, float]:
        """View (data scene) coordinates of a viewport pixel."""
        p = self.view_box.mapSceneToView(self.plot_widget.mapToScene(pos.toPoint()))
        return float(p.x()), float(p.y())

    def _tool_mouse(self, ev: QMouseEvent) -> bool:
        """Route one viewport mouse event to the tool; True when it must not reach pyqtgraph."""
        h = self.tool_handler
        if h is None or self.section is None:
            return False
        t = ev.type()
        mods = modifier_names(ev.modifiers())
        left = ev.button() == Qt.MouseButton.LeftButton
        x, y = self.scene_xy(ev.position())
        if t in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            if not left or "alt" in mods:  # Alt + left drag, middle/right: navigation
                return False
            self.plot_widget.setFocus()
            kind = "press" if t == QEvent.Type.MouseButtonPress else "double_click"
            used = h.pointer(kind, x, y, "left", mods)
            self._tool_drag = used or self._tool_drag
            return used
        if t == QEvent.Type.MouseMove:
            if self._tool_drag and ev.buttons() & Qt.MouseButton.LeftButton:
                h.pointer("move", x, y, "left", mods)
                return True
            h.pointer("hover", x, y, "none", mods)
            return False
        if t == QEvent.Type.MouseButtonRelease and left and self._tool_drag:
            self._tool_drag = False
            h.pointer("release", x, y, "left", mods)
            return True
        return False

    def _tool_key(self, ev: QKeyEvent) -> bool:
        h = self.tool_handler
        name = TOOL_KEYS.get(Qt.Key(ev.key()))
        if h is None or name is None:
            return False
        return bool(h.key(name, modifier_names(ev.modifiers())))

    # -- test hooks (data coordinates, as in mne-qt-browser) ------------------------------------
    def widget_pos(self, trace_value: float, y_value: float) -> QPoint:
        """Viewport pixel of a data point (trace value, time ms / crossline)."""
        x = float(self.x_of(trace_value)[0])
        y = float(self.y_of(y_value)[0])
        scene = self.view_box.mapViewToScene(QPointF(x, y))
        return self.plot_widget.mapFromScene(scene)

    def _send(self, kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton,
              buttons: Qt.MouseButton,
              modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        vp = self.plot_widget.viewport()
        ev = QMouseEvent(kind, QPointF(pos), vp.mapToGlobal(QPointF(pos)), button, buttons,
                         modifiers)
        QApplication.sendEvent(vp, ev)

    def click_data(self, trace_value: float, y_value: float,
                   button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
        """Click at a data point, as a user would (press + release on the viewport)."""
        pos = self.widget_pos(trace_value, y_value)
        self._send(QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
        self._send(QEvent.Type.MouseButtonPress, pos, button, button)
        self._send(QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton)

    def move_data(self, trace_value: float, y_value: float) -> None:
        """Hover the mouse over a data point (drives the cursor readout)."""
        self._send(QEvent.Type.MouseMove, self.widget_pos(trace_value, y_value),
                   Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)

    def double_click_data(self, trace_value: float, y_value: float,
                          button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
        """Double-click at a data point: press, release, double-click, release (Qt's order)."""
        pos = self.widget_pos(trace_value, y_value)
        self._send(QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)
        for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._send(kind, pos, button, button)
            self._send(QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton)

    def drag_data(self, points: list[tuple[float, float]],
                  button: Qt.MouseButton = Qt.MouseButton.LeftButton,
                  modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """Press at the first data point, move through the others, release at the last."""
        pos = [self.widget_pos(t, y) for t, y in points]
        self._send(QEvent.Type.MouseMove, pos[0], Qt.MouseButton.NoButton,
                   Qt.MouseButton.NoButton, modifiers)
        self._send(QEvent.Type.MouseButtonPress, pos[0], button, button, modifiers)
        for p in pos[1:]:
            self._send(QEvent.Type.MouseMove, p, Qt.MouseButton.NoButton, button, modifiers)
        self._send(QEvent.Type.MouseButtonRelease, pos[-1], button, Qt.MouseButton.NoButton,
                   modifiers)


class _ToolEventFilter(QObject):
    """Viewport / view event filter of :class:`SectionView` for tool mode."""

    def __init__(self, view: SectionView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if self.view.tool_handler is None:
            return False
        t = ev.type()
        try:
            if t in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                     QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove):
                return self.view._tool_mouse(ev)  # type: ignore[arg-type]
            if t == QEvent.Type.KeyPress and obj is self.view.plot_widget:
                return self.view._tool_key(ev)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - never unwind through Qt's C++ frames
            self.view._tool_drag = False
            sys.excepthook(type(exc), exc, exc.__traceback__)
            return True
        return False
