"""The Jobs panel: every job of the window (running, queued, done) with its progress, its
outcome and a Cancel button; the status bar shows only the latest one.

A finished job's row is text only (name, outcome): the panel keeps no finished handle alive,
and at most :data:`KEEP_DONE` such rows."""

from __future__ import annotations

import weakref
from collections import deque

from PySide6.QtWidgets import QHeaderView, QPushButton, QTreeWidget, QTreeWidgetItem

from geodesk.qt.jobs.runner import JobHandle, JobRunner

#: Finished jobs kept in the list (the oldest go first).
KEEP_DONE = 50

COLUMNS = ("Job", "State", "Progress", "")


class JobsPanel(QTreeWidget):
    """One row per job submitted to ``runner``; newest on top."""

    def __init__(self, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setRootIsDecorated(False)
        head = self.header()
        head.setStretchLastSection(False)
        mode = QHeaderView.ResizeMode
        for col, m in enumerate((mode.Interactive, mode.Stretch, mode.ResizeToContents,
                                 mode.Fixed)):
            head.setSectionResizeMode(col, m)
        self.setColumnWidth(0, 320)
        self.setColumnWidth(3, 80)
        #: row of each handle still referred to elsewhere (weak: a row keeps no handle alive)
        self.rows: weakref.WeakKeyDictionary[JobHandle, QTreeWidgetItem] = \
            weakref.WeakKeyDictionary()
        self._done_rows: deque[QTreeWidgetItem] = deque()  # finished rows, oldest first
        runner.job_started.connect(self.add)

    def add(self, handle: JobHandle) -> QTreeWidgetItem:
        item = QTreeWidgetItem([handle.name, "queued" if handle.queued else "running", "", ""])
        self.insertTopLevelItem(0, item)
        button = QPushButton("Cancel")
        button.clicked.connect(handle.cancel)
        self.setItemWidget(item, 3, button)
        self.rows[handle] = item
        handle.progress.connect(lambda f, t, h=handle: self._progress(h, f, t))
        handle.done.connect(lambda h=handle: self._done(h))
        self._trim()
        return item

    def _progress(self, handle: JobHandle, fraction: float, text: str) -> None:
        item = self.rows.get(handle)
        if item is None:
            return
        item.setText(1, text or "running")
        item.setText(2, f"{100 * fraction:.0f} %")

    def _done(self, handle: JobHandle) -> None:
        item = self.rows.get(handle)
        if item is None:
            return
        outcome = handle.outcome or "done"
        if outcome == "failed" and handle.error is not None:
            first = str(handle.error).splitlines()[0] if str(handle.error) else ""
            outcome = f"failed: {first or type(handle.error).__name__}"
        item.setText(1, outcome)
        if handle.outcome == "finished":
            item.setText(2, "100 %")
        self.removeItemWidget(item, 3)
        self._done_rows.append(item)
        self._trim()

    def _trim(self) -> None:
        while len(self._done_rows) > KEEP_DONE:
            item = self._done_rows.popleft()
            self.takeTopLevelItem(self.indexOfTopLevelItem(item))
            for handle, row in list(self.rows.items()):
                if row is item:
                    del self.rows[handle]

    def state_of(self, handle: JobHandle) -> str:
        """The State column of ``handle``'s row (for tests and the status tip)."""
        return self.rows[handle].text(1)
