"""Export/import of a project's picks by kind and name: what the CLI (and GUI menus) call.

Resolves the pick object, opens the project's survey (after the moved/changed checks) for the
geometry a format needs, runs the wrappers of :mod:`geodesk.core.exchange.picks_io` and, for imports, saves
the project atomically.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.exchange import picks_io as ex
from geodesk.core.exchange.grid import GridMapper
from geodesk.core.project.project import Project, ProjectError

#: CLI names of the pick kinds, with their Interpretation kinds and default formats.
WHAT = {"horizon": ("horizon", "csv"), "faults": ("fault_set", "csv"),
        "firstbreaks": ("first_breaks", "csv"), "velocities": ("velocity_functions", "csv")}
FORMATS = {"horizon": ("csv", "xyz"), "faults": ("csv",), "firstbreaks": ("csv", "segy"),
           "velocities": ("csv",)}


def _check(what: str, fmt: str | None) -> tuple[str, str]:
    if what not in WHAT:
        raise ValueError(f"unknown pick kind {what!r} (horizon, faults, firstbreaks, velocities)")
    kind, default = WHAT[what]
    fmt = fmt or default
    if fmt not in FORMATS[what]:
        raise ValueError(f"{what} cannot use format {fmt!r} ({', '.join(FORMATS[what])})")
    return kind, fmt


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


def _grid(survey: Any) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    if survey.kind == "post3d":
        return survey.inlines, survey.crosslines, survey.grid_xy()
    if survey.kind == "post2d":
        x, y = survey.line_xy()
        return np.array([0]), survey.trace_numbers, (x[None, :], y[None, :])
    raise ProjectError(f"{survey.name} is a {survey.kind} survey: horizons and faults need a "
                       "post-stack 3D volume or 2D line")


def _traces(survey: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if survey.kind != "prestack":
        raise ProjectError(f"{survey.name} is not a pre-stack survey: first breaks need one")
    hb = survey.header_bytes
    return (survey.header_values(hb.ffid), survey.header_values(hb.channel),
            survey.header_values(hb.offset).astype(np.float64))


def export_picks(project: Project, what: str, out: str | os.PathLike, fmt: str | None = None,
                 name: str | None = None, byte: int = 237, encoding: str = "int32",
                 unit: str = "ms") -> int:
    """Export one pick object of the project; returns the number of rows/picks written."""
    kind, fmt = _check(what, fmt)
    obj = _object(project, kind, name)
    if kind == "velocity_functions":
        return ex.export_velocities(obj, out)
    with project.open_survey() as survey:
        if kind == "horizon":
            return ex.export_horizon(obj, out, fmt, _grid(survey)[2])
        if kind == "fault_set":
            il, xl, xy = _grid(survey)
            return ex.export_faults(obj, out, GridMapper(il, xl, *xy) if xy else None)
        if fmt == "segy":
            return ex.export_firstbreaks(obj, out, "segy", source=survey.path, byte=byte,
                                         encoding=encoding, unit=unit)
        return ex.export_firstbreaks(obj, out, "csv", offsets=_traces(survey)[2])


def import_picks(project: Project, what: str, source: str | os.PathLike,
                 fmt: str | None = None, name: str | None = None, byte: int = 237,
                 encoding: str = "int32", unit: str = "ms",
                 tolerance: float | None = None) -> Any:
    """Import a file into the project as one undoable step and save the project atomically."""
    kind, fmt = _check(what, fmt)
    if not Path(source).is_file():
        raise ex.ImportError_(source, "file not found")
    name = name or Path(source).stem
    interp, history = project.picks, project.history
    if kind == "velocity_functions":
        obj = ex.import_velocities(interp, history, source, name)
    else:
        with project.open_survey() as survey:
            if kind == "horizon":
                il, xl, xy = _grid(survey)
                obj = ex.import_horizon(interp, history, source, name, il, xl, fmt, xy, tolerance)
            elif kind == "fault_set":
                il, xl, _ = _grid(survey)
                obj = ex.import_faults(interp, history, source, name, il, xl)
            else:
                ffid, channel, _ = _traces(survey)
                obj = ex.import_firstbreaks(interp, history, source, name, ffid, channel, fmt,
                                            byte, encoding, unit)
    project.save()
    return obj
