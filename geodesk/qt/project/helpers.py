"""Helpers of the project controller: names and messages, the menu-bar lookup, relinking a
moved survey file, and the demo project.

Kept apart from :mod:`geodesk.qt.project.project_ui` so that the controller holds only the project's
life cycle; the controller's dialog methods (``ask_relink``, ``locate_file``) stay there,
replaceable in tests, and call the dialogs here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

import geodesk
from geodesk.core.picks import KINDS
from geodesk.core.project.project import (
    SUFFIX,
    Project,
    ProjectError,
    SurveyIssue,
    SurveyRef,
    relink,
)
from geodesk.core.survey import SurveyError

#: What saving or opening may raise for reasons the user can act on (disk full, damaged file…).
PROJECT_ERRORS = (ProjectError, SurveyError, OSError, ValueError, KeyError)
DEMO_PROJECT = "demo.geodesk"


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its class name when empty)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def project_name(project: Project) -> str:
    """Display name of a project: its folder name without ``.geodesk``."""
    name = project.folder.name
    return name.removesuffix(SUFFIX)


def clone_object(obj: Any) -> Any:
    """An independent copy of a pick object (through its exact state), for moving picks into
    a new project without sharing undo commands with the old interpretation."""
    meta, arrays = obj.to_state()
    return KINDS[meta["type"]].from_state(meta, arrays)


def ref_for(proj: Project, path: str | os.PathLike | None) -> SurveyRef | None:
    """The project's reference to the survey file ``path`` (None if it has none)."""
    if path is None:
        return None
    p = Path(path).expanduser().resolve()
    return next((s for s in proj.surveys if Path(s.path) == p), None)


def local_time(iso: str) -> str:
    """An ISO time stamp shown in local time (as given when it does not parse)."""
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


# -- relinking a moved, missing or changed survey -----------------------------------------------
def relink_dialog(parent: QWidget, issue: SurveyIssue) -> str | None:
    """Ask how to resolve ``issue``: "candidate", "locate", "accept" (use the changed file)
    or None (leave it)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Survey file", issue.message, parent=parent)
    options = {}
    if issue.candidate:
        options[box.addButton("Use the found file",
                              QMessageBox.ButtonRole.AcceptRole)] = "candidate"
    if issue.problem == "changed":
        options[box.addButton("Open it anyway", QMessageBox.ButtonRole.AcceptRole)] = "accept"
    options[box.addButton("Locate the file…", QMessageBox.ButtonRole.ActionRole)] = "locate"
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return options.get(box.clickedButton())


def locate_dialog(parent: QWidget, ref: SurveyRef) -> str:
    """A file dialog looking for the survey file of ``ref`` ("" when cancelled)."""
    path, _ = QFileDialog.getOpenFileName(
        parent, f"Locate {Path(ref.path).name}", str(Path(ref.path).parent),
        "Seismic files (*.sgy *.segy *.SGY *.SEGY *.su *.SU);;All files (*)")
    return path


def open_referenced(proj: Project, ref: SurveyRef,
                    ask_relink: Callable[[SurveyIssue], str | None],
                    locate_file: Callable[[SurveyRef], str],
                    error: Callable[[str, str], None]) -> Any:
    """Open a referenced survey, offering (through ``ask_relink``/``locate_file``) to relink it
    when it moved, is missing or changed; None (after ``error`` says why) when it cannot."""
    issue = next((i for i in proj.check_surveys() if i.survey_id == ref.id), None)
    path: str | None = ref.path
    if issue is not None:
        choice = ask_relink(issue)
        path = {"candidate": issue.candidate, "accept": ref.path}.get(choice or "")
        if choice == "locate":
            path = locate_file(ref) or None
        if not path:
            error("Survey file", f"{issue.message}. The picks are open; relink the "
                  "survey with Project ▸ Surveys when the file is back.")
            return None
        try:
            ref = relink(proj, ref.id, path)
        except PROJECT_ERRORS as exc:
            error("Survey file", f"Cannot relink: {one_line(exc)}")
            return None
    try:
        return geodesk.open(ref.path)
    except PROJECT_ERRORS as exc:
        error("Survey file", f"Cannot open {Path(ref.path).name}: {one_line(exc)}")
        return None


# -- the demo project ---------------------------------------------------------------------------
def demo_project(paths: dict[str, Path], path: str | os.PathLike | None = None) -> Path:
    """The demo project (created on first use) referencing the demo post3d, shots and CMP files;
    by default ``demo.geodesk`` next to the demo files."""
    folder = Path(path) if path else Path(paths["post3d"]).parent / DEMO_PROJECT
    if not (folder / "project.json").is_file():
        Project.create(folder, paths["post3d"], paths["shots"], paths["cmps"])
    return folder if folder.suffix == SUFFIX else folder.with_name(folder.name + SUFFIX)


def demo_paths_job(ctx: Any) -> dict[str, Path]:
    """A job building (first start) or finding the demo files: their paths by kind."""
    from geodesk.synth.demo import demo_paths

    ctx.progress(0.0, "Building the demo survey…")
    return demo_paths()
