"""Pick ▸ Model history…: the project's fine-tuned versions of a task, switching back, and how
the corrections needed per gather / section / CDP evolve over the versions (a small plot).

A thin view of :class:`~geodesk.core.model_history.ModelHistory`; the labels it counts are
:mod:`geodesk.core.labels` (corrections of each version's output).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

COLUMNS = ("version", "labels", "held-back agreement", "base", "created", "in use", "file")
ITEM_NAMES = {"firstbreaks": "gather", "faults": "section", "velocities": "CDP"}


def _pct(v: Any) -> str:
    return "-" if v is None else f"{float(v):.0%}"


class ModelHistoryDialog(QDialog):
    """Versions of one task (table), Use / Use base, and corrections per item (plot)."""

    def __init__(self, controller: Any, task: str) -> None:
        super().__init__(controller.window)
        self.ctrl = controller
        self.setWindowTitle("Model history")
        self.task_box = QComboBox()
        self.task_box.addItems(["firstbreaks", "faults", "velocities"])
        self.task_box.setCurrentText(task)
        self.task_box.currentTextChanged.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.use_button = QPushButton("Use this version")
        self.use_button.clicked.connect(self.use_selected)
        self.base_button = QPushButton("Use the base model")
        self.base_button.clicked.connect(lambda: self.use(None))
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(140)
        self.plot.setLabel("bottom", "model (base, then versions)")
        buttons = QHBoxLayout()
        for b in (self.use_button, self.base_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.task_box)
        lay.addWidget(self.table)
        lay.addLayout(buttons)
        lay.addWidget(self.plot)
        self.resize(720, 480)
        self.refresh()

    @property
    def task(self) -> str:
        return self.task_box.currentText()

    @property
    def history(self) -> Any:
        return self.ctrl.window.project.model_history

    def versions(self) -> list:
        return self.history.of_task(self.task)

    def refresh(self) -> None:
        """Table and plot from the project's history and labels."""
        from geodesk.core.labels import LabelSet

        project = self.ctrl.window.project
        versions = self.versions()
        issues = {i.version.name: i.problem for i in self.history.check(project.folder,
                                                                         self.task)}
        active = self.history.active_version(self.task)
        self.table.setRowCount(len(versions))
        for r, v in enumerate(versions):
            cells = (v.name, str(v.labels), _pct(v.headline()),
                     _pct(next((v.base_agreement.get(k) for k in
                                ("within_2_samples", "f1", "within_2pct")
                                if v.base_agreement.get(k) is not None), None)),
                     v.created[:16].replace("T", " "), "yes" if v == active else "",
                     issues.get(v.name, "present"))
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        rows = self.history.corrections_per_item(LabelSet.from_project(project), self.task)
        self.rows = rows
        self.plot.clear()
        if rows:
            y = np.array([r["per_item"] for r in rows], dtype=float)
            self.plot.plot(np.arange(len(rows)), y, pen=pg.mkPen("#d62728", width=2),
                           symbol="o")
            self.plot.getAxis("bottom").setTicks([[(k, r["model"]) for k, r in
                                                   enumerate(rows)]])
        self.plot.setLabel("left", f"corrections per {ITEM_NAMES[self.task]}")

    def use_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if rows:
            self.use(self.versions()[rows[0]].weight_id)

    def use(self, weight_id: str | None) -> None:
        self.ctrl.use_version(self.task, weight_id)
        self.refresh()
