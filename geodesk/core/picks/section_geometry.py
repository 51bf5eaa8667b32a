"""Qt-free geometry of picks on a displayed section: horizon traces, stick crossings, categories.

Everything here maps the picks model onto the section view's scene (x = trace index, y = time
ms; on time slices x = inline index, y = crossline index) so the overlay layer only draws.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.picks import CORRECTED, MANUAL, FaultSet, Horizon, is_machine
from geodesk.core.section import Section
from geodesk.core.tools.base import ToolError, key_to_position, section_keys

#: First-break provenance categories, in drawing order.
CATEGORIES = ("manual", "machine", "corrected")


def horizon_flat_index(horizon: Horizon, section: Section, line: float | None) -> np.ndarray:
    """Flat horizon index of every trace of an inline/crossline/line section (-1 off the grid);
    on a time slice, of every (inline, crossline) node as an (n_il, n_xl) array."""
    if section.kind == "time":
        il, xl = np.meshgrid(np.asarray(section.axis0.values), np.asarray(section.axis1.values),
                             indexing="ij")
    else:
        if line is None and section.kind == "line":
            line = float(horizon.inlines[0])
        il, xl = section_keys(section, line)
    return horizon.flat_index_or_missing(il, xl)


def times_at(flat: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Pick times at flat indices (NaN where the index is -1 or unpicked)."""
    t = np.asarray(times).reshape(-1)[flat.clip(0)].astype(float)
    return np.where(flat >= 0, t, np.nan)


def seeds_xy(horizon: Horizon, section: Section, line: float | None) -> np.ndarray:
    """(n, 2) scene positions of the horizon's seeds lying on this trace section."""
    try:
        flat = horizon_flat_index(horizon, section, line)
    except ToolError:
        return np.empty((0, 2))
    s = horizon.seed_array()
    if not len(s) or section.kind == "time":
        return np.empty((0, 2))
    on = np.isin(s[:, 0], horizon.inlines) & np.isin(s[:, 1], horizon.crosslines)
    s = s[on]
    if not len(s):
        return np.empty((0, 2))
    seed_flat = horizon.flat_index_of(s[:, 0], s[:, 1])
    pos = {int(f): k for k, f in enumerate(flat) if f >= 0}
    rows = [(pos[int(f)], t) for f, t in zip(seed_flat, s[:, 2]) if int(f) in pos]
    return np.array(rows, dtype=float).reshape(-1, 2)


def sticks_xy(fault_set: FaultSet, section: Section,
              line: float | None) -> list[tuple[str, list[np.ndarray]]]:
    """Per fault colour, the (n, 2) scene polylines of its sticks picked on this section."""
    if section.kind not in ("inline", "crossline", "line") or line is None and \
            section.kind != "line":
        return []
    number = 0.0 if line is None else float(line)
    out: dict[str, list[np.ndarray]] = {}
    for f in fault_set.faults:
        for s in f.sticks:
            if s.section_kind != section.kind or s.section_number != number:
                continue
            key = s.points[:, 0] if section.kind == "crossline" else s.points[:, 1]
            xy = np.column_stack([key_to_position(section.axis0.values, key), s.points[:, 2]])
            out.setdefault(f.colour, []).append(xy)
    return list(out.items())


def stick_crossings(fault_set: FaultSet, section: Section,
                    line: float | None) -> list[tuple[str, np.ndarray]]:
    """Per fault colour, (n, 2) scene points where sticks picked on perpendicular sections
    cross this inline / crossline (linear between the stick's nodes)."""
    if section.kind not in ("inline", "crossline") or line is None:
        return []
    other = "crossline" if section.kind == "inline" else "inline"
    col = 0 if section.kind == "inline" else 1  # coordinate that varies along such sticks
    out: dict[str, list[tuple[float, float]]] = {}
    values = np.asarray(section.axis0.values, dtype=float)
    lo, hi = values.min(), values.max()
    for f in fault_set.faults:
        for s in f.sticks:
            if s.section_kind != other or not lo <= s.section_number <= hi:
                continue
            p = s.points
            a, t = p[:, col], p[:, 2]
            for k in range(len(p) - 1):
                a0, a1 = a[k], a[k + 1]
                if a0 == a1 or not min(a0, a1) <= line <= max(a0, a1):
                    continue
                w = (line - a0) / (a1 - a0)
                x = float(key_to_position(values, np.array([s.section_number]))[0])
                out.setdefault(f.colour, []).append((x, float(t[k] + w * (t[k + 1] - t[k]))))
    return [(c, np.array(v, dtype=float)) for c, v in out.items()]


def provenance_categories(names: list[str], codes: np.ndarray) -> np.ndarray:
    """Index into :data:`CATEGORIES` per pick code (-1 where there is no pick)."""
    lut = np.array([CATEGORIES.index("manual") if n == MANUAL else
                    CATEGORIES.index("corrected") if n == CORRECTED else
                    CATEGORIES.index("machine") if is_machine(n) else 0
                    for n in names] + [-1], dtype=np.int64)
    c = np.asarray(codes, dtype=np.int64)
    return lut[np.where(c < 0, len(names), c)]
