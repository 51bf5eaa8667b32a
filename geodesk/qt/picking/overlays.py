"""pyqtgraph drawing of the picks model and of a tool's in-progress items on the section view.

:class:`PickLayer` keeps one set of items per pick object and redraws only the object a
:class:`~geodesk.core.picks.Change` names, so a drag that edits one horizon costs one
``setData``. Items an object no longer needs are hidden and kept for reuse (by kind), so
stepping to the next line sets data on existing items instead of removing and adding them. :class:`ToolLayer` draws a tool's strokes, rubber bands and selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from geodesk.core.overlay_colours import drawn_colour
from geodesk.core.picks import Change, FaultSet, FirstBreaks, Horizon, Interpretation
from geodesk.core.picks import section_geometry as geometry
from geodesk.core.processing.moveout import reduce_times
from geodesk.core.section import Section
from geodesk.core.tools import OverlayItem, ToolError
from geodesk.qt.views.colour_bars import LegendEntry
from geodesk.qt.views.section_curve import SectionCurve
from geodesk.qt.views.section_image import SectionImage
from geodesk.qt.views.section_view import SectionView

#: First-break marker colours by provenance category (manual, tracked/model, corrected).
FB_COLOURS = {"manual": "#00b050", "machine": "#ff8c00", "corrected": "#e000e0"}
#: First breaks whose confidence is below this are drawn hollow: look at them first.
LOW_CONFIDENCE = 0.6
Z_PICKS, Z_TOOL = 20.0, 30.0


@dataclass
class Context:
    """What the layer draws on: the displayed section, its line number, a reduction velocity."""

    section: Section | None = None
    line: float | None = None
    velocity: float | None = None  # gathers shown reduced at this velocity (m/s)


def _pen(colour: str, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine):
    return pg.mkPen(colour or "#ffcc00", width=width, style=style)


class PickLayer:
    """Draws every horizon, fault set and first-break object of an interpretation."""

    def __init__(self, view: SectionView) -> None:
        self.view = view
        self.ctx = Context()
        self.picks: Interpretation | None = None
        self.slice_horizon: Horizon | None = None  # the one coloured on time slices
        self.items: dict[int, list[pg.GraphicsObject]] = {}
        self._spare: dict[str, list[pg.GraphicsObject]] = {}  # hidden items by kind, for reuse
        self._reuse: dict[int, list[pg.GraphicsObject]] = {}  # an object's items being redrawn
        self._flat: dict[int, np.ndarray] = {}
        self._segments: dict[int, geometry.StickSegments] = {}  # by fault set
        self._styles: dict[tuple[str, str], object] = {}  # fault pens and brushes by colour
        self.preview = pg.PlotDataItem(connect="finite")
        self.preview.setVisible(False)
        view.add_overlay(self.preview, Z_PICKS + 1)
        view.sig_colormap_changed.connect(lambda _name: self.redraw_all())

    def colour(self, colour: str) -> str:
        """The colour an object of ``colour`` is drawn in over the view's colormap."""
        return drawn_colour(colour, self.view.colormap)

    # -- bookkeeping ---------------------------------------------------------------------------
    def set_picks(self, picks: Interpretation) -> None:
        self.picks = picks
        self.redraw_all()

    def set_context(self, ctx: Context) -> None:
        self.ctx = ctx
        self.redraw_all()

    def _clear(self, key: int) -> None:
        """Take object ``key``'s items off it: reused by its next :meth:`_item` calls (no
        visibility change when it needs the same kinds again), the rest hidden by
        :meth:`_flush`."""
        self._reuse.setdefault(key, []).extend(self.items.pop(key, []))
        self._flat.pop(key, None)

    def _flush(self) -> None:
        """Hide the items no object took back; they wait in the spare pool."""
        for items in self._reuse.values():
            for it in items:
                it.setVisible(False)
                self._spare.setdefault(it._pick_kind, []).append(it)
        self._reuse.clear()

    def _item(self, key: int, kind: str) -> pg.GraphicsObject:
        """A shown item of ``kind`` for object ``key``: its own from before, a spare one, or a
        new one."""
        own = self._reuse.get(key, [])
        mine = next((it for it in own if it._pick_kind == kind), None)
        spare = self._spare.get(kind)
        if mine is not None:
            own.remove(mine)
            item = mine
        elif spare:
            item = spare.pop()
            item.setVisible(True)
        else:
            item, z = _new_item(kind)
            item._pick_kind = kind
            self.view.add_overlay(item, z)
        self.items.setdefault(key, []).append(item)
        return item

    def redraw_all(self) -> None:
        for key in list(self.items):
            self._clear(key)
        self.preview.setVisible(False)
        if self.picks is None or self.ctx.section is None:
            self._flush()
            self.view.set_legend("picks", [])
            self.view.hide_overlay_scale("horizon_time")
            return
        objects = self.picks.objects()
        for obj in objects:
            self._redraw_one(obj, rebuild=True)
        self._flush()
        live = {id(obj) for obj in objects}
        for key in [k for k in self._segments if k not in live]:  # removed fault sets
            del self._segments[key]
        self._legend()
        h = self.slice_horizon
        if self.ctx.section.kind != "time" or h is None or not self.items.get(id(h)):
            self.view.hide_overlay_scale("horizon_time")

    def _legend(self) -> None:
        """One legend row per horizon and fault (vertical sections), the coloured horizon (time
        slices) or first-break category (gathers): the same rows while stepping."""
        entries = []
        kind = self.ctx.section.kind if self.ctx.section is not None else None
        for obj in self.picks.objects() if self.picks is not None else ():
            if isinstance(obj, Horizon) and kind not in ("gather", None) and (
                    kind != "time" or obj is self.slice_horizon):
                style = "patch" if kind == "time" else "line"
                entries.append(LegendEntry(obj.name, self.colour(obj.colour), style))
            elif isinstance(obj, FaultSet) and kind not in ("gather", "time", None):
                entries += [LegendEntry(f"{obj.name}: {f.name}", self.colour(f.colour))
                            for f in obj.faults]
            elif isinstance(obj, FirstBreaks) and kind == "gather":
                entries += [LegendEntry(f"{obj.name} ({cat})", FB_COLOURS[cat], "marker")
                            for cat in geometry.CATEGORIES]
        self.view.set_legend("picks", entries)

    def on_change(self, change: Change) -> None:
        """Update what ``change`` touched (structural changes of the interpretation: all)."""
        if change.source is self.picks or self.picks is None:
            self.redraw_all()
        elif isinstance(change.source, (Horizon, FaultSet, FirstBreaks)):
            self.redraw(change.source, rebuild=change.what != "times")
            if change.what != "times":
                self._legend()

    # -- drawing -------------------------------------------------------------------------------
    def redraw(self, obj: object, rebuild: bool = False) -> None:
        """Redraw one object; ``rebuild`` recreates its items (colour, seeds, sticks changed)."""
        self._redraw_one(obj, rebuild)
        self._flush()

    def _redraw_one(self, obj: object, rebuild: bool) -> None:
        sec = self.ctx.section
        if sec is None:
            return
        key = id(obj)
        if isinstance(obj, Horizon):
            self._horizon(obj, key, rebuild)
        elif isinstance(obj, FaultSet):
            self._clear(key)
            self._faults(obj, key)
        elif isinstance(obj, FirstBreaks):
            self._first_breaks(obj, key, rebuild)

    def _horizon(self, h: Horizon, key: int, rebuild: bool) -> None:
        sec = self.ctx.section
        if rebuild or key not in self._flat:
            self._clear(key)
            if sec.kind == "gather" or sec.kind == "time" and h is not self.slice_horizon:
                return
            try:
                self._flat[key] = geometry.horizon_flat_index(h, sec, self.ctx.line)
            except ToolError:
                return
            if sec.kind == "time":
                self._item(key, "horizon_slice")
            else:
                colour = self.colour(h.colour)
                line = self._item(key, "horizon_line")
                if getattr(line, "_pen_colour", None) != colour:
                    line._pen_colour = colour
                    line.setPen(_pen(colour, 2.5))
                xy = geometry.seeds_xy(h, sec, self.ctx.line, self._flat[key])
                seeds = self._item(key, "horizon_seeds")
                if len(xy) or len(seeds.data):  # no seeds before or now: nothing to set
                    seeds.setData(xy[:, 0], xy[:, 1], symbol="o", size=9,
                                  pen=pg.mkPen("k", width=1), brush=pg.mkBrush(colour))
                # an empty scatter still costs its paint (~0.1-0.4 ms a flip): hidden instead
                seeds.setVisible(bool(len(xy)))
        flat = self._flat[key]
        item = self.items[key][0]
        t = geometry.times_at(flat, h.times)
        if sec.kind == "time":
            ok = np.isfinite(t)
            lo, hi = (float(t[ok].min()), float(t[ok].max())) if ok.any() else (0.0, 1.0)
            lut = pg.colormap.get("viridis").getLookupTable(nPts=256)
            item.setImage(t.T.astype(np.float32), levels=(lo, max(hi, lo + 1e-3)),
                          lut=lut, autoLevels=False)
            self.view.show_overlay_scale("horizon_time", lut, (lo, max(hi, lo + 1e-3)),
                                         f"{h.name}: time (ms)")
            item.setRect(-0.5, -0.5, t.shape[0], t.shape[1])
        else:
            item.set_line(np.arange(t.size, dtype=float), t)

    def _faults(self, fs: FaultSet, key: int) -> None:
        sec, line = self.ctx.section, self.ctx.line
        if sec.kind in ("time", "gather"):
            return
        segments = geometry.StickSegments.of(fs, self._segments.get(key))
        self._segments[key] = segments  # rebuilt only when the sticks or colours changed
        for colour, sticks in geometry.sticks_xy(fs, sec, line, segments):
            colour = self.colour(colour)
            xy = np.concatenate([np.vstack([s, [np.nan, np.nan]]) for s in sticks])
            self._item(key, "fault_line").setData(xy[:, 0], xy[:, 1], connect="finite",
                                                  pen=self._style("line", colour))
            nodes = np.concatenate(sticks)
            self._item(key, "fault_nodes").setData(nodes[:, 0], nodes[:, 1], symbol="s", size=6,
                                                   pen=self._style("node", colour),
                                                   brush=self._style("fill", colour))
        for colour, pts in geometry.stick_crossings(fs, sec, line, segments):
            colour = self.colour(colour)
            self._item(key, "fault_crossing").setData(pts[:, 0], pts[:, 1], symbol="x", size=12,
                                                      pen=self._style("crossing", colour),
                                                      brush=self._style("fill", colour))

    def _style(self, kind: str, colour: str):
        """The pen or brush of fault ``kind`` in ``colour``, made once: a scatter renders each
        new pen object into its symbol atlas again (~1 ms on every line with fault marks)."""
        key = (kind, colour)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = (
                _pen(colour, 2.0) if kind == "line" else pg.mkPen(colour) if kind == "node"
                else pg.mkPen(colour, width=2) if kind == "crossing" else pg.mkBrush(colour))
        return style

    def _first_breaks(self, fb: FirstBreaks, key: int, rebuild: bool) -> None:
        sec = self.ctx.section
        if rebuild or key not in self._flat:
            self._clear(key)
            if sec.kind != "gather" or sec.trace_index is None:
                return
            ti = np.asarray(sec.trace_index, dtype=np.int64)
            if ti.size and ti.max() >= fb.n_traces:
                return
            self._flat[key] = ti
            for cat in geometry.CATEGORIES:
                self._item(key, f"first_breaks_{cat}")
        ti = self._flat[key]
        t = geometry.times_at(ti, fb.times)
        if self.ctx.velocity is not None and "offset" in sec.headers:
            t = reduce_times(t, sec.headers["offset"], self.ctx.velocity)
        cat = geometry.provenance_categories(fb.provenance_table.names,
                                             fb.provenance.reshape(-1)[ti.clip(0)])
        conf = fb.confidence.reshape(-1)[ti.clip(0)]
        low = np.isfinite(conf) & (conf < LOW_CONFIDENCE)  # a model unsure of its pick
        x = np.arange(t.size, dtype=float)
        ok = np.isfinite(t) & (ti >= 0)
        for n, item in enumerate(self.items[key]):
            sel = ok & (cat == n)
            colour = FB_COLOURS[geometry.CATEGORIES[n]]
            solid, edge = pg.mkBrush(colour), pg.mkPen("k")
            hollow, ring = pg.mkBrush(None), pg.mkPen(colour, width=2)
            item.setData(x[sel], t[sel], brush=[hollow if q else solid for q in low[sel]],
                         pen=[ring if q else edge for q in low[sel]])

    def show_preview(self, horizon: Horizon | None, grid_times: np.ndarray | None,
                     inlines: np.ndarray | None = None,
                     crosslines: np.ndarray | None = None) -> None:
        """Dashed preview of a running 3D track (grid over ``inlines`` x ``crosslines``) on the
        current inline/crossline; None hides it."""
        sec = self.ctx.section
        if horizon is None or grid_times is None or sec is None \
                or sec.kind not in ("inline", "crossline") or self.ctx.line is None:
            self.preview.setVisible(False)
            return
        il, xl = (np.asarray(inlines), np.asarray(crosslines))
        keys = np.asarray(sec.axis0.values)
        if sec.kind == "inline":
            i = np.flatnonzero(il == self.ctx.line)
            row = grid_times[i[0]] if len(i) else None
            axis = xl
        else:
            j = np.flatnonzero(xl == self.ctx.line)
            row = grid_times[:, j[0]] if len(j) else None
            axis = il
        if row is None:
            self.preview.setVisible(False)
            return
        pos = {int(v): k for k, v in enumerate(axis)}
        y = np.array([row[pos[int(k)]] if int(k) in pos else np.nan for k in keys], dtype=float)
        self.preview.setData(np.arange(y.size, dtype=float), y, connect="finite",
                             pen=_pen(self.colour(horizon.colour), 1.5, Qt.PenStyle.DashLine))
        self.preview.setVisible(True)


