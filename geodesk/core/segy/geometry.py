"""Survey kind and geometry from trace-header values: 3D grid, 2D line or pre-stack gathers.

Works on header arrays only (no samples), so it is the same for SEG-Y and SU. Pre-stack files
are grouped by FFID (shots) or CDP; a pre-stack 3D file (several traces per inline/crossline
bin) is grouped by bin and the gather key is then the CDP header when it numbers the bins one
to one, otherwise the bin number ``i * n_crosslines + j + 1`` (``i``, ``j`` = inline and
crossline index, in ascending line-number order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from geodesk.core.survey import HeaderBytes, SurveyError

#: inline/crossline byte pairs tried when the chosen ones give no geometry
ALTERNATIVE_LINES = ((189, 193), (9, 21), (5, 21), (221, 225), (17, 13), (9, 13), (197, 201))
MIN_GRID_FILL = 0.75  # an alternative byte pair must fill most of its grid to count as 3D
#: a grid with more nodes than this many per occupied bin is not a 3D survey but an irregular
#: (diagonal, arbitrary) line through one: opened as a 2D line, never allocated as a grid
MAX_GRID_PER_BIN = 4


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values. Integers of a range under a few times their count (header
    values: line, CDP, shot numbers) are marked in a table, one pass; others go to
    ``np.unique``, whose plain call imports ``numpy.ma`` the first time (~7 ms of every
    command that opens a file)."""
    v = np.asarray(values).ravel()
    small_ints = v.dtype.kind == "i" or v.dtype.kind == "u" and v.dtype.itemsize < 8
    if small_ints and v.size:  # (uint64 values may not fit the int64 table index)
        lo, hi = int(v.min()), int(v.max())
        if hi - lo < max(4 * v.size, 1 << 16):
            seen = np.zeros(hi - lo + 1, dtype=bool)
            seen[v.astype(np.int64) - lo] = True
            return (np.flatnonzero(seen) + lo).astype(v.dtype)
    return np.unique(v)


def n_distinct(values: np.ndarray) -> int:
    """How many distinct values (:func:`distinct`)."""
    return int(distinct(values).size)


def _regular(values: np.ndarray) -> bool:
    """Line numbers on a regular increment (gaps allowed), not scattered header garbage."""
    u = distinct(values)
    if u.size < 3:
        return True
    step = np.gcd.reduce(np.diff(u))
    return (u[-1] - u[0]) // step + 1 <= 4 * u.size


@dataclass
class Geometry:
    """What :func:`detect` found; only the fields of ``kind`` are set."""

    kind: str
    header_bytes: HeaderBytes
    inlines: np.ndarray | None = None
    crosslines: np.ndarray | None = None
    trace_grid: np.ndarray | None = None
    sorting: str = ""
    trace_numbers: np.ndarray | None = None
    gather_key: str = ""
    trace_keys: np.ndarray | None = None  # gather key of every trace
    notes: list[str] = field(default_factory=list)


def distinct_pairs(a: np.ndarray, b: np.ndarray) -> int:
    """Number of distinct (a, b) pairs, through one int64 key (a row-wise ``np.unique`` sorts
    structured rows and takes most of a minute on millions of traces)."""
    if a.size == 0:
        return 0
    ua, ia = np.unique(a, return_inverse=True)
    ub, ib = np.unique(b, return_inverse=True)
    if ua.size == 1 or ub.size == 1:
        return max(ua.size, ub.size)
    return n_distinct(ia.ravel().astype(np.int64) * ub.size + ib.ravel())


def _classify(il: np.ndarray, xl: np.ndarray) -> tuple[str, int, int]:
    """'grid', 'grid-ps', 'sparse' (a grid far larger than its traces: a diagonal or arbitrary
    line), 'line', 'line-ps' or 'none', with the distinct line counts."""
    n = len(il)
    nil, nxl = n_distinct(il), n_distinct(xl)
    npair = distinct_pairs(il, xl)
    if nil >= 2 and nxl >= 2:
        if not (_regular(il) and _regular(xl)):  # scattered values: not line numbers
            return "none", nil, nxl
        if nil * nxl > MAX_GRID_PER_BIN * npair:
            return "sparse", nil, nxl
        return ("grid" if npair == n else "grid-ps"), nil, nxl
    if nil >= 2 or nxl >= 2:
        return ("line" if npair == n else "line-ps"), nil, nxl
    return "none", nil, nxl


