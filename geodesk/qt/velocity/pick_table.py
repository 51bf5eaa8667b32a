"""The pick table of the velocity panel: one row per knot of the CDP's function (time, Vrms,
Dix interval velocity, who made it) with the time and Vrms typed in place, and a last empty row
where typing a time and a Vrms adds a knot. It only reports typed values; the panel writes them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from geodesk.core.picks.velocity import VelocityFunction, dix

COLUMNS = ("t ms", "Vrms", "Vint", "by")
TIPS = ("pick time (ms): type to move the knot", "RMS velocity (m/s): type to change it",
        "Dix interval velocity above the knot (m/s)", "who made the knot")
TIME, VRMS = 0, 1


def parse_value(text: str) -> float | None:
    """A typed time or velocity: a finite, non-negative number, else None."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if np.isfinite(value) and value >= 0 else None


def time_text(t_ms: float) -> str:
    """A knot time to 0.1 ms, without a trailing '.0' ('324', '1498.7')."""
    return f"{t_ms:.1f}".removesuffix(".0")


class PickTable(QTableWidget):
    """Knots of one velocity function; ``sig_move(k, time, vrms)`` when a row is typed over,
    ``sig_add(time, vrms)`` when the empty last row gets both values."""

    sig_move = Signal(int, float, float)
    sig_add = Signal(float, float)
    sig_delete = Signal(int)  # Delete on a knot's row
    sig_rejected = Signal(str)  # a typed value that is not a number

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        for c, tip in enumerate(TIPS):
            self.horizontalHeaderItem(c).setToolTip(tip)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setToolTip("Type a time or Vrms over a knot to move it; type both in the last "
                        "row to add one; Delete removes the knot (Ctrl+Z undoes)")
        self.times = np.zeros(0)
        self.vrms = np.zeros(0)
        self.itemChanged.connect(self._on_item)

    def show_function(self, function: VelocityFunction | None) -> None:
        """Fill the rows from ``function`` (None or empty: only the new-knot row)."""
        f = function
        self.times = np.zeros(0) if f is None else f.times_ms.copy()
        self.vrms = np.zeros(0) if f is None else f.vrms_mps.copy()
        prov = () if f is None else f.provenance
        vint = dix(self.times, self.vrms)
        with QSignalBlocker(self):
            self.setRowCount(self.times.size + 1)
            for k in range(self.times.size):
                who = prov[k].split("@")[0].removeprefix("model:")
                cells = (time_text(self.times[k]), f"{self.vrms[k]:.0f}",
                         "" if not np.isfinite(vint[k]) else f"{vint[k]:.0f}", who)
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if c not in (TIME, VRMS):
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.setItem(k, c, item)
            new = self.times.size
            for c in range(len(COLUMNS)):
                item = QTableWidgetItem("")
                if c not in (TIME, VRMS):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.setItem(new, c, item)
            self.item(new, TIME).setToolTip("type a time and a Vrms here to add a knot")

    def keyPressEvent(self, event) -> None:
        """Delete / Backspace on a knot's row (not while typing in a cell) removes the knot."""
        k = self.currentRow()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) \
                and self.state() != QAbstractItemView.State.EditingState \
                and 0 <= k < self.times.size:
            self.sig_delete.emit(k)
            return
        super().keyPressEvent(event)

    def _on_item(self, item: QTableWidgetItem) -> None:
        k, c = item.row(), item.column()
        if c not in (TIME, VRMS):
            return
        value = parse_value(item.text())
        if value is None:
            self.sig_rejected.emit(f"not a time or velocity: {item.text()!r}")
            self._restore(k, c)
            return
        if k < self.times.size:
            t = value if c == TIME else float(self.times[k])
            v = value if c == VRMS else float(self.vrms[k])
            if (t, v) != (float(self.times[k]), float(self.vrms[k])):
                self.sig_move.emit(k, t, v)
            return
        other = self.item(k, VRMS if c == TIME else TIME)
        second = parse_value(other.text()) if other is not None else None
        if second is not None:
            t, v = (value, second) if c == TIME else (second, value)
            self.sig_add.emit(t, v)

    def _restore(self, k: int, c: int) -> None:
        text = "" if k >= self.times.size else (
            time_text(self.times[k]) if c == TIME else f"{self.vrms[k]:.0f}")
        with QSignalBlocker(self):
            self.item(k, c).setText(text)
