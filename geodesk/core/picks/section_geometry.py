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
        whole = _grid_line_index(horizon, section, line)
        if whole is not None:
            return whole
        il, xl = section_keys(section, line)
    return horizon.flat_index_or_missing(il, xl)


def _grid_line_index(horizon: Horizon, section: Section, line: float | None
                     ) -> np.ndarray | None:
    """Flat indices of an inline / crossline section whose traces are the horizon grid's
    crosslines / inlines in grid order (a horizon over the survey's grid, the usual case): a
    row or column of the grid, no search per trace. None for any other section."""
    if section.kind not in ("inline", "crossline") or line is None:
        return None
    keys = np.asarray(section.axis0.values)
    along, across = ((horizon.crosslines, horizon.inlines) if section.kind == "inline"
                     else (horizon.inlines, horizon.crosslines))
    if keys.shape != along.shape or not np.array_equal(keys, along):
        return None
    number = int(line)  # as flat_index_or_missing casts the line number
    k = int(np.searchsorted(across, number))
    if k >= across.size or across[k] != number:
        return np.full(keys.size, -1, dtype=np.int64)  # a line off the horizon's grid
    n_xl = horizon.shape[1]
    if section.kind == "inline":
        return np.arange(k * n_xl, (k + 1) * n_xl, dtype=np.int64)
    return np.arange(k, horizon.shape[0] * n_xl, n_xl, dtype=np.int64)


