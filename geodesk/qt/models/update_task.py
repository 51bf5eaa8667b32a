"""Pick ▸ Update model: fine-tune the model of the task on screen on the project's labels.

The task follows the survey shown: faults on post-stack sections, velocities on CMP gathers,
first breaks on shot gathers (:class:`~geodesk.qt.models.update_model.UpdateModelController`
does those). For faults and velocities a background job fine-tunes the BASE weights of the
model the workstation uses for that task on every label of the shown survey
(:mod:`geodesk.ml.finetune_sources`, the code path of ``geodesk train TASK --labels``), writes
``NAME.geodesk/models/<task>-vN.pt``, and the new version becomes the model in use: the fault
overlay is recomputed on the section on screen, the velocity model re-picks the CMPs nobody
edited. Every version goes into the project's model history (saved with the project) and
the version in use is restored when the project is opened again (a version whose file is gone:
the base, with a message). Cancel or a diverging fine-tune writes nothing: the previous version
stays in use. Live mode (a checkable entry) retrains after corrections, debounced
(:class:`~geodesk.core.live_update.LiveUpdate`, polled by a timer).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.live_update import LiveUpdate, labels_digest
from geodesk.core.model_history import ModelVersion
from geodesk.core.segy.reader import private_survey

if TYPE_CHECKING:
    from geodesk.qt.jobs.runner import JobHandle

TITLE = "Update model"
POLL_MS = 1000


def items_job(task: str, survey: Any, labels: Any, base: str, out: Path, settings: Any,
              survey_name: str):
    """A job: the labelled items of ``labels`` on ``survey``, fine-tuned from ``base`` into
    ``out``; returns the FineTuneResult."""
    from geodesk.ml.finetune_sources import LabelItems, finetune, survey_items

    def job(ctx: JobContext) -> Any:
        with private_survey(survey) as own:
            items = survey_items(task, own, labels, PartContext(ctx, 0, 20, "Reading labels"))
        return finetune(task, base, LabelItems(task, items, [survey_name]), out,
                        settings=settings, ctx=PartContext(ctx, 0, 1))

    return job


def version_of(task: str, res: Any, folder: Path) -> ModelVersion:
    """The model-history entry of a finished fine-tune written into the project ``folder``."""
    path = Path(res.path).resolve()
    m = re.fullmatch(rf"{re.escape(task)}-v(\d+)\.pt", path.name)
    prov = getattr(res.model, "provenance_", {}) or {}
    ft = prov.get("fine_tune", {})
    return ModelVersion(task, int(m.group(1)) if m else 1,
                        path.relative_to(Path(folder).resolve()).as_posix(),
                        str(res.model.weight_id_), str(ft.get("base_weights") or ""),
                        int(res.n_labels), dict(res.agreement), dict(res.base_agreement),
                        str(prov.get("date", "")), str(ft.get("survey", "")),
                        str(res.stopped))


class TaskUpdateController:
    """Update model for the task on screen, live mode and the model history's version in use."""

    def __init__(self, session: Any, window: Any) -> None:
        from geodesk.ml.finetune_sources import default_settings

        self.session, self.window = session, window
        self.settings = {t: default_settings(t) for t in ("faults", "velocities")}
        self.handle: JobHandle | None = None
        self.last: dict[str, Any] = {}
        self.live = LiveUpdate()
        self._watched: Any = None
        menu = window.menu("&Pick")
        self.action = menu.addAction("&Update model (task on screen)", self.start)
        self.action.setShortcut(QKeySequence("Ctrl+Alt+U"))
        self.live_action = menu.addAction("&Live model updates")
        self.live_action.setCheckable(True)
        self.live_action.toggled.connect(self.set_live)
        menu.addAction("Model &history…", self.show_history)
        self.dialog: Any = None
        self.timer = QTimer(window)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        window.sig_picks_replaced.connect(self._on_picks_replaced)

    # -- messages (tests replace them) ---------------------------------------------------------
    def error(self, text: str) -> None:
        QMessageBox.warning(self.window, TITLE, text)

    def notice(self, text: str) -> None:
        """What the update needs first (a survey, a project, labels): guidance, not a failure."""
        QMessageBox.information(self.window, TITLE, text)

    def message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    # -- which task, which model ---------------------------------------------------------------
    @property
    def fb_controller(self) -> Any:
        return self.window.features.get("update_model")

    def task(self) -> str | None:
        """The task of the survey on screen: faults (post-stack), velocities (CMP gathers or
        the velocity panel open), first breaks (shot gathers); None for nothing shown."""
        s = self.window.survey
        if s is None:
            return None
        if s.kind in ("post3d", "post2d"):
            return "faults"
        vel = self.window.features.get("velocity")
        if getattr(s, "gather_key", "") == "cdp" or getattr(vel, "is_open", False):
            return "velocities"
        return "firstbreaks"

    def choice(self, task: str) -> Any:
        """The window's model choice of ``task`` (the file its actions use)."""
        f = self.window.features
        if task == "faults":
            return f["fault_overlay"].models
        if task == "velocities":
            return f["velocity"].model_picker.models
        return f["autopick"].models

    # -- the update ------------------------------------------------------------------------------
    def start(self, task: str | None = None) -> JobHandle | None:
        """Start the update of ``task`` (default: the task on screen); None after a message."""
        task = task or self.task()
        if task is None:
            self.notice("Open a survey first: Update model fine-tunes the model of what is "
                        "shown.")
            return None
        if task == "firstbreaks":
            return self._start_first_breaks()
        return self._start_items(task)

    def _start_first_breaks(self) -> JobHandle | None:
        handle = self.fb_controller.start()  # it records its version in the history
        if handle is not None:
            handle.failed.connect(lambda _exc: self.live.forget())
            handle.cancelled.connect(self.live.forget)
        return handle

    def _start_items(self, task: str) -> JobHandle | None:
        from geodesk.ml.finetune import FineTuneRefused, base_weights, next_version_path
        from geodesk.ml.finetune_sources import has_labels, interpretation_labels

        w = self.window
        s = w.survey
        if w.project is None:
            self.notice("Model versions are kept in the project: create or open a project "
                        "first (Project ▸ New project).")
            return None
        try:
            labels = interpretation_labels(task, w.picks, s.n_traces)
        except FineTuneRefused as exc:
            self.error(str(exc))
            return None
        if not has_labels(task, labels):
            what = ("draw or correct fault sticks, or mark sections fully interpreted"
                    if task == "faults" else "correct or pick velocity knots by hand")
            self.notice(f"No {task} labels yet: {what} first.")
            return None
        models = self.choice(task)
        path = models.resolve(ask=False)
        if path is not None and not Path(path).is_file() and path == models.path:
            models.path = None  # a version that is gone: the shipped base again
            path = models.resolve(ask=False)
        if path is None:
            return None
        try:
            base = str(base_weights(path))
            out = next_version_path(w.project.folder, task)
        except (OSError, ValueError) as exc:
            self.error(str(exc).splitlines()[0])
            return None
        if self.handle is not None and self.handle.running:
            self.handle.cancel()  # latest wins; the cancelled one writes no version
        t0 = time.monotonic()
        handle = w.runner.submit(items_job(task, s, labels, base, out, self.settings[task],
                                           Path(s.path).name), f"{TITLE}: {task}")
        self.handle = handle

        def finished(res: Any) -> None:
            if handle is self.handle:
                self._finished_items(task, res, time.monotonic() - t0)

        handle.finished.connect(finished)
        self._track(handle, task)
        return handle

    def _track(self, handle: Any, task: str) -> None:
        """Record the version a handle writes in the model history; messages on failure."""
        def finished(res: Any) -> None:
            self._record(task, res)

        def failed(exc: BaseException) -> None:
            self.live.forget()
            if handle is self.handle:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                self.error(f"{first} (the previous model stays in use)")

        handle.finished.connect(finished)
        handle.failed.connect(failed)
        handle.cancelled.connect(self.live.forget)

    def _record(self, task: str, res: Any) -> None:
        project = self.window.project
        if project is None:
            return
        try:
            project.model_history.add(version_of(task, res, project.folder))
        except ValueError:  # a file outside the project (a test's choice): not a version
            pass

    def _finished_items(self, task: str, res: Any, seconds: float) -> None:
        """GUI thread: the new version is the model in use; the shown data are refreshed."""
        from geodesk.ml.finetune_sources import held_text

        models = self.choice(task)
        path = str(res.path)
        models.models.put(path, res.model, task)
        self.last = {"task": task, "path": res.path, "labels": res.n_labels,
                     "agreement": res.agreement, "base_agreement": res.base_agreement,
                     "stopped": res.stopped, "total_s": seconds}
        if task == "faults":
            self.window.features["fault_overlay"].choose_model(path)
        else:
            models.choose(path)
            picker = self.window.features["velocity"].model_picker
            picker.pick_all()  # CMPs with hand-edited knots stay as they are
        models.delivered(res.model)
        self.message(f"Model {res.path.name}: {res.n_labels} labels, {held_text(res)}")

    # -- versions in use -------------------------------------------------------------------------
    def show_history(self) -> Any:
        """The model history dialog of the task on screen (None without a project)."""
        from geodesk.qt.models.model_history_ui import ModelHistoryDialog

        if self.window.project is None:
            self.notice("Model versions are kept in the project: open or create one first.")
            return None
        self.dialog = ModelHistoryDialog(self, self.task() or "firstbreaks")
        self.dialog.show()
        return self.dialog

    def use_version(self, task: str, weight_id: str | None) -> str | None:
        """Use version ``weight_id`` of ``task`` (None: the base); the path now in use, None
        after a message when its file is gone."""
        project = self.window.project
        if project is None:
            return None
        project.model_history.use(task, weight_id)
        return self._apply(task)

    @staticmethod
    def _is_version_file(path: str | None) -> bool:
        """Whether ``path`` is a model version inside a project (``NAME.geodesk/models/``)."""
        if not path:
            return False
        p = Path(path)
        return p.parent.name == "models" and p.parent.parent.suffix == ".geodesk"

    def _apply(self, task: str) -> str | None:
        project = self.window.project
        path, why = project.model_history.usable_path(project.folder, task)
        models = self.choice(task)
        if why:
            self.error(why)
        target = str(path) if path is not None else None
        if target is None:
            models.path, models.model = None, None
        if task == "faults":
            overlay = self.window.features["fault_overlay"]
            if target is not None or overlay.shown:
                overlay.choose_model(target or str(models.current_path() or ""))
        elif target is not None:
            models.choose(target)
        return target

    def _on_picks_replaced(self, picks: Any, _history: Any) -> None:
        """A project's survey is shown: restore the versions in use; watch its labels."""
        project = self.window.project
        for task in ("firstbreaks", "faults", "velocities"):
            if project is not None and project.model_history.active.get(task) is not None:
                self._apply(task)
            elif self._is_version_file(self.choice(task).path):
                # another project's version stays with that project: the base here
                self.choice(task).path, self.choice(task).model = None, None
        if self._watched is not None:
            for ev in self._watched:
                ev.disconnect(self._changed)
        self._watched = [picks.changed, picks.label_marks.changed] if picks is not None else None
        if self._watched:
            for ev in self._watched:
                ev.connect(self._changed)

    # -- live mode -------------------------------------------------------------------------------
    def set_live(self, on: bool) -> None:
        """Live mode on: retrain after corrections once they have been quiet a while."""
        self.live.set_enabled(on, time.monotonic())
        if self.live_action.isChecked() != bool(on):
            self.live_action.setChecked(bool(on))
        self.timer.start() if on else self.timer.stop()

    def _changed(self, _change: Any) -> None:
        self.live.changed(time.monotonic())

    def running(self) -> bool:
        fb = self.fb_controller
        return any(h is not None and h.running
                   for h in (self.handle, getattr(fb, "handle", None)))

    def _poll(self) -> JobHandle | None:
        """Timer: start an update when live mode says the labels are due."""
        from geodesk.core.labels import LabelSet

        w = self.window
        if not self.live.due(time.monotonic(), self.running()) or w.picks is None:
            return None
        task = self.task()
        if task is None or w.project is None:
            return None
        labels = LabelSet.from_interpretation(w.picks).filter(task=task, superseded=False)
        if not len(labels) or not self.live.should_start(labels_digest(labels)):
            return None
        errors: list[str] = []
        keep = self.error, self.notice
        self.error = self.notice = errors.append  # live mode does not pop up dialogs
        try:
            handle = self.start(task)
        finally:
            self.error, self.notice = keep
        if handle is None:
            self.live.forget()
            self.message(f"Live update not started: {errors[0] if errors else task}")
        return handle


def install(session: Any, window: Any) -> TaskUpdateController:
    """Add Pick ▸ Update model (task on screen) and Live model updates to ``window``."""
    return TaskUpdateController(session, window)
