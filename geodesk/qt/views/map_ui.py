"""The Map dock: each 3D horizon's time structure and amplitude, and maps other features hand in
(:meth:`MapController.add_map`, e.g. a facies map), following the picks and the line on screen.

Time maps are recomputed from the horizon as it is tracked or edited (debounced); amplitude
maps are read along the horizon in a background job (latest wins). A click on the map shows the
inline (or, on a crossline, the crossline) through that node.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from geodesk.core.jobs import JobContext
from geodesk.core.maps import (
    MapGrid,
    horizon_amplitude_map,
    horizon_time_map,
    metres_per_line_number,
)
from geodesk.core.picks import Horizon
from geodesk.core.segy.reader import private_survey
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.views.map_view import MapView

TIME, AMPLITUDE = "time", "amplitude"
#: delay (ms) between a horizon edit and the map's redraw (a track writes many edits)
REFRESH_MS = 250


class MapController:
    """The map dock of one window: which maps exist, which is shown, keeping it current."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.view = MapView()
        self.dock = QDockWidget("Map", window)
        self.dock.setObjectName("Map")
        self.dock.setWidget(self.view)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._on_visible)
        self.extra: dict[str, MapGrid] = {}  # maps handed in by other features
        self.job: JobHandle | None = None
        self._picks = None
        self._sized = False  # the dock got its first size
        self._timer = QTimer(self.view)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.action = window.menu("&Interpretation").addAction("Horizon &map", self.open_map)
        self.action.setShortcut("Ctrl+M")
        self.action.setToolTip("Time structure, amplitude or any other map of the survey; "
                               "click it to show that inline")
        window.menu("&View").addAction(self.dock.toggleViewAction())
        self.view.sig_chosen.connect(lambda _name: self.refresh())
        self.view.sig_gap_changed.connect(lambda _n: self.refresh())
        self.view.sig_jump.connect(window._jump_3d)
        window.sig_section_changed.connect(lambda _s: self._show_line())
        window.view.sig_cursor.connect(self._follow_cursor)
        window.sig_picks_replaced.connect(lambda picks, _h: self._follow(picks))
        window.sig_survey_changed.connect(self._on_survey)
        self._follow(window.picks)
        self._on_survey(window.survey)

    # -- what there is to show ----------------------------------------------------------------
    def horizons(self) -> dict[str, Horizon]:
        return {n: h for n, h in self.window.picks.horizons.items() if h.geometry == "3d"}

    def names(self) -> list[str]:
        """Map names offered: '<horizon>: time', '<horizon>: amplitude', then handed-in maps."""
        out = [f"{n}: {what}" for n in self.horizons() for what in (TIME, AMPLITUDE)]
        return out + [n for n in self.extra if n not in out]

    def add_map(self, grid: MapGrid, show: bool = True) -> None:
        """Offer ``grid`` (any inline × crossline array: facies…) in the dock, shown now if
        ``show``; a map of the same name is replaced."""
        self.extra[grid.name] = grid
        self._offer(grid.name if show else None)
        if show:
            self.dock.show()
            self.refresh()

    def open_map(self) -> None:
        """Show the dock with the active (or first) horizon's time structure."""
        active = self.window.active_pick
        name = active.name if isinstance(active, Horizon) and active.geometry == "3d" else \
            next(iter(self.horizons()), None)
        if name is None and not self.extra:
            self.window.statusBar().showMessage(
                "No 3D horizon yet: pick a seed and track it (Pick menu), then open the map.", 6000)
            return
        self._offer(f"{name}: {TIME}" if name else None)
        first = not self.dock.isVisible() and not self._sized
        self.dock.show()
        if first:  # half the window's height the first time; the user's size after that
            self._sized = True
            QTimer.singleShot(0, lambda: self.window.resizeDocks(
                [self.dock], [self.window.height() // 2], Qt.Orientation.Vertical))
        self.refresh()

    # -- keeping it current -------------------------------------------------------------------
    def _on_survey(self, survey: Any) -> None:
        is_3d = survey is not None and survey.kind == "post3d"
        self.action.setEnabled(is_3d)
        self.view.set_ground_spacing(
            metres_per_line_number(*survey.grid_xy(), survey.inlines, survey.crosslines)
            if is_3d else None)
        self.extra.clear()  # handed-in maps belong to the survey they were made on
        if self.job is not None:  # an amplitude map of the previous survey is not shown
            self.job.cancel()
            self.job = None
        self._offer(None)
        self.refresh()

    def _follow(self, picks: Any) -> None:
        if self._picks is not None:
            self._picks.changed.disconnect(self._on_change)
        self._picks = picks
        picks.changed.connect(self._on_change)
        self._offer(None)
        self.refresh()

    def _on_change(self, change: Any) -> None:
        if change.source is self._picks:  # added / removed / renamed objects
            self._offer(None)
            self._timer.start()
        elif isinstance(change.source, Horizon) and change.what == "times" \
                and self.view.chosen.startswith(f"{change.source.name}: "):
            self._timer.start()

    def _offer(self, current: str | None) -> None:
        names = self.names()
        keep = current if current in names else self.view.chosen
        self.view.set_choices(names, keep if keep in names else (names[0] if names else None))

    def _on_visible(self, shown: bool) -> None:
        if shown:
            self.refresh()
            self._show_line()

    def _show_line(self) -> None:
        """The line on screen across the map; nothing while the dock is hidden (every flip
        called it: ~0.06 ms), it is drawn when the dock is shown."""
        if not self.dock.isVisible():
            return
        sec = self.window.section
        if sec is not None and sec.kind in ("inline", "crossline"):
            self.view.show_position(sec.kind, self.window.navigator.value)
        else:
            self.view.show_position("", 0.0)

    def _follow_cursor(self, fields: dict) -> None:
        """The mouse on an inline, crossline or time slice, marked on the map."""
        nav = self.window.navigator
        il = fields.get("inline", nav.value if nav.mode == "inline" else None)
        xl = fields.get("crossline", nav.value if nav.mode == "crossline" else None)
        self.view.show_cursor(il, xl)

    def refresh(self) -> None:
        """Draw the chosen map again from its source (amplitudes in a job)."""
        self._timer.stop()
        if not self.dock.isVisible():
            return
        name = self.view.chosen
        horizon, _, what = name.rpartition(": ")
        h = self.horizons().get(horizon)
        if name in self.extra:
            self.view.show_map(self.extra[name])
        elif h is not None and what == TIME:
            self.view.show_map(horizon_time_map(h, max_gap=self.view.gap_box.value()))
        elif h is not None and what == AMPLITUDE:
            self._amplitude(h)
            return
        else:
            self.view.show_map(None)
        self._show_line()

    def _amplitude(self, horizon: Horizon) -> JobHandle | None:
        """Amplitude along ``horizon`` read in the background; shown when it arrives."""
        survey = self.window.survey
        if survey is None or survey.kind != "post3d":
            return None
        if self.job is not None and self.job.running:
            self.job.cancel()  # latest wins
        chosen = self.view.chosen

        def job(ctx: JobContext) -> MapGrid:
            with private_survey(survey) as own:  # never share the GUI thread's file handle
                return horizon_amplitude_map(own, horizon, ctx)

        handle = self.window.runner.submit(job, f"Amplitude along {horizon.name}")

        def show(grid: MapGrid) -> None:
            if handle is self.job and self.view.chosen == chosen:
                self.view.show_map(grid, horizon_time_map(horizon, self.view.gap_box.value()))
                self._show_line()

        handle.finished.connect(show)
        handle.failed.connect(lambda exc: self.window.statusBar().showMessage(
            f"Amplitude map failed: {str(exc).splitlines()[0] if str(exc) else exc!r}", 8000))
        self.job = handle
        return handle


def install(session: Any, window: Any) -> MapController:
    """Add the Map dock (Interpretation > Horizon map, View > Map) to ``window``."""
    return MapController(window)
