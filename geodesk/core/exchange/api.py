"""The one export/import of picks objects, used by the CLI (through a project) and the GUI.

:func:`export_picks` and :func:`import_picks` take an :class:`Interpretation`, the survey the
picks belong to (or None where none is open) and what to do, check that the survey fits, run the
wrappers of :mod:`geodesk.core.exchange.picks_io` and return an :class:`ExchangeReport` (count
and warnings) for the caller to print or show. Survey problems raise :class:`ExchangeError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.exchange import picks_io as ex
from geodesk.core.exchange.grid import GridMapper
from geodesk.core.exchange.segy_io import check_field
from geodesk.core.history import History
from geodesk.core.picks import Interpretation

#: Formats of each kind of pick object, the first being the default.
FORMATS = {"horizon": ("csv", "xyz"), "fault_set": ("csv",), "first_breaks": ("csv", "segy"),
           "velocity_functions": ("csv",)}
KIND_NAMES = {"horizon": "horizon", "fault_set": "fault set", "first_breaks": "first breaks",
              "velocity_functions": "velocity functions"}


class ExchangeError(ValueError):
    """An export or import that cannot run as asked (wrong survey, format or options)."""


@dataclass
class ExchangeReport:
    """What one export or import did: the object, the file, rows/picks written or read and
    warnings about what was left out (e.g. unknown coordinates)."""

    kind: str
    name: str
    path: Path
    fmt: str
    count: int
    warnings: list[str] = field(default_factory=list)
    obj: Any = None


def check_request(kind: str, fmt: str | None, byte: int = 237, encoding: str = "int32",
                  unit: str = "ms") -> str:
    """The format to use (``fmt`` or the kind's default); ExchangeError when it cannot be."""
    if kind not in FORMATS:
        raise ExchangeError(f"unknown pick kind {kind!r} ({', '.join(FORMATS)})")
    fmt = fmt or FORMATS[kind][0]
    if fmt not in FORMATS[kind]:
        raise ExchangeError(f"{KIND_NAMES[kind]} cannot use format {fmt!r} "
                            f"({', '.join(FORMATS[kind])})")
    if fmt == "segy":
        try:
            check_field(byte, encoding, unit)
        except ValueError as exc:
            raise ExchangeError(str(exc)) from None
    return fmt


def export_picks(interp: Interpretation, survey: Any, kind: str, name: str,
                 path: str | os.PathLike, fmt: str | None = None, *, byte: int = 237,
                 encoding: str = "int32", unit: str = "ms",
                 with_provenance: bool = False) -> ExchangeReport:
    """Write pick object ``kind``/``name`` to ``path`` (atomically) as ``fmt``.

    ``survey`` gives map coordinates and offsets (left empty, with a warning, when it is None or
    its coordinates are unusable); XYZ and SEG-Y need it. ``with_provenance`` adds the
    confidence/provenance/model-original columns to CSV.
    """
    fmt = check_request(kind, fmt, byte, encoding, unit)
    from geodesk.core.safety import check_output

    # never over the survey file or into a project folder, from the GUI as from the CLI (the
    # GUI's save dialog has asked before replacing a file of another kind: force allows that)
    source = getattr(survey, "path", None)
    check_output(path, "segy" if fmt == "segy" else "text", [source] if source else [],
                 force=True)
    obj = interp.get(kind, name)
    warnings: list[str] = []
    if with_provenance and fmt != "csv":
        warnings.append(f"{fmt.upper()} has no provenance columns: written without them")
    extra = with_provenance and fmt == "csv"
    if kind == "velocity_functions":
        n = ex.export_velocities(obj, path, with_provenance=extra)
    elif kind == "horizon":
        mapper = _mapper(survey, warnings, required=fmt == "xyz")
        if mapper is not None and not (np.array_equal(mapper.inlines, obj.inlines)
                                       and np.array_equal(mapper.crosslines, obj.crosslines)):
            raise ExchangeError(f"horizon {name!r} is on another grid than the survey "
                                f"{survey.name}")
        xy = (mapper.grid_x, mapper.grid_y) if mapper is not None else None
        n = ex.export_horizon(obj, path, fmt, xy, with_provenance=extra)
    elif kind == "fault_set":
        n = ex.export_faults(obj, path, _mapper(survey, warnings), with_provenance=extra)
    else:
        n = _export_firstbreaks(obj, survey, path, fmt, warnings, byte, encoding, unit, extra)
    return ExchangeReport(kind, name, Path(path), fmt, n, warnings, obj)


def import_picks(interp: Interpretation, history: History | None, survey: Any, kind: str,
                 name: str, path: str | os.PathLike, fmt: str | None = None, *,
                 byte: int = 237, encoding: str = "int32", unit: str = "ms",
                 tolerance: float | None = None) -> ExchangeReport:
    """Read ``path`` into ``interp`` as ``kind``/``name`` (new, or replacing that object's
    picks) as ONE undoable step; the file is checked completely first (ImportError_ lists its
    bad lines and nothing changes). Horizons, faults and first breaks need ``survey``."""
    fmt = check_request(kind, fmt, byte, encoding, unit)
    if not Path(path).is_file():
        raise ex.ImportError_(path, "file not found")
    if not name:
        raise ExchangeError("give the imported object a name")
    if kind == "velocity_functions":
        obj = ex.import_velocities(interp, history, path, name, cdps=_cdps(survey))
    elif kind == "horizon":
        il, xl, xy = _grid(survey)
        obj = ex.import_horizon(interp, history, path, name, il, xl, fmt, xy, tolerance)
    elif kind == "fault_set":
        il, xl, _ = _grid(survey)
        obj = ex.import_faults(interp, history, path, name, il, xl)
    else:
        ffid, channel, _ = _traces(survey)
        obj = ex.import_firstbreaks(interp, history, path, name, ffid, channel, fmt, byte,
                                    encoding, unit)
    return ExchangeReport(kind, name, Path(path), fmt, _count(obj), [], obj)


def _export_firstbreaks(fb: Any, survey: Any, path: str | os.PathLike, fmt: str,
                        warnings: list[str], byte: int, encoding: str, unit: str,
                        with_provenance: bool) -> int:
    """First breaks as CSV (offsets from the survey) or into a copy of the survey's SEG-Y."""
    if survey is None:
        if fmt == "segy":
            raise ExchangeError("SEG-Y export copies the pre-stack survey: open it first")
        warnings.append("no survey: the offset column is left empty")
        return ex.export_firstbreaks(fb, path, "csv", with_provenance=with_provenance)
    ffid, channel, offsets = _traces(survey)
    if not (np.array_equal(ffid, fb.ffid) and np.array_equal(channel, fb.channel)):
        raise ExchangeError(f"first breaks {fb.name!r} ({fb.n_traces} traces) belong to another "
                            f"survey than {survey.name} ({ffid.size} traces)")
    if fmt == "segy":
        return ex.export_firstbreaks(fb, path, "segy", source=survey.path, byte=byte,
                                     encoding=encoding, unit=unit)
    return ex.export_firstbreaks(fb, path, "csv", offsets=offsets,
                                 with_provenance=with_provenance)


def _mapper(survey: Any, warnings: list[str], required: bool = False) -> GridMapper | None:
    """Grid ↔ map mapping of a post-stack survey; None (and a warning) where the survey is
    absent or its coordinates are unusable, unless ``required`` (XYZ), which raises."""
    if survey is None:
        if required:
            raise ExchangeError("XYZ export needs the survey's x/y grid: open the survey")
        warnings.append("no survey: the x/y columns are left empty")
        return None
    il, xl, xy = _grid(survey)
    try:
        return GridMapper(il, xl, *xy)
    except ValueError as exc:
        if required:
            raise ExchangeError(str(exc)) from None
        warnings.append(f"{survey.name} has no usable x/y coordinates: the x/y columns are "
                        "left empty")
        return None


def _grid(survey: Any) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Inline/crossline numbers and x/y of a post-stack survey (a 2D line is line 0)."""
    if survey is None or survey.kind not in ("post3d", "post2d"):
        what = "no survey is open" if survey is None else \
            f"{survey.name} is a {survey.kind} survey"
        raise ExchangeError(f"{what}: horizons and faults need a post-stack 3D volume or 2D line")
    if survey.kind == "post3d":
        return survey.inlines, survey.crosslines, survey.grid_xy()
    x, y = survey.line_xy()
    return np.array([0]), survey.trace_numbers, (x[None, :], y[None, :])


def _traces(survey: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FFID, channel and offset of every trace of a pre-stack survey."""
    if survey is None or survey.kind != "prestack":
        what = "no survey is open" if survey is None else \
            f"{survey.name} is not a pre-stack survey"
        raise ExchangeError(f"{what}: first breaks need one (shot gathers)")
    hb = survey.header_bytes
    return (np.asarray(survey.header_values(hb.ffid), dtype=np.int64),
            np.asarray(survey.header_values(hb.channel), dtype=np.int64),
            np.asarray(survey.header_values(hb.offset), dtype=np.float64))


def _cdps(survey: Any) -> np.ndarray | None:
    """CDP numbers velocity functions may stand on: the CDP headers of a pre-stack survey, the
    trace (CDP) numbers of a 2D line; None (not checked) without a survey or for a 3D volume."""
    if survey is None or survey.kind == "post3d":
        return None
    if survey.kind == "post2d":
        return np.asarray(survey.trace_numbers, dtype=np.int64)
    return np.unique(np.asarray(survey.header_values(survey.header_bytes.cdp), dtype=np.int64))


def _count(obj: Any) -> int:
    """Picks in an imported object (picked traces, stick nodes or velocity knots)."""
    if hasattr(obj, "n_picked"):
        return int(obj.n_picked)
    if hasattr(obj, "faults"):
        return sum(len(s.points) for f in obj.faults for s in f.sticks)
    return sum(len(f) for f in obj.functions.values())
