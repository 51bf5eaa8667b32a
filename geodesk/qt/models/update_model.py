"""Pick ▸ Update first-break model: fine-tune on the project's labels in a background job.

The job (:func:`update_job`) fine-tunes the BASE weights of the model the auto-pick uses (a
fine-tuned version names its base) on every first-break label of the shown survey (corrected,
drawn or confirmed: :mod:`geodesk.core.labels`) plus synthetic gathers
(:mod:`geodesk.ml.finetune`), writes the result as a new version
``NAME.geodesk/models/firstbreaks-vN.pt`` (never over an existing file), then re-picks the shots
on screen first (drawn as a preview at once) and the rest. When it finishes the new version is
the model the auto-pick uses and its picks are written as ONE undo step (manual and corrected
picks stay) and the version goes into the project's model history. Cancel or a diverging
fine-tune writes no version: the previous model stays in use.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import QMessageBox

from geodesk.core.jobs import JobContext
from geodesk.core.picks import FirstBreaks
from geodesk.core.segy.reader import private_survey

if TYPE_CHECKING:
    from geodesk.qt.jobs.runner import JobHandle

TITLE = "Update first-break model"


def update_job(survey: Any, times: np.ndarray, base: str, out: Path, settings: Any,
               first: list[int], survey_name: str):
    """A job: fine-tune ``base`` on the labels ``times`` (per file trace) of ``survey``, save to
    ``out``, then pick every shot with the new model (``first`` first, each shot published);
    returns (FineTuneResult, (times, confidence) per file trace)."""
    from geodesk.core.jobs import PartContext
    from geodesk.ml.finetune import finetune_firstbreaks, labelled_gathers
    from geodesk.ml.run.results import pick_first_breaks_model

    def job(ctx: JobContext) -> tuple[Any, tuple[np.ndarray, np.ndarray]]:
        with private_survey(survey) as own:
            gathers = labelled_gathers(own, times, PartContext(ctx, 0, 20, "Reading labels"))
            res = finetune_firstbreaks(base, gathers, out, survey_name=survey_name,
                                       settings=settings, ctx=PartContext(ctx, 0, 1))
            return res, pick_first_breaks_model(own, res.model, ctx, first)

    return job


class UpdateModelController:
    """The Update first-break model action: labels → new version → refreshed picks."""

    def __init__(self, window: Any) -> None:
        from geodesk.ml.finetune import FineTuneSettings

        self.window = window
        self.settings = FineTuneSettings()  # tests shorten it (steps)
        self.handle: JobHandle | None = None
        self.preview: Any = None
        self.last: dict[str, Any] = {}  # what the last finished update did, and its timings
        window.menu("&Pick").addAction("Update first-break &model", self.start)

    def error(self, text: str) -> None:
        QMessageBox.warning(self.window, TITLE, text)

    def notice(self, text: str) -> None:
        """What the update needs first (a pre-stack file, a project): guidance, not a failure."""
        QMessageBox.information(self.window, TITLE, text)

    @property
    def models(self) -> Any:
        """The auto-pick's model choice: the new version becomes the model it uses."""
        return self.window.features["autopick"].models

    def _target(self) -> FirstBreaks | None:
        """The first-break object the refreshed picks go into: the active one, else the first."""
        picks, active = self.window.picks, self.window.active_pick
        if isinstance(active, FirstBreaks):
            return active
        names = picks.names("first_breaks")
        return picks.get("first_breaks", names[0]) if names else None

    def start(self) -> JobHandle | None:
        """Start the update job (None after a message when it cannot run)."""
        from geodesk.ml.finetune import (
            FineTuneRefused,
            base_weights,
            interpretation_label_times,
            next_version_path,
        )
        from geodesk.qt.models.fb_model_ui import FirstBreakPreview, shots_on_screen

        w = self.window
        s = w.survey
        if s is None or s.kind != "prestack":
            self.notice("Open a pre-stack file (shot gathers) first.")
            return None
        if w.project is None:
            self.notice("Model versions are kept in the project: create or open a project "
                        "first (Project ▸ New project).")
            return None
        try:
            times = interpretation_label_times(w.picks, s.n_traces)
        except FineTuneRefused as exc:
            self.error(str(exc))
            return None
        if not np.isfinite(times).any():
            self.error("No labels yet: correct, pick by hand or confirm first breaks first "
                       "(model and tracked picks are not labels).")
            return None
        path = self.models.resolve()
        if path is not None and not Path(path).is_file() and path == self.models.path:
            self.models.path = None  # a version that is gone: the shipped base again
            path = self.models.resolve()
        if path is None:
            return None
        try:
            base = str(base_weights(path))
            out = next_version_path(w.project.folder)
        except (OSError, ValueError) as exc:
            self.error(str(exc).splitlines()[0])
            return None
        if self.handle is not None and self.handle.running:
            self.handle.cancel()  # latest wins; the cancelled one writes no version
        fb, picks = self._target(), w.picks
        if self.preview is None:
            self.preview = FirstBreakPreview(w)
        preview, t0, shown = self.preview, time.monotonic(), shots_on_screen(w)
        timing: dict[str, float] = {}
        handle = w.runner.submit(update_job(s, times, base, out, self.settings, shown,
                                            Path(s.path).name), TITLE)
        preview.start(s.n_traces)

        def published(partial: Any) -> None:
            if handle is not self.handle:
                return
            preview.add(partial)
            timing.setdefault("visible_gather_s", time.monotonic() - t0)

        def finished(result: Any) -> None:
            if handle is not self.handle:
                return
            res, (new_times, conf) = result
            preview.stop()
            timing["total_s"] = time.monotonic() - t0
            self._finished(res, new_times, conf, fb, picks, s, timing)

        def failed(exc: BaseException) -> None:
            if handle is self.handle:
                preview.stop()
                self.error(f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                           " (the previous model stays in use)")

        handle.published.connect(published)
        handle.finished.connect(finished)
        handle.failed.connect(failed)
        handle.cancelled.connect(lambda: preview.stop() if handle is self.handle else None)
        self.handle = handle
        return handle

    def _finished(self, res: Any, times: np.ndarray, conf: np.ndarray, fb: FirstBreaks | None,
                  picks: Any, survey: Any, timing: dict[str, float]) -> None:
        """GUI thread: the new version becomes the auto-pick's model; its picks are written."""
        from geodesk.ml.run.results import provenance_of
        from geodesk.qt.models.autopick_ui import MODEL, AutopickParams, write_picks
        from geodesk.qt.models.update_task import version_of

        w = self.window
        self.models.choose(str(res.path))
        self.models.delivered(res.model)
        if w.project is not None and Path(res.path).resolve().is_relative_to(
                w.project.folder.resolve()):  # the project's model history (saved with it)
            w.project.model_history.add(version_of("firstbreaks", res, w.project.folder))
        a = res.agreement
        held = ("no labels held back" if a.get("within_2_samples") is None else
                f"held-back agreement {a['within_2_samples']:.0%} "
                f"(base {res.base_agreement['within_2_samples']:.0%})")
        self.last = {"path": res.path, "labels": res.n_labels, "agreement": a,
                     "stopped": res.stopped, **timing}
        if w.picks is not picks or w.survey is None or w.survey.path != survey.path or (
                fb is not None and fb not in picks.objects()):
            self.error(f"New model {res.path.name} is in use; the picks changed while it "
                       "trained, so they were not refreshed.")
            return
        params = AutopickParams(method=MODEL, target=fb.name if fb else "First breaks")
        obj, n = write_picks(w, fb, params, times, survey, provenance_of(res.model), conf)
        w.set_active_pick(obj)
        w.statusBar().showMessage(f"Model {res.path.name}: {res.n_labels} labels, {held}; "
                                  f"{n} picks refreshed", 8000)


def install(session: Any, window: Any) -> UpdateModelController:
    """Add Pick ▸ Update first-break model to ``window``."""
    return UpdateModelController(window)