def times_at(flat: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Pick times at flat indices (NaN where the index is -1 or unpicked)."""
    t = np.asarray(times).reshape(-1)[flat.clip(0)].astype(float)
    return np.where(flat >= 0, t, np.nan)


def seeds_xy(horizon: Horizon, section: Section, line: float | None,
             flat: np.ndarray | None = None) -> np.ndarray:
    """(n, 2) scene positions of the horizon's seeds lying on this trace section (``flat``: its
    :func:`horizon_flat_index` when the caller has it)."""
    s = horizon.seed_array()
    if not len(s) or section.kind == "time":
        return np.empty((0, 2))
    if flat is None:
        try:
            flat = horizon_flat_index(horizon, section, line)
        except ToolError:
            return np.empty((0, 2))
    on = np.isin(s[:, 0], horizon.inlines) & np.isin(s[:, 1], horizon.crosslines)
    s = s[on]
    if not len(s):
        return np.empty((0, 2))
    seed_flat = horizon.flat_index_of(s[:, 0], s[:, 1])
    pos = {int(f): k for k, f in enumerate(flat) if f >= 0}
    rows = [(pos[int(f)], t) for f, t in zip(seed_flat, s[:, 2]) if int(f) in pos]
    return np.array(rows, dtype=float).reshape(-1, 2)


def sticks_xy(fault_set: FaultSet, section: Section, line: float | None,
              segments: StickSegments | None = None) -> list[tuple[str, list[np.ndarray]]]:
    """Per fault colour, the (n, 2) scene polylines of its sticks picked on this section;
    ``segments`` (current for ``fault_set``) finds them without a pass over every stick."""
    if section.kind not in ("inline", "crossline", "line") or line is None and \
            section.kind != "line":
        return []
    number = 0.0 if line is None else float(line)
    out: dict[str, list[np.ndarray]] = {}
    if segments is not None:
        on_line = segments.on_section(section.kind, number)
    else:
        on_line = [(f.colour, s) for f in fault_set.faults for s in f.sticks
                   if s.section_kind == section.kind and s.section_number == number]
    for colour, s in on_line:
        key = s.points[:, 0] if section.kind == "crossline" else s.points[:, 1]
        xy = np.column_stack([key_to_position(section.axis0.values, key), s.points[:, 2]])
        out.setdefault(colour, []).append(xy)
    return list(out.items())


class StickSegments:
    """Every segment of a fault set's sticks as arrays (the crossing search of each new line is
    then a few array operations instead of a loop over all sticks). Sticks are immutable, so
    the same stick objects and fault colours mean the same segments: :meth:`of` rebuilds only
    when an edit replaced, added or removed a stick or recoloured a fault."""

    def __init__(self, fault_set: FaultSet) -> None:
        self.sticks = tuple(s for f in fault_set.faults for s in f.sticks)
        self.colours = tuple(f.colour for f in fault_set.faults)
        self._by_section: dict[tuple[str, float], list] = {}  # (kind, number): (colour, stick)
        for f in fault_set.faults:
            for s in f.sticks:
                self._by_section.setdefault((s.section_kind, float(s.section_number)),
                                            []).append((f.colour, s))
        rows = []  # (fault, kind, number, inline0, inline1, crossline0, crossline1, t0, t1)
        for n, f in enumerate(fault_set.faults):
            for s in f.sticks:
                p = s.points
                if len(p) < 2:
                    continue
                kind = SEGMENT_KINDS.index(s.section_kind)
                for k in range(len(p) - 1):
                    rows.append((n, kind, s.section_number, p[k, 0], p[k + 1, 0], p[k, 1],
                                 p[k + 1, 1], p[k, 2], p[k + 1, 2]))
        table = np.array(rows, dtype=float).reshape(-1, 9)
        self.fault = table[:, 0].astype(np.int64)
        self.kind = table[:, 1].astype(np.int64)
        self.number = table[:, 2]
        self.ends = {0: table[:, 3:5], 1: table[:, 5:7]}  # by column: inline, crossline
        self.times = table[:, 7:9]

    def current(self, fault_set: FaultSet) -> bool:
        """True while ``fault_set`` has the very sticks and colours these segments came from."""
        if tuple(f.colour for f in fault_set.faults) != self.colours:
            return False
        now = [s for f in fault_set.faults for s in f.sticks]
        return len(now) == len(self.sticks) and all(a is b for a, b in zip(now, self.sticks))

    def on_section(self, kind: str, number: float) -> list:
        """(fault colour, stick) of every stick picked on section ``kind`` ``number``, in
        fault and stick order."""
        return self._by_section.get((kind, float(number)), [])

    @classmethod
    def of(cls, fault_set: FaultSet, previous: StickSegments | None = None) -> StickSegments:
        """``previous`` while it is current for ``fault_set``, else new segments."""
        if previous is not None and previous.current(fault_set):
            return previous
        return cls(fault_set)


#: Section kinds of sticks, as :class:`StickSegments` codes them.
SEGMENT_KINDS = ("inline", "crossline", "line")


def stick_crossings(fault_set: FaultSet, section: Section, line: float | None,
                    segments: StickSegments | None = None) -> list[tuple[str, np.ndarray]]:
    """Per fault colour, (n, 2) scene points where sticks picked on perpendicular sections
    cross this inline / crossline (linear between the stick's nodes); ``segments`` (current
    for ``fault_set``) saves building them."""
    if section.kind not in ("inline", "crossline") or line is None:
        return []
    seg = segments if segments is not None else StickSegments(fault_set)
    other = SEGMENT_KINDS.index("crossline" if section.kind == "inline" else "inline")
    col = 0 if section.kind == "inline" else 1  # coordinate that varies along such sticks
    values = np.asarray(section.axis0.values, dtype=float)
    lo, hi = values.min(), values.max()
    a0, a1 = seg.ends[col][:, 0], seg.ends[col][:, 1]
    hit = (seg.kind == other) & (lo <= seg.number) & (seg.number <= hi) & (a0 != a1) \
        & (np.minimum(a0, a1) <= line) & (line <= np.maximum(a0, a1))
    idx = np.flatnonzero(hit)
    if not idx.size:
        return []
    w = (line - a0[idx]) / (a1[idx] - a0[idx])
    t0, t1 = seg.times[idx, 0], seg.times[idx, 1]
    t = t0 + w * (t1 - t0)
    x = key_to_position(values, seg.number[idx])
    out: dict[str, list[tuple[float, float]]] = {}
    for k, n in enumerate(seg.fault[idx]):
        out.setdefault(seg.colours[n], []).append((float(x[k]), float(t[k])))
    return [(c, np.array(v, dtype=float)) for c, v in out.items()]


def provenance_categories(names: list[str], codes: np.ndarray) -> np.ndarray:
    """Index into :data:`CATEGORIES` per pick code (-1 where there is no pick)."""
    lut = np.array([CATEGORIES.index("manual") if n == MANUAL else
                    CATEGORIES.index("corrected") if n == CORRECTED else
                    CATEGORIES.index("machine") if is_machine(n) else 0
                    for n in names] + [-1], dtype=np.int64)
    c = np.asarray(codes, dtype=np.int64)
    return lut[np.where(c < 0, len(names), c)]
