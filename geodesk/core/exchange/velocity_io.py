"""A stacking-velocity field as SEG-Y: one Vrms trace per CDP, with the CDPs' geometry.

The field is the picked functions interpolated across CDPs and time
(:func:`geodesk.core.processing.velfield.vrms_section`), written as a post-stack 2D line (CDP in
byte 21, the CMP's mean CDP X/Y in 181/185) in IEEE floats, m/s. Processing systems read such a
file as a velocity section; :func:`read_vrms_section` reads it back.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from geodesk.core.processing.velfield import vrms_section
from geodesk.core.segy.write import write_post2d

Functions = dict[int, tuple[np.ndarray, np.ndarray]]


def cmp_positions(cmps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CDP numbers of a CDP-grouped pre-stack survey and the mean CDP X/Y of each gather,
    from the trace headers only (no samples are read)."""
    cdps = np.asarray(cmps.gather_keys, dtype=np.int64)
    tx, ty = cmps.trace_xy()
    x, y = np.zeros(cdps.size), np.zeros(cdps.size)
    for k, cdp in enumerate(cdps):
        idx = cmps.gather_indices(int(cdp))
        x[k], y[k] = float(np.mean(tx[idx])), float(np.mean(ty[idx]))
    return cdps, x, y


def vrms_field(functions: Functions, cdps: np.ndarray,
               times_ms: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Vrms (m/s) at every (CDP, time), float32, and warnings about the picks."""
    field, warnings = vrms_section(functions, np.asarray(cdps), np.asarray(times_ms, float))
    return field.astype(np.float32), warnings


def write_vrms_section(out: str | os.PathLike, field: np.ndarray, cdps: np.ndarray,
                       x: np.ndarray, y: np.ndarray, *, dt_ms: float,
                       delay_ms: float = 0.0) -> Path:
    """Write a Vrms field (n_cdp, n_samples) as an IEEE SEG-Y line (atomically)."""
    return write_post2d(out, np.asarray(field, dtype=np.float32), cdps, x, y, dt_ms=dt_ms,
                        delay_ms=delay_ms, format=5,
                        text=["GEODESK STACKING VELOCITY FIELD (VRMS, M/S)",
                              "ONE TRACE PER CDP, CDP IN BYTES 21-24, CDP X/Y IN 181-188",
                              "INTERPOLATED LINEARLY IN CDP AND TIME BETWEEN PICKED FUNCTIONS"])


def read_vrms_section(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(field (n_cdp, n_samples), CDP numbers, times ms) of a file written by
    :func:`write_vrms_section`."""
    import geodesk

    with geodesk.open(path, kind="post2d") as s:
        line = s.line()
        return line.data.copy(), np.asarray(s.trace_numbers), np.asarray(s.times_ms)
