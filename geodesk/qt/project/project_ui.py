"""Projects in the workstation window: new/open/save/close, a dirty marker in the title, autosave
and crash recovery, relinking a moved survey file (helpers in :mod:`geodesk.qt.project.helpers`).

:class:`ProjectController` owns ``window.project``: it binds the project's picks and its one
undo history to the window (``window.set_picks``), autosaves through :class:`Autosaver` (a timer
and after every job of ``window.runner``) and asks before unsaved work is lost. Every dialog goes
through a small method (``ask_*``, ``get_*``, ``locate_file``, ``error``) that tests replace.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from geodesk.core.history import History
from geodesk.core.picks import Interpretation
from geodesk.core.project.autosave import DEFAULT_INTERVAL_S, Autosaver
from geodesk.core.project.project import (
    SUFFIX,
    DamagedProjectError,
    Project,
    SurveyIssue,
    SurveyRef,
)
from geodesk.qt import settings as app_settings
from geodesk.qt.project.helpers import (
    DEMO_PROJECT,
    PROJECT_ERRORS,
    clone_object,
    demo_paths_job,
    demo_project,
    local_time,
    locate_dialog,
    one_line,
    open_referenced,
    project_name,
    ref_for,
    relink_dialog,
)

if TYPE_CHECKING:
    from geodesk.qt.main_window import MainWindow

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
PROJECT_FILTER = f"GeoDesk project (*{SUFFIX})"
#: Names other modules import from here (they live in :mod:`geodesk.qt.project.helpers`).
__all__ = ["CANCEL", "DEMO_PROJECT", "DISCARD", "PROJECT_ERRORS", "SAVE", "ProjectController",
           "clone_object", "demo_project", "install", "one_line", "project_name"]


class ProjectController(QObject):
    """Project menu, title, autosave and recovery for one :class:`MainWindow`."""

    sig_project_changed = Signal(object)  # the Project, or None after closing

    def __init__(self, window: MainWindow, interval_s: float = DEFAULT_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self.window = window
        self.interval_s = float(interval_s)
        self.clock = clock
        self.autosaver: Autosaver | None = None
        #: False for unattended runs (``--screenshot``): questions get their safe default
        self.interactive = True
        self.last_error = ""
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.autosave_tick)
        self._history: History | None = None
        self._picks: Interpretation | None = None
        window.sig_picks_replaced.connect(self._follow_picks)
        window.sig_survey_changed.connect(self._on_survey)
        window.runner.job_started.connect(lambda h: h.done.connect(self.job_done))
        window.installEventFilter(self)
        self._build_menu()
        self._follow_picks(window.picks, window.history)

    # -- menu ----------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        m = self.menu = self.window.menu("&Project")
        m.addAction("&New project…", lambda: self.new_project())
        m.addAction("&Open project…", self.open_project_dialog)
        m.addAction("Open &demo project", lambda: self.load_demo())
        self.recent_menu = m.addMenu("Open &recent project")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        self.surveys_menu = m.addMenu("S&urveys")
        self.surveys_menu.aboutToShow.connect(self._fill_surveys)
        self.remove_action = m.addAction("&Remove a survey from the project…",
                                         self.remove_survey_dialog)
        m.addSeparator()
        self.save_action = m.addAction("&Save", "Ctrl+S", self.save)
        m.addAction("Save &as…", "Ctrl+Shift+S", lambda: self.save_as())
        self.close_action = m.addAction("&Close project", self.close_project)
        self._update_actions()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = app_settings.recent_projects(self.window.settings)
        for p in items:
            self.recent_menu.addAction(p, lambda _c=False, p=p: self.open_project(p))
        self.recent_menu.setEnabled(bool(items))

    def _fill_surveys(self) -> None:
        self.surveys_menu.clear()
        proj = self.window.project
        for ref in proj.surveys if proj is not None else []:
            act = self.surveys_menu.addAction(f"{Path(ref.path).name}  ({ref.path})",
                                              lambda _c=False, r=ref: self.show_survey(r))
            act.setCheckable(True)
            act.setChecked(self._current_ref() is ref)

    def _update_actions(self) -> None:
        has = self.window.project is not None
        self.close_action.setEnabled(has)
        self.surveys_menu.setEnabled(has)
        self.remove_action.setEnabled(has)

    # -- dialogs (replaced in tests) -----------------------------------------------------------
    def error(self, title: str, text: str) -> None:
        """Tell the user why something failed (one line); the window stays usable."""
        self.last_error = text
        if self.interactive:
            QMessageBox.warning(self.window, title, text)

    def get_open_path(self) -> str:
        path = QFileDialog.getExistingDirectory(self.window, "Open project (a .geodesk folder)",
                                                app_settings.start_folder(self.window.settings))
        return path

    def get_save_path(self, title: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window, title,
                                              app_settings.start_folder(self.window.settings),
                                              PROJECT_FILTER)
        return path

    def ask_save_changes(self, name: str | None) -> str:
        """SAVE, DISCARD or CANCEL for unsaved changes in project ``name`` (None: picks made
        without a project, which Save puts into a new one)."""
        if not self.interactive:
            return CANCEL
        b = QMessageBox.StandardButton
        text = ("Save your picks in a project?" if name is None
                else f"Save the changes to project {name}?")
        answer = QMessageBox.question(self.window, "Unsaved changes", text,
                                      b.Save | b.Discard | b.Cancel, b.Save)
        return {b.Save: SAVE, b.Discard: DISCARD}.get(answer, CANCEL)

    def ask_recover(self, when: str) -> bool | None:
        """True: recover the autosave of ``when``; False: discard it; None: decide later."""
        if not self.interactive:
            return None
        b = QMessageBox.StandardButton
        answer = QMessageBox.question(self.window, "Recover unsaved work",
                                      f"Recover unsaved work from {local_time(when)}?\n"
                                      "(No deletes the autosave.)", b.Yes | b.No, b.Yes)
        return answer == b.Yes

    def ask_open_earlier(self, name: str, message: str,
                         alternatives: list[tuple[str, str]]) -> str | None:
        """The intact earlier save to open instead of the damaged project ``name`` (the newest
        one, if the user agrees), or None."""
        if not self.interactive or not alternatives:
            return None
        label, when = alternatives[0]
        b = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, "Damaged project",
            f"{message}\n\nOpen the earlier save {label} of {local_time(when)} instead?",
            b.Yes | b.No, b.Yes)
        return label if answer == b.Yes else None

    def ask_relink(self, issue: SurveyIssue) -> str | None:
        """How to resolve a moved/missing/changed survey: "candidate", "locate", "accept"
        (use the changed file) or None (leave it)."""
        return relink_dialog(self.window, issue) if self.interactive else None

    def locate_file(self, ref: SurveyRef) -> str:
        return locate_dialog(self.window, ref)

    def choose_survey_to_remove(self, refs: list[SurveyRef]) -> SurveyRef | None:
        """Which survey to remove (None: none)."""
        if not self.interactive or not refs:
            return None
        names = [f"{Path(r.path).name}  ({r.path})" for r in refs]
        name, ok = QInputDialog.getItem(self.window, "Remove a survey from the project",
                                        "Survey (the file itself is not touched):", names, 0,
                                        False)
        return refs[names.index(name)] if ok and name in names else None

    def confirm_remove(self, ref: SurveyRef, n_objects: int) -> bool:
        """Yes to remove ``ref`` and its ``n_objects`` pick objects from the project."""
        if not self.interactive:
            return False
        if n_objects == 0:
            return True
        b = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window, "Remove survey",
            f"Remove {Path(ref.path).name} from the project with its {n_objects} pick "
            "object(s)? The file stays on disk; the picks go with the next save.",
            b.Yes | b.No, b.No)
        return answer == b.Yes

    # -- title ---------------------------------------------------------------------------------
    def update_title(self, *_args: object) -> None:
        """``GeoDesk — project* — survey``: '*' while the project has unsaved changes."""
        w = self.window
        parts = ["GeoDesk"]
        if w.project is not None:
            parts.append(project_name(w.project) + ("*" if w.project.is_dirty else ""))
        if w.survey is not None:
            parts.append(w.survey.name)
        title = " — ".join(parts)
        if w.windowTitle() != title:
            w.setWindowTitle(title)

    def _follow_picks(self, picks: Interpretation, history: History) -> None:
        if self._history is not None:
            self._history.unsubscribe(self.update_title)
        if self._picks is not None:
            self._picks.changed.disconnect(self.update_title)
        self._history, self._picks = history, picks
        history.subscribe(self.update_title)
        picks.changed.connect(self.update_title)
        self.update_title()

    # -- binding -------------------------------------------------------------------------------
    def _current_ref(self) -> SurveyRef | None:
        w = self.window
        if w.project is None or w.survey is None:
            return None
        return ref_for(w.project, w.survey.path)

    def _on_survey(self, survey: Any) -> None:
        """Keep the shown survey's picks those of the project (a new file joins the project)."""
        proj = self.window.project
        if proj is not None:
            ref = ref_for(proj, survey.path)
            if ref is None:
                try:
                    ref = proj.add_survey(survey.path)
                except PROJECT_ERRORS as exc:
                    self.window.statusBar().showMessage(
                        f"{survey.name} is not part of project {project_name(proj)}: "
                        f"{one_line(exc)}", 10000)
            if ref is not None:
                interp = proj.interpretation(ref.id)
                if self.window.picks is not interp:
                    self.window.set_picks(interp, proj.history)
        self.update_title()

    def _bind(self, proj: Project, survey: Any = None) -> None:
        w = self.window
        self._stop_autosave()
        w.project = proj
        self.autosaver = Autosaver(proj, self.interval_s, self.clock)
        self.timer.start(int(max(self.interval_s / 4.0, 0.5) * 1000))
        app_settings.add_recent_project(w.settings, proj.folder)
        if survey is not None:
            w.set_survey(survey)  # _on_survey binds the picks
        else:
            w.set_picks(proj.picks, proj.history)
        self._update_actions()
        self.update_title()
        self.sig_project_changed.emit(proj)

    def _stop_autosave(self) -> None:
        self.timer.stop()
        self.autosaver = None

    # -- actions -------------------------------------------------------------------------------
    def new_project(self, path: str | os.PathLike | None = None) -> bool:
        """Create a project referencing the shown survey; picks made without a project move in."""
        if not self.maybe_save():
            return False
        path = path or self.get_save_path("New project")
        if not path:
            return False
        w = self.window
        surveys = [w.survey.path] if w.survey is not None and Path(w.survey.path).is_file() else []
        try:
            proj = Project.create(path, *surveys)
            if w.project is None and w.picks.objects():
                for obj in w.picks.objects():
                    proj.picks.add(None, clone_object(obj))
                proj.save()
        except PROJECT_ERRORS as exc:
            self.error("New project", f"Cannot create the project: {one_line(exc)}")
            return False
        self._bind(proj)
        if w.survey is not None:
            self._on_survey(w.survey)
        return True

    def open_project_dialog(self) -> bool:
        path = self.get_open_path()
        return self.open_project(path) if path else False

    def open_project(self, path: str | os.PathLike, survey_path: str | os.PathLike | None = None,
                     ) -> bool:
        """Open a project (recovering an autosave if the user wants) and show its survey
        (``survey_path`` or the first); on failure the current state stays as it was."""
        if not self.maybe_save():
            return False
        try:
            proj = Project.open(path)
        except DamagedProjectError as exc:
            earlier = self.ask_open_earlier(Path(path).name, one_line(exc), exc.alternatives)
            if earlier is None:
                self.error("Open project", f"Cannot open {Path(path).name}: {one_line(exc)}")
                return False
            try:  # opened unsaved: Save makes the earlier state the project's save
                proj = Project.open(path, generation=earlier)
            except PROJECT_ERRORS as exc2:
                self.error("Open project", f"Cannot open {earlier}: {one_line(exc2)}")
                return False
        except PROJECT_ERRORS as exc:
            if not Path(path).exists():
                app_settings.remove_recent_project(self.window.settings, path)
            self.error("Open project", f"Cannot open {Path(path).name}: {one_line(exc)}")
            return False
        if proj.autosave_pending:
            answer = self.ask_recover(proj.autosave_pending)
            if answer:
                try:
                    proj.recover()
                except PROJECT_ERRORS as exc:
                    self.error("Recover unsaved work",
                               f"Cannot recover the autosave: {one_line(exc)}; the last save "
                               "is opened and the autosave kept")
            elif answer is False:
                proj.discard_autosave()
        ref = ref_for(proj, survey_path) if survey_path else None
        if ref is None and proj.surveys:
            ref = proj.surveys[0]
        survey = self._open_survey(proj, ref) if ref is not None else None
        saved_display = dict(proj.display)  # binding records the window's display into it
        self._bind(proj, survey)
        self.window.apply_display(saved_display)  # the project's display wins on open
        return True

    def open_demo(self, paths: dict[str, Path], which: str = "post3d",
                  path: str | os.PathLike | None = None) -> bool:
        """Open (creating it on first use) the demo project and show its ``which`` survey."""
        try:
            folder = demo_project(paths, path)
        except PROJECT_ERRORS as exc:
            self.error("Demo project", f"Cannot create the demo project: {one_line(exc)}")
            return False
        return self.open_project(folder, survey_path=paths[which])

    def load_demo(self, which: str = "post3d", path: str | os.PathLike | None = None) -> Any:
        """Build (first start) or find the demo files off the GUI thread, then open the demo
        project; returns the job handle."""
        handle = self.window.runner.submit(demo_paths_job, "Demo project")
        handle.finished.connect(lambda paths: self.open_demo(paths, which, path))
        handle.failed.connect(lambda e: self.error("Demo project", one_line(e)))
        return handle

    def show_survey(self, ref: SurveyRef) -> bool:
        """Show another survey of the open project (its picks come with it)."""
        proj = self.window.project
        if proj is None:
            return False
        survey = self._open_survey(proj, ref)
        if survey is None:
            return False
        self.window.set_survey(survey)
        return True

    def remove_survey_dialog(self) -> bool:
        proj = self.window.project
        ref = self.choose_survey_to_remove(list(proj.surveys) if proj is not None else [])
        return self.remove_survey(ref) if ref is not None else False

    def remove_survey(self, ref: SurveyRef) -> bool:
        """Remove a survey (and, after asking, its picks) from the open project; a shown one
        stays shown with picks outside the project. Saved with the next save."""
        w, proj = self.window, self.window.project
        if proj is None or ref not in proj.surveys:
            return False
        interp = proj.interpretations.get(ref.id)
        if not self.confirm_remove(ref, len(interp.objects()) if interp is not None else 0):
            return False
        shown = self._current_ref() is ref
        proj.remove_survey(ref.id)
        if shown:  # still on screen, no longer in the project (opening it again adds it back)
            w.set_picks(Interpretation(w.survey.name))
        self.update_title()
        w.statusBar().showMessage(f"{Path(ref.path).name} removed from project "
                                  f"{project_name(proj)} (save to keep the change)", 8000)
        return True

    def _open_survey(self, proj: Project, ref: SurveyRef) -> Any:
        """Open a referenced survey, offering to relink it when it moved, is missing or changed;
        None (after saying why) when it cannot be opened."""
        return open_referenced(proj, ref, self.ask_relink, self.locate_file, self.error)

    def save(self) -> bool:
        """Save the project (Save as a new project when none is open)."""
        proj = self.window.project
        if proj is None:
            return self.new_project()
        try:
            proj.save()
        except PROJECT_ERRORS as exc:
            self.error("Save failed", f"{one_line(exc)} — the previous save is unchanged")
            self.update_title()
            return False
        if self.autosaver is not None:
            self.autosaver.saved()
        self.update_title()
        self.window.statusBar().showMessage(f"Saved {proj.folder}", 5000)
        if proj.unsaved_objects:
            self.error("Saved without some objects",
                       "Not saved (fix or delete them): " + "; ".join(proj.unsaved_objects))
        return True

    def save_as(self, path: str | os.PathLike | None = None) -> bool:
        """Save the project into a new folder and continue there."""
        proj = self.window.project
        if proj is None:
            return self.new_project(path)
        path = path or self.get_save_path("Save project as")
        if not path:
            return False
        old_folder, old_rel = proj.folder, [s.relative_path for s in proj.surveys]
        try:
            proj.save_as(path)
        except PROJECT_ERRORS as exc:
            proj.folder = old_folder  # a failed save-as keeps working on the old project
            for s, rel in zip(proj.surveys, old_rel):
                s.relative_path = rel
            self.error("Save as failed", f"{one_line(exc)} — the previous save is unchanged")
            return False
        if self.autosaver is not None:
            self.autosaver.saved()
        app_settings.add_recent_project(self.window.settings, proj.folder)
        self.update_title()
        return True

    def close_project(self) -> bool:
        """Close the project after asking about unsaved changes; the survey stays shown."""
        w = self.window
        if w.project is None or not self.maybe_save():
            return False
        self._stop_autosave()
        w.project = None
        w.set_picks(Interpretation(w.survey.name if w.survey is not None else ""))
        self._update_actions()
        self.update_title()
        self.sig_project_changed.emit(None)
        return True

    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel when the project has unsaved changes; True to go on."""
        proj = self.window.project
        if proj is None or not proj.is_dirty:
            return True
        answer = self.ask_save_changes(project_name(proj))
        if answer == SAVE:
            return self.save()
        if answer == DISCARD:
            proj.discard_autosave()  # the user chose to drop these edits: do not offer them again
            return True
        return False

    def maybe_keep_picks(self) -> bool:
        """Without a project, ask whether unsaved picks go into a new project (Save → Save as…)
        before they are lost; only in interactive sessions. True to go on."""
        w = self.window
        if w.project is not None or not self.interactive or not w.history.is_dirty \
                or not w.picks.objects():
            return True
        answer = self.ask_save_changes(None)
        if answer == SAVE:
            return self.new_project()
        return answer == DISCARD

    # -- autosave ------------------------------------------------------------------------------
    def autosave_tick(self) -> bool:
        """Timer slot: autosave when changes are pending and the interval has passed."""
        return self._autosave(lambda a: a.tick())

    def job_done(self) -> bool:
        """After every job of the runner: autosave what the job changed."""
        return self._autosave(lambda a: a.job_finished())

    def _autosave(self, run: Callable[[Autosaver], bool]) -> bool:
        if self.autosaver is None:
            return False
        try:
            saved = run(self.autosaver)
        except PROJECT_ERRORS as exc:
            saved, self.autosaver.last_error = False, OSError(one_line(exc))
        if self.autosaver.last_error is not None:
            self.window.statusBar().showMessage(
                f"Autosave failed: {one_line(self.autosaver.last_error)}", 10000)
        elif saved:
            self.window.statusBar().showMessage("Autosaved", 3000)
        return saved

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close:
            if not (self.maybe_save() and self.maybe_keep_picks()):
                event.ignore()
                return True
            self._stop_autosave()
        return False


def install(session: Any, window: MainWindow) -> ProjectController:
    """The Project menu, autosave and the project's surveys on ``window``."""
    return ProjectController(window)
