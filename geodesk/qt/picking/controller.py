"""The picking controller: wires the Qt-free tools to the window's view, picks and history.

It is the view's tool handler (see :meth:`SectionView.set_tool_handler`): scene events go to the
current tool, built lazily for the displayed section and the active pick object (created when
there is none suitable: "Horizon 1", "Faults", "First breaks"). Every Change of the picks
redraws the object it names; undo/redo work in every tool (a stroke in progress is cancelled).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from geodesk.core.history import History
from geodesk.core.picks import Change, FaultSet, FirstBreaks, Horizon, Interpretation
from geodesk.core.processing import firstbreaks as fbp
from geodesk.core.processing.fb_survey import pick_gather, write_auto_picks
from geodesk.core.processing.moveout import reduce_section
from geodesk.core.processing.tracking import track_section
from geodesk.core.tools import (
    FaultStickTool,
    FirstBreakTool,
    HorizonTool,
    ToolError,
    array_tracker,
    snap_extremum,
)
from geodesk.core.tools import autopick as tracking
from geodesk.core.tools.first_break_reduced import ReducedFirstBreakTool
from geodesk.core.tools.params import PickParams
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.picking.overlays import Context, PickLayer, ToolLayer

#: Tool names: what the toolbar offers; "navigate" leaves the mouse to the view.
TOOLS = ("navigate", "horizon_seed", "horizon_draw", "horizon_erase", "faults", "first_breaks")
TOOL_LABELS = {"navigate": "Navigate", "horizon_seed": "Horizon: seed",
               "horizon_draw": "Horizon: draw", "horizon_erase": "Horizon: erase",
               "faults": "Fault sticks", "first_breaks": "First breaks"}
_KIND_OF = {"horizon_seed": "horizon", "horizon_draw": "horizon", "horizon_erase": "horizon",
            "faults": "fault_set", "first_breaks": "first_breaks"}
_CLASS_OF = {"horizon": Horizon, "fault_set": FaultSet, "first_breaks": FirstBreaks}
_SNAP_EVENT = {"peak": "peak", "trough": "trough", "zc+": "zero", "zc-": "zero"}


class PickingController(QObject):
    """Current tool, its parameters, the pick overlays and the track / auto-pick actions."""

    sig_tool_changed = Signal(str)
    sig_history_changed = Signal(object)  # the History, after every change of its stack
    sig_message = Signal(str)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.view = window.view
        self.tool_name = "navigate"
        self.tool: Any = None
        self._tool_key: tuple | None = None
        self.params = PickParams()
        self.layer = PickLayer(self.view)
        self.tool_layer = ToolLayer(self.view)
        self.track_job: JobHandle | None = None
        self.last_track_report: Any = None  # why the last 3D track stopped (StopReport)
        self.last_message = ""
        self._press_xy: tuple[float, float] | None = None
        self._last_used: dict[str, object] = {}
        self._fault_of: dict[int, str | None] = {}  # fault set id → fault new sticks go to
        self._picks: Interpretation | None = None
        self._history: History | None = None
        window.sig_section_changed.connect(self._on_section)
        window.sig_picks_replaced.connect(self._on_picks_replaced)
        window.sig_active_pick_changed.connect(self._on_active)
        self._on_picks_replaced(window.picks, window.history)

    # -- model wiring --------------------------------------------------------------------------
    @property
    def history(self) -> History:
        return self.window.history

    def _on_picks_replaced(self, picks: Interpretation, history: History) -> None:
        self._drop_tool()
        if self._picks is not None:
            self._picks.changed.disconnect(self._on_change)
        if self._history is not None:
            self._history.unsubscribe(self._on_history)
        self._picks, self._history = picks, history
        picks.changed.connect(self._on_change)
        history.subscribe(self._on_history)
        self._last_used.clear()
        self.layer.slice_horizon = None
        self.layer.set_picks(picks)
        self.sig_history_changed.emit(history)

    def _on_history(self, history: History) -> None:
        self.sig_history_changed.emit(history)

    def _on_change(self, change: Change) -> None:
        if change.source is self._picks:
            objs = self._picks.objects()
            if self.window.active_pick is not None and self.window.active_pick not in objs:
                self.window.set_active_pick(None)  # undone "Add …" or deleted elsewhere
            if self.tool is not None and self._tool_object() not in objs:
                self._drop_tool()
        self.layer.on_change(change)
        self._show_tool()

    def _on_active(self, obj: object) -> None:
        if isinstance(obj, Horizon):
            self.layer.slice_horizon = obj
        if self.tool is not None and obj is not self._tool_object():
            self._drop_tool()
        self.layer.redraw_all()

    def _on_section(self, section: object) -> None:
        self._drop_tool()
        self._redisplay()

    def redisplay(self) -> None:
        """Show the window's section again (what :meth:`MainWindow.display_of` makes of it
        changed, e.g. its denoised version arrived) and redraw the picks."""
        self._redisplay()

    def _redisplay(self) -> None:
        """Show the window's section (reduced when asked, on gathers) and redraw the picks."""
        sec = self.window.section
        velocity = None
        shown, ref = self.window.display_of(sec) if sec is not None else (None, None)
        if sec is not None and sec.kind == "gather" and self.params.reduce \
                and "offset" in sec.headers:
            velocity = self.params.velocity
            self.view.set_section(reduce_section(shown, velocity), keep_view=True,
                                  clip_reference=ref)
        elif sec is not None and self.view.section is not shown:
            self.view.set_section(shown, keep_view=True, clip_reference=ref)
        self.layer.set_context(Context(self.view.section, self.line_number(), velocity))
        self._show_tool()

    def line_number(self) -> float | None:
        """Inline / crossline number of the displayed section (None for others)."""
        sec = self.window.section
        if sec is None or sec.kind not in ("inline", "crossline"):
            return None
        return float(self.window.navigator.value)

    # -- parameters and tool choice ------------------------------------------------------------
    def set_params(self, params: PickParams) -> None:
        """New parameters: a changed reduction redisplays the gather; tools are rebuilt."""
        old, self.params = self.params, params
        self._drop_tool()
        if (old.reduce, old.velocity) != (params.reduce, params.velocity):
            self._redisplay()

    def set_tool(self, name: str) -> None:
        """Choose a tool (see :data:`TOOLS`); "navigate" gives the mouse back to the view."""
        if name not in TOOLS:
            raise ValueError(f"unknown tool {name!r}; choose one of {', '.join(TOOLS)}")
        self._drop_tool()
        self.tool_name = name
        self.view.set_tool_handler(None if name == "navigate" else self)
        self.sig_tool_changed.emit(name)

    def message(self, text: str) -> None:
        self.last_message = text
        self.window.statusBar().showMessage(text, 6000)
        self.sig_message.emit(text)

    # -- tools ---------------------------------------------------------------------------------
    def _tool_object(self) -> object:
        t = self.tool
        return getattr(t, "horizon", None) or getattr(t, "fault_set", None) or \
            getattr(t, "picks", None)

    def _drop_tool(self) -> None:
        if isinstance(self.tool, FaultStickTool):
            self._fault_of[id(self.tool.fault_set)] = self.tool.current_fault
        if self.tool is not None:
            self.tool.cancel()
        self.tool, self._tool_key = None, None
        self.tool_layer.clear()

    def pick_object(self, kind: str, create: bool = True) -> object | None:
        """The object tools of ``kind`` edit: the active one if it fits, else the last used,
        else the first of that kind, else (``create``) a new one added as its own step."""
        picks, active = self.window.picks, self.window.active_pick
        if isinstance(active, _CLASS_OF[kind]) and active in picks.objects():
            return active
        cand = self._last_used.get(kind)
        if cand is None or cand not in picks.objects():
            names = picks.names(kind)
            cand = picks.get(kind, names[0]) if names else None
        if cand is None and create:
            cand = self._new_object(kind)
        if cand is not None:
            self._last_used[kind] = cand
            self.window.set_active_pick(cand)
        return cand

    def _new_object(self, kind: str) -> object | None:
        survey, picks = self.window.survey, self.window.picks
        if survey is None:
            return None
        if kind == "horizon":
            if survey.kind not in ("post3d", "post2d"):
                return None
            obj: object = Horizon.like_survey(picks.unique_name("horizon", "Horizon 1")
                                              if "Horizon 1" in picks.names("horizon")
                                              else "Horizon 1", survey)
        elif kind == "fault_set":
            obj = FaultSet(picks.unique_name("fault_set", "Faults"))
        else:
            if survey.kind != "prestack":
                return None
            obj = FirstBreaks.like_survey(picks.unique_name("first_breaks", "First breaks"),
                                          survey)
        return picks.add(self.history, obj, implicit=True)  # undone with the first edit

    def _snap_fb(self):
        mode, win = self.params.fb_snap, self.params.fb_snap_window_ms
        if mode == "none":
            return None
        return lambda tr, times, t: fbp.snap(tr, times, t, mode, win)

    def ensure_tool(self) -> Any:
        """The tool for the current choice, section and object (None if none fits here)."""
        name, sec = self.tool_name, self.view.section
        if name == "navigate" or sec is None:
            return None
        kind = _KIND_OF[name]
        wants = ("gather",) if kind == "first_breaks" else ("inline", "crossline", "line")
        if sec.kind not in wants:
            self.message(f"{TOOL_LABELS[name]}: not on a {sec.kind} section")
            return None
        obj = self.pick_object(kind)
        if obj is None:
            self.message(f"{TOOL_LABELS[name]}: needs a "
                         f"{'pre-stack' if kind == 'first_breaks' else 'post-stack'} survey")
            return None
        key = (name, id(obj), id(sec), id(self.history))
        if self.tool is not None and key == self._tool_key:
            return self.tool
        self._drop_tool()
        try:
            self.tool = self._build(name, obj, sec)
        except ToolError as exc:
            self.message(str(exc))
            return None
        self._tool_key = key
        return self.tool

    def _build(self, name: str, obj: Any, sec: Any) -> Any:
        """A new tool ``name`` editing ``obj`` on the displayed section ``sec``."""
        kind, line = _KIND_OF[name], self.line_number()
        if kind == "horizon":
            tr = self.params.track
            return HorizonTool(obj, self.history, sec, line,
                               snap=snap_extremum(_SNAP_EVENT[tr.event], tr.search_ms),
                               tracker=array_tracker(track_section, params=tr),
                               mode="erase" if name == "horizon_erase" else "pick")
        if kind == "fault_set":
            return FaultStickTool(obj, self.history, sec, line, self._fault_of.get(id(obj)),
                                  tolerance=self._fault_tolerance())
        if self.params.reduce and "offset" in sec.headers:
            return ReducedFirstBreakTool(obj, self.history, sec, self.params.velocity,
                                         snap=self._snap_fb())
        return FirstBreakTool(obj, self.history, sec, snap=self._snap_fb())

    def _fault_tolerance(self) -> tuple[float, float]:
        """Hit radius of about 8 screen pixels in traces and ms."""
        vb = self.view.view_box
        (x0, x1), (y0, y1) = vb.viewRange()
        w, h = max(vb.width(), 1.0), max(vb.height(), 1.0)
        return (max(8 * (x1 - x0) / w, 0.5), max(8 * (y1 - y0) / h, 1e-3))

    # -- ToolHandler protocol (events from the view, scene coordinates) ------------------------
    def pointer(self, kind: str, x: float, y: float, button: str,
                modifiers: frozenset[str]) -> bool:
        if kind == "hover":
            if self.tool is not None:
                self.tool.move(x, y, modifiers)
                if self.tool.active:
                    self._show_tool()
            return False
        seed_mode = self.tool_name == "horizon_seed"
        try:
            if kind == "press":
                tool = self.ensure_tool()
                if tool is None:
                    return False
                if isinstance(tool, FaultStickTool):
                    tool.tolerance = self._fault_tolerance()
                self._press_xy = (x, y)
                tool.press(x, y, button, modifiers)
            elif self.tool is None:
                return False
            elif kind == "move":
                if not seed_mode:
                    self.tool.move(x, y, modifiers)
            elif kind == "release":
                if seed_mode and self._press_xy is not None:
                    x, y = self._press_xy  # a seed is a click: drags do not paint
                n_seeds = len(self.tool.horizon.seeds) if seed_mode else 0
                self.tool.release(x, y, button, modifiers)
                if seed_mode and self.params.auto_track_seed \
                        and len(self.tool.horizon.seeds) > n_seeds:
                    self.track_section()
            elif kind == "double_click":
                self.tool.double_click(x, y, button, modifiers)
        except (ToolError, KeyError, ValueError) as exc:
            self.message(str(exc))
        self._show_tool()
        return True

    def key(self, name: str, modifiers: frozenset[str]) -> bool:
        if self.tool is None:
            return False
        try:
            used = bool(self.tool.key(name, modifiers))
        except KeyError:  # the selected stick went away (undo)
            self.tool.selected = None
            used = True
        self._show_tool()
        return used

    def _show_tool(self) -> None:
        if self.tool is None:
            self.tool_layer.clear()
            return
        # tools work in displayed time (the reduced tool too): no mapping needed
        self.tool_layer.show(self.tool.overlay())

    def new_fault(self) -> None:
        """The next stick starts a new fault ("Fault 2"…) in the fault set."""
        if isinstance(self.tool, FaultStickTool):
            self.tool.current_fault = None
        fs = self.pick_object("fault_set", create=False)
        if fs is not None:
            self._fault_of[id(fs)] = None
        self.message("The next stick starts a new fault")

    # -- undo / redo ---------------------------------------------------------------------------
    def undo(self) -> bool:
        """Undo the newest step (a stroke or stick in progress is dropped first)."""
        if self.tool is not None:
            self.tool.cancel()
        done = self.history.undo() if self.history.can_undo else False
        self._show_tool()
        return done

    def redo(self) -> bool:
        if self.tool is not None:
            self.tool.cancel()
        done = self.history.redo() if self.history.can_redo else False
        self._show_tool()
        return done

    # -- actions -------------------------------------------------------------------------------
    def _horizon_tool(self) -> HorizonTool | None:
        """The horizon tool of the current choice, or one built for a track action."""
        if self.tool_name.startswith("horizon"):
            tool = self.ensure_tool()
            return tool if isinstance(tool, HorizonTool) else None
        sec = self.view.section
        if sec is None or sec.kind not in ("inline", "crossline", "line"):
            self.message("Track on this section: show an inline, crossline or 2D line")
            return None
        h = self.pick_object("horizon", create=False)
        if h is None:
            self.message("Track on this section: place seeds on a horizon first")
            return None
        try:
            return self._build("horizon_draw", h, sec)
        except ToolError as exc:
            self.message(str(exc))
            return None

    def track_section(self) -> int:
        """Track the active horizon along this section from its seeds here, as one step."""
        tool = self._horizon_tool()
        if tool is None:
            return 0
        try:
            n = tool.track_section()
        except ToolError as exc:
            self.message(str(exc))
            return 0
        self.message(f"Tracked {n} traces of {tool.horizon.name} on this section")
        return n

    def track_3d(self) -> JobHandle | None:
        """Start tracking the active horizon through the volume from all its seeds (a job;
        one undoable step when it finishes; a running track is cancelled: latest wins)."""
        survey = self.window.survey
        if survey is None or survey.kind != "post3d":
            self.message("Track in 3D needs a post-stack 3D survey")
            return None
        h = self.pick_object("horizon", create=False)
        if not isinstance(h, Horizon) or not h.seeds:
            self.message("Track in 3D: place seeds on the horizon first")
            return None
        if self.track_job is not None and self.track_job.running:
            self.track_job.cancel()
        seeds = list(h.seeds)
        job = tracking.track_3d_job(survey, seeds, self.params.track)
        handle = self.window.runner.submit(job, f"Track horizon {h.name}")
        il, xl = np.asarray(survey.inlines), np.asarray(survey.crosslines)
        handle.published.connect(lambda p: self._preview(handle, h, p, il, xl))
        handle.finished.connect(lambda r: self._tracked(handle, h, r, il, xl))
        handle.failed.connect(lambda e: self._job_failed(handle, "Track in 3D", e))
        handle.cancelled.connect(lambda: self._job_ended(handle, "Track in 3D cancelled"))
        self.track_job = handle
        return handle

    def _preview(self, handle: JobHandle, h: Horizon, partial, il, xl) -> None:
        if handle is self.track_job and handle.running:
            self.layer.show_preview(h, partial[0], il, xl)

    def _tracked(self, handle: JobHandle, h: Horizon, result, il, xl) -> None:
        self.layer.show_preview(None, None)
        if h not in self.window.picks.objects():
            self.message(f"Track in 3D: {h.name} no longer exists")
            return
        if self.tool is not None:
            self.tool.cancel()
        times, conf, report = result
        tracking.write_grid(h, self.history, il, xl, times, conf)
        self.last_track_report = report
        self.message(report.message(h.name))  # how far, why it stopped, what to change

    def _job_failed(self, handle: JobHandle, what: str, exc: BaseException) -> None:
        self.layer.show_preview(None, None)
        self.message(f"{what} failed: {exc}")

    def _job_ended(self, handle: JobHandle, text: str) -> None:
        self.layer.show_preview(None, None)
        self.message(text)

    def auto_pick_gather(self) -> int:
        """Auto-pick first breaks on the displayed gather (one step; manual picks stay)."""
        sec = self.window.section
        if sec is None or sec.kind != "gather" or sec.trace_index is None:
            self.message("Auto-pick needs a gather on display")
            return 0
        fb = self.pick_object("first_breaks")
        if not isinstance(fb, FirstBreaks):
            return 0
        params = tracking.fb_params(self.params)
        times = pick_gather(sec, params)
        n = write_auto_picks(fb, self.history, np.asarray(sec.trace_index), times,
                             params.provenance, f"Auto-pick first breaks {sec.title}")
        self.message(f"Auto-picked {n} first breaks on {sec.title}")
        return n

    def auto_pick_all(self) -> JobHandle | None:
        """Auto-pick every gather of the file: the Auto-pick first breaks dialog (starting from
        this dock's picker settings, as tuned on one gather), its job and its one undo step
        (see :class:`~geodesk.qt.models.autopick_ui.AutopickController`)."""
        survey = self.window.survey
        if survey is None or survey.kind != "prestack":
            self.message("Auto-pick needs a pre-stack survey")
            return None
        return self.window.features["autopick"].dialog(tracking.fb_params(self.params))
