"""Shared parts of the picking tools: overlay items, section keys, snapping and stroke painting.

Tools are Qt-free state machines. The Qt adapter forwards pointer events in *data coordinates*:
``x`` is the trace position along the section's first axis in index units (0 … n_traces-1,
fractional allowed; an adapter plotting in axis units converts with ``np.interp``) and ``t`` is
the time in ms. ``modifiers`` is a set of ``"shift"``, ``"ctrl"``, ``"alt"``; ``button`` is
``"left"`` or ``"right"``; key names follow Qt: ``"Escape"``, ``"Return"``, ``"Enter"``,
``"Delete"``, ``"Backspace"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from geodesk.core.section import Section

#: ``snap(trace_samples, times_ms, t_ms) -> t_ms``: move a pick onto a nearby event.
SnapFn = Callable[[np.ndarray, np.ndarray, float], float]
Modifiers = Iterable[str]


class ToolError(ValueError):
    """A tool action that cannot run (no seeds on the section, wrong section kind…)."""


@dataclass(frozen=True)
class OverlayItem:
    """Something to draw: ``kind`` "line" or "points", ``xy`` (n, 2) of (trace position, ms).

    Lines may hold NaN rows for gaps (draw with pyqtgraph ``connect="finite"``). ``role`` tells
    the adapter the style: horizon, seed, stroke, stick, stick_selected, stick_active, node,
    rubber_band, first_breaks.
    """

    kind: str
    xy: np.ndarray
    role: str
    colour: str = ""


def section_keys(section: Section, line: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Inline and crossline number of every trace of an inline / crossline / 2D line section.

    ``line`` is the section's own line number (the inline of an inline section, the crossline of
    a crossline section, the line number of a 2D line); when None it is read from the section's
    ``inline`` / ``crossline`` headers.
    """
    n = section.shape[0]
    keys = np.asarray(section.axis0.values, dtype=float)
    if section.kind not in ("inline", "crossline", "line"):
        raise ToolError(f"cannot pick on a {section.kind} section")
    if line is None:
        hdr = {"inline": "inline", "crossline": "crossline", "line": "inline"}[section.kind]
        if hdr in section.headers:
            line = float(np.asarray(section.headers[hdr])[0])
        elif section.kind == "line":
            line = 0.0
        else:
            raise ToolError(f"the {section.kind} number of this section is unknown")
    fixed = np.full(n, float(line))
    if section.kind == "crossline":
        return keys, fixed
    return fixed, keys


def key_to_position(values: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Fractional trace position of axis values ``key`` (axis ascending or descending)."""
    v = np.asarray(values, dtype=float)
    pos = np.arange(v.size, dtype=float)
    if v.size > 1 and v[0] > v[-1]:
        return np.interp(key, v[::-1], pos[::-1])
    return np.interp(key, v, pos)


def position_to_key(values: np.ndarray, x: float) -> float:
    """Axis value at fractional trace position ``x`` (linear between traces)."""
    v = np.asarray(values, dtype=float)
    return float(np.interp(x, np.arange(v.size, dtype=float), v))


def segment_traces(x0: float, t0: float, x1: float, t1: float,
                   n: int) -> tuple[np.ndarray, np.ndarray]:
    """Traces crossed going from (x0, t0) to (x1, t1) and the linearly interpolated time at each,
    so a fast drag that skips traces still picks every trace in between."""
    i0 = min(max(round(x0), 0), n - 1)
    i1 = min(max(round(x1), 0), n - 1)
    idx = np.arange(min(i0, i1), max(i0, i1) + 1)
    if x1 == x0:
        return idx, np.full(idx.shape, float(t1))
    w = np.clip((idx - x0) / (x1 - x0), 0.0, 1.0)
    return idx, t0 + w * (t1 - t0)


def snap_times(section: Section, traces: np.ndarray, times: np.ndarray,
               snap: SnapFn | None) -> np.ndarray:
    """Apply ``snap`` per trace (identity when None); NaN results keep the unsnapped time."""
    if snap is None:
        return np.asarray(times, dtype=float)
    ax = np.asarray(section.axis1.values, dtype=float)
    out = np.array([snap(section.data[i], ax, float(t)) for i, t in zip(traces, times)],
                   dtype=float)
    return np.where(np.isfinite(out), out, times)


def has_modifier(modifiers: Modifiers, name: str) -> bool:
    return name in set(modifiers)
