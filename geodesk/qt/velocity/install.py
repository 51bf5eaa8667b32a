"""The Processing menu: velocity analysis panel, automatic picking of all CMPs, velocity field.

The panel works on the window's pre-stack survey grouped by CDP (a shot-sorted file is sorted to
CMPs through its own handle) and edits the active :class:`VelocityFunctions` object of the
window's interpretation (or a new "Velocities" one), through the window's history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from geodesk.core import display
from geodesk.core.exchange.velocity_io import cmp_positions, vrms_field, write_vrms_section
from geodesk.core.jobs import JobContext
from geodesk.core.picks import VelocityFunctions
from geodesk.core.processing.nmo import stack_gathers
from geodesk.core.processing.velpick import pick_survey
from geodesk.core.segy.reader import private_survey
from geodesk.core.survey import SurveyError
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.velocity.cdp_sync import CdpSync
from geodesk.qt.velocity.panel import VelocityPanel


class VelocityController:
    """Menu actions and the panel dock of one main window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.panel: VelocityPanel | None = None
        self.dock: QDockWidget | None = None
        self._cmps = None  # our own CDP-grouped handle when the survey is shot-sorted
        self.job: JobHandle | None = None
        self.field_dialog: QDialog | None = None  # the Vrms field window, if open
        menu = window.menu("&Processing")
        self.open_action = menu.addAction("&Velocity analysis…", self.open_panel)
        self.pick_action = menu.addAction("&Auto-pick velocities (all CMPs)", self.auto_pick_all)
        self.field_action = menu.addAction("Velocity &field…", self.show_field)
        from geodesk.qt.velocity.model_ui import VelocityModelPicker

        self.model_picker = VelocityModelPicker(self)
        self.cdp_sync = CdpSync(self)  # one CDP for the panel and the main view
        window.sig_survey_changed.connect(self._on_survey)
        window.sig_picks_replaced.connect(lambda *_: self.close_panel())
        window.close_hooks.append(self.shutdown)
        self._on_survey(window.survey)

    # -- state --------------------------------------------------------------------------------
    def _on_survey(self, survey: Any) -> None:
        ok = survey is not None and survey.kind == "prestack"
        for act in (self.open_action, self.pick_action, self.field_action,
                    self.model_picker.all_action):
            act.setEnabled(ok)
        if self.panel is not None and self.panel.functions is not None and (
                survey is None or self.panel.cmps.path != survey.path):
            self.close_panel()
        dlg = self.field_dialog
        if dlg is not None and (survey is None or dlg.property("survey_path") != str(survey.path)):
            dlg.close()  # the Vrms field of another file would pass for this one's
            self.field_dialog = None

    def error(self, text: str) -> None:  # tests replace it
        QMessageBox.warning(self.window, "Velocity analysis", text)

    def cmp_survey(self):
        """The window's survey grouped by CDP (a regrouped copy is kept and closed by us)."""
        s = self.window.survey
        if s.gather_key == "cdp":
            return s
        if self._cmps is None or self._cmps.path != s.path:
            self._close_cmps()
            self._cmps = s.regroup("cdp")
        return self._cmps

    def _close_cmps(self) -> None:
        if self._cmps is not None:
            self._cmps.close()
            self._cmps = None

    def functions(self) -> VelocityFunctions:
        """The velocity object being edited: the active one, the first one, or a new one."""
        w = self.window
        if isinstance(w.active_pick, VelocityFunctions):
            return w.active_pick
        existing = list(w.picks.velocities.values())
        if existing:
            return existing[0]
        obj = VelocityFunctions(w.picks.unique_name("velocity_functions", "Velocities"))
        w.picks.add(w.history, obj, implicit=True)  # no undo step until the first pick
        return obj

    # -- actions ------------------------------------------------------------------------------
    def open_panel(self) -> VelocityPanel | None:
        """Show the velocity-analysis panel docked at the bottom of the window."""
        try:
            cmps = self.cmp_survey()
        except SurveyError as exc:
            self.error(f"Cannot sort this file into CMPs: {str(exc).splitlines()[0]}")
            return None
        if self.panel is None:  # one panel per window, rebound on every open (see bind)
            self.panel = VelocityPanel(cmps, self.functions(), self.window.history)
            self.dock = QDockWidget("Velocity analysis", self.window)
            self.dock.setObjectName("Velocity analysis")
            self.dock.setWidget(self.panel)
            self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
            self.model_picker.attach(self.panel)
        else:
            self.panel.bind(cmps, self.functions(), self.window.history)
        self.dock.show()
        self.cdp_sync.attach(self.panel)
        self.cdp_sync.from_panel(self.panel.cdp)
        return self.panel

    @property
    def is_open(self) -> bool:
        return self.dock is not None and self.dock.isVisible() and self.panel.functions is not None

    def shutdown(self) -> None:
        """The window is closing: release the panel's plots and our CMP handle."""
        if self.panel is not None:
            self.panel.release()
        self._close_cmps()

    def close_panel(self) -> None:
        """Hide the panel and stop it following the picks (it is reused by the next open)."""
        if self.panel is not None:
            self.panel.unbind()
            self.dock.hide()

    def auto_pick_all(self) -> JobHandle | None:
        """Semblance auto-picks on every CMP as a background job; one undo step."""
        survey = self.window.survey
        if survey is None or survey.kind != "prestack" or (self.job and self.job.running):
            return None
        target = self.functions()
        demultiple = self.panel is not None and self.panel.demultiple_box.isChecked()

        def job(ctx: JobContext) -> dict:
            with private_survey(survey) as own:  # never share the GUI thread's file handle
                return pick_survey(own, ctx=ctx, demultiple=demultiple)

        self.job = self.window.runner.submit(job, "Auto-pick velocities")
        self.job.finished.connect(lambda result: self._write_all(target, result))
        self.job.failed.connect(lambda exc: self.error(f"Auto-pick failed: {exc}"))
        return self.job

    def _write_all(self, target: VelocityFunctions, result: dict) -> None:
        if not result:
            self.error("No velocity could be picked on any CMP.")
            return
        if target not in self.window.picks.objects():  # another survey is shown now: its
            self.window.statusBar().showMessage(  # undo must not reach this one's picks
                "Auto-pick velocities finished for a survey no longer shown: not written",
                8000)
            return
        h = self.window.history
        with h.transaction(f"Auto-pick velocities ({len(result)} CMPs)"):
            for cdp, (t, v) in sorted(result.items()):
                target.set_function(h, cdp, t, v, "model:semblance@1")
        if self.is_open:
            self.panel.refresh_function()

    def field(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """(Vrms field, CDPs, X, Y, warnings) of the current functions on every CMP."""
        cmps = self.cmp_survey()
        cdps, x, y = cmp_positions(cmps)
        functions = {c: (f.times_ms, f.vrms_mps) for c, f in self.functions().functions.items()
                     if len(f)}
        if not functions:
            raise ValueError("no velocity function is picked yet")
        field, warnings = vrms_field(functions, cdps, cmps.times_ms)
        return field, cdps, x, y, warnings

    def show_field(self) -> QDialog | None:
        """The interpolated Vrms section in colour, with an Export as SEG-Y button."""
        try:
            field, cdps, _x, _y, warnings = self.field()
        except (ValueError, SurveyError) as exc:
            self.error(str(exc).splitlines()[0])
            return None
        cmps = self.cmp_survey()
        dlg = QDialog(self.window)
        dlg.setWindowTitle(f"Vrms field — {cmps.name}")
        dlg.setProperty("survey_path", str(self.window.survey.path))
        plot = pg.PlotWidget(background="w")
        plot.invertY(True)
        plot.setLabel("bottom", "CDP", color="k")
        plot.setLabel("left", "time (ms)", color="k")
        for name in ("bottom", "left"):
            axis = plot.getPlotItem().getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setPen("k")  # pyqtgraph's light grey is unreadable on white
            axis.setTextPen("k")
        img = pg.ImageItem(field.T, axisOrder="row-major")
        lut = display.colormap_lut("viridis")
        img.setLookupTable(lut)
        lo, hi = float(np.nanmin(field)), float(np.nanmax(field))
        img.setLevels((lo, max(hi, lo + 1.0)))
        t = np.asarray(cmps.times_ms, dtype=float)
        img.setRect(pg.QtCore.QRectF(cdps[0] - 0.5, t[0], max(cdps[-1] - cdps[0], 1) + 1,
                                     t[-1] - t[0]))
        plot.addItem(img)
        img.setOpacity(0.55)  # the stack shows through once computed (see _stack_under)
        self._stack_under(plot, cdps, t)
        bar = pg.ColorBarItem(values=(lo, max(hi, lo + 1.0)),
                              colorMap=pg.ColorMap(np.linspace(0, 1, len(lut)), lut),
                              label="Vrms (m/s)", interactive=False)
        bar.axis.setPen("k")
        bar.axis.setTextPen("k")
        bar.setImageItem(img, insert_in=plot.getPlotItem())
        export = QPushButton("Export as SEG-Y…")
        export.clicked.connect(lambda: self.export_field(dlg))
        lay = QVBoxLayout(dlg)
        lay.addWidget(plot)
        lay.addWidget(export)
        if warnings:
            plot.setToolTip("\n".join(warnings))
        dlg.resize(900, 600)
        if self.field_dialog is not None:
            self.field_dialog.close()
        self.field_dialog = dlg
        dlg.show()
        return dlg

    def _stack_under(self, plot: pg.PlotWidget, cdps: np.ndarray, t: np.ndarray) -> JobHandle:
        """NMO-stack every CMP with the current functions in the background and draw the stack
        in gray under the velocity field."""
        survey = self.window.survey
        functions = {c: (f.times_ms, f.vrms_mps) for c, f in self.functions().functions.items()
                     if len(f)}

        def job(ctx: JobContext):
            with private_survey(survey) as own:
                return stack_gathers(own, functions, ctx=ctx)

        def show(section) -> None:
            data = np.asarray(section.data, dtype=np.float32)
            clip = display.symmetric_clip(data) or 1.0
            under = pg.ImageItem(data.T, axisOrder="row-major", levels=(-clip, clip))
            under.setLookupTable(display.colormap_lut("gray"))
            under.setRect(pg.QtCore.QRectF(cdps[0] - 0.5, t[0], max(cdps[-1] - cdps[0], 1) + 1,
                                           t[-1] - t[0]))
            under.setZValue(-1)
            plot.addItem(under)
            self.stack_item = under

        self.stack_job = self.window.runner.submit(job, "Stack for the velocity field")
        self.stack_job.finished.connect(show)
        return self.stack_job

    def export_path(self, parent: Any) -> str:  # tests replace it
        path, _ = QFileDialog.getSaveFileName(parent, "Export velocity field", "",
                                              "SEG-Y (*.sgy *.segy)")
        return path

    def export_field(self, parent: Any = None, path: str | None = None) -> Path | None:
        """Write the Vrms field as SEG-Y with the CMPs' geometry."""
        path = path or self.export_path(parent or self.window)
        if not path:
            return None
        try:
            field, cdps, x, y, _ = self.field()
            cmps = self.cmp_survey()
            return write_vrms_section(path, field, cdps, x, y, dt_ms=cmps.dt_ms,
                                      delay_ms=cmps.delay_ms)
        except (OSError, ValueError, SurveyError) as exc:
            self.error(f"Export failed: {str(exc).splitlines()[0]}")
            return None


def install(session: Any, window: Any) -> VelocityController:
    """Add the Processing menu and the velocity-analysis panel to ``window``."""
    return VelocityController(window)
