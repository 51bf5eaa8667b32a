"""Array-level CSV/XYZ export and import of picks (no picks objects, no survey objects).

Formats (one header line, then one row per pick):

* horizon CSV ``inline,xline,x,y,time_ms`` (picked nodes only; x/y empty when unknown)
* horizon XYZ ``x y time_ms`` (space separated, no header), as OpendTect and Petrel import
* fault CSV ``fault,stick,node,inline,xline,x,y,time_ms``
* first-break CSV ``ffid,channel,trace,offset,time_ms`` (empty time where unpicked)
* velocity CSV ``cdp,time_ms,vrms_mps``

With provenance (``--with-provenance``) horizon and first-break CSV add
``confidence,provenance,model_time_ms,model_confidence,model_provenance`` (the pick's confidence
and provenance, and the model pick a correction replaced; a horizon then also lists nodes whose
model pick was erased, with an empty time) and velocity CSV adds ``provenance,role`` (role
``pick``, or ``model`` for the knots the model wrote before they were corrected). Readers accept
files with or without these columns.

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
FIRSTBREAK_REQUIRED = ("ffid", "channel", "time_ms")  # trace and offset are optional
VELOCITY_COLUMNS = ("cdp", "time_ms", "vrms_mps")
PROVENANCE_COLUMNS = ("confidence", "provenance", "model_time_ms", "model_confidence",
                      "model_provenance")
VELOCITY_PROVENANCE_COLUMNS = ("provenance", "role")
_ALIASES = {"crossline": "xline", "iline": "inline", "il": "inline", "xl": "xline",
            "twt": "time_ms", "time": "time_ms", "vrms": "vrms_mps", "fb_ms": "time_ms"}


def _rows(path: str | os.PathLike, columns: tuple[str, ...], problems: Problems,
          optional: tuple[str, ...] = ()):
    for line, row in read_csv_rows(path, columns, _ALIASES, optional):
        if "__error__" in row:
            problems.add(line, row["__error__"])
            continue
        yield line, row


# -- provenance columns ------------------------------------------------------------------------
@dataclass
class PickProvenance:
    """Provenance columns of per-trace picks, one entry per pick (grid or rows): confidence,
    provenance string (None where none) and the model pick a correction replaced."""

    confidence: np.ndarray  # float32, NaN where none
    provenance: np.ndarray  # object: str or None
    model_time_ms: np.ndarray  # float32, NaN where no model pick was replaced
    model_confidence: np.ndarray  # float32
    model_provenance: np.ndarray  # object: str or None

    def at(self, index: tuple[np.ndarray, ...] | np.ndarray) -> PickProvenance:
        """The entries at ``index`` (rows of a file)."""
        return PickProvenance(*(np.asarray(a)[index] for a in self.columns()))

    def columns(self) -> list[np.ndarray]:
        return [self.confidence, self.provenance, self.model_time_ms, self.model_confidence,
                self.model_provenance]

    def formatted(self) -> list[list[str]]:
        """The five columns as text (empty where NaN or None)."""
        text = [format_float32, _format_names, format_float32, format_float32, _format_names]
        return [f(a) for f, a in zip(text, self.columns())]


def _format_names(names: np.ndarray) -> list[str]:
    return ["" if n is None else str(n) for n in np.asarray(names, dtype=object).ravel()]


def _parse_provenance(row: dict[str, str]) -> tuple[float, str | None, float, float, str | None]:
    """The provenance columns of one row (ValueError with a reason when they are bad)."""
    from geodesk.core.picks.base import check_provenance

    def name(key: str) -> str | None:
        text = row[key].strip()
        if not text:
            return None
        try:
            return check_provenance(text)
        except ValueError:
            raise ValueError(f"{key} {text!r} is not a provenance") from None

    conf = parse_float(row["confidence"], "confidence", allow_empty=True)
    mt = parse_float(row["model_time_ms"], "model_time_ms", allow_empty=True)
    mc = parse_float(row["model_confidence"], "model_confidence", allow_empty=True)
    prov, mprov = name("provenance"), name("model_provenance")
    if (mprov is None) != np.isnan(mt):
        raise ValueError("model_time_ms and model_provenance are given together or not at all")
    return conf, prov, mt, mc, mprov


def _provenance_arrays(values: list[tuple]) -> PickProvenance:
    cols = list(zip(*values)) if values else [[]] * 5
    return PickProvenance(np.array(cols[0], dtype=np.float64).astype(np.float32),
                          np.array(list(cols[1]) + [None], dtype=object)[:-1],
                          np.array(cols[2], dtype=np.float64).astype(np.float32),
                          np.array(cols[3], dtype=np.float64).astype(np.float32),
                          np.array(list(cols[4]) + [None], dtype=object)[:-1])


def _has_columns(path: str | os.PathLike, columns: tuple[str, ...]) -> bool:
    """Whether the CSV's header names every one of ``columns``."""
    try:
        for _ in read_csv_rows(path, columns, _ALIASES):
            break
    except ImportError_:
        return False
    return True


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
    provenance: PickProvenance | None = None  # when the file has the provenance columns


