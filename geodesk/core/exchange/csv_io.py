"""Array-level CSV/XYZ export and import of picks (no picks objects, no survey objects).

Formats (one header line, then one row per pick):

* horizon CSV ``inline,xline,x,y,time_ms`` (picked nodes only; x/y empty when unknown)
* horizon XYZ ``x y time_ms`` (space separated, no header), as OpendTect and Petrel import
* fault CSV ``fault,stick,node,inline,xline,x,y,time_ms``
* first-break CSV ``ffid,channel,trace,offset,time_ms`` (empty time where unpicked)
* velocity CSV ``cdp,time_ms,vrms_mps``

Readers parse the whole file and raise one :class:`ImportError_` listing every bad row with its
line number, so a caller never applies half a file. Values written are read back bit-exactly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geodesk.core.atomic import atomic_open
from geodesk.core.exchange.common import (
    ImportError_,
    Problems,
    format_float32,
    format_float64,
    format_int,
    parse_float,
    parse_int,
    read_csv_rows,
    write_csv,
)

HORIZON_COLUMNS = ("inline", "xline", "x", "y", "time_ms")
FAULT_COLUMNS = ("fault", "stick", "node", "inline", "xline", "x", "y", "time_ms")
FIRSTBREAK_COLUMNS = ("ffid", "channel", "trace", "offset", "time_ms")
VELOCITY_COLUMNS = ("cdp", "time_ms", "vrms_mps")
_ALIASES = {"crossline": "xline", "iline": "inline", "il": "inline", "xl": "xline",
            "twt": "time_ms", "time": "time_ms", "vrms": "vrms_mps", "fb_ms": "time_ms"}


def _rows(path: str | os.PathLike, columns: tuple[str, ...], problems: Problems):
    for line, row in read_csv_rows(path, columns, _ALIASES):
        if "__error__" in row:
            problems.add(line, row["__error__"])
            continue
        yield line, row


# -- horizons ----------------------------------------------------------------------------------
@dataclass
class HorizonPoints:
    """Rows of a horizon file: keys, coordinates (NaN when absent), times and line numbers."""

    inline: np.ndarray  # int64
    xline: np.ndarray  # int64
    x: np.ndarray  # float64
    y: np.ndarray  # float64
    time_ms: np.ndarray  # float32
    lines: np.ndarray  # int64, 1-based line number of each row


def write_horizon_csv(path: str | os.PathLike, inlines: np.ndarray, crosslines: np.ndarray,
                      times: np.ndarray, grid_x: np.ndarray | None = None,
                      grid_y: np.ndarray | None = None) -> int:
    """Write the picked nodes of ``times`` (n_inlines, n_crosslines) as horizon CSV; returns
    the number of rows. ``grid_x``/``grid_y`` (same shape) give the x/y columns."""
    times = np.asarray(times, dtype=np.float32)
    i, j = np.nonzero(np.isfinite(times))
    il = np.asarray(inlines, dtype=np.int64)[i]
    xl = np.asarray(crosslines, dtype=np.int64)[j]
    x = (format_float64(np.asarray(grid_x)[i, j]) if grid_x is not None else [""] * i.size)
    y = (format_float64(np.asarray(grid_y)[i, j]) if grid_y is not None else [""] * i.size)
    write_csv(path, list(HORIZON_COLUMNS),
              [format_int(il), format_int(xl), x, y, format_float32(times[i, j])])
    return int(i.size)


def read_horizon_csv(path: str | os.PathLike) -> HorizonPoints:
    """Parse a horizon CSV (every row must have a time; x/y may be empty)."""
    problems = Problems(path)
    cols: dict[str, list] = {k: [] for k in (*HORIZON_COLUMNS, "lines")}
    for line, row in _rows(path, HORIZON_COLUMNS, problems):
        try:
            vals = (parse_int(row["inline"], "inline"), parse_int(row["xline"], "xline"),
                    parse_float(row["x"], "x", allow_empty=True),
                    parse_float(row["y"], "y", allow_empty=True),
                    parse_float(row["time_ms"], "time_ms"))
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        for k, v in zip((*HORIZON_COLUMNS, "lines"), (*vals, line)):
            cols[k].append(v)
    problems.raise_if_any()
    return HorizonPoints(np.array(cols["inline"], dtype=np.int64),
                         np.array(cols["xline"], dtype=np.int64),
                         np.array(cols["x"], dtype=np.float64),
                         np.array(cols["y"], dtype=np.float64),
                         np.array(cols["time_ms"], dtype=np.float64).astype(np.float32),
                         np.array(cols["lines"], dtype=np.int64))


def points_to_grid(source: str | os.PathLike, line_numbers: np.ndarray, rows: np.ndarray,
                   cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Scatter ``values`` at grid ``rows``/``cols`` (-1 = off the grid) into a NaN grid.

    Off-grid points and two rows for one node are reported (with line numbers) as one
    :class:`ImportError_`; nothing is returned then.
    """
    problems = Problems(source)
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    off = (rows < 0) | (cols < 0)
    for k in np.flatnonzero(off)[:50]:
        problems.add(int(line_numbers[k]), "point is outside the survey")
    if off.sum() > 50:
        problems.add(int(line_numbers[np.flatnonzero(off)[50]]),
                     f"{int(off.sum()) - 50} further points outside the survey")
    ok = ~off
    flat = np.where(ok, rows * shape[1] + cols, -1)
    order = np.argsort(flat, kind="stable")
    fs = flat[order]
    dup = np.flatnonzero((fs[1:] == fs[:-1]) & (fs[1:] >= 0))
    for d in dup[:20]:
        first, again = order[d], order[d + 1]
        problems.add(int(line_numbers[again]),
                     f"same grid node as line {int(line_numbers[first])}")
    problems.raise_if_any()
    grid = np.full(shape, np.nan, dtype=np.float32)
    grid.reshape(-1)[flat[ok]] = np.asarray(values, dtype=np.float32)[ok]
    return grid


