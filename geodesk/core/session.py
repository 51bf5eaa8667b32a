"""The working state of one workstation (or script), without Qt: what features receive.

A :class:`Session` holds the open survey and the section on screen, the interpretation (picks)
with its app-wide undo history and the object tools write to, the open project, the job queue,
the loaded models and the derived-data layers. The Qt window shows it and forwards user actions
to it; features get it in ``install(session, window)`` instead of reading attributes off the
window. Each state change calls the matching :class:`Signal` (``connect(fn)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from geodesk.core.derived import DerivedLayers
from geodesk.core.history import History
from geodesk.core.jobs import JobContext
from geodesk.core.picks import Interpretation
from geodesk.core.section import Section
from geodesk.core.survey import Survey


class JobQueue(Protocol):
    """Runs ``fn(ctx)`` in the background (the window's JobRunner, or an inline runner)."""

    def submit(self, fn: Callable[[JobContext], Any], title: str = "") -> Any: ...


class ModelStore(Protocol):
    """Loaded models by file (``geodesk.ml`` provides it: core never imports torch)."""

    def get(self, path: str, task: str, device: str = "auto") -> Any: ...

    def clear(self) -> None: ...


class Signal:
    """A list of callbacks called with the new value (Qt-free; the window re-emits as Qt signals)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., None]] = []

    def connect(self, callback: Callable[..., None]) -> Callable[..., None]:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., None]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for cb in list(self._callbacks):
            cb(*args)


class Session:
    """Survey, section, interpretation, history, active pick, project, jobs, models, layers."""

    def __init__(self, *, jobs: JobQueue | None = None, models: ModelStore | None = None) -> None:
        self.survey: Survey | None = None
        self.section: Section | None = None
        self.picks = Interpretation()
        self.history = History()
        self.active_pick: object | None = None
        self.project: Any = None  # geodesk.core.project.project.Project once open or saved
        self.jobs = jobs
        self.models = models
        self.layers = DerivedLayers()
        self.survey_changed = Signal()  # (survey)
        self.section_changed = Signal()  # (section)
        self.picks_replaced = Signal()  # (picks, history)
        self.active_pick_changed = Signal()  # (object or None)

    def set_survey(self, survey: Survey) -> Survey | None:
        """Make ``survey`` current, closing the previous one; a survey from another file gets an
        empty interpretation (a regroup of the same file keeps the picks). Returns the old one."""
        old, self.survey = self.survey, survey
        if old is not None and old is not survey:
            old.close()
        if old is None or old.path != survey.path:
            self.set_picks(Interpretation(survey.name))
        return old

    def announce_survey(self) -> None:
        """Tell listeners the survey changed (after the window has shown its first section)."""
        self.survey_changed.emit(self.survey)

    def set_section(self, section: Section) -> None:
        self.section = section
        self.section_changed.emit(section)

    def set_picks(self, picks: Interpretation, history: History | None = None) -> None:
        """Replace the interpretation (new survey, opened project) and its undo history."""
        self.picks = picks
        self.history = history if history is not None else History()
        # undo reaches the steps of what is shown: a project's one history holds every survey's
        self.history.scope = picks
        self.set_active_pick(None)
        self.picks_replaced.emit(self.picks, self.history)

    def set_active_pick(self, obj: object | None) -> None:
        """Choose the pick object that the picking tools edit."""
        self.active_pick = obj
        self.active_pick_changed.emit(obj)

    def close(self) -> None:
        """Close the survey and drop loaded models (the window calls it when it closes)."""
        if self.survey is not None:
            self.survey.close()
        if self.models is not None:
            self.models.clear()