def write_horizon_csv(path: str | os.PathLike, inlines: np.ndarray, crosslines: np.ndarray,
                      times: np.ndarray, grid_x: np.ndarray | None = None,
                      grid_y: np.ndarray | None = None,
                      provenance: PickProvenance | None = None) -> int:
    """Write the picked nodes of ``times`` (n_inlines, n_crosslines) as horizon CSV; returns
    the number of rows. ``grid_x``/``grid_y`` (same shape) give the x/y columns;
    ``provenance`` (grids of that shape) adds its columns and the nodes with a model original."""
    times = np.asarray(times, dtype=np.float32)
    rows = np.isfinite(times)
    if provenance is not None:
        rows |= np.isfinite(provenance.model_time_ms)
    i, j = np.nonzero(rows)
    il = np.asarray(inlines, dtype=np.int64)[i]
    xl = np.asarray(crosslines, dtype=np.int64)[j]
    x = (format_float64(np.asarray(grid_x)[i, j]) if grid_x is not None else [""] * i.size)
    y = (format_float64(np.asarray(grid_y)[i, j]) if grid_y is not None else [""] * i.size)
    header = list(HORIZON_COLUMNS)
    cols = [format_int(il), format_int(xl), x, y, format_float32(times[i, j])]
    if provenance is not None:
        header += PROVENANCE_COLUMNS
        cols += provenance.at((i, j)).formatted()
    write_csv(path, header, cols)
    return int(i.size)


