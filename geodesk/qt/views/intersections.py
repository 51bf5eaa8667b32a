"""Intersection marks: where the other section directions cross the section on screen.

On an inline the last crossline and time slice shown are drawn as a dashed vertical and
horizontal line, on a crossline the last inline and time slice, on a time slice the last inline
and crossline (each starts at the survey's middle, as the navigator does). Marks are labelled
with their line number or time, listed in the legend, coloured against the colormap, and only
moved when the position they show changes (stepping along one direction costs nothing).
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt

from geodesk.core.derived import positions
from geodesk.core.overlay_colours import contrasting
from geodesk.qt.views.colour_bars import LegendEntry
from geodesk.qt.views.paint_cache import cache_static

Z_MARKS = 8.0
#: What crosses each section kind: (vertical mark's mode, horizontal mark's mode).
CROSSING = {"inline": ("crossline", "time"), "crossline": ("inline", "time"),
            "time": ("inline", "crossline")}
SHORT = {"inline": "il", "crossline": "xl", "time": "t"}


def _text(mode: str, value: float) -> str:
    return f"{SHORT[mode]} {value:g}{' ms' if mode == 'time' else ''}"


class Intersections:
    """The two marks of one window's section view."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.view = window.view
        self.last: dict[str, float] = {}
        self.enabled = True
        self.lines = {"v": pg.InfiniteLine(angle=90, movable=False),
                      "h": pg.InfiniteLine(angle=0, movable=False)}
        self.labels = {}
        for key, line in self.lines.items():
            self.labels[key] = pg.InfLineLabel(line, text="", position=0.04, anchor=(0, 0))
            line.setVisible(False)
            cache_static(line)  # with its label
            self.view.add_overlay(line, Z_MARKS)
        self._shown: dict[str, tuple] = {}
        self._restyle(self.view.colormap)
        window.sig_survey_changed.connect(self._on_survey)
        window.navigator.sig_changed.connect(self._on_position)
        window.sig_section_changed.connect(lambda _s: self.draw())
        self.view.sig_colormap_changed.connect(self._restyle)
        if window.survey is not None:
            self._on_survey(window.survey)

    def _restyle(self, colormap: str) -> None:
        colour = contrasting(colormap)[1]
        self.colour = colour
        for key, line in self.lines.items():
            line.setPen(pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
            self.labels[key].setColor(colour)
        self._shown.clear()
        self.draw()

    def _on_survey(self, survey: Any) -> None:
        self.last = {}
        if survey is not None and survey.kind == "post3d":
            for mode in CROSSING:
                v = positions(survey, mode)
                self.last[mode] = float(v[len(v) // 2])
            nav = self.window.navigator
            if nav.mode in CROSSING:
                self.last[nav.mode] = nav.value
        self._shown.clear()
        self.draw()

    def _on_position(self, mode: str, value: float) -> None:
        if mode in self.last:
            self.last[mode] = float(value)

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = bool(enabled)
        self.draw()

    def marks(self) -> dict[str, tuple[str, float]]:
        """The marks drawn now: {"v"|"h": (mode, value)} (empty off 3D volumes)."""
        sec = self.view.section
        if not self.enabled or sec is None or not self.last or sec.kind not in CROSSING:
            return {}
        vmode, hmode = CROSSING[sec.kind]
        return {"v": (vmode, self.last[vmode]), "h": (hmode, self.last[hmode])}

    def draw(self) -> None:
        marks = self.marks()
        sec = self.view.section
        for key, line in self.lines.items():
            if key not in marks:
                if line.isVisible():
                    line.setVisible(False)
                continue
            mode, value = marks[key]
            # scene position: trace index along x, time (or crossline index) along y
            pos = float(self.view.x_of(value)[0]) if key == "v" else float(
                self.view.y_of(value)[0])
            state = (sec.kind, mode, value, pos)
            if self._shown.get(key) != state:
                self._shown[key] = state
                line.setPos(pos)
                self.labels[key].setFormat(_text(mode, value))
            if not line.isVisible():
                line.setVisible(True)
        entries = []
        if marks:
            names = " / ".join(_text(m, v) for m, v in marks.values())
            entries = [LegendEntry(f"intersections ({names})", self.colour, "dashed")]
        self.view.set_legend("intersections", entries)

    def positions_in_scene(self) -> dict[str, float]:
        """Scene coordinate of each visible mark (the test hook)."""
        return {k: float(line.value()) for k, line in self.lines.items() if line.isVisible()}
