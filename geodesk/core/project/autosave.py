"""When to autosave: every ``interval_s`` (default 2 minutes) while there are unsaved changes,
and after every job. Qt-free: the GUI calls :meth:`Autosaver.tick` from a timer and
:meth:`Autosaver.job_finished` when a job ends; tests pass their own clock."""

from __future__ import annotations

import time
from collections.abc import Callable

from geodesk.core.project.project import Project

DEFAULT_INTERVAL_S = 120.0


class Autosaver:
    """Decides when ``project.autosave()`` runs; a failed autosave is kept in ``last_error``
    (it must never disturb the user's work) and retried at the next opportunity."""

    def __init__(self, project: Project, interval_s: float = DEFAULT_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.project = project
        self.interval_s = float(interval_s)
        self.clock = clock
        self._last_time = clock()
        self._last_revision = project.revision
        self.last_error: OSError | None = None
        self.count = 0

    @property
    def pending(self) -> bool:
        """Changes made since the last autosave (or since the project was opened/saved)."""
        return self.project.revision != self._last_revision and self.project.is_dirty

    def tick(self) -> bool:
        """Autosave if changes are pending and the interval has passed; returns True if saved."""
        if self.pending and self.clock() - self._last_time >= self.interval_s:
            return self._run()
        return False

    def job_finished(self) -> bool:
        """Autosave right after a job (tracking, inference…) if it changed anything."""
        return self._run() if self.pending else False

    def saved(self) -> None:
        """Tell the autosaver the project was saved (nothing pending any more)."""
        self._last_revision = self.project.revision
        self._last_time = self.clock()

    def _run(self) -> bool:
        try:
            self.project.autosave()
        except OSError as exc:
            self.last_error = exc
            return False
        self.last_error = None
        self.count += 1
        self.saved()
        return True
