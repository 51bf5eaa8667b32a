"""Picking parameters: tracker settings, first-break snap and auto-pick, reduction velocity.

:class:`ParamsWidget` edits a :class:`~geodesk.core.tools.params.PickParams`
and emits ``sig_changed`` once per edit.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QVBoxLayout,
    QWidget,
)

from geodesk.core.processing.firstbreaks import METHODS
from geodesk.core.processing.tracking import EVENTS
from geodesk.core.tools.params import FB_SNAPS, PickParams


def _spin(lo: float, hi: float, value: float, step: float, decimals: int = 1,
          suffix: str = "") -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setValue(value)
    s.setSuffix(suffix)
    s.setKeyboardTracking(False)
    return s


class ParamsWidget(QWidget):
    """Two groups: horizon tracking and first breaks; ``params`` holds the current values."""

    sig_changed = Signal(object)  # PickParams

    def __init__(self, params: PickParams | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        p = params or PickParams()
        self.params = p
        t = p.track
        self.event_box = QComboBox()
        self.event_box.addItems(list(EVENTS))
        self.event_box.setCurrentText(t.event)
        self.search = _spin(1, 500, t.search_ms, 1, 1, " ms")
        self.corr_window = _spin(1, 1000, t.window_ms, 2, 1, " ms")
        self.threshold = _spin(-1, 1, t.threshold, 0.05, 2)
        self.max_jump = _spin(0.5, 500, t.max_jump_ms, 1, 1, " ms")
        self.auto_track = QCheckBox("Track on the section after each seed")
        self.auto_track.setChecked(p.auto_track_seed)
        hz = QGroupBox("Horizon tracking")
        f = QFormLayout(hz)
        for label, w in (("Event", self.event_box), ("Search ±", self.search),
                         ("Window", self.corr_window), ("Threshold", self.threshold),
                         ("Max jump", self.max_jump)):
            f.addRow(label, w)
        f.addRow(self.auto_track)

        self.snap = QComboBox()
        self.snap.addItems(list(FB_SNAPS))
        self.snap.setCurrentText(p.fb_snap)
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.method.setCurrentText(p.fb_method)
        self.sta = _spin(1, 1000, p.fb_sta_ms, 1, 1, " ms")
        self.lta = _spin(2, 5000, p.fb_lta_ms, 10, 1, " ms")
        self.er_window = _spin(1, 1000, p.fb_window_ms, 1, 1, " ms")
        self.trigger = _spin(0, 100, p.fb_trigger, 0.5, 1)
        self.residual = _spin(0, 500, p.fb_max_residual_ms, 1, 1, " ms")
        self.reduce = QCheckBox("Reduced display (linear moveout)")
        self.reduce.setChecked(p.reduce)
        self.velocity = _spin(100, 20000, p.velocity, 100, 0, " m/s")
        fb = QGroupBox("First breaks")
        g = QFormLayout(fb)
        for label, w in (("Snap", self.snap), ("Auto-pick", self.method),
                         ("STA", self.sta), ("LTA", self.lta), ("ER window", self.er_window),
                         ("STA/LTA trigger", self.trigger), ("Max residual", self.residual)):
            g.addRow(label, w)
        g.addRow(self.reduce)
        g.addRow("Reduction velocity", self.velocity)

        lay = QVBoxLayout(self)
        lay.addWidget(hz)
        lay.addWidget(fb)
        lay.addStretch(1)
        for w in (self.event_box, self.snap, self.method):
            w.currentIndexChanged.connect(self._emit)
        for w in (self.search, self.corr_window, self.threshold, self.max_jump, self.sta, self.lta,
                  self.er_window, self.trigger, self.residual, self.velocity):
            w.valueChanged.connect(self._emit)
        for w in (self.auto_track, self.reduce):
            w.toggled.connect(self._emit)

    def read(self) -> PickParams:
        """The parameters shown (the tracker's are validated by :class:`TrackParams`)."""
        track = replace(self.params.track, event=self.event_box.currentText(),
                        search_ms=self.search.value(), window_ms=self.corr_window.value(),
                        threshold=self.threshold.value(), max_jump_ms=self.max_jump.value())
        return replace(self.params, track=track, auto_track_seed=self.auto_track.isChecked(),
                       fb_snap=self.snap.currentText(), fb_method=self.method.currentText(),
                       fb_sta_ms=self.sta.value(), fb_lta_ms=self.lta.value(),
                       fb_window_ms=self.er_window.value(), fb_trigger=self.trigger.value(),
                       fb_max_residual_ms=self.residual.value(), reduce=self.reduce.isChecked(),
                       velocity=self.velocity.value())

    def _emit(self, *_args: object) -> None:
        try:
            self.params = self.read()
        except ValueError:  # e.g. LTA shorter than STA while typing: keep the last good set
            return
        self.sig_changed.emit(self.params)