def keys_to_index(keys: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Index of each key in the sorted ``axis`` of line numbers, -1 where it is absent."""
    axis = np.asarray(axis, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    k = np.searchsorted(axis, keys).clip(0, max(axis.size - 1, 0))
    return np.where(axis[k] == keys, k, -1) if axis.size else np.full(keys.shape, -1)


def write_horizon_xyz(path: str | os.PathLike, grid_x: np.ndarray, grid_y: np.ndarray,
                      times: np.ndarray) -> int:
    """Write picked nodes as ``x y time_ms`` lines; returns the number of points."""
    times = np.asarray(times, dtype=np.float32)
    i, j = np.nonzero(np.isfinite(times))
    xs = format_float64(np.asarray(grid_x)[i, j])
    ys = format_float64(np.asarray(grid_y)[i, j])
    ts = format_float32(times[i, j])
    with atomic_open(path, "w", newline="") as fh:
        fh.writelines(f"{a} {b} {c}\n" for a, b, c in zip(xs, ys, ts))
    return int(i.size)


def read_xyz(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Parse an XYZ file (whitespace or comma separated; ``#``/``!`` comments and one header
    line of names allowed); returns x, y (float64), time (float32) and line numbers."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportError_(path, "file not found") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise ImportError_(path, f"cannot read: {exc}") from None
    problems = Problems(path)
    xs: list[float] = []
    ys: list[float] = []
    ts: list[float] = []
    lines: list[int] = []
    seen_data = False
    for n, raw in enumerate(text.splitlines(), start=1):
        s = raw.strip()
        if not s or s[0] in "#!":
            continue
        parts = s.replace(",", " ").split()
        if not seen_data and all(_not_number(p) for p in parts):
            seen_data = True  # a header line of column names
            continue
        seen_data = True
        if len(parts) != 3:
            problems.add(n, f"expected 3 values (x y time_ms), found {len(parts)}")
            continue
        try:
            v = [parse_float(p, w) for p, w in zip(parts, ("x", "y", "time_ms"))]
        except ValueError as exc:
            problems.add(n, str(exc))
            continue
        xs.append(v[0])
        ys.append(v[1])
        ts.append(v[2])
        lines.append(n)
    problems.raise_if_any()
    return (np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64),
            np.array(ts, dtype=np.float64).astype(np.float32), np.array(lines, dtype=np.int64))


def _not_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


# -- faults ------------------------------------------------------------------------------------
#: Faults as {name: [stick (n, 3) float64 array of inline, crossline, time_ms], …}.
FaultSticks = dict[str, list[np.ndarray]]


def write_fault_csv(path: str | os.PathLike, faults: FaultSticks,
                    xy_of=None) -> int:
    """Write fault sticks as CSV; ``xy_of(inlines, crosslines) -> (x, y)`` fills the x/y
    columns (empty without it). Returns the number of rows."""
    cols: list[list[str]] = [[] for _ in FAULT_COLUMNS]
    for name, sticks in faults.items():
        for s, stick in enumerate(sticks):
            pts = np.asarray(stick, dtype=np.float64).reshape(-1, 3)
            n = pts.shape[0]
            if xy_of is not None and n:
                x, y = xy_of(pts[:, 0], pts[:, 1])
                xs, ys = format_float64(x), format_float64(y)
            else:
                xs = ys = [""] * n
            for c, vals in zip(cols, ([name] * n, [str(s)] * n, format_int(np.arange(n)),
                                      _format_num(pts[:, 0]), _format_num(pts[:, 1]), xs, ys,
                                      _format_num(pts[:, 2]))):
                c.extend(vals)
    write_csv(path, list(FAULT_COLUMNS), cols)
    return len(cols[0])


def _format_num(values: np.ndarray) -> list[str]:
    """float64 text with integral values written without a decimal point (line numbers)."""
    return [str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(float(v))
            for v in np.asarray(values, dtype=np.float64).tolist()]


def read_fault_csv(path: str | os.PathLike) -> FaultSticks:
    """Parse a fault CSV into sticks ordered by stick then node number (file order of faults)."""
    problems = Problems(path)
    nodes: dict[str, dict[int, dict[int, tuple[int, tuple[float, float, float]]]]] = {}
    for line, row in _rows(path, FAULT_COLUMNS, problems):
        name = row["fault"].strip()
        try:
            if not name:
                raise ValueError("fault name is empty")
            s, n = parse_int(row["stick"], "stick"), parse_int(row["node"], "node")
            if s < 0 or n < 0:
                raise ValueError("stick and node numbers must be >= 0")
            p = (parse_float(row["inline"], "inline"), parse_float(row["xline"], "xline"),
                 parse_float(row["time_ms"], "time_ms"))
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        stick = nodes.setdefault(name, {}).setdefault(s, {})
        if n in stick:
            problems.add(line, f"fault {name!r} stick {s} node {n} already given on line "
                               f"{stick[n][0]}")
            continue
        stick[n] = (line, p)
    problems.raise_if_any()
    return {name: [np.array([stick[n][1] for n in sorted(stick)], dtype=np.float64)
                   for _, stick in sorted(sticks.items())]
            for name, sticks in nodes.items()}


# -- first breaks ------------------------------------------------------------------------------
@dataclass
class FirstBreakRows:
    """Rows of a first-break CSV; ``trace``/``offset`` are -1/NaN where the file leaves them
    empty, ``time_ms`` NaN where unpicked."""

    ffid: np.ndarray  # int64
    channel: np.ndarray  # int64
    trace: np.ndarray  # int64
    offset: np.ndarray  # float64
    time_ms: np.ndarray  # float32
    lines: np.ndarray  # int64


def write_firstbreak_csv(path: str | os.PathLike, ffid: np.ndarray, channel: np.ndarray,
                         times: np.ndarray, trace: np.ndarray | None = None,
                         offset: np.ndarray | None = None) -> int:
    """Write one row per trace (empty time where unpicked); returns the number of rows."""
    ffid = np.asarray(ffid, dtype=np.int64).ravel()
    n = ffid.size
    trace = np.arange(n) if trace is None else np.asarray(trace, dtype=np.int64).ravel()
    off = [""] * n if offset is None else format_float64(offset)
    write_csv(path, list(FIRSTBREAK_COLUMNS),
              [format_int(ffid), format_int(channel), format_int(trace), off,
               format_float32(times)])
    return n


def read_firstbreak_csv(path: str | os.PathLike) -> FirstBreakRows:
    """Parse a first-break CSV (time, trace and offset may be empty)."""
    problems = Problems(path)
    out: list[tuple] = []
    seen: dict[tuple[int, int], int] = {}
    for line, row in _rows(path, FIRSTBREAK_COLUMNS, problems):
        try:
            key = (parse_int(row["ffid"], "ffid"), parse_int(row["channel"], "channel"))
            tr = parse_int(row["trace"], "trace") if row["trace"].strip() else -1
            if row["trace"].strip() and tr < 0:
                raise ValueError(f"trace {tr} is negative")
            off = parse_float(row["offset"], "offset", allow_empty=True)
            t = parse_float(row["time_ms"], "time_ms", allow_empty=True)
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        if key in seen:
            problems.add(line, f"ffid {key[0]} channel {key[1]} already given on line "
                               f"{seen[key]}")
            continue
        seen[key] = line
        out.append((*key, tr, off, t, line))
    problems.raise_if_any()
    cols = list(zip(*out)) if out else [[]] * 6
    return FirstBreakRows(np.array(cols[0], dtype=np.int64), np.array(cols[1], dtype=np.int64),
                          np.array(cols[2], dtype=np.int64), np.array(cols[3], dtype=np.float64),
                          np.array(cols[4], dtype=np.float64).astype(np.float32),
                          np.array(cols[5], dtype=np.int64))


def firstbreak_rows_to_traces(source: str | os.PathLike, rows: FirstBreakRows,
                              ffid: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Trace index of each row, matched on (ffid, channel) against the survey's headers.

    Where the survey has one key on several traces the row's ``trace`` column decides. Rows
    whose key is not in the survey are reported by line number (:class:`ImportError_`).
    """
    ffid = np.asarray(ffid, dtype=np.int64)
    channel = np.asarray(channel, dtype=np.int64)
    n = ffid.size
    problems = Problems(source)
    lookup: dict[tuple[int, int], int] = {}
    ambiguous: set[tuple[int, int]] = set()
    for t, key in enumerate(zip(ffid.tolist(), channel.tolist())):
        if key in lookup:
            ambiguous.add(key)
        else:
            lookup[key] = t
    idx = np.full(rows.ffid.size, -1, dtype=np.int64)
    for k, key in enumerate(zip(rows.ffid.tolist(), rows.channel.tolist())):
        tr = int(rows.trace[k])
        if key in ambiguous:
            if 0 <= tr < n and (int(ffid[tr]), int(channel[tr])) == key:
                idx[k] = tr
            else:
                problems.add(int(rows.lines[k]), f"ffid {key[0]} channel {key[1]} is on several "
                             "traces and the trace column does not pick one")
        elif key in lookup:
            idx[k] = lookup[key]
        else:
            problems.add(int(rows.lines[k]),
                         f"ffid {key[0]} channel {key[1]} is not in the survey")
    problems.raise_if_any()
    return idx


# -- velocities --------------------------------------------------------------------------------
VelocityFunctionsArrays = dict[int, tuple[np.ndarray, np.ndarray]]


def write_velocity_csv(path: str | os.PathLike,
                       functions: VelocityFunctionsArrays) -> int:
    """Write velocity functions ``{cdp: (time_ms, vrms_mps)}`` as CSV (CDPs ascending, picks in
    the given order); returns the number of rows."""
    cols: list[list[str]] = [[], [], []]
    for cdp in sorted(functions):
        t, v = (np.asarray(a).ravel() for a in functions[cdp])
        if t.size != v.size:
            raise ValueError(f"CDP {cdp}: {t.size} times but {v.size} velocities")
        cols[0].extend([str(int(cdp))] * t.size)
        cols[1].extend(_format_any(t))
        cols[2].extend(_format_any(v))
    write_csv(path, list(VELOCITY_COLUMNS), cols)
    return len(cols[0])


def _format_any(values: np.ndarray) -> list[str]:
    return format_float32(values) if values.dtype == np.float32 else _format_num(values)


def read_velocity_csv(path: str | os.PathLike) -> VelocityFunctionsArrays:
    """Parse a velocity CSV into ``{cdp: (time_ms float64, vrms_mps float64)}`` sorted in time.

    Velocities must be positive and a CDP cannot have the same time twice.
    """
    problems = Problems(path)
    picks: dict[int, dict[float, tuple[int, float]]] = {}
    for line, row in _rows(path, VELOCITY_COLUMNS, problems):
        try:
            cdp = parse_int(row["cdp"], "cdp")
            t = parse_float(row["time_ms"], "time_ms")
            v = parse_float(row["vrms_mps"], "vrms_mps")
            if v <= 0:
                raise ValueError(f"vrms_mps {row['vrms_mps'].strip()} is not positive")
            if t < 0:
                raise ValueError(f"time_ms {row['time_ms'].strip()} is negative")
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        fn = picks.setdefault(cdp, {})
        if t in fn:
            problems.add(line, f"CDP {cdp} time {row['time_ms'].strip()} already given on line "
                               f"{fn[t][0]}")
            continue
        fn[t] = (line, v)
    problems.raise_if_any()
    out: VelocityFunctionsArrays = {}
    for cdp, fn in sorted(picks.items()):
        ts = np.array(sorted(fn), dtype=np.float64)
        out[cdp] = (ts, np.array([fn[t][1] for t in ts.tolist()], dtype=np.float64))
    return out