def _new_item(kind: str) -> tuple[pg.GraphicsObject, float]:
    """A new overlay item of ``kind`` and its z value (styles that never change are set here)."""
    if kind == "horizon_slice":
        img = SectionImage()  # ARGB32: no format conversion per paint
        img.setOpacity(0.6)
        return img, Z_PICKS
    if kind in ("horizon_line", "fault_line"):
        # the curve itself, not a PlotDataItem around it: the same drawing without the
        # wrapper's data set, bounds and symbol bookkeeping on every new line; its bounds
        # kept with its data (SectionCurve)
        return SectionCurve(), Z_PICKS
    if kind.startswith("first_breaks_"):
        cat = kind.removeprefix("first_breaks_")
        return pg.ScatterPlotItem(symbol="o", size=6, pen=pg.mkPen("k"),
                                  brush=pg.mkBrush(FB_COLOURS[cat]), name=cat), Z_PICKS
    return pg.ScatterPlotItem(), Z_PICKS + (0.5 if kind == "horizon_seeds" else 0.0)


TOOL_STYLES = {
    "stroke": ("#00e5ff", 1.5, Qt.PenStyle.DashLine),
    "rubber_band": ("#00e5ff", 1.0, Qt.PenStyle.DashLine),
    "stick_active": ("#ff3030", 2.0, Qt.PenStyle.DashLine),
    "stick_selected": ("#00e5ff", 4.0, Qt.PenStyle.SolidLine),
}


