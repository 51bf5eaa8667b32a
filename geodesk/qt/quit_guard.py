"""Quitting while jobs run asks first: "Cancel the jobs and quit" or keep working.

The guard filters the window's Close event before the project's "Save changes?" question; the
jobs are cancelled by the window's close (``JobRunner.shutdown``) once the close goes ahead.
Unattended windows (the project controller's ``interactive`` is False) never ask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMessageBox

from geodesk.qt.jobs.runner import JobHandle

if TYPE_CHECKING:
    from geodesk.qt.main_window import MainWindow


def running_job_names(window: MainWindow) -> list[str]:
    """Names of the window's jobs that have not finished (running or queued)."""
    return [h.name for h in window.runner.findChildren(JobHandle) if h.running]


class QuitGuard(QObject):
    """Asks before a close would cancel running jobs; ``ask`` is replaced in tests."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)  # installed after the project's filter: asked first

    def interactive(self) -> bool:
        projects = self.window.features.get("project_controller")
        return bool(getattr(projects, "interactive", True))

    def ask(self, names: list[str]) -> bool:
        """True to cancel the jobs ``names`` and quit, False to keep working."""
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        box = QMessageBox(QMessageBox.Icon.Warning, "Jobs still running",
                          f"{len(names)} job(s) still running: {shown}.\n"
                          "Quitting cancels them; their results are lost.", parent=self.window)
        quit_button = box.addButton("Cancel jobs and quit", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is quit_button

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close and self.interactive():
            names = running_job_names(self.window)
            if names and not self.ask(names):
                event.ignore()
                return True
        return False
