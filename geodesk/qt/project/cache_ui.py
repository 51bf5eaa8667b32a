"""Background build of the HDF5 time-slice cache for big 3D volumes.

A time slice of a SEG-Y volume touches every trace; the chunked cache of
:mod:`geodesk.core.segy.volume_cache` reads a few chunks instead. Volumes of at least
:data:`AUTO_CACHE_BYTES` get their cache built in the background as soon as they are opened
(View ▸ Build time-slice cache does it on demand); once built, the open survey uses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geodesk.core.jobs import JobContext
from geodesk.core.segy.reader import private_survey
from geodesk.core.segy.volume_cache import build_volume_cache
from geodesk.qt.jobs.runner import JobHandle

#: volumes at least this large get a cache built automatically
AUTO_CACHE_BYTES = 256 * 2**20


class VolumeCacheController:
    """Builds and attaches the time-slice cache of the window's 3D survey."""

    def __init__(self, window: Any, auto_bytes: int = AUTO_CACHE_BYTES) -> None:
        self.window = window
        self.auto_bytes = auto_bytes
        self.job: JobHandle | None = None
        self.action = window.view_menu.addAction("Build time-slice &cache", self.build)
        self.action.setEnabled(False)
        window.sig_survey_changed.connect(self._on_survey)

    def _needs_cache(self, survey: Any) -> bool:
        return survey is not None and survey.kind == "post3d" and Path(survey.path).is_file() \
            and not getattr(survey, "has_cache", True)

    def _on_survey(self, survey: Any) -> None:
        self.action.setEnabled(self._needs_cache(survey))
        if self._needs_cache(survey) and Path(survey.path).stat().st_size >= self.auto_bytes:
            self.build()

    def build(self) -> JobHandle | None:
        """Start building the cache of the current survey (no-op if one is being built)."""
        survey = self.window.survey
        if not self._needs_cache(survey) or (self.job is not None and self.job.running):
            return None

        def job(ctx: JobContext) -> Path:
            with private_survey(survey) as own:  # the GUI thread keeps its own handle
                return build_volume_cache(own, ctx=ctx)

        self.job = self.window.runner.submit(job, f"Time-slice cache of {survey.name}")
        self.job.finished.connect(lambda path, s=survey: self._attach(s, path))
        self.job.failed.connect(
            lambda exc: self.window.statusBar().showMessage(f"Cache not built: {exc}", 10000))
        self.action.setEnabled(False)
        return self.job

    def _attach(self, survey: Any, path: Path) -> None:
        if self.window.survey is survey:  # the user may have opened another file meanwhile
            survey.attach_cache(path)
            self.window.statusBar().showMessage(f"Time slices of {survey.name} now read from "
                                                f"the cache", 5000)


def install(session: Any, window: Any) -> VolumeCacheController:
    """Add the cache controller to ``window``."""
    return VolumeCacheController(window)
