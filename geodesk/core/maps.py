"""Maps over a 3D survey's inline × crossline grid: horizon time structure, amplitude along a
horizon, any other 2D array (facies…), their gridding, contour levels and contour lines.

Qt-free so the map dock, the CLI and tests share one computation. A :class:`MapGrid` holds
``values[i, j]`` at ``inlines[i]``, ``crosslines[j]`` (NaN where there is no value) with how to
show it (colormap, continuous or categorical with class names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext

#: traces read per block when extracting amplitudes (bounded memory on big volumes)
AMPLITUDE_BLOCK_TRACES = 4096

#: colours of categorical classes 0, 1, 2… (Tableau 10: distinct for the colour-blind too)
CLASS_COLOURS: tuple[tuple[int, int, int], ...] = (
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))


@dataclass(frozen=True)
class MapGrid:
    """A named inline × crossline array with its display: ``categorical`` maps hold integer
    classes named by ``categories`` (class → name), continuous maps a ``unit``."""

    name: str
    values: np.ndarray
    inlines: np.ndarray
    crosslines: np.ndarray
    colormap: str = "viridis"
    unit: str = ""
    categorical: bool = False
    categories: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        v = np.asarray(self.values, dtype=np.float64)
        il = np.asarray(self.inlines, dtype=np.int64).ravel()
        xl = np.asarray(self.crosslines, dtype=np.int64).ravel()
        if v.shape != (il.size, xl.size):
            raise ValueError(f"map {self.name!r}: values {v.shape} do not match "
                             f"{il.size} inlines x {xl.size} crosslines")
        object.__setattr__(self, "values", v)
        object.__setattr__(self, "inlines", il)
        object.__setattr__(self, "crosslines", xl)

    def node(self, inline: float, crossline: float) -> tuple[int, int]:
        """Row and column of the grid node nearest to (inline, crossline)."""
        return (int(np.argmin(np.abs(self.inlines - inline))),
                int(np.argmin(np.abs(self.crosslines - crossline))))

    def value_at(self, inline: float, crossline: float) -> float:
        """The value at the node nearest to (inline, crossline) (NaN where none)."""
        return float(self.values[self.node(inline, crossline)])

    def class_name(self, value: float) -> str:
        """Name of a categorical value ('class N' when unnamed, '' for NaN)."""
        if not np.isfinite(value):
            return ""
        return self.categories.get(int(value), f"class {int(value)}")


def map_levels(grid: MapGrid) -> tuple[float, float]:
    """Colour range of a map: the classes of a categorical map, a symmetric 99 % clip for
    amplitudes (seismic colormaps are centred on zero), else the finite values' range."""
    v = grid.values[np.isfinite(grid.values)]
    if v.size == 0:
        return 0.0, 1.0
    if grid.categorical:
        return float(v.min()), float(v.max())
    if grid.unit == "amplitude":
        lo, hi = (float(p) for p in np.percentile(v, (1.0, 99.0)))
        if lo < 0.0 < hi:  # both polarities: centred on zero for a diverging colormap
            c = max(-lo, hi)
            return -c, c
        return (lo, hi) if hi > lo else (lo, lo + 1.0)
    lo, hi = float(v.min()), float(v.max())
    return lo, hi if hi > lo else lo + 1.0


def class_colour(value: int) -> tuple[int, int, int]:
    """The colour of categorical class ``value`` (the palette repeats after ten classes)."""
    return CLASS_COLOURS[int(value) % len(CLASS_COLOURS)]


