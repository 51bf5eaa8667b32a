"""Interactive velocity analysis: CMP gather, semblance, NMO-corrected gather and stack strip.

As Seismic Unix's ``velan``/``suvelan`` loop, but live: a click on the semblance adds a
(time, Vrms) pick to the CDP's function in the picks model (through the app-wide history, so
Ctrl+Z works), and the NMO-corrected gather and the stack strip follow while a knot is dragged.
The previous analysis location's function is drawn dashed as a guide.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from geodesk.core.history import History
from geodesk.core.picks import VelocityFunctions
from geodesk.core.processing.fold import start_cdp
from geodesk.core.processing.nmo import nmo_correct, nmo_stack
from geodesk.core.processing.semblance import semblance, velocity_axis
from geodesk.core.processing.velfield import dix_interval
from geodesk.core.processing.velpick import auto_pick
from geodesk.core.section import Axis, Section
from geodesk.core.survey import Prestack
from geodesk.core.tools.velocity_tool import VelocityPickTool
from geodesk.qt.velocity.hand_picks import ask_replace_or_beside, hand_pick_count
from geodesk.qt.velocity.pick_table import PickTable
from geodesk.qt.velocity.semblance_view import SemblanceView
from geodesk.qt.views.section_view import DISPLAY_MODES, MODE_LABELS, SectionView

#: neighbouring CMPs on each side in the stack strip
STRIP_HALF = 3


def _spin(lo: float, hi: float, value: float, step: float, suffix: str,
          decimals: int = 0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)
    return box


class VelocityPanel(QWidget):
    """Velocity analysis of a CDP-grouped pre-stack survey into a :class:`VelocityFunctions`."""

    sig_cdp_changed = Signal(int)

    def __init__(self, cmps: Prestack, functions: VelocityFunctions, history: History,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.functions: VelocityFunctions | None = None
        self._build()
        self.bind(cmps, functions, history)

    def bind(self, cmps: Prestack, functions: VelocityFunctions, history: History) -> None:
        """Analyse another survey / edit another velocity object (the widgets are reused:
        deleting pyqtgraph views while others live is what crashes, so the panel stays)."""
        self.unbind()
        self.cmps, self.functions, self.history = cmps, functions, history
        self.keys = np.asarray(cmps.gather_keys, dtype=np.int64)
        self.times = np.asarray(cmps.times_ms, dtype=float)
        self.gather: Section | None = None
        self.cdp, self.fold_note = start_cdp(cmps)  # not a one-trace CDP of a shot file
        self.previous_cdp: int | None = None
        self.tool = VelocityPickTool(functions, history, self.cdp)
        self.semblance_view.tool = self.tool
        self.cdp_box.blockSignals(True)
        self.cdp_box.setRange(int(self.keys.min()), int(self.keys.max()))
        self.cdp_box.blockSignals(False)
        self.every_box.setRange(1, max(1, len(self.keys)))
        self.functions.changed.connect(self._on_model_changed)
        self.go_to(self.cdp)

    def unbind(self) -> None:
        """Stop following the current velocity object (the panel is being hidden)."""
        if self.functions is not None:
            self.functions.changed.disconnect(self._on_model_changed)
            self.functions = None

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.cdp_box = QSpinBox()
        self.cdp_box.setKeyboardTracking(False)
        self.every_box = QSpinBox()
        self.every_box.setPrefix("every ")
        prev_b, next_b = QPushButton("◀ Prev"), QPushButton("Next ▶")
        self.vmin = _spin(100, 20000, 1400, 100, " m/s")
        self.vmax = _spin(200, 20000, 6000, 100, " m/s")
        self.dv = _spin(1, 1000, 20, 5, " m/s")
        self.window_ms = _spin(4, 500, 40, 4, " ms")
        self.mute = _spin(0, 500, 50, 10, " % stretch")
        pick_b = QPushButton("Auto-pick CMP")
        self.demultiple_box = QCheckBox("Demultiple")
        self.demultiple_box.setToolTip("Auto-picks (semblance and model) are made on the CMP "
                                       "with its multiples subtracted (parabolic Radon: "
                                       "energy near water velocity or slower)")
        self.display_box = QComboBox()
        for mode in DISPLAY_MODES:
            self.display_box.addItem(MODE_LABELS[mode], mode)
        bar = QHBoxLayout()
        for w in (QLabel("CDP"), self.cdp_box, prev_b, next_b, self.every_box, QLabel("V"),
                  self.vmin, QLabel("–"), self.vmax, QLabel("step"), self.dv,
                  QLabel("window"), self.window_ms, QLabel("mute"), self.mute,
                  self.display_box, pick_b, self.demultiple_box):
            bar.addWidget(w)
        bar.addStretch(1)
        self.bar = bar
        self.gather_view, self.nmo_view, self.strip_view = SectionView(), SectionView(), \
            SectionView()
        self.gather_view.set_mode("density")
        self.nmo_view.set_mode("density")
        self.strip_view.set_mode("density")
        self.semblance_view = SemblanceView()
        self.pick_table = PickTable()
        split = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.gather_view, self.semblance_view, self.nmo_view, self.strip_view,
                  self.pick_table):
            split.addWidget(w)
        split.setSizes([300, 300, 300, 160, 230])
        for v in (self.gather_view, self.nmo_view, self.strip_view):  # one time axis for all
            v.view_box.setYLink(self.semblance_view.getPlotItem().getViewBox())
        self.warning = QLabel("")
        self.warning.setStyleSheet("color: #b00020")
        self.warning.setWordWrap(True)  # many warnings must not widen the dock off screen
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        under = QHBoxLayout()
        under.addWidget(self.semblance_view.readout, 1)
        under.addWidget(self.semblance_view.legend_label)
        lay.addLayout(under)
        lay.addWidget(self.warning)
        self.cdp_box.valueChanged.connect(lambda c: self.go_to(int(c)))
        prev_b.clicked.connect(lambda: self.step(-1))
        next_b.clicked.connect(lambda: self.step(1))
        pick_b.clicked.connect(self.auto_pick_cmp)
        for box in (self.vmin, self.vmax, self.dv, self.window_ms):
            box.valueChanged.connect(self.recompute)
        self.mute.valueChanged.connect(self.refresh_function)
        self.semblance_view.sig_edited.connect(self.refresh_function)
        self.pick_table.sig_move.connect(self.type_pick)
        self.pick_table.sig_add.connect(
            lambda t, v: self.functions.add_pick(self.history, self.cdp, t, v,
                                                 label=f"Add velocity pick CDP {self.cdp}"))
        self.pick_table.sig_rejected.connect(self.warning.setText)
        self.pick_table.sig_delete.connect(
            lambda k: self.functions.remove_pick(self.history, self.cdp, k,
                                                 label=f"Delete velocity pick CDP {self.cdp}"))
        self.display_box.currentIndexChanged.connect(
            lambda _i: self.set_display(self.display_box.currentData()))

    def add_to_bar(self, widget: QWidget) -> None:
        """Add a control at the end of the top bar (e.g. the model picks button)."""
        self.bar.insertWidget(self.bar.count() - 1, widget)

    def set_display(self, mode: str) -> None:
        """Gather and NMO views as density, wiggle, variable area or wiggle over density."""
        for v in (self.gather_view, self.nmo_view):
            v.set_mode(mode)

    # -- navigation ---------------------------------------------------------------------------
    def step(self, n: int) -> None:
        """Previous / next analysis location, every N-th CMP."""
        k = int(np.searchsorted(self.keys, self.cdp)) + n * self.every_box.value()
        self.go_to(int(self.keys[int(np.clip(k, 0, len(self.keys) - 1))]))

    def go_to(self, cdp: int) -> None:
        """Analyse CDP ``cdp`` (the nearest existing one)."""
        cdp = int(self.keys[np.argmin(np.abs(self.keys - cdp))])
        if self.gather is not None and cdp != self.cdp:
            self.previous_cdp = self.cdp
        self.cdp = cdp
        self.tool.set_cdp(cdp)
        self.cdp_box.blockSignals(True)
        self.cdp_box.setValue(cdp)
        self.cdp_box.blockSignals(False)
        self.gather = self.cmps.gather(cdp)
        self.gather_view.set_section(self.gather, keep_view=False)
        self.recompute()
        self.sig_cdp_changed.emit(cdp)

    # -- computation --------------------------------------------------------------------------
    @property
    def offsets(self) -> np.ndarray:
        return np.asarray(self.gather.headers["offset"], dtype=float)

    def velocities(self) -> np.ndarray:
        lo, hi = sorted((self.vmin.value(), self.vmax.value()))
        return velocity_axis(lo, max(hi, lo + self.dv.value()), self.dv.value())

    def recompute(self) -> None:
        """Semblance of the current CMP with the current settings, then the function views."""
        panel = semblance(self.gather.data, self.offsets, self.times, self.velocities(),
                          window_ms=self.window_ms.value())
        self.semblance_view.set_panel(panel, f"semblance cdp {self.cdp}")
        self.panel_warnings = panel.warnings
        self.refresh_function()

    def function(self, cdp: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        f = self.functions.functions.get(self.cdp if cdp is None else int(cdp))
        if f is None or len(f) == 0:
            return np.zeros(0), np.zeros(0)
        return f.times_ms, f.vrms_mps

    def _trend(self, cdp: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The function used for NMO at ``cdp``: its own picks, else interpolated between
        picked CDPs; None when nothing is picked anywhere."""
        t, v = self.function(cdp)
        if t.size:
            return t, v
        v = self.functions.vrms_at(cdp, self.times)  # NaN when no CDP has picks
        return (self.times, v) if np.all(np.isfinite(v)) else None

    def refresh_function(self) -> None:
        """Redraw the function, interval velocities, guide, NMO gather and stack strip."""
        t, v = self.function()
        interval = dix_interval(t, v)[0] if t.size > 1 else None
        f = self.functions.functions.get(self.cdp)
        self.semblance_view.show_function(t, v, (t, interval) if interval is not None else None,
                                          self.tool.selected,
                                          f.provenance if f is not None and len(f) else None)
        guide = self.function(self.previous_cdp) if self.previous_cdp is not None else None
        self.semblance_view.show_guide(*(guide if guide else (None, None)))
        self.pick_table.show_function(f)
        notes = [self.fold_note] if self.fold_note else []  # why no CDP has enough fold
        notes += list(getattr(self, "panel_warnings", [])) + (
            self.functions.validate(self.cdp) if t.size else [])
        self.warning.setText("   ".join(notes))
        self._refresh_nmo()

    def type_pick(self, k: int, time_ms: float, vrms_mps: float) -> None:
        """Move knot ``k`` of this CDP to a typed (time, Vrms): one undo step."""
        self.functions.move_pick(self.history, self.cdp, k, time_ms, vrms_mps,
                                 label=f"Edit velocity pick CDP {self.cdp}")

    def _mute_pct(self) -> float | None:
        return self.mute.value() or None

    def _refresh_nmo(self) -> None:
        trend = self._trend(self.cdp)
        data = self.gather.data if trend is None else nmo_correct(
            self.gather.data, self.offsets, self.times, trend[0], trend[1], self._mute_pct())
        self.nmo_view.set_section(Section(
            np.asarray(data, dtype=np.float32), self.gather.axis0, self.gather.axis1, "gather",
            f"NMO cdp {self.cdp}", live=self.gather.live, headers=self.gather.headers))
        self._refresh_strip()

    def _refresh_strip(self) -> None:
        k = int(np.searchsorted(self.keys, self.cdp))
        near = self.keys[max(0, k - STRIP_HALF):k + STRIP_HALF + 1]
        traces = []
        for cdp in near:
            g = self.gather if cdp == self.cdp else self.cmps.gather(int(cdp))
            trend = self._trend(int(cdp))
            if trend is None:
                traces.append(np.zeros(self.times.size, dtype=np.float32))
                continue
            tr, _fold = nmo_stack(g.data, g.headers["offset"], self.times, trend[0], trend[1],
                                  self._mute_pct())
            traces.append(tr)
        self.strip_view.set_section(Section(np.asarray(traces, dtype=np.float32),
                                            Axis(near, "cdp"), self.gather.axis1, "line",
                                            f"stack CDP {near[0]}–{near[-1]}"))

    def _on_model_changed(self, change: Any) -> None:
        key = getattr(change, "key", None)
        k = int(np.searchsorted(self.keys, self.cdp))
        near = self.keys[max(0, k - STRIP_HALF):k + STRIP_HALF + 1]
        if key is None or int(key) in near or int(key) == self.previous_cdp:
            self.refresh_function()

    # -- automatic picking --------------------------------------------------------------------
    def ask_hand_picks(self, cdp: int, n_hand: int) -> str:
        """Whether the semblance picks replace the CDP's hand picks, go beside them or nothing
        is done ("replace" / "beside" / "cancel"). Tests replace it."""
        return ask_replace_or_beside(self.window(), "Auto-pick CMP", "semblance picker", cdp,
                                     n_hand)

    def auto_pick_cmp(self) -> list[str]:
        """Semblance auto-picks for this CDP (one undo step); where it has hand picks the
        interpreter chooses: replace them, add beside them, or nothing."""
        hand = hand_pick_count(self.functions, self.cdp)
        how = self.ask_hand_picks(self.cdp, hand) if hand else "replace"
        if how == "cancel":
            return []
        lo, hi = sorted((self.vmin.value(), self.vmax.value()))
        t, v = auto_pick(self.gather.data, self.offsets, self.times, vmin=lo, vmax=hi,
                         dv=self.dv.value(), window_ms=self.window_ms.value(),
                         demultiple=self.demultiple_box.isChecked())
        if t.size == 0:
            self.warning.setText(f"CDP {self.cdp}: no semblance peak could be picked")
            return []
        if how == "beside":
            return self.functions.add_beside(
                self.history, self.cdp, t, v, "model:semblance@1",
                label=f"Auto-pick velocities CDP {self.cdp} beside hand picks")
        return self.functions.set_function(self.history, self.cdp, t, v, "model:semblance@1",
                                           label=f"Auto-pick velocities CDP {self.cdp}")

    def release(self) -> None:
        """Unlink the time axes before the window goes (pyqtgraph keeps linked views in global
        lists); the widgets themselves are deleted with the window, like every other view."""
        self.unbind()
        for v in (self.gather_view, self.nmo_view, self.strip_view):
            v.view_box.setYLink(None)
