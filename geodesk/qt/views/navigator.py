"""Navigation panel: which section is shown (inline / crossline / time / line / gather) and where.

The slider runs over indices; the spin box shows the real line numbers, times or gather keys.
Emits ``sig_changed(mode, value)`` whenever the position changes, once per change.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from geodesk.core.derived import positions
from geodesk.core.survey import Survey

MODE_LABELS = {"inline": "Inline", "crossline": "Crossline", "time": "Time slice",
               "line": "2D line", "gather": "Gather"}


def modes_for(survey: Survey) -> tuple[str, ...]:
    return {"post3d": ("inline", "crossline", "time"), "post2d": ("line",),
            "prestack": ("gather",)}[survey.kind]


class Navigator(QWidget):
    """Mode selector, slider, spin box with real values, step size, prev/next and gather key."""

    sig_changed = Signal(str, float)
    sig_gather_key = Signal(str)  # "ffid" or "cdp": the window regroups the pre-stack survey

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.survey: Survey | None = None
        self.mode = ""
        self.values = np.zeros(0)
        self.index = 0
        self.mode_combo = QComboBox()
        self.key_combo = QComboBox()
        self.key_combo.addItem("FFID (shots)", "ffid")
        self.key_combo.addItem("CDP (CMPs)", "cdp")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.spin = QDoubleSpinBox()
        self.spin.setKeyboardTracking(False)
        self.step_spin = QSpinBox()
        self.step_spin.setRange(1, 10000)
        self.prev_button = QPushButton("◀ Prev")
        self.next_button = QPushButton("Next ▶")
        buttons = QHBoxLayout()
        buttons.addWidget(self.prev_button)
        buttons.addWidget(self.next_button)
        form = QFormLayout(self)
        form.addRow("Show", self.mode_combo)
        form.addRow("Gather key", self.key_combo)
        form.addRow("Position", self.spin)
        form.addRow(self.slider)
        form.addRow("Step", self.step_spin)
        form.addRow(buttons)
        self.mode_combo.currentIndexChanged.connect(self._on_mode)
        self.key_combo.currentIndexChanged.connect(
            lambda _i: self.sig_gather_key.emit(self.key_combo.currentData()))
        self.slider.valueChanged.connect(self._on_slider)
        self.spin.valueChanged.connect(self._on_spin)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.setEnabled(False)
        #: where a newly chosen mode opens (the window's cursor position), None: the middle
        self.position_for: Callable[[str], float | None] = lambda _mode: None

    def set_survey(self, survey: Survey, mode: str | None = None) -> None:
        """Offer the modes of ``survey`` and go to the middle of the first (or ``mode``)."""
        self.survey = survey
        modes = modes_for(survey)
        with QSignalBlocker(self.mode_combo):
            self.mode_combo.clear()
            for m in modes:
                self.mode_combo.addItem(MODE_LABELS[m], m)
        is_pre = survey.kind == "prestack"
        self.key_combo.setVisible(is_pre)
        form = self.layout()
        form.setRowVisible(self.key_combo, is_pre)
        if is_pre:
            with QSignalBlocker(self.key_combo):
                self.key_combo.setCurrentIndex(max(self.key_combo.findData(survey.gather_key), 0))
        self.setEnabled(True)
        self._set_mode(mode if mode in modes else modes[0], emit=False)

    def _set_mode(self, mode: str, emit: bool = True, value: float | None = None) -> None:
        self.mode = mode
        self.values = positions(self.survey, mode)
        with QSignalBlocker(self.mode_combo):
            self.mode_combo.setCurrentIndex(self.mode_combo.findData(mode))
        v = self.values
        step = float(np.median(np.diff(v))) if len(v) > 1 else 1.0
        decimals = 0 if np.all(np.mod(v, 1) == 0) else 3
        with QSignalBlocker(self.spin), QSignalBlocker(self.slider):
            self.spin.setDecimals(decimals)
            self.spin.setRange(float(v.min()), float(v.max()))
            self.spin.setSingleStep(abs(step) or 1.0)
            self.spin.setSuffix(" ms" if mode == "time" else "")
            self.slider.setRange(0, max(len(v) - 1, 0))
        line_mode = mode != "line"
        for w in (self.spin, self.slider, self.step_spin, self.prev_button, self.next_button):
            w.setEnabled(line_mode)
        self.index = -1
        self._go(len(v) // 2 if value is None else self._nearest(value), emit)

    def _nearest(self, value: float) -> int:
        return int(np.argmin(np.abs(self.values - value)))

    def _go(self, index: int, emit: bool = True) -> None:
        index = int(np.clip(index, 0, len(self.values) - 1))
        changed = index != self.index
        self.index = index
        with QSignalBlocker(self.spin), QSignalBlocker(self.slider):
            self.spin.setValue(float(self.values[index]))
            self.slider.setValue(index)
        if changed and emit:
            self.sig_changed.emit(self.mode, self.value)

    @property
    def value(self) -> float:
        return float(self.values[self.index]) if len(self.values) else 0.0

    def set_position(self, mode: str, value: float | None = None) -> None:
        """Go to ``value`` (nearest existing) in ``mode``; emits sig_changed if anything moved."""
        if mode != self.mode:
            self._set_mode(mode, emit=True, value=value)
        elif value is not None:
            self._go(self._nearest(value))

    def step(self, n: int) -> None:
        """Move ``n`` steps (of the step size) along the current mode."""
        self._go(self.index + n * self.step_spin.value())

    def _on_mode(self, _i: int) -> None:
        mode = self.mode_combo.currentData()
        self._set_mode(mode, value=self.position_for(mode))  # at the cursor, if known

    def _on_slider(self, index: int) -> None:
        self._go(index)

    def _on_spin(self, value: float) -> None:
        self._go(self._nearest(value))