def map_rgba(grid: MapGrid, lut: np.ndarray, levels: tuple[float, float] | None = None
             ) -> np.ndarray:
    """RGBA uint8 image (n_inlines, n_crosslines, 4) of ``grid``: continuous values through
    ``lut`` between ``levels``, classes in :data:`CLASS_COLOURS`; transparent where NaN."""
    v = grid.values
    ok = np.isfinite(v)
    out = np.zeros(v.shape + (4,), dtype=np.uint8)
    if grid.categorical:
        palette = np.array(CLASS_COLOURS, dtype=np.uint8)
        out[ok, :3] = palette[v[ok].astype(np.int64) % len(palette)]
    else:
        lo, hi = levels if levels is not None else map_levels(grid)
        k = np.clip((v[ok] - lo) / max(hi - lo, 1e-12) * (len(lut) - 1), 0, len(lut) - 1)
        out[ok, :3] = lut[np.round(k).astype(np.int64), :3]
    out[ok, 3] = 255
    return out


def metres_per_line_number(gx: np.ndarray, gy: np.ndarray, inlines: np.ndarray,
                           crosslines: np.ndarray) -> tuple[float, float] | None:
    """Ground distance (m, or the survey's X/Y unit) per unit of inline number and per unit of
    crossline number, from the grid nodes' X/Y; None when the coordinates do not tell (all
    zero, one line). What a map in line numbers needs to keep its true shape."""
    gx, gy = np.asarray(gx, dtype=np.float64), np.asarray(gy, dtype=np.float64)
    if gx.shape[0] < 2 or gx.shape[1] < 2:
        return None
    d_il = np.median(np.hypot(np.diff(gx, axis=0), np.diff(gy, axis=0))) / np.median(
        np.diff(np.asarray(inlines, dtype=np.float64)))
    d_xl = np.median(np.hypot(np.diff(gx, axis=1), np.diff(gy, axis=1))) / np.median(
        np.diff(np.asarray(crosslines, dtype=np.float64)))
    if not (np.isfinite(d_il) and np.isfinite(d_xl) and d_il > 0 and d_xl > 0):
        return None
    return float(d_il), float(d_xl)