def read_horizon_csv(path: str | os.PathLike) -> HorizonPoints:
    """Parse a horizon CSV (every row must have a time, or with provenance columns a model
    original; x/y may be empty)."""
    problems = Problems(path)
    extra = _has_columns(path, (*HORIZON_COLUMNS, *PROVENANCE_COLUMNS))
    cols: dict[str, list] = {k: [] for k in (*HORIZON_COLUMNS, "lines")}
    prov: list[tuple] = []
    for line, row in _rows(path, HORIZON_COLUMNS, problems,
                           PROVENANCE_COLUMNS if extra else ()):
        try:
            p = _parse_provenance(row) if extra else None
            vals = (parse_int(row["inline"], "inline"), parse_int(row["xline"], "xline"),
                    parse_float(row["x"], "x", allow_empty=True),
                    parse_float(row["y"], "y", allow_empty=True),
                    parse_float(row["time_ms"], "time_ms",
                                allow_empty=p is not None and not np.isnan(p[2])))
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        for k, v in zip((*HORIZON_COLUMNS, "lines"), (*vals, line)):
            cols[k].append(v)
        if p is not None:
            prov.append(p)
    problems.raise_if_any()
    return HorizonPoints(np.array(cols["inline"], dtype=np.int64),
                         np.array(cols["xline"], dtype=np.int64),
                         np.array(cols["x"], dtype=np.float64),
                         np.array(cols["y"], dtype=np.float64),
                         np.array(cols["time_ms"], dtype=np.float64).astype(np.float32),
                         np.array(cols["lines"], dtype=np.int64),
                         _provenance_arrays(prov) if extra else None)


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
                    xy_of=None, provenance: dict[str, list[str]] | None = None) -> int:
    """Write fault sticks as CSV; ``xy_of(inlines, crosslines) -> (x, y)`` fills the x/y
    columns (empty without it); ``provenance`` (``{fault: [one per stick]}``) adds a
    ``provenance`` column. Returns the number of rows."""
    cols: list[list[str]] = [[] for _ in FAULT_COLUMNS]
    names: list[str] = []
    for name, sticks in faults.items():
        for s, stick in enumerate(sticks):
            if provenance is not None:
                names.extend([provenance[name][s]] * np.asarray(stick).reshape(-1, 3).shape[0])
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
    if provenance is not None:
        write_csv(path, [*FAULT_COLUMNS, "provenance"], [*cols, names])
    else:
        write_csv(path, list(FAULT_COLUMNS), cols)
    return len(cols[0])


def _format_num(values: np.ndarray) -> list[str]:
    """float64 text with integral values written without a decimal point (line numbers)."""
    return [str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(float(v))
            for v in np.asarray(values, dtype=np.float64).tolist()]


def read_fault_csv(path: str | os.PathLike) -> FaultSticks:
    """Parse a fault CSV into sticks ordered by stick then node number (file order of faults)."""
    return read_fault_sticks(path)[0]


