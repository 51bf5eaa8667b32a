"""Facies out of and back into files: a SEG-Y of the class of every sample (the input's
headers kept) and a map CSV ``inline,xline,x,y,facies``.

Classes are 1..K, 0 where none was given. Both writers are atomic (a temporary file moved
into place) and go through the callers' output checks, so an input is never written over.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geodesk.core.exchange.common import (
    Problems,
    format_float64,
    format_int,
    parse_float,
    parse_int,
    read_csv_rows,
    write_csv,
)
from geodesk.core.segy.write import write_like

MAP_COLUMNS = ("inline", "xline", "x", "y", "facies")
#: Traces per block handed to the SEG-Y writer (bounded memory).
WRITE_BLOCK = 1024

#: ``trace_classes(rows, cols) -> (k, samples)``: classes of grid nodes (rows, cols).
TraceClasses = Callable[[np.ndarray, np.ndarray], np.ndarray]


def file_order(survey) -> tuple[np.ndarray, np.ndarray]:
    """Grid row and column of every file trace of a post-stack survey (a 2D line: row 0)."""
    if survey.kind == "post3d":
        grid = np.asarray(survey.trace_grid)
        rows = np.full(survey.n_traces, -1, dtype=np.int64)
        cols = np.full(survey.n_traces, -1, dtype=np.int64)
        i, j = np.nonzero(grid >= 0)
        rows[grid[i, j]], cols[grid[i, j]] = i, j
        return rows, cols
    sec = survey.line()
    index = np.asarray(sec.trace_index if sec.trace_index is not None
                       else np.arange(survey.n_traces))
    cols = np.full(survey.n_traces, -1, dtype=np.int64)
    ok = index >= 0
    cols[index[ok]] = np.flatnonzero(ok)
    return np.zeros(survey.n_traces, dtype=np.int64), cols


def write_facies_segy(survey, out_path: str | os.PathLike, trace_classes: TraceClasses) -> Path:
    """Write a copy of ``survey``'s file whose samples are the classes (IEEE float, exact for
    integers) of each trace; text, binary and trace headers are the input's."""
    rows, cols = file_order(survey)
    if (rows < 0).any() or (cols < 0).any():
        raise ValueError(f"{survey.name}: some traces are not on the survey grid; cannot write "
                         "classes per trace")

    def blocks() -> Iterator[np.ndarray]:
        for a in range(0, survey.n_traces, WRITE_BLOCK):
            yield np.asarray(trace_classes(rows[a:a + WRITE_BLOCK], cols[a:a + WRITE_BLOCK]),
                             dtype=np.float32)

    return write_like(survey.path, out_path, blocks(), format=5)


def volume_classes(classes: np.ndarray) -> TraceClasses:
    """Trace classes read from a (lines, traces, samples) class volume."""
    return lambda rows, cols: classes[rows, cols]


def window_classes(class_map: np.ndarray, first: np.ndarray, length: int,
                   n_samples: int) -> TraceClasses:
    """Trace classes of a map: each trace's class on its window's samples (first..first +
    length - 1; none where ``first`` < 0), 0 elsewhere."""
    t = np.arange(n_samples)[None, :]

    def traces(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        f = first[rows, cols][:, None]
        inside = (f >= 0) & (t >= f) & (t < f + length)
        return np.where(inside, class_map[rows, cols][:, None], 0)

    return traces


@dataclass
class FaciesMap:
    """Rows of a facies map CSV."""

    inline: np.ndarray  # int64
    xline: np.ndarray  # int64
    x: np.ndarray  # float64, NaN when empty
    y: np.ndarray  # float64
    facies: np.ndarray  # int64, 1..K


def write_facies_map_csv(path: str | os.PathLike, inlines: np.ndarray, crosslines: np.ndarray,
                         class_map: np.ndarray, grid_x: np.ndarray | None = None,
                         grid_y: np.ndarray | None = None) -> int:
    """Write the classified nodes (class > 0) of ``class_map`` (inlines, crosslines) as
    ``inline,xline,x,y,facies``; returns the number of rows."""
    m = np.asarray(class_map)
    i, j = np.nonzero(m > 0)
    x = format_float64(np.asarray(grid_x)[i, j]) if grid_x is not None else [""] * i.size
    y = format_float64(np.asarray(grid_y)[i, j]) if grid_y is not None else [""] * i.size
    write_csv(path, list(MAP_COLUMNS),
              [format_int(np.asarray(inlines, dtype=np.int64)[i]),
               format_int(np.asarray(crosslines, dtype=np.int64)[j]), x, y,
               format_int(m[i, j].astype(np.int64))])
    return int(i.size)


def read_facies_map_csv(path: str | os.PathLike) -> FaciesMap:
    """Parse a facies map CSV (facies must be whole numbers >= 1; x/y may be empty)."""
    problems = Problems(path)
    cols: dict[str, list] = {k: [] for k in MAP_COLUMNS}
    for line, row in read_csv_rows(path, MAP_COLUMNS, {"crossline": "xline"}):
        if "__error__" in row:
            problems.add(line, row["__error__"])
            continue
        try:
            vals = (parse_int(row["inline"], "inline"), parse_int(row["xline"], "xline"),
                    parse_float(row["x"], "x", allow_empty=True),
                    parse_float(row["y"], "y", allow_empty=True),
                    parse_int(row["facies"], "facies"))
            if vals[4] < 1:
                raise ValueError(f"facies {vals[4]} is not a class number (1, 2, …)")
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        for k, v in zip(MAP_COLUMNS, vals):
            cols[k].append(v)
    problems.raise_if_any()
    return FaciesMap(*(np.array(cols[k], dtype=np.float64 if k in ("x", "y") else np.int64)
                       for k in MAP_COLUMNS))
