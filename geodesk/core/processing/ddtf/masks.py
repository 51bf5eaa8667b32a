"""Which traces to interpolate: one bool per file trace, True where the trace is observed.

``zero``: traces whose samples are all zero; ``dead``: those, constant traces, and traces the
header marks dead (trace identification code, bytes 29-30, = 2); a file: one trace to fill
per line, as a 0-based file trace index or as ``inline,crossline`` (3D), ``#`` comments allowed.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from geodesk.core.survey import Survey, SurveyError

#: Byte of the trace identification code; code 2 means a dead trace.
TRACE_ID_BYTE = 29
MASK_KINDS = ("dead", "zero")


def _flat_traces(survey: Survey, constant: bool, chunk: int = 4096) -> np.ndarray:
    """True per trace whose samples are all zero (or all equal with ``constant``), read in
    chunks so memory stays bounded."""
    out = np.zeros(survey.n_traces, dtype=bool)
    for a in range(0, survey.n_traces, chunk):
        t = survey.traces(slice(a, min(a + chunk, survey.n_traces)))
        out[a:a + len(t)] = (np.ptp(t, axis=1) == 0) if constant else ~np.any(t, axis=1)
    return out


def observed_mask(survey: Survey, how: str) -> np.ndarray:
    """The mask of ``how`` ("dead", "zero" or a file path) for ``survey``: True = observed."""
    if how == "zero":
        return ~_flat_traces(survey, constant=False)
    if how == "dead":
        dead = _flat_traces(survey, constant=True)
        dead |= survey.header_values(TRACE_ID_BYTE) == 2
        return ~dead
    return ~missing_from_file(survey, how)


def missing_from_file(survey: Survey, path: str | os.PathLike) -> np.ndarray:
    """True per trace listed in the file at ``path`` (see the module docstring)."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"mask file {p} not found (or give --mask dead|zero)")
    rows = []
    for k, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
        text = line.split("#", 1)[0].replace(";", ",").strip()
        if not text:
            continue
        try:
            rows.append([int(float(v)) for v in text.replace(",", " ").split()])
        except ValueError:
            raise SurveyError(f"{p.name} line {k}: expected a trace index or inline,crossline, "
                              f"got {line.strip()[:40]!r}") from None
    out = np.zeros(survey.n_traces, dtype=bool)
    for k, r in enumerate(rows, 1):
        if len(r) == 1 and 0 <= r[0] < survey.n_traces:
            out[r[0]] = True
        elif len(r) == 2 and survey.kind == "post3d":
            out[_grid_trace(survey, r[0], r[1], p.name)] = True
        else:
            raise SurveyError(f"{p.name}: {r} is not a trace of {survey.name} "
                              f"(0..{survey.n_traces - 1}, or inline,crossline of a 3D file)")
    return out


def _grid_trace(survey, il: int, xl: int, name: str) -> int:
    i = np.searchsorted(survey.inlines, il)
    j = np.searchsorted(survey.crosslines, xl)
    ok = (i < len(survey.inlines) and j < len(survey.crosslines)
          and survey.inlines[i] == il and survey.crosslines[j] == xl)
    idx = int(survey.trace_grid[i, j]) if ok else -1
    if idx < 0:
        raise SurveyError(f"{name}: inline {il} crossline {xl} is not a trace of {survey.name}")
    return idx