def read_fault_sticks(path: str | os.PathLike
                      ) -> tuple[FaultSticks, dict[str, list[str | None]]]:
    """:func:`read_fault_csv` and each stick's provenance (None without the column)."""
    from geodesk.core.picks.base import check_provenance

    problems = Problems(path)
    nodes: dict[str, dict[int, dict[int, tuple[int, tuple[float, float, float]]]]] = {}
    provs: dict[tuple[str, int], tuple[int, str | None]] = {}
    for line, row in _rows(path, FAULT_COLUMNS, problems, ("provenance",)):
        name = row["fault"].strip()
        try:
            if not name:
                raise ValueError("fault name is empty")
            s, n = parse_int(row["stick"], "stick"), parse_int(row["node"], "node")
            if s < 0 or n < 0:
                raise ValueError("stick and node numbers must be >= 0")
            p = (parse_float(row["inline"], "inline"), parse_float(row["xline"], "xline"),
                 parse_float(row["time_ms"], "time_ms"))
            for axis in ("x", "y"):  # recomputed from the grid on export, but a bad value
                parse_float(row[axis], axis, allow_empty=True)  # means a damaged file
            text = row.get("provenance", "").strip()
            try:
                prov = check_provenance(text) if text else None
            except ValueError:
                raise ValueError(f"provenance {text!r} is not a provenance") from None
            first = provs.setdefault((name, s), (line, prov))
            if first[1] != prov:
                raise ValueError(f"fault {name!r} stick {s} has another provenance on line "
                                 f"{first[0]}")
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
    sticks_of = {name: [np.array([stick[n][1] for n in sorted(stick)], dtype=np.float64)
                        for _, stick in sorted(sticks.items())]
                 for name, sticks in nodes.items()}
    return sticks_of, {name: [provs[(name, s)][1] for s in sorted(sticks)]
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
    provenance: PickProvenance | None = None  # when the file has the provenance columns


def write_firstbreak_csv(path: str | os.PathLike, ffid: np.ndarray, channel: np.ndarray,
                         times: np.ndarray, trace: np.ndarray | None = None,
                         offset: np.ndarray | None = None,
                         provenance: PickProvenance | None = None) -> int:
    """Write one row per trace (empty time where unpicked); returns the number of rows.
    ``provenance`` (one entry per trace) adds its columns."""
    ffid = np.asarray(ffid, dtype=np.int64).ravel()
    n = ffid.size
    trace = np.arange(n) if trace is None else np.asarray(trace, dtype=np.int64).ravel()
    off = [""] * n if offset is None else format_float64(offset)
    header = list(FIRSTBREAK_COLUMNS)
    cols = [format_int(ffid), format_int(channel), format_int(trace), off,
            format_float32(times)]
    if provenance is not None:
        header += PROVENANCE_COLUMNS
        cols += provenance.formatted()
    write_csv(path, header, cols)
    return n


def read_firstbreak_csv(path: str | os.PathLike, short_ok: bool = False) -> FirstBreakRows:
    """Parse a first-break CSV (time, trace and offset may be empty; the provenance columns
    are read when the header has them). ``short_ok`` also takes a file without the trace and
    offset columns (``ffid,channel,time_ms``, as fine-tuning labels come)."""
    problems = Problems(path)
    required = FIRSTBREAK_REQUIRED if short_ok else FIRSTBREAK_COLUMNS
    extra = _has_columns(path, (*required, *PROVENANCE_COLUMNS))
    out: list[tuple] = []
    prov: list[tuple] = []
    seen: dict[tuple[int, int], int] = {}
    for line, row in _rows(path, required, problems,  # short_ok: trace, offset may be absent
                           ("trace", "offset", *(PROVENANCE_COLUMNS if extra else ()))):
        try:
            key = (parse_int(row["ffid"], "ffid"), parse_int(row["channel"], "channel"))
            trace_text, offset_text = row.get("trace", ""), row.get("offset", "")
            tr = parse_int(trace_text, "trace") if trace_text.strip() else -1
            if trace_text.strip() and tr < 0:
                raise ValueError(f"trace {tr} is negative")
            off = parse_float(offset_text, "offset", allow_empty=True)
            t = parse_float(row["time_ms"], "time_ms", allow_empty=True)
            p = _parse_provenance(row) if extra else None
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        if key in seen:
            problems.add(line, f"ffid {key[0]} channel {key[1]} already given on line "
                               f"{seen[key]}")
            continue
        seen[key] = line
        out.append((*key, tr, off, t, line))
        if p is not None:
            prov.append(p)
    problems.raise_if_any()
    cols = list(zip(*out)) if out else [[]] * 6
    return FirstBreakRows(np.array(cols[0], dtype=np.int64), np.array(cols[1], dtype=np.int64),
                          np.array(cols[2], dtype=np.int64), np.array(cols[3], dtype=np.float64),
                          np.array(cols[4], dtype=np.float64).astype(np.float32),
                          np.array(cols[5], dtype=np.int64),
                          _provenance_arrays(prov) if extra else None)


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


#: Per CDP: (time_ms, vrms_mps, provenance per pick, model original (time, vrms, provenance)).
VelocityProvenanceArrays = dict[int, tuple[np.ndarray, np.ndarray, tuple[str, ...],
                                           tuple[np.ndarray, np.ndarray, tuple[str, ...]]]]


def write_velocity_csv(path: str | os.PathLike, functions: VelocityFunctionsArrays,
                       provenance: VelocityProvenanceArrays | None = None) -> int:
    """Write velocity functions ``{cdp: (time_ms, vrms_mps)}`` as CSV (CDPs ascending, picks in
    the given order); returns the number of rows. With ``provenance`` (which then holds the
    functions) each knot's provenance and the model's original knots (role ``model``) are
    written too."""
    if provenance is not None:
        return _write_velocity_provenance_csv(path, provenance)
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


def _write_velocity_provenance_csv(path: str | os.PathLike,
                                   functions: VelocityProvenanceArrays) -> int:
    cols: list[list[str]] = [[] for _ in (*VELOCITY_COLUMNS, *VELOCITY_PROVENANCE_COLUMNS)]
    for cdp in sorted(functions):
        t, v, prov, model = functions[cdp]
        for role, (tt, vv, pp) in (("pick", (t, v, prov)), ("model", model)):
            tt, vv = np.asarray(tt, dtype=np.float64).ravel(), np.asarray(vv, np.float64).ravel()
            for c, vals in zip(cols, ([str(int(cdp))] * tt.size, _format_num(tt), _format_num(vv),
                                      list(pp), [role] * tt.size)):
                c.extend(vals)
    write_csv(path, [*VELOCITY_COLUMNS, *VELOCITY_PROVENANCE_COLUMNS], cols)
    return len(cols[0])


def _format_any(values: np.ndarray) -> list[str]:
    return format_float32(values) if values.dtype == np.float32 else _format_num(values)


def read_velocity_csv(path: str | os.PathLike) -> VelocityFunctionsArrays:
    """Parse a velocity CSV into ``{cdp: (time_ms float64, vrms_mps float64)}`` sorted in time
    (rows of role ``model``, a model's original knots, are left out).

    Velocities must be positive and a CDP cannot have the same time twice.
    """
    return {cdp: (t, v) for cdp, (t, v, _, _) in read_velocity_provenance_csv(path).items()
            if t.size}


def read_velocity_provenance_csv(path: str | os.PathLike) -> VelocityProvenanceArrays:
    """As :func:`read_velocity_csv` with each knot's provenance (None without the column) and
    the model's original knots of each CDP (empty without the ``role`` column)."""
    problems = Problems(path)
    picks: dict[tuple[int, str], dict[float, tuple[int, float, str | None]]] = {}
    for line, row in _rows(path, VELOCITY_COLUMNS, problems, VELOCITY_PROVENANCE_COLUMNS):
        try:
            cdp = parse_int(row["cdp"], "cdp")
            t = parse_float(row["time_ms"], "time_ms")
            v = parse_float(row["vrms_mps"], "vrms_mps")  # within common.FIELD_BOUNDS
            if t < 0:
                raise ValueError(f"time_ms {row['time_ms'].strip()} is negative")
            role = row.get("role", "pick").strip() or "pick"
            if role not in ("pick", "model"):
                raise ValueError(f"role {role!r} is neither pick nor model")
            prov = _velocity_provenance(row.get("provenance", ""), role)
        except ValueError as exc:
            problems.add(line, str(exc))
            continue
        fn = picks.setdefault((cdp, role), {})
        if t in fn:
            problems.add(line, f"CDP {cdp} time {row['time_ms'].strip()} already given on line "
                               f"{fn[t][0]}")
            continue
        fn[t] = (line, v, prov)
    problems.raise_if_any()
    out: VelocityProvenanceArrays = {}
    for cdp in sorted({c for c, _ in picks}):
        parts = []
        for role in ("pick", "model"):
            fn = picks.get((cdp, role), {})
            ts = np.array(sorted(fn), dtype=np.float64)
            parts.append((ts, np.array([fn[t][1] for t in ts.tolist()], dtype=np.float64),
                          tuple(fn[t][2] for t in ts.tolist())))
        out[cdp] = (*parts[0], parts[1])
    return out


def _velocity_provenance(text: str, role: str) -> str | None:
    """The provenance of a velocity row (None when empty); a model row needs a model's."""
    t = text.strip()
    if not t:
        if role == "model":
            raise ValueError("a row of role model needs the model's provenance")
        return None
    from geodesk.core.picks.base import check_provenance  # the picks package: only when needed

    try:
        name = check_provenance(t)
    except ValueError:
        raise ValueError(f"provenance {t!r} is not a provenance") from None
    if role == "model" and not name.startswith("model:"):
        raise ValueError(f"a row of role model has provenance {name!r}, not a model's")
    return name