def build_grid(il: np.ndarray, xl: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Sorted inlines, crosslines, trace grid (-1 = missing) and the file sorting."""
    inlines, ii = np.unique(il, return_inverse=True)
    crosslines, jj = np.unique(xl, return_inverse=True)
    grid = np.full((inlines.size, crosslines.size), -1, dtype=np.int64)
    grid[ii.ravel(), jj.ravel()] = np.arange(il.size)
    il_changes = np.count_nonzero(np.diff(il))
    xl_changes = np.count_nonzero(np.diff(xl))
    return inlines, crosslines, grid, "inline" if il_changes <= xl_changes else "crossline"


def _is_blocked(keys: np.ndarray) -> bool:
    """True when equal keys sit together in the file (one run per distinct value)."""
    runs = 1 + np.count_nonzero(np.diff(keys))
    return runs == n_distinct(keys)


def _line_numbers(il, xl, cdp) -> np.ndarray:
    if n_distinct(cdp) == cdp.size and cdp.size > 1:
        return cdp
    if n_distinct(il) == il.size and il.size > 1:
        return il
    if n_distinct(xl) == xl.size and xl.size > 1:
        return xl
    return np.arange(1, il.size + 1, dtype=np.int64)


def _bin_keys(il, xl, cdp) -> tuple[np.ndarray, str]:
    _, ii = np.unique(il, return_inverse=True)
    nxl = n_distinct(xl)
    _, jj = np.unique(xl, return_inverse=True)
    bins = ii.ravel() * nxl + jj.ravel() + 1
    # the CDP header numbers the bins one to one: use it, the user knows those numbers
    if n_distinct(cdp) > 1 and distinct_pairs(bins, cdp) == n_distinct(bins) == \
            n_distinct(cdp):
        return cdp, "CDP header"
    return bins.astype(np.int64), "bin number (inline index × crosslines + crossline index + 1)"


def _prestack_key(ffid, cdp) -> str:
    def usable(k):
        return n_distinct(k) < k.size and _is_blocked(k) and np.any(k != 0)
    if usable(ffid):
        return "ffid"
    if usable(cdp):
        return "cdp"
    if n_distinct(cdp) < cdp.size and np.any(cdp != 0) and n_distinct(ffid) == ffid.size:
        return "cdp"
    return "ffid"


def detect(read: Callable[[int], np.ndarray], n_traces: int, hb: HeaderBytes, *,
           kind: str | None = None, user_lines: bool = False,
           peek: Callable[[int], np.ndarray] | None = None) -> Geometry:
    """Decide the survey kind and its geometry from header values read by ``read(byte)``;
    ``peek(byte)`` (values at traces spread through the file) lets alternative byte pairs that
    are constant there be skipped without reading them for every trace."""
    il, xl = read(hb.inline), read(hb.crossline)
    shape, nil, nxl = _classify(il, xl)
    tried = [(hb.inline, hb.crossline)]
    sparse_note = ""
    if shape == "sparse":
        fill = distinct_pairs(il, xl) / (nil * nxl)
        sparse_note = (f"inline/crossline bytes {hb.inline}/{hb.crossline} fill {100 * fill:.3g}% of "
                       f"their {nil} × {nxl} grid (a diagonal or arbitrary line, not a 3D "
                       f"volume)")
    if kind == "post3d" or (kind is None and shape in ("none", "sparse")):
        offsets = read(hb.offset)
        if shape != "grid" and not user_lines and (kind == "post3d" or
                                                   n_distinct(offsets) <= 1):
            for a, b in ALTERNATIVE_LINES:
                if (a, b) in tried:
                    continue
                tried.append((a, b))
                if peek is not None and n_distinct(peek(a)) < 2 and \
                        n_distinct(peek(b)) < 2:
                    continue  # both constant where sampled: no grid there
                ail, axl = read(a), read(b)
                s, na, nb = _classify(ail, axl)
                if s == "grid" and n_traces >= MIN_GRID_FILL * na * nb:
                    hb = hb.replace(inline=a, crossline=b)
                    il, xl, shape = ail, axl, s
                    break
        if kind == "post3d" and shape != "grid":
            pairs = ", ".join(f"{a}/{b}" for a, b in tried)
            why = ("several traces share an inline/crossline bin (pre-stack?)"
                   if shape == "grid-ps" else sparse_note or "no inline/crossline grid")
            raise SurveyError(f"not a 3D post-stack volume: {why}; inline/crossline bytes tried: "
                              f"{pairs}")
    if user_lines and kind is None and shape == "none" and n_traces > 1:
        raise SurveyError(f"inline byte {hb.inline} / crossline byte {hb.crossline} give no "
                          f"geometry ({nil} distinct inline and {nxl} distinct crossline values "
                          f"over {n_traces} traces)")
    if kind is None:
        kind = {"grid": "post3d", "line": "post2d", "grid-ps": "prestack",
                "line-ps": "prestack"}.get(shape)
    cdp = read(hb.cdp)
    if kind is None:  # no line geometry: shots, CMPs or a plain list of traces
        ffid, offsets = read(hb.ffid), read(hb.offset)

        def repeated(k):
            return n_distinct(k) < n_traces and np.any(k != 0)
        stacked = n_distinct(cdp) == n_traces and n_distinct(offsets) <= 1
        kind = "prestack" if n_traces > 1 and not stacked and (
            repeated(ffid) or repeated(cdp) or n_distinct(offsets) > 1) else "post2d"
        if kind == "post2d" and n_traces > 1:
            pairs = ", ".join(f"{a}/{b}" for a, b in tried)
            note = (f"{sparse_note}; read as an irregular 2D line in file order" if sparse_note
                    else f"no inline/crossline geometry (bytes tried: {pairs}); read as a 2D "
                    f"line")
            geo = Geometry("post2d", hb, trace_numbers=_line_numbers(il, xl, cdp), notes=[note])
            return geo
    if kind == "post3d":
        inl, xln, grid, sorting = build_grid(il, xl)
        return Geometry("post3d", hb, inlines=inl, crosslines=xln, trace_grid=grid,
                        sorting=sorting)
    if kind == "post2d":
        return Geometry("post2d", hb, trace_numbers=_line_numbers(il, xl, cdp))
    if shape in ("grid-ps", "line-ps"):
        keys, how = _bin_keys(il, xl, cdp)
        return Geometry("prestack", hb, gather_key="cdp", trace_keys=keys,
                        notes=[f"pre-stack 3D: gathers keyed by {how}"])
    key = _prestack_key(read(hb.ffid), cdp)
    return Geometry("prestack", hb, gather_key=key, trace_keys=read(getattr(hb, key)))
