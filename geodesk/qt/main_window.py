"""The workstation window: section view, navigation and basemap docks, menus, status readout.

The window shows a Qt-free :class:`~geodesk.core.session.Session` (survey, picks, history,
project, jobs, models, derived layers) and installs the features of
:data:`geodesk.qt.features.FEATURES`, each with ``install(session, window)``. It never lets a
bad file take it down: opening errors become a message box and the previous survey stays open.
Slow work (building the demo survey) runs through :class:`JobRunner`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

import geodesk
from geodesk.core import display
from geodesk.core.derived import read_section
from geodesk.core.history import History
from geodesk.core.picks import Interpretation
from geodesk.core.section import Section
from geodesk.core.session import Session
from geodesk.core.survey import Survey, SurveyError
from geodesk.qt import settings as app_settings
from geodesk.qt.dialogs import ImportDialog, show_about
from geodesk.qt.features import MENUS, install_features
from geodesk.qt.jobs.runner import JobHandle, JobRunner, JobStatusWidget
from geodesk.qt.views.basemap import Basemap
from geodesk.qt.views.header_viewer import HeaderViewer
from geodesk.qt.views.navigator import Navigator
from geodesk.qt.views.section_view import DISPLAY_MODES, MODE_LABELS, SectionView

OPEN_ERRORS = (SurveyError, OSError, ValueError)
#: What the menu bar shows for a menu (features name menus by their key in MENUS): one Alt
#: key each (&Project, &Pick and &Processing all took Alt+P)
MENU_TEXT = {"&Pick": "Pic&k", "&Processing": "P&rocessing"}
FILE_FILTER = "Seismic files (*.sgy *.segy *.SGY *.SEGY *.su *.SU);;All files (*)"


def geometry_problem(survey: Survey) -> str | None:
    """Why the geometry found with the current header bytes looks unusable, or None."""
    if survey.kind == "post3d" and (len(survey.inlines) < 2 or len(survey.crosslines) < 2):
        return (f"only {len(survey.inlines)} inline(s) x {len(survey.crosslines)} "
                "crossline(s) found")
    if survey.kind == "prestack" and len(survey.gather_keys) == 1 and survey.gather_keys[0] == 0:
        return f"the {survey.gather_key.upper()} header is 0 on every trace"
    return None


def open_error_text(path: str | Path, exc: BaseException) -> str:
    """'NAME: why' in one line (the reader's messages often start with the name already)."""
    name = Path(path).name
    msg = (str(exc) or exc.__class__.__name__).splitlines()[0]
    return msg if msg.startswith(name) else f"{name}: {msg}"


def format_readout(fields: dict[str, float]) -> str:
    """One status-bar line: 'inline 112   crossline 880   time 1204 ms   amplitude 0.53 …'."""
    parts = []
    for k, v in fields.items():
        if k == "amplitude":
            parts.append(f"amplitude {v:.4g}")
        elif k in ("X", "Y"):
            parts.append(f"{k} {v:.1f}")
        elif k == "time":
            parts.append(f"time {v:g} ms")
        else:
            parts.append(f"{k} {v:g}")
    return "   ".join(parts)


class MainWindow(QMainWindow):
    """GeoDesk main window. ``settings`` defaults to the user's QSettings."""

    sig_survey_changed = Signal(object)
    sig_section_changed = Signal(object)
    #: the Interpretation (picks of the current survey) and History were replaced: (picks, history)
    sig_picks_replaced = Signal(object, object)
    #: the pick object that tools write to changed (a Horizon, FaultSet, FirstBreaks… or None)
    sig_active_pick_changed = Signal(object)
    #: the section on screen was shown again (a derived layer changed or arrived)
    sig_display_refreshed = Signal()

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else app_settings.make_settings()
        from geodesk.ml.run import loaded  # Qt-free and torch-free until a model is loaded

        self.session = Session(models=loaded.SHARED)
        self.features: dict[str, Any] = {}  # controllers of the installed features, by name
        self._demo_job: JobHandle | None = None
        self.close_hooks: list = []  # callables run when the window closes (before the survey)
        self.session.picks_replaced.connect(self.sig_picks_replaced.emit)
        self.session.active_pick_changed.connect(self.sig_active_pick_changed.emit)
        self.session.section_changed.connect(self.sig_section_changed.emit)
        self.session.survey_changed.connect(self.sig_survey_changed.emit)
        self.setWindowTitle("GeoDesk")
        self.resize(1400, 900)
        self.view = SectionView()
        self.setCentralWidget(self.view)
        self.navigator = Navigator()
        self.basemap = Basemap()
        self.nav_dock = self._dock("Navigation", self.navigator, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.map_dock = self._dock("Basemap", self.basemap, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.resizeDocks([self.nav_dock, self.map_dock], [320, 320], Qt.Orientation.Horizontal)
        self.resizeDocks([self.nav_dock, self.map_dock], [220, 500], Qt.Orientation.Vertical)
        self.runner = JobRunner(self)
        self.session.jobs = self.runner
        self.job_status = JobStatusWidget(self.runner)
        from geodesk.qt.jobs.panel import JobsPanel  # every job: progress, outcome, cancel

        self.jobs_panel = JobsPanel(self.runner)
        self.jobs_dock = self._dock("Jobs", self.jobs_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.jobs_dock.hide()
        self.readout = QLabel("Open a SEG-Y file (File ▸ Open) or run 'geodesk demo'.")
        self.statusBar().addWidget(self.readout, 1)
        self.statusBar().addPermanentWidget(self.job_status)
        self._build_menus()
        self._restore_display()
        for key, n in ((Qt.Key.Key_PageUp, -1), (Qt.Key.Key_PageDown, 1), (Qt.Key.Key_Left, -1),
                       (Qt.Key.Key_Right, 1), (Qt.Key.Key_Up, -1), (Qt.Key.Key_Down, 1)):
            sc = QShortcut(QKeySequence(key), self)
            sc.activated.connect(lambda n=n: self.step(n))
        self._cursor: dict[str, float] = {}  # the last readout: inline, crossline, time …
        self.navigator.position_for = self.cursor_position
        self.navigator.sig_changed.connect(self.show_position)
        self.navigator.sig_gather_key.connect(self._regroup)
        self.basemap.sig_jump.connect(self._jump_3d)
        self.basemap.sig_jump_gather.connect(lambda k: self.navigator.set_position("gather", k))
        self.view.sig_cursor.connect(self._on_cursor)
        install_features(self.session, self)
        for menu in self.menus.values():  # a menu no feature filled stays out of the bar
            menu.menuAction().setVisible(bool(menu.actions()))

    # -- session state (features should use the session; these keep the window readable) -----
    survey = property(lambda self: self.session.survey)
    section = property(lambda self: self.session.section)
    picks = property(lambda self: self.session.picks)
    history = property(lambda self: self.session.history)
    active_pick = property(lambda self: self.session.active_pick)

    @property
    def project(self) -> Any:
        return self.session.project

    @project.setter
    def project(self, value: Any) -> None:
        self.session.project = value
        self.remember_display()

    def __getattr__(self, name: str) -> Any:
        """Installed features by name (``window.picking``), as ``window.features[name]``."""
        features = self.__dict__.get("features")
        if features is not None and name in features:
            return features[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- menus ---------------------------------------------------------------------------------
    def menu(self, title: str) -> QMenu:
        """The menu-bar menu ``title`` (one of :data:`geodesk.qt.features.MENUS`), where
        features add their actions; menus with no action stay hidden."""
        try:
            return self.menus[title]
        except KeyError:
            raise KeyError(f"no menu {title!r}; menus are {MENUS}") from None

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.menus: dict[str, QMenu] = {}
        for title in MENUS:
            menu = self.menus[title] = mb.addMenu(MENU_TEXT.get(title, title))
            menu.menuAction().setVisible(False)
        m = self.menus["&File"]
        m.addAction("&Open…", QKeySequence.StandardKey.Open, self.open_dialog)
        m.addAction("Open with &header bytes…", self.open_with_bytes_dialog)
        self.recent_menu = m.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        m.addAction("Open &demo survey", lambda: self.load_demo("post3d"))
        m.addSeparator()
        self.headers_action = m.addAction("Header &viewer…", self.show_headers)
        m.addSeparator()
        m.addAction("&Quit", QKeySequence.StandardKey.Quit, self.close)

        v = self.view_menu = self.menus["&View"]
        cm = v.addMenu("&Colormap")
        self.colormap_actions = self._radio_group(
            cm, [(n, n) for n in display.COLORMAPS], self.set_colormap)
        dm = v.addMenu("&Display")
        self.mode_actions = self._radio_group(
            dm, [(MODE_LABELS[n], n) for n in DISPLAY_MODES], self.set_mode)
        clip = v.addMenu("C&lip")
        self.clip_actions = self._radio_group(
            clip, [(f"{p:g} %", p) for p in (90.0, 95.0, 98.0, 99.0, 99.5, 100.0)],
            self.set_clip)
        clip.addAction("Custom…", self._ask_clip)
        self.agc_action = v.addAction("&AGC")
        self.agc_action.setCheckable(True)
        self.agc_action.triggered.connect(self.set_agc)  # triggered(checked): AGC on or off
        self.agc_action.setShortcut("Ctrl+G")
        v.addAction("AGC &window…", self._ask_agc_window)
        v.addSeparator()
        v.addAction("&Reset zoom", QKeySequence("Home"), self.view.reset_view)
        for mode, text, key in (("inline", "&Inline at the cursor", "I"),
                                ("crossline", "Crossline at the c&ursor", "X"),
                                ("time", "&Time slice at the cursor", "T")):
            v.addAction(text, QKeySequence(key), lambda m=mode: self.show_at_cursor(m))
        for dock in (self.nav_dock, self.map_dock, self.jobs_dock):
            v.addAction(dock.toggleViewAction())
        self.menus["&Help"].addAction("&About GeoDesk", lambda: show_about(self))

    def _radio_group(self, menu, items, slot) -> dict[object, QAction]:
        group = QActionGroup(self)
        actions = {}
        for text, value in items:
            act = menu.addAction(text)
            act.setCheckable(True)
            act.triggered.connect(lambda _c=False, v=value: slot(v))
            group.addAction(act)
            actions[value] = act
        return actions

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = app_settings.recent_files(self.settings)
        for f in files:
            self.recent_menu.addAction(f, lambda f=f: self.open_path(f))
        self.recent_menu.setEnabled(bool(files))

    # -- display settings ----------------------------------------------------------------------
    def _restore_display(self) -> None:
        s = self.settings
        cmap = str(s.value("display/colormap", display.DEFAULT_COLORMAP))
        mode = str(s.value("display/mode", "density"))
        clip = float(s.value("display/clip", display.DEFAULT_CLIP_PERCENTILE))
        self.view.agc_window_ms = float(s.value("display/agc_window_ms", 500.0))
        self.set_colormap(cmap if cmap in display.COLORMAPS else display.DEFAULT_COLORMAP)
        self.set_mode(mode if mode in DISPLAY_MODES else "density")
        self.set_clip(clip if 0 < clip <= 100 else display.DEFAULT_CLIP_PERCENTILE)

    def display_settings(self) -> dict[str, Any]:
        """What the view shows, in the keys of a project's ``display`` (agc_ms 0: AGC off)."""
        v = self.view
        return {"colormap": v.colormap, "clip_percentile": float(v.clip_percentile),
                "agc_ms": float(v.agc_window_ms) if v.agc_enabled else 0.0,
                "clip_value": v.clip_fixed}  # None: the clip is the percentile

    def remember_display(self) -> None:
        """The open project records the display the window shows (project.json said 99 % while
        the window showed 95 %)."""
        proj = self.session.project
        if proj is not None and hasattr(self, "agc_action"):
            proj.display.update(self.display_settings())

    def apply_display(self, settings: dict[str, Any]) -> None:
        """Show a project's saved display (colormap, clip by percentile or value, AGC); values
        that are missing or out of range keep what the window shows."""
        cmap = settings.get("colormap")
        if cmap in display.COLORMAPS:
            self.set_colormap(cmap)
        clip = settings.get("clip_percentile")
        if isinstance(clip, (int, float)) and 0 < clip <= 100:
            self.set_clip(float(clip))
        value = settings.get("clip_value")
        if isinstance(value, (int, float)) and math.isfinite(value) and value > 0:
            self.view.set_clip_value(float(value))
        agc = settings.get("agc_ms")
        if isinstance(agc, (int, float)) and math.isfinite(agc) and agc >= 0:
            if agc > 0:
                self.view.set_agc(self.view.agc_enabled, float(agc))
            self.set_agc(agc > 0)
        self.remember_display()

    def set_colormap(self, name: str, remember: bool = True) -> None:
        """Show colormap ``name``; ``remember`` as for :meth:`set_mode`."""
        self.view.set_colormap(name)
        self.colormap_actions[name].setChecked(True)
        if remember:
            self.settings.setValue("display/colormap", name)
        self.remember_display()

    def set_mode(self, mode: str, remember: bool = True) -> None:
        """Show ``mode``; ``remember`` makes it the next session's default (the View menu does,
        a command-line ``--display`` does not)."""
        self.view.set_mode(mode)
        self.mode_actions[mode].setChecked(True)
        if remember:
            self.settings.setValue("display/mode", mode)

    def set_clip(self, percentile: float) -> None:
        self.view.set_clip_percentile(percentile)
        for p, act in self.clip_actions.items():
            act.setChecked(p == percentile)
        self.settings.setValue("display/clip", percentile)
        self.remember_display()

    def set_agc(self, enabled: bool) -> None:
        self.agc_action.setChecked(bool(enabled))
        self.view.set_agc(bool(enabled))
        self.remember_display()

    def _ask_clip(self) -> None:
        p, ok = QInputDialog.getDouble(self, "Clip", "Clip percentile of |amplitude|:",
                                       self.view.clip_percentile, 50.0, 100.0, 2)
        if ok:
            self.set_clip(p)

    def _ask_agc_window(self) -> None:
        w, ok = QInputDialog.getDouble(self, "AGC", "AGC window (ms):",
                                       self.view.agc_window_ms, 1.0, 100000.0, 0)
        if ok:
            self.view.set_agc(self.view.agc_enabled, w)
            self.settings.setValue("display/agc_window_ms", w)
            self.remember_display()

    # -- opening -------------------------------------------------------------------------------
    def show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self, title, text)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open seismic file",
                                              app_settings.start_folder(self.settings), FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, ask_geometry: bool = True, **overrides) -> bool:
        """Open ``path`` with ``geodesk.open``; on failure show why and keep the current survey."""
        try:
            survey = geodesk.open(path, **overrides)
        except OPEN_ERRORS as exc:
            self.show_error("Cannot open file", open_error_text(path, exc))
            return False
        problem = geometry_problem(survey) if ask_geometry else None
        self.set_survey(survey)
        app_settings.add_recent_file(self.settings, path)
        if problem:
            answer = QMessageBox.question(
                self, "Geometry", f"{Path(path).name}: {problem}.\nSet header bytes and re-open?")
            if answer == QMessageBox.StandardButton.Yes:
                self.open_with_bytes_dialog(path, reason=problem)
        return True

    def open_with_bytes_dialog(self, path: str | Path | None = None, reason: str = "") -> bool:
        """Show the header scan and byte overrides for ``path`` and re-open it with them."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Open with header bytes",
                                                  app_settings.start_folder(self.settings),
                                                  FILE_FILTER)
            if not path:
                return False
        try:  # any readable file opens unstructured, which is enough for the scan
            probe = geodesk.open(path, kind="prestack")
            scan, hb = probe.header_scan(), probe.header_bytes
            probe.close()
        except OPEN_ERRORS as exc:
            self.show_error("Cannot open file", open_error_text(path, exc))
            return False
        dlg = ImportDialog(path, scan, hb, reason=reason, parent=self)
        if dlg.exec() != ImportDialog.DialogCode.Accepted:
            return False
        return self.open_path(path, ask_geometry=False, **dlg.overrides())

    def set_survey(self, survey: Survey, mode: str | None = None) -> None:
        """Make ``survey`` current (closing the previous one) and show its first section."""
        self._cursor = {}  # positions of another survey
        self.session.set_survey(survey)
        self.setWindowTitle(f"GeoDesk — {survey.name}")
        warnings = list(getattr(survey, "warnings", []) or [])
        note = f"   ⚠ {len(warnings)} warning(s): {warnings[0]}" if warnings else ""
        self.readout.setText(f"{survey.name}: {survey.kind}, {survey.n_traces} traces x "
                             f"{survey.n_samples} samples at {survey.dt_ms:g} ms{note}")
        self.readout.setToolTip("\n".join(warnings))  # headers that disagreed, what was used, gaps
        self.basemap.set_survey(survey)
        self.navigator.set_survey(survey, mode)
        self.show_position(self.navigator.mode, self.navigator.value)
        self.session.announce_survey()

    def set_picks(self, picks: Interpretation, history: History | None = None) -> None:
        """Replace the current interpretation (new survey, opened project) and its history."""
        self.session.set_picks(picks, history)

    def set_active_pick(self, obj: object | None) -> None:
        """Choose the pick object that the picking tools edit."""
        self.session.set_active_pick(obj)

    def load_demo(self, which: str = "post3d") -> JobHandle:
        """Build (first start) or find the demo files off the GUI thread, then open one."""
        from geodesk.synth.demo import demo_paths

        def job(ctx):
            ctx.progress(0.0, "Building the demo survey…")
            paths = demo_paths()
            ctx.check_cancel()
            return paths[which]

        handle = self.runner.submit(job, "Demo survey")
        handle.finished.connect(lambda p: self.open_path(p))
        handle.failed.connect(lambda e: self.show_error("Demo survey", str(e)))
        self._demo_job = handle
        return handle

    # -- navigation ----------------------------------------------------------------------------
    def show_position(self, mode: str, value: float) -> None:
        """Load and display the section at ``value`` of ``mode`` (inline, time, gather …)."""
        s = self.survey
        if s is None:
            return
        try:
            sec = read_section(s, mode, value)
        except OPEN_ERRORS as exc:
            self.show_error("Cannot read section", str(exc).splitlines()[0])
            return
        self.session.section = sec
        shown, reference = self.display_of(sec)
        self.view.set_section(shown, clip_reference=reference)
        self.basemap.show_position(mode, value)
        self.session.set_section(sec)

    def display_of(self, section: Section) -> tuple[Section, Section | None]:
        """What the view shows of ``section`` (original, denoised…: the session's derived
        layers shown instead of the data) and the section whose amplitudes set its clip."""
        return self.session.layers.displayed(section)

    def refresh_display(self) -> None:
        """Show the current section again: what :meth:`display_of` makes of it changed (a
        derived layer was computed, shown or hidden); the picks are redrawn over it."""
        if self.section is None:
            return
        picking = self.features.get("picking")
        if picking is not None:
            picking.redisplay()
        else:
            shown, reference = self.display_of(self.section)
            self.view.set_section(shown, keep_view=True, clip_reference=reference)
        self.sig_display_refreshed.emit()

    def step(self, n: int) -> None:
        """Previous (n < 0) or next line / gather by the navigator's step size."""
        if self.survey is not None:
            self.navigator.step(n)

    def go_to(self, mode: str, value: float | None = None) -> None:
        self.navigator.set_position(mode, value)

    def _jump_3d(self, il: float, xl: float) -> None:
        mode = self.navigator.mode
        self.navigator.set_position(mode if mode in ("inline", "crossline") else "inline",
                                    xl if mode == "crossline" else il)

    def _regroup(self, key: str) -> None:
        if self.survey is not None and self.survey.kind == "prestack" \
                and self.survey.gather_key != key:
            self.set_survey(self.survey.regroup(key))

    def _on_cursor(self, fields: dict) -> None:
        mode = self.navigator.mode
        if mode in ("inline", "crossline") and mode not in fields:
            fields = {mode: self.navigator.value, **fields}
        elif mode == "time":
            fields = {**fields, "time": self.navigator.value}
        elif mode == "gather" and self.survey is not None:
            fields = {self.survey.gather_key: self.navigator.value, **fields}
        self._cursor = dict(fields)
        self.readout.setText(format_readout(fields))
        self.basemap.show_cursor(fields.get("X"), fields.get("Y"))

    def cursor_position(self, mode: str) -> float | None:
        """The inline, crossline or time (``mode``) under the mouse on the section, or None."""
        if self.survey is None or self.survey.kind != "post3d":
            return None
        value = self._cursor.get(mode)
        return None if value is None else float(value)

    def show_at_cursor(self, mode: str) -> bool:
        """Show the inline, crossline or time slice through the point under the mouse (keys I,
        X, T): the section that crosses the one on screen where the interpreter looks."""
        value = self.cursor_position(mode)
        if value is None:
            self.statusBar().showMessage(
                "Move the mouse over a section of a 3D survey first: I, X and T show the "
                "inline, crossline or time slice through the point under it", 6000)
            return False
        self.go_to(mode, value)
        return True

    def show_headers(self) -> HeaderViewer | None:
        if self.survey is None:
            return None
        trace = 0
        if self.section is not None and self.section.trace_index is not None \
                and len(self.section.trace_index):
            trace = max(int(self.section.trace_index[0]), 0)
        viewer = HeaderViewer(self.survey, trace, self)
        viewer.show()
        return viewer

    def closeEvent(self, event) -> None:
        self.runner.shutdown()
        for hook in self.close_hooks:
            hook()
        self.session.close()
        super().closeEvent(event)
