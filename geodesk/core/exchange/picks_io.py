"""Export and import of picks objects (horizons, faults, first breaks, velocities).

Wrappers over the array-level functions of :mod:`geodesk.core.exchange.csv_io` and
:mod:`geodesk.core.exchange.segy_io`. Imports parse and check the whole file first (raising
:class:`ImportError_` with line numbers), then apply it to an :class:`Interpretation` as ONE
undoable step: a new object is added, or an object of the same name has its picks replaced.
Imported picks carry the provenance ``imported:<file name>``, unless the file has provenance
columns (written ``with_provenance``): then the picks, their confidence, provenance and model
originals come back exactly as exported.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.exchange import csv_io as ec
from geodesk.core.exchange.common import ImportError_, first_lines, parse_float, parse_int
from geodesk.core.exchange.grid import GridMapper
from geodesk.core.exchange.segy_io import read_firstbreaks_segy, write_firstbreaks_segy
from geodesk.core.history import History
from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, Interpretation, VelocityFunctions
from geodesk.core.picks.arrays import TracePicks

__all__ = ["ImportError_", "export_faults", "export_firstbreaks", "export_horizon",
           "export_velocities", "import_faults", "import_firstbreaks", "import_horizon",
           "import_velocities", "read_horizon_grid"]


def _provenance(path: str | os.PathLike) -> str:
    name = Path(path).name
    return f"imported:{name}" if name else "imported"


@contextlib.contextmanager
def _step(history: History | None, label: str):
    if history is None:
        yield None
    else:
        with history.transaction(label):
            yield history


def pick_provenance(picks: TracePicks) -> ec.PickProvenance:
    """The provenance columns of every pick of ``picks`` (arrays of its shape)."""
    table = picks.provenance_table
    return ec.PickProvenance(picks.confidence, table.decode(picks.provenance).reshape(picks.shape),
                             picks.model_times, picks.model_confidence,
                             table.decode(picks.model_provenance).reshape(picks.shape))


def _restore(picks: TracePicks, history: History | None, index: Any, times: np.ndarray,
             prov: ec.PickProvenance, fallback: str, label: str | None) -> None:
    """Write picks read with provenance columns (``fallback`` where a picked row has none)."""
    missing = np.array([p is None for p in prov.provenance], dtype=bool) & np.isfinite(times)
    names = np.where(missing, fallback, prov.provenance)
    picks.set_picks(history, index, times, list(names), prov.confidence, prov.model_time_ms,
                    prov.model_confidence, list(prov.model_provenance), label=label)


def _empty_provenance(shape: tuple[int, ...]) -> ec.PickProvenance:
    nan = np.full(shape, np.nan, dtype=np.float32)
    none = np.full(shape, None, dtype=object)
    return ec.PickProvenance(nan.copy(), none.copy(), nan.copy(), nan.copy(), none.copy())


def _scatter(rows: ec.PickProvenance, index: Any, shape: tuple[int, ...]) -> ec.PickProvenance:
    """Provenance rows put at ``index`` of arrays of ``shape`` (empty elsewhere)."""
    out = _empty_provenance(shape)
    for a, v in zip(out.columns(), rows.columns()):
        a[index] = v
    return out


# -- horizons ----------------------------------------------------------------------------------
def export_horizon(horizon: Horizon, path: str | os.PathLike, fmt: str = "csv",
                   grid_xy: tuple[np.ndarray, np.ndarray] | None = None,
                   with_provenance: bool = False) -> int:
    """Write a horizon as CSV (``inline,xline,x,y,time_ms``) or XYZ; returns the row count.
    ``grid_xy`` (the survey's :meth:`Post3D.grid_xy`) gives x/y; XYZ requires it.
    ``with_provenance`` adds the CSV provenance columns."""
    gx, gy = grid_xy if grid_xy is not None else (None, None)
    if fmt == "csv":
        return ec.write_horizon_csv(path, horizon.inlines, horizon.crosslines, horizon.times,
                                    gx, gy, pick_provenance(horizon) if with_provenance else None)
    if fmt == "xyz":
        if gx is None:
            raise ValueError("XYZ export needs the survey's x/y grid")
        GridMapper(horizon.inlines, horizon.crosslines, gx, gy)  # refuses unusable coordinates
        return ec.write_horizon_xyz(path, gx, gy, horizon.times)
    raise ValueError(f"horizons export as csv or xyz, not {fmt!r}")


def read_horizon_grid(path: str | os.PathLike, inlines: np.ndarray, crosslines: np.ndarray,
                      fmt: str = "csv", grid_xy: tuple[np.ndarray, np.ndarray] | None = None,
                      tolerance: float | None = None) -> np.ndarray:
    """Times (n_inlines, n_crosslines; NaN unpicked) of a horizon file on the survey grid.

    XYZ points go to the nearest grid node within ``tolerance`` (default half a bin); points
    outside the survey or two points on one node raise :class:`ImportError_`.
    """
    return _read_horizon(path, inlines, crosslines, fmt, grid_xy, tolerance)[0]


def _read_horizon(path: str | os.PathLike, inlines: np.ndarray, crosslines: np.ndarray,
                  fmt: str, grid_xy: tuple[np.ndarray, np.ndarray] | None,
                  tolerance: float | None) -> tuple[np.ndarray, ec.PickProvenance | None]:
    """:func:`read_horizon_grid` and the provenance columns on the grid (None without)."""
    shape = (len(inlines), len(crosslines))
    if fmt == "csv":
        pts = ec.read_horizon_csv(path)
        rows = ec.keys_to_index(pts.inline, inlines)
        cols = ec.keys_to_index(pts.xline, crosslines)
        grid = ec.points_to_grid(path, pts.lines, rows, cols, pts.time_ms, shape)
        prov = None if pts.provenance is None else _scatter(pts.provenance, (rows, cols), shape)
        return grid, prov
    if fmt == "xyz":
        if grid_xy is None:
            raise ValueError("XYZ import needs the survey's x/y grid")
        x, y, t, lines = ec.read_xyz(path)
        rows, cols, _ = GridMapper(inlines, crosslines, *grid_xy).nearest_node(x, y, tolerance)
        return ec.points_to_grid(path, lines, rows, cols, t, shape), None
    raise ValueError(f"horizons import from csv or xyz, not {fmt!r}")


def import_horizon(interp: Interpretation, history: History | None, path: str | os.PathLike,
                   name: str, inlines: np.ndarray, crosslines: np.ndarray, fmt: str = "csv",
                   grid_xy: tuple[np.ndarray, np.ndarray] | None = None,
                   tolerance: float | None = None) -> Horizon:
    """Import a horizon file as ``name`` (new, or replacing that horizon's picks) in one step."""
    grid, columns = _read_horizon(path, inlines, crosslines, fmt, grid_xy, tolerance)
    prov = _provenance(path)
    picked = np.isfinite(grid)
    everywhere = np.ones(grid.shape, bool)
    label = f"Import horizon {name}"
    if name in interp.names("horizon"):
        h = interp.get("horizon", name)
        if h.shape != grid.shape or not (np.array_equal(h.inlines, inlines)
                                         and np.array_equal(h.crosslines, crosslines)):
            raise ImportError_(path, f"horizon {name!r} is on another grid than the survey")
        if columns is not None:
            _restore(h, history, everywhere, grid[everywhere], columns.at(everywhere), prov,
                     label)
        else:
            h.set_times(history, everywhere, grid[everywhere], provenance=prov, label=label)
        return h
    h = Horizon(name, inlines, crosslines)
    if columns is not None:
        _restore(h, None, everywhere, grid[everywhere], columns.at(everywhere), prov, label)
    else:
        h.set_times(None, picked, grid[picked], provenance=prov)
    interp.add(history, h)
    return h


# -- faults ------------------------------------------------------------------------------------
def export_faults(fault_set: FaultSet, path: str | os.PathLike,
                  mapper: GridMapper | None = None, with_provenance: bool = False) -> int:
    """Write every stick of a fault set as fault CSV; x/y from ``mapper`` when given;
    ``with_provenance`` adds each stick's provenance."""
    faults = {f.name: [s.points for s in f.sticks] for f in fault_set.faults}
    prov = ({f.name: [s.provenance for s in f.sticks] for f in fault_set.faults}
            if with_provenance else None)
    return ec.write_fault_csv(path, faults, mapper.xy_of if mapper is not None else None, prov)


def _stick_section(points: np.ndarray) -> tuple[str, float]:
    """Which section a stick was picked on, from its points (constant inline or crossline)."""
    if np.all(points[:, 0] == points[0, 0]):
        return "inline", float(points[0, 0])
    if np.all(points[:, 1] == points[0, 1]):
        return "crossline", float(points[0, 1])
    return "line", float(points[0, 0])


def import_faults(interp: Interpretation, history: History | None, path: str | os.PathLike,
                  name: str, inlines: np.ndarray | None = None,
                  crosslines: np.ndarray | None = None) -> FaultSet:
    """Import a fault CSV as fault set ``name`` (replacing one of that name) in one step.
    With ``inlines``/``crosslines`` given, points outside the survey are reported."""
    faults, stick_provenance = ec.read_fault_sticks(path)
    if inlines is not None and crosslines is not None:
        box = (np.min(inlines), np.max(inlines), np.min(crosslines), np.max(crosslines))

        def outside(row: dict[str, str]) -> tuple[str, bool]:
            il, xl = parse_float(row["inline"], "inline"), parse_float(row["xline"], "xline")
            return row["fault"].strip(), not (box[0] <= il <= box[1] and box[2] <= xl <= box[3])

        bad = {(f, True) for f, sticks in faults.items() for s in sticks
               if (s[:, 0].min() < box[0] or s[:, 0].max() > box[1]
                   or s[:, 1].min() < box[2] or s[:, 1].max() > box[3])}
        if bad:
            lines = first_lines(path, ("fault", "inline", "xline"), outside, bad, ec._ALIASES)
            where = (f"inline {box[0]:g}..{box[1]:g}, crossline {box[2]:g}..{box[3]:g}")
            raise ImportError_(path, sorted(
                (lines.get(k, 0), f"fault {k[0]!r} has a point outside the survey ({where})")
                for k in bad))
    fs = FaultSet(name)
    prov = _provenance(path)
    for fname, sticks in faults.items():
        fs.add_fault(None, fname)
        for pts, given in zip(sticks, stick_provenance[fname]):
            kind, number = _stick_section(pts)
            fs.add_stick(None, fname, pts, kind, number, provenance=given or prov)
    with _step(history, f"Import faults {name}") as h:
        if name in interp.names("fault_set"):
            interp.remove(h, "fault_set", name)
        interp.add(h, fs)
    return fs


# -- first breaks ------------------------------------------------------------------------------
def export_firstbreaks(fb: FirstBreaks, path: str | os.PathLike, fmt: str = "csv",
                       offsets: np.ndarray | None = None, source: str | os.PathLike | None = None,
                       byte: int = 237, encoding: str = "int32", unit: str = "ms",
                       with_provenance: bool = False) -> int:
    """Write first breaks as CSV (``with_provenance``: with the provenance columns), or into
    the headers of a copy of ``source`` (fmt "segy")."""
    if fmt == "csv":
        return ec.write_firstbreak_csv(path, fb.ffid, fb.channel, fb.times, offset=offsets,
                                       provenance=pick_provenance(fb) if with_provenance
                                       else None)
    if fmt == "segy":
        if source is None:
            raise ValueError("SEG-Y export of first breaks needs the source SEG-Y file")
        return write_firstbreaks_segy(source, path, fb.times, byte, encoding, unit)
    raise ValueError(f"first breaks export as csv or segy, not {fmt!r}")


def import_firstbreaks(interp: Interpretation, history: History | None,
                       path: str | os.PathLike, name: str, ffid: np.ndarray, channel: np.ndarray,
                       fmt: str = "csv", byte: int = 237, encoding: str = "int32",
                       unit: str = "ms") -> FirstBreaks:
    """Import first breaks (CSV matched on ffid/channel, or a header field of a SEG-Y with the
    survey's traces) as ``name`` (new, or replacing its picks) in one step."""
    times = np.full(len(ffid), np.nan, dtype=np.float32)
    columns = None
    if fmt == "csv":
        rows = ec.read_firstbreak_csv(path)
        idx = ec.firstbreak_rows_to_traces(path, rows, ffid, channel)
        times[idx] = rows.time_ms
        if rows.provenance is not None:
            columns = _scatter(rows.provenance, idx, times.shape)
    elif fmt == "segy":
        t = read_firstbreaks_segy(path, byte, encoding, unit)
        if t.size != times.size:
            raise ImportError_(path, f"{t.size} traces, but the survey has {times.size}")
        times = t
    else:
        raise ValueError(f"first breaks import from csv or segy, not {fmt!r}")
    prov = _provenance(path)
    label = f"Import first breaks {name}"
    if name in interp.names("first_breaks"):
        fb = interp.get("first_breaks", name)
        if fb.n_traces != times.size:
            raise ImportError_(path, f"first breaks {name!r} belong to another survey")
        if columns is not None:
            _restore(fb, history, np.arange(times.size), times, columns, prov, label)
        else:
            fb.set_times(history, np.arange(times.size), times, provenance=prov, label=label)
        return fb
    fb = FirstBreaks(name, ffid, channel)
    if columns is not None:
        _restore(fb, None, np.arange(times.size), times, columns, prov, label)
    else:
        picked = np.flatnonzero(np.isfinite(times))
        fb.set_times(None, picked, times[picked], provenance=prov)
    interp.add(history, fb)
    return fb


# -- velocities --------------------------------------------------------------------------------
def export_velocities(vf: VelocityFunctions, path: str | os.PathLike,
                      with_provenance: bool = False) -> int:
    """Write velocity functions as ``cdp,time_ms,vrms_mps`` (``with_provenance``: plus
    ``provenance,role`` and the model's original knots); returns the row count."""
    prov = ({cdp: (f.times_ms, f.vrms_mps, f.provenance, f.model_original())
             for cdp, f in vf.functions.items()} if with_provenance else None)
    return ec.write_velocity_csv(path, {cdp: (f.times_ms, f.vrms_mps)
                                        for cdp, f in vf.functions.items()}, prov)


def import_velocities(interp: Interpretation, history: History | None,
                      path: str | os.PathLike, name: str,
                      cdps: Any = None) -> VelocityFunctions:
    """Import a velocity CSV as ``name`` (replacing one of that name) in one step; with
    ``cdps`` (the survey's CDP numbers) functions at unknown CDPs are reported."""
    functions = ec.read_velocity_provenance_csv(path)
    if cdps is not None:
        known = set(np.asarray(cdps, dtype=np.int64).tolist())
        bad = {c for c in functions if c not in known}
        if bad:
            lines = first_lines(path, ("cdp",), lambda r: parse_int(r["cdp"], "cdp"), bad,
                                ec._ALIASES)
            raise ImportError_(path, sorted((lines.get(c, 0), f"CDP {c} is not in the survey")
                                            for c in bad))
    vf = VelocityFunctions(name)
    prov = _provenance(path)
    for cdp, (t, v, names, model) in functions.items():
        vf.set_function(None, cdp, t, v, [n or prov for n in names], model_original=model)
    with _step(history, f"Import velocities {name}") as h:
        if name in interp.names("velocity_functions"):
            interp.remove(h, "velocity_functions", name)
        interp.add(h, vf)
    return vf