def _fill_along_rows(v: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Linear interpolation down each column over runs of at most ``max_gap`` missing nodes
    between two values: (estimates, NaN elsewhere; the run lengths)."""
    n = v.shape[0]
    known = np.isfinite(v)
    rows = np.broadcast_to(np.arange(n)[:, None], v.shape)
    prev = np.maximum.accumulate(np.where(known, rows, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(known, rows, n)[::-1], axis=0)[::-1]
    gap = nxt - prev - 1
    fill = ~known & (prev >= 0) & (nxt < n) & (gap <= max_gap)
    out = np.full(v.shape, np.nan)
    r, c = np.nonzero(fill)
    p, q = prev[r, c], nxt[r, c]
    w = (r - p) / (q - p)
    out[r, c] = (1 - w) * v[p, c] + w * v[q, c]
    return out, gap


def fill_gaps(values: np.ndarray, max_gap: int) -> np.ndarray:
    """Grid a partly picked map: a run of at most ``max_gap`` unpicked nodes between two picks
    along an inline or a crossline is filled linearly (lines picked every N-th inline need
    N - 1); where both directions fill a node the shorter run weighs more. Longer gaps and the
    outside of the picks stay NaN (no extrapolation)."""
    v = np.asarray(values, dtype=np.float64)
    if max_gap <= 0 or v.ndim != 2 or np.isfinite(v).all():
        return v.copy()
    down, gap_down = _fill_along_rows(v, int(max_gap))
    across, gap_across = _fill_along_rows(v.T, int(max_gap))
    across, gap_across = across.T, gap_across.T
    w_down = np.where(np.isfinite(down), 1.0 / np.maximum(gap_down, 1), 0.0)
    w_across = np.where(np.isfinite(across), 1.0 / np.maximum(gap_across, 1), 0.0)
    total = w_down + w_across
    out = v.copy()
    add = ~np.isfinite(v) & (total > 0)
    out[add] = (np.nan_to_num(down[add]) * w_down[add]
                + np.nan_to_num(across[add]) * w_across[add]) / total[add]
    return out


def horizon_time_map(horizon: Any, max_gap: int = 0) -> MapGrid:
    """The time-structure map of a 3D :class:`~geodesk.core.picks.Horizon` (ms), its unpicked
    runs of up to ``max_gap`` nodes gridded by :func:`fill_gaps`."""
    return MapGrid(f"{horizon.name}: time", fill_gaps(horizon.times, max_gap), horizon.inlines,
                   horizon.crosslines, colormap="viridis", unit="ms")


def cubic_at(traces: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Value of each trace (row) at a fractional sample ``positions[row]``, by Catmull-Rom
    cubic interpolation (exact for quadratics: no peak loss between samples, which linear
    interpolation shows as rings on a peak-tracked amplitude map); edges repeat the end sample."""
    d = np.asarray(traces, dtype=np.float64)
    pos = np.asarray(positions, dtype=np.float64)
    ns = d.shape[1]
    k = np.clip(np.floor(pos).astype(np.int64), 0, max(ns - 2, 0))
    w = pos - k
    rows = np.arange(d.shape[0])
    p0, p1, p2, p3 = (d[rows, np.clip(k + o, 0, ns - 1)] for o in (-1, 0, 1, 2))
    return p1 + 0.5 * w * (p2 - p0 + w * (2 * p0 - 5 * p1 + 4 * p2 - p3
                                          + w * (3 * (p1 - p2) + p3 - p0)))


def horizon_amplitude_map(survey: Any, horizon: Any, ctx: JobContext | None = None,
                          block: int = AMPLITUDE_BLOCK_TRACES) -> MapGrid:
    """Amplitude of a post-stack 3D ``survey`` along ``horizon`` (:func:`cubic_at` the picked
    time), read block by block in file order; NaN where the horizon is
    unpicked, the node has no trace or the time is off the record."""
    times = np.asarray(horizon.times, dtype=np.float64)
    out = np.full(times.shape, np.nan)
    i = np.searchsorted(survey.inlines, horizon.inlines).clip(0, len(survey.inlines) - 1)
    j = np.searchsorted(survey.crosslines, horizon.crosslines).clip(0, len(survey.crosslines) - 1)
    on_i = survey.inlines[i] == horizon.inlines
    on_j = survey.crosslines[j] == horizon.crosslines
    trace = np.where(on_i[:, None] & on_j[None, :], survey.trace_grid[np.ix_(i, j)], -1)
    t0, dt, ns = float(survey.delay_ms), float(survey.dt_ms), int(survey.n_samples)
    s = (times - t0) / dt
    todo = np.flatnonzero(((trace >= 0) & np.isfinite(s) & (s >= 0) & (s <= ns - 1)).ravel())
    todo = todo[np.argsort(trace.ravel()[todo], kind="stable")]  # file order: sequential reads
    for start in range(0, todo.size, block):
        if ctx is not None:
            ctx.check_cancel()
            ctx.progress(start / max(todo.size, 1), f"Amplitude along {horizon.name}")
        nodes = todo[start:start + block]
        data = np.asarray(survey.traces(trace.ravel()[nodes]), dtype=np.float64)
        out.ravel()[nodes] = cubic_at(data, s.ravel()[nodes])
    lo, hi = (np.nanpercentile(out, (1.0, 99.0)) if np.isfinite(out).any() else (0.0, 0.0))
    return MapGrid(f"{horizon.name}: amplitude", out, horizon.inlines, horizon.crosslines,
                   colormap="seismic" if lo < 0.0 < hi else "viridis", unit="amplitude")


def contour_levels(values: np.ndarray, target: int = 10) -> np.ndarray:
    """About ``target`` round contour levels (steps of 1, 2 or 5 × 10^k) inside the finite
    range of ``values``; empty for a flat or empty map."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return np.zeros(0)
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:
        return np.zeros(0)
    raw = (hi - lo) / max(target, 1)
    mag = 10.0 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 5.0, 10.0) if m * mag >= raw)
    first = np.ceil(lo / step) * step
    levels = np.arange(first, hi + step * 1e-9, step)
    return levels[(levels > lo) & (levels < hi)] if levels.size > 2 else levels


def contour_lines(values: np.ndarray, levels: Any) -> list[np.ndarray]:
    """Line segments (n, 2, 2) of each level's contour of ``values`` by marching squares, as
    (row, column) fractional grid indices. Cells with a NaN corner draw nothing (no false
    contours along the edge of the picked area); saddles are split by the cell's mean. Only the
    cells a level passes through are worked on, so a big map costs little per level."""
    z = np.asarray(values, dtype=np.float64)
    levels = np.atleast_1d(np.asarray(levels, dtype=np.float64))
    if z.ndim != 2 or min(z.shape) < 2:
        return [np.zeros((0, 2, 2)) for _ in levels]
    corners = np.stack([z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]])  # tl, tr, br, bl
    ok = np.isfinite(corners).all(axis=0)
    with np.errstate(invalid="ignore"):
        lo = np.where(ok, corners.min(axis=0), np.inf)
        hi = np.where(ok, corners.max(axis=0), -np.inf)
    return [_cell_segments(corners, *np.nonzero((lo < level) & (hi >= level)), level)
            for level in levels]


def _cell_segments(corners: np.ndarray, r: np.ndarray, c: np.ndarray,
                   level: float) -> np.ndarray:
    """Marching squares on the cells (r, c) that ``level`` crosses."""
    if r.size == 0:
        return np.zeros((0, 2, 2))
    tl, tr, br, bl = (corners[k, r, c] for k in range(4))
    rf, cf = r.astype(np.float64), c.astype(np.float64)
    pts, hit = [], []
    # edges top (tl→tr), right (tr→br), bottom (bl→br), left (tl→bl): crossing point (row, col)
    for a, b, horizontal, r0, c0 in ((tl, tr, True, 0, 0), (tr, br, False, 0, 1),
                                      (bl, br, True, 1, 0), (tl, bl, False, 0, 0)):
        cross = (a >= level) != (b >= level)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(cross, (level - a) / (b - a), 0.0)
        pts.append(np.stack([rf + r0 + (0 if horizontal else f),
                             cf + c0 + (f if horizontal else 0)], axis=-1))
        hit.append(cross)
    pts, hit = np.stack(pts, axis=1), np.stack(hit, axis=1)  # (m, 4, 2), (m, 4)
    n = hit.sum(axis=1)
    segs = []
    two = n == 2
    if two.any():
        order = np.argsort(~hit[two], axis=1, kind="stable")[:, :2]
        segs.append(np.take_along_axis(pts[two], order[..., None], axis=1))
    four = n == 4
    if four.any():
        p = pts[four]
        centre = (tl + tr + br + bl)[four] / 4.0
        with_tl = (tl[four] >= level) == (centre >= level)
        # the centre on tl's side joins tl and br: cut the corners tr and bl off, else tl, br
        first = np.where(with_tl[:, None], [0, 1], [0, 3])
        second = np.where(with_tl[:, None], [2, 3], [1, 2])
        rows = np.arange(p.shape[0])[:, None]
        segs += [p[rows, first], p[rows, second]]
    return np.concatenate(segs) if segs else np.zeros((0, 2, 2))


def contour_segments(values: np.ndarray, level: float) -> np.ndarray:
    """The segments of one level's contour (see :func:`contour_lines`)."""
    return contour_lines(values, [level])[0]


def index_to_keys(grid: MapGrid, rc: np.ndarray) -> np.ndarray:
    """(…, 2) fractional (row, column) indices to (inline, crossline) numbers (linear between
    nodes, as the grid's numbers are regular or nearly so)."""
    rc = np.asarray(rc, dtype=np.float64)
    il = np.interp(rc[..., 0], np.arange(grid.inlines.size), grid.inlines.astype(float))
    xl = np.interp(rc[..., 1], np.arange(grid.crosslines.size), grid.crosslines.astype(float))
    return np.stack([il, xl], axis=-1)
