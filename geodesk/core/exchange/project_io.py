"""Export/import of a project's picks by CLI kind name: what ``geodesk export/import`` call.

Resolves the pick object, opens the project's survey (after the moved/changed checks) for the
geometry a format needs and runs :mod:`geodesk.core.exchange.api` (the same code the GUI's
Import…/Export… run); imports then save the project atomically.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geodesk.core.exchange import api
from geodesk.core.exchange import picks_io as ex
from geodesk.core.exchange.api import ExchangeReport, check_request
from geodesk.core.project.project import Project, ProjectError
from geodesk.core.survey import SurveyError

#: CLI names of the pick kinds and their Interpretation kinds.
WHAT = {"horizon": "horizon", "faults": "fault_set", "firstbreaks": "first_breaks",
        "velocities": "velocity_functions"}


def _kind(what: str) -> str:
    if what not in WHAT:
        raise ValueError(f"unknown pick kind {what!r} (horizon, faults, firstbreaks, velocities)")
    return WHAT[what]


def _object(project: Project, kind: str, name: str | None) -> Any:
    names = project.picks.names(kind)
    if not names:
        raise ProjectError(f"the project has no {kind.replace('_', ' ')}")
    if name is None:
        if len(names) != 1:
            listed = ", ".join(repr(n) for n in names) or "none"
            raise ProjectError(f"give --name: the project has {len(names)} {kind.replace('_', ' ')}"
                               f" objects ({listed})")
        name = names[0]
    if name not in names:
        raise ProjectError(f"no {kind.replace('_', ' ')} named {name!r} in the project "
                           f"({', '.join(repr(n) for n in names) or 'none'})")
    return project.picks.get(kind, name)


@contextlib.contextmanager
def _survey_for(project: Project, kind: str) -> Iterator[Any]:
    """The project's survey, opened only for kinds whose files need its geometry (velocity
    functions use it, when it opens, to check their CDPs)."""
    if kind == "velocity_functions":
        try:
            survey = project.open_survey()
        except (ProjectError, SurveyError, OSError, ValueError):  # moved, unreadable: unchecked
            survey = None
        if survey is None:
            yield None
        else:
            with survey:
                yield survey
    else:
        with project.open_survey() as survey:
            yield survey


def export_picks(project: Project, what: str, out: str | os.PathLike, fmt: str | None = None,
                 name: str | None = None, byte: int = 237, encoding: str = "int32",
                 unit: str = "ms", with_provenance: bool = False) -> ExchangeReport:
    """Export one pick object of the project (:func:`geodesk.core.exchange.api.export_picks`)."""
    kind = _kind(what)
    fmt = check_request(kind, fmt, byte, encoding, unit)
    obj = _object(project, kind, name)
    with _survey_for(project, kind) as survey:
        return api.export_picks(project.picks, survey, kind, obj.name, out, fmt, byte=byte,
                                encoding=encoding, unit=unit, with_provenance=with_provenance)


def import_picks(project: Project, what: str, source: str | os.PathLike,
                 fmt: str | None = None, name: str | None = None, byte: int = 237,
                 encoding: str = "int32", unit: str = "ms",
                 tolerance: float | None = None) -> ExchangeReport:
    """Import a file into the project as one undoable step and save the project atomically."""
    kind = _kind(what)
    fmt = check_request(kind, fmt, byte, encoding, unit)
    if not Path(source).is_file():
        raise ex.ImportError_(source, "file not found")
    with _survey_for(project, kind) as survey:
        report = api.import_picks(project.picks, project.history, survey, kind,
                                  name or Path(source).stem, source, fmt, byte=byte,
                                  encoding=encoding, unit=unit, tolerance=tolerance)
    project.save()
    return report