class ToolLayer:
    """Draws the in-progress and selection items of the active tool (a small reused pool)."""

    def __init__(self, view: SectionView) -> None:
        self.view = view
        self.lines: list[pg.PlotDataItem] = []
        self.points: list[pg.ScatterPlotItem] = []

    def _line(self, n: int) -> pg.PlotDataItem:
        while len(self.lines) <= n:
            it = pg.PlotDataItem(connect="finite")
            self.view.add_overlay(it, Z_TOOL)
            self.lines.append(it)
        return self.lines[n]

    def _points(self, n: int) -> pg.ScatterPlotItem:
        while len(self.points) <= n:
            it = pg.ScatterPlotItem(symbol="s", size=8, pen=pg.mkPen("k"),
                                    brush=pg.mkBrush("#ff3030"))
            self.view.add_overlay(it, Z_TOOL + 0.5)
            self.points.append(it)
        return self.points[n]

    def show(self, items: list[OverlayItem], y_map=None) -> None:
        """Draw the tool's items of roles in :data:`TOOL_STYLES` plus the nodes of the stick
        in progress; ``y_map(x, t)`` converts tool times to scene y (identity when None)."""
        nl = np_ = 0
        for it in items:
            xy = np.asarray(it.xy, dtype=float).reshape(-1, 2)
            y = xy[:, 1] if y_map is None else y_map(xy[:, 0], xy[:, 1])
            if it.kind == "line" and it.role in TOOL_STYLES:
                colour, width, style = TOOL_STYLES[it.role]
                line = self._line(nl)
                line.setData(xy[:, 0], y, connect="finite", pen=_pen(colour, width, style))
                line.setVisible(True)
                nl += 1
            elif it.kind == "points" and it.role == "node" and not it.colour:
                pts = self._points(np_)
                pts.setData(xy[:, 0], y)
                pts.setVisible(True)
                np_ += 1
        for line in self.lines[nl:]:
            line.setVisible(False)
        for pts in self.points[np_:]:
            pts.setVisible(False)

    def clear(self) -> None:
        self.show([])
