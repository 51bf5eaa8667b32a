"""The Labels dock: every training label of the open project (or the survey's picks), with
filters, Delete (one undo step) and double-click to go there; plus Pick ▸ Confirm gather and
Interpretation ▸ Mark section fully interpreted (faults).

The labels are :class:`geodesk.core.labels.LabelSet` read off the picks when they change
(debounced, and only while the dock is shown); this module only draws and routes actions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geodesk.core.labels import TASKS, Label, LabelSet, survey_name, value_summary
from geodesk.core.picks import FirstBreaks
from geodesk.qt.views.navigator import modes_for

COLUMNS = ("Task", "Survey", "Location", "Model", "Model → interpreter", "Kind", "Time")
ALL = "All"
ROLE = Qt.ItemDataRole.UserRole
CONFIRM_SHORTCUT = "Ctrl+Shift+C"
FULLY_INTERPRETED_SHORTCUT = "Ctrl+Shift+F"


class LabelsPanel(QDockWidget):
    """Table of labels with task / survey / model-version filters and Delete."""

    def __init__(self, session: Any, window: Any) -> None:
        super().__init__("Labels", window)
        self.setObjectName("Labels")
        self.session, self.window_ = session, window
        self.labels = LabelSet()
        self.shown: list[Label] = []
        self._picks: Any = None
        self.task_filter, self.survey_filter, self.model_filter = (QComboBox() for _ in range(3))
        self.task_filter.addItems([ALL, *TASKS])
        for combo in (self.task_filter, self.survey_filter, self.model_filter):
            combo.currentIndexChanged.connect(lambda _i: self._fill())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        row = self.fontMetrics().height() + 6
        self.table.verticalHeader().setDefaultSectionSize(row)
        self.table.setMinimumHeight(7 * row + 8)  # the header and six labels at least
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.jump(self.shown[row]))
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Forget the selected labels (the picks stay); undoable")
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.count = QLabel()
        filters = QHBoxLayout()
        for text, combo in (("Task", self.task_filter), ("Survey", self.survey_filter),
                            ("Model", self.model_filter)):
            filters.addWidget(QLabel(text))
            filters.addWidget(combo, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.count, 1)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(filters)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self.setWidget(body)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)  # a drag edits many times a second: read labels once
        self._stale = False
        self.visibilityChanged.connect(self._on_visible)
        self._timer.timeout.connect(self.refresh)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()  # View ▸ Labels shows it; hidden, it costs the section view no space
        window.menu("&View").addAction(self.toggleViewAction())
        self._add_actions(window)
        session.picks_replaced.connect(self._on_replaced)
        session.survey_changed.connect(self._on_change)
        self._on_replaced(session.picks)

    def _add_actions(self, window: Any) -> None:
        self.confirm_action = window.menu("&Pick").addAction("Confirm gather")
        self.confirm_action.setShortcut(QKeySequence(CONFIRM_SHORTCUT))
        self.confirm_action.setToolTip("All picks of the gather on screen are right: labels")
        self.confirm_action.triggered.connect(lambda: self.confirm_gather())
        self.full_action = window.menu("&Interpretation").addAction(
            "Mark section fully interpreted (faults)")
        self.full_action.setShortcut(QKeySequence(FULLY_INTERPRETED_SHORTCUT))
        self.full_action.setToolTip("No fault on this section outside the drawn sticks: a label")
        self.full_action.triggered.connect(lambda: self.mark_fully_interpreted())

    # -- following the picks -------------------------------------------------------------------
    def _on_replaced(self, picks: Any, _history: Any = None) -> None:
        if self._picks is not None:
            self._picks.changed.disconnect(self._on_change)
        self._picks = picks
        picks.changed.connect(self._on_change)
        self.refresh()

    def _on_change(self, _change: Any) -> None:
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True  # read when the dock is shown again

    def _on_visible(self, visible: bool) -> None:
        if visible and self._stale:
            self.refresh()

    def current_labels(self) -> LabelSet:
        """The project's labels when the picks on screen belong to it, else the survey's."""
        proj, picks = self.session.project, self.session.picks
        if proj is not None and any(i is picks for i in proj.interpretations.values()):
            return LabelSet.from_project(proj)
        return LabelSet.from_interpretation(picks, self.session.survey)

    def refresh(self) -> None:
        """Read the labels again and redraw the table (filters and their choices kept)."""
        self._timer.stop()
        self._stale = False
        self.labels = self.current_labels()
        for combo, values in ((self.survey_filter, self.labels.surveys),
                              (self.model_filter, self.labels.model_versions)):
            with QSignalBlocker(combo):
                keep = combo.currentText()
                combo.clear()
                combo.addItems([ALL, *values])
                combo.setCurrentIndex(max(combo.findText(keep), 0))
        self._fill()

    def _choice(self, combo: QComboBox) -> str | None:
        text = combo.currentText()
        return None if text in ("", ALL) else text

    def _fill(self) -> None:
        shown = self.labels.filter(task=self._choice(self.task_filter),
                                   survey=self._choice(self.survey_filter),
                                   model_version=self._choice(self.model_filter))
        self.shown = list(shown)
        grey = QBrush(QColor("#909090"))
        self.table.setRowCount(len(self.shown))
        for row, lb in enumerate(self.shown):
            kind = f"{lb.kind} (superseded)" if lb.superseded else lb.kind
            cells = (lb.task, survey_name(lb), lb.location.describe(),
                     lb.model_version or "-", value_summary(lb), kind, _short_time(lb.time))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ROLE, lb.key)
                if lb.superseded:
                    item.setForeground(grey)
                    item.setToolTip("Superseded by a later edit at the same place: the latest "
                                    "wins, this one is not used for training")
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        n_old = sum(lb.superseded for lb in self.shown)
        self.count.setText(f"{len(self.shown)} of {len(self.labels)} labels"
                           + (f", {n_old} superseded" if n_old else ""))

    # -- actions -------------------------------------------------------------------------------
    def selected(self) -> list[Label]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.shown[r] for r in rows if r < len(self.shown)]

    def delete_selected(self) -> int:
        """Delete the selected labels as one undo step; returns how many."""
        chosen = self.selected()
        if chosen:
            self.labels.delete_many(self.session.history, chosen)
            self.refresh()
        return len(chosen)

    def jump(self, label: Label) -> bool:
        """Show the label's gather / section / CDP; False (and a status message) when it is
        on another survey or the survey cannot show it."""
        survey = self.session.survey
        if survey is None or (label.survey_path and Path(survey.path).resolve()
                              != Path(label.survey_path).resolve()):
            self._say(f"That label is on {survey_name(label)}: open that survey first")
            return False
        loc = label.location
        if loc.mode in ("gather", "cdp"):
            if survey.kind != "prestack":
                self._say(f"{loc.describe()} is a gather: this survey has none")
                return False
            key = "ffid" if loc.mode == "gather" else "cdp"
            if survey.gather_key != key:
                self.window_.set_survey(survey.regroup(key), "gather")
            self.window_.go_to("gather", loc.value)
            return True
        if loc.mode not in modes_for(survey):
            self._say(f"{loc.describe()} is not a section of this survey")
            return False
        self.window_.go_to(loc.mode, None if loc.mode == "line" else loc.value)
        return True

    def confirm_gather(self) -> int:
        """Confirm the picks of the gather on screen (the active first breaks, else the only
        ones); returns how many picks became labels."""
        sec = self.session.section
        if sec is None or sec.kind != "gather" or sec.trace_index is None:
            self._say("Confirm gather: show a gather first")
            return 0
        fb = self._first_breaks()
        if fb is None:
            self._say("Confirm gather: no first breaks to confirm")
            return 0
        idx = sec.trace_index[sec.trace_index >= 0]
        c = self.session.picks.label_marks.confirm(
            self.session.history, fb, idx, label=f"Confirm gather {sec.title or ''}".strip())
        n = 0 if c is None else int(c.index.size)
        self._say(f"Confirmed {n} picks of {fb.name}" if n else "Confirm gather: nothing picked "
                  "on this gather")
        return n

    def _first_breaks(self) -> FirstBreaks | None:
        active = self.session.active_pick
        if isinstance(active, FirstBreaks):
            return active
        fbs = list(self.session.picks.first_breaks.values())
        return fbs[0] if len(fbs) == 1 else None

    def mark_fully_interpreted(self) -> bool:
        """Mark the inline / crossline / 2D line on screen fully interpreted for faults."""
        sec = self.session.section
        if sec is None or sec.kind not in ("inline", "crossline", "line"):
            self._say("Mark section fully interpreted: show an inline, crossline or 2D line")
            return False
        number = 0.0 if sec.kind == "line" else float(self.window_.navigator.value)
        self.session.picks.label_marks.mark_section(self.session.history, sec.kind, number)
        self._say(f"{sec.kind} {number:g} marked fully interpreted (no fault outside its sticks)")
        return True

    def _say(self, text: str) -> None:
        self.window_.statusBar().showMessage(text, 8000)


def _short_time(iso: str) -> str:
    """``2026-12-01 13:28`` of an ISO time (as given when it does not parse)."""
    return iso.replace("T", " ")[:16] if len(iso) >= 16 and iso[10] == "T" else iso


def install(session: Any, window: Any) -> LabelsPanel:
    """Add the Labels dock (hidden until View ▸ Labels), Pick ▸ Confirm gather and
    Interpretation ▸ Mark section fully interpreted (faults) to ``window``."""
    return LabelsPanel(session, window)
