"""SEG-Y and SU reading: ``open_survey(path)`` scans a file and returns Post3D, Post2D or Prestack.

The layout comes from :mod:`segy_probe`, samples and headers from :mod:`segy_traces` (numpy
memmap plus segyio), the kind and geometry from :mod:`segy_geometry`. Nothing is loaded up front
except the few header fields the geometry needs, so a file larger than RAM opens and browses.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.section import Axis, Section
from geodesk.core.segy.decode import format_name
from geodesk.core.segy.geometry import Geometry, detect, n_distinct
from geodesk.core.segy.probe import Layout, probe
from geodesk.core.segy.textheader import decode_text
from geodesk.core.segy.traces import TraceStore, check_field
from geodesk.core.survey import (
    SURVEY_KINDS,
    HeaderBytes,
    HeaderStat,
    Post2D,
    Post3D,
    Prestack,
    Survey,
    SurveyError,
)

SCALAR_BYTE = 71  # SourceGroupScalar: applies to coordinates only (rev1: bytes 73-88, 181-188)


def apply_scalar(values: np.ndarray, scalar: np.ndarray) -> np.ndarray:
    """Apply a SEG-Y scalar: positive multiplies, negative divides, zero means 1."""
    s = np.asarray(scalar, dtype=float)
    factor = np.where(s > 0, s, np.where(s < 0, -1.0 / np.where(s < 0, s, -1.0), 1.0))
    return np.asarray(values, dtype=float) * factor


class _SegySurvey(Survey):
    """What every SEG-Y survey kind shares: layout, store, headers, info."""

    def __init__(self, layout: Layout, store: TraceStore, geo: Geometry):
        self._layout, self._store, self._geo = layout, store, geo
        self.path = layout.path
        self.header_bytes = geo.header_bytes
        self.n_traces, self.n_samples = layout.n_traces, layout.n_samples
        self.dt_ms, self.format_code, self.endian = layout.dt_ms, layout.format_code, layout.endian
        self.is_su = layout.is_su
        self.warnings = list(layout.warnings) + list(geo.notes)
        self._text: str | None = None
        self.text_encoding = "none" if layout.is_su else decode_text(layout.text_raw)[1]
        delays = store.header_values(109)
        self.delay_ms = float(delays[0]) if len(delays) else 0.0
        if len(delays) and np.any(delays != delays[0]):  # (np.unique would load numpy.ma)
            self.warnings.append(f"delay recording time varies between traces "
                                 f"({delays.min()}..{delays.max()} ms); using the first")

    # -- headers -------------------------------------------------------------------------------
    def text_header(self) -> str:
        if self._layout.is_su:
            return ""
        if self._text is None:
            self._text = decode_text(self._layout.text_raw, self.text_encoding)[0]
        return self._text

    def binary_header(self) -> dict[str, int]:
        return self._store.binary_header()

    def trace_header(self, index: int) -> dict[str, int]:
        return self._store.trace_header(int(index))

    def header_values(self, byte: int) -> np.ndarray:
        return self._store.header_values(byte)

    def header_scan(self, n_traces: int = 1000) -> list[HeaderStat]:
        return self._store.header_scan(n_traces)

    def _scaled(self, byte: int) -> np.ndarray:
        return apply_scalar(self._store.header_values(byte), self._store.header_values(SCALAR_BYTE))

    def trace_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """CDP X and Y of every trace, coordinate scalar (byte 71) applied (computed once: a
        gather-by-gather pass would otherwise scale the whole file's headers per gather)."""
        if getattr(self, "_xy", None) is None:
            self._xy = (self._scaled(self.header_bytes.cdp_x),
                        self._scaled(self.header_bytes.cdp_y))
            for a in self._xy:
                a.flags.writeable = False
        return self._xy

    # -- samples -------------------------------------------------------------------------------
    def trace(self, index: int) -> np.ndarray:
        if not -self.n_traces <= index < self.n_traces:
            raise IndexError(f"trace index {index} out of range 0..{self.n_traces - 1}")
        return self._store.read(np.array([index % self.n_traces]))[0]

    def traces(self, indices: np.ndarray | slice) -> np.ndarray:
        return self._store.read(indices)

    def _time_axis(self) -> Axis:
        return Axis(self.times_ms, "time", "ms")

    # -- info / lifecycle ----------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        x, y = self.trace_xy()
        return {
            "path": str(self.path), "file_size": self._layout.size, "kind": self.kind,
            "traces": self.n_traces, "samples": self.n_samples, "dt_ms": self.dt_ms,
            "delay_ms": self.delay_ms, "format": {"code": self.format_code,
                                                  "name": format_name(self.format_code)},
            "endian": self.endian, "su": self.is_su, "text_encoding": self.text_encoding,
            "extended_text_headers": self._layout.n_ext_text,
            "header_bytes": self.header_bytes.as_dict(),
            "x_range": [float(x.min()), float(x.max())] if x.size else None,
            "y_range": [float(y.min()), float(y.max())] if y.size else None,
            "warnings": list(self.warnings),
        }

    def close(self) -> None:
        self._store.close()


def _step(values: np.ndarray) -> int:
    d = np.diff(values)
    return int(np.min(d)) if d.size else 0


class SegyPost3D(_SegySurvey, Post3D):
    """A post-stack 3D volume read lazily from a SEG-Y file."""

    def __init__(self, layout, store, geo):
        super().__init__(layout, store, geo)
        self.inlines, self.crosslines = geo.inlines, geo.crosslines
        self.trace_grid, self.sorting = geo.trace_grid, geo.sorting
        self.live_mask = self.trace_grid >= 0
        self._grid_xy: tuple[np.ndarray, np.ndarray] | None = None
        self._cache = None  # a VolumeCache once attached (see geodesk.core.segy.volume_cache)
        missing = int(np.count_nonzero(~self.live_mask))
        if missing:
            self.warnings.append(f"{missing} of {self.live_mask.size} grid nodes have no trace")

    def _line_index(self, values: np.ndarray, value: int, what: str) -> int:
        i = np.searchsorted(values, value)
        if i >= len(values) or values[i] != value:
            raise SurveyError(f"{what} {value} is not in this survey ({values[0]}..{values[-1]})")
        return int(i)

    def _trace_section(self, idx: np.ndarray, axis0: Axis, kind: str, title: str,
                       gx: np.ndarray, gy: np.ndarray) -> Section:
        live = idx >= 0
        if live.all():  # the common case: no zero-filled copy
            data = self._store.read(idx)
        else:
            data = np.zeros((idx.size, self.n_samples), dtype=np.float32)
            if live.any():
                data[live] = self._store.read(idx[live])
        return Section(data, axis0, self._time_axis(), kind, title, live=live, x=gx, y=gy,
                       trace_index=idx.copy())

    def inline(self, il: int) -> Section:
        i = self._line_index(self.inlines, il, "inline")
        gx, gy = self.grid_xy()
        return self._trace_section(self.trace_grid[i], Axis(self.crosslines, "crossline"),
                                   "inline", f"inline {il}", gx[i], gy[i])

    def crossline(self, xl: int) -> Section:
        j = self._line_index(self.crosslines, xl, "crossline")
        gx, gy = self.grid_xy()
        return self._trace_section(self.trace_grid[:, j], Axis(self.inlines, "inline"),
                                   "crossline", f"crossline {xl}", gx[:, j], gy[:, j])

    def time_slice(self, t_ms: float) -> Section:
        k = self._time_axis().index_of(t_ms)
        if self._cache is not None and self._cache.valid_for(self):
            data = self._cache.time_slice(k)
        else:
            column = self._store.read_sample(k)
            data = np.zeros(self.trace_grid.shape, dtype=np.float32)
            data[self.live_mask] = column[self.trace_grid[self.live_mask]]
        gx, gy = self.grid_xy()
        return Section(data, Axis(self.inlines, "inline"), Axis(self.crosslines, "crossline"),
                       "time", f"time {self.times_ms[k]:g} ms", live=self.live_mask.copy(),
                       x=gx, y=gy, trace_index=self.trace_grid.copy())

    def grid_xy(self) -> tuple[np.ndarray, np.ndarray]:
        if self._grid_xy is None:
            self._grid_xy = _fill_grid_xy(self.trace_xy(), self.trace_grid, self.inlines,
                                          self.crosslines)
        return self._grid_xy

    @property
    def has_cache(self) -> bool:
        """True when time slices come from a valid HDF5 volume cache."""
        return self._cache is not None and self._cache.valid_for(self)

    def attach_cache(self, path: str | os.PathLike) -> None:
        """Use an HDF5 volume cache for time slices (raises SurveyError if it does not match)."""
        from geodesk.core.segy.volume_cache import VolumeCache

        cache = VolumeCache(path)
        if not cache.valid_for(self):
            cache.close()
            raise SurveyError(f"cache {Path(path).name} was built from another version of "
                              f"{self.name}; rebuild it")
        self._cache = cache

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        super().close()

    def info(self) -> dict[str, Any]:
        d = super().info()
        d.update(inlines=[int(self.inlines[0]), int(self.inlines[-1]), _step(self.inlines)],
                 crosslines=[int(self.crosslines[0]), int(self.crosslines[-1]),
                             _step(self.crosslines)],
                 sorting=self.sorting, live_traces=int(self.live_mask.sum()),
                 missing_traces=int((~self.live_mask).sum()))
        return d


def _fill_grid_xy(xy, grid, inlines, crosslines) -> tuple[np.ndarray, np.ndarray]:
    """Grid-node X/Y: live traces' own, missing nodes from an affine fit over (inline, crossline)."""
    x, y = xy
    live = grid >= 0
    gi, gj = np.meshgrid(inlines.astype(float), crosslines.astype(float), indexing="ij")
    gx, gy = np.zeros(grid.shape), np.zeros(grid.shape)
    gx[live], gy[live] = x[grid[live]], y[grid[live]]
    if not live.all():
        a = np.stack([np.ones(live.sum()), gi[live], gj[live]], axis=1)
        cx = np.linalg.lstsq(a, gx[live], rcond=None)[0]
        cy = np.linalg.lstsq(a, gy[live], rcond=None)[0]
        full = np.stack([np.ones(grid.size), gi.ravel(), gj.ravel()], axis=1)
        gx[~live] = (full @ cx).reshape(grid.shape)[~live]
        gy[~live] = (full @ cy).reshape(grid.shape)[~live]
    return gx, gy


class SegyPost2D(_SegySurvey, Post2D):
    """A post-stack 2D line (or any list of traces without 3D/pre-stack structure)."""

    def __init__(self, layout, store, geo):
        super().__init__(layout, store, geo)
        self.trace_numbers = geo.trace_numbers
        self._line: Section | None = None

    def line(self) -> Section:
        if self._line is None:
            x, y = self.line_xy()
            self._line = Section(self._store.read(slice(None)),
                                 Axis(self.trace_numbers, "trace"), self._time_axis(), "line",
                                 self.name, x=x, y=y,
                                 trace_index=np.arange(self.n_traces, dtype=np.int64))
        return self._line

    def line_xy(self) -> tuple[np.ndarray, np.ndarray]:
        return self.trace_xy()

    def info(self) -> dict[str, Any]:
        d = super().info()
        d["trace_numbers"] = [int(self.trace_numbers[0]), int(self.trace_numbers[-1])]
        return d


class SegyPrestack(_SegySurvey, Prestack):
    """Pre-stack traces grouped into gathers (by FFID or CDP), read one gather at a time."""

    def __init__(self, layout, store, geo):
        super().__init__(layout, store, geo)
        self.gather_key = geo.gather_key
        keys = np.asarray(geo.trace_keys, dtype=np.int64)
        within = self._store.header_values(self.header_bytes.channel if self.gather_key == "ffid"
                                           else self.header_bytes.offset)
        order = np.lexsort((np.arange(keys.size), within, keys))
        sorted_keys = keys[order]
        self.gather_keys, starts, self.gather_sizes = np.unique(
            sorted_keys, return_index=True, return_counts=True)
        self._order, self._starts = order, starts

    def gather_indices(self, key: int) -> np.ndarray:
        """File trace indices of one gather, in display order."""
        g = np.searchsorted(self.gather_keys, key)
        if g >= len(self.gather_keys) or self.gather_keys[g] != key:
            raise SurveyError(f"no {self.gather_key} {key} in this file "
                              f"({self.gather_keys[0]}..{self.gather_keys[-1]})")
        return self._order[self._starts[g]:self._starts[g] + self.gather_sizes[g]]

    def gather(self, key: int) -> Section:
        idx = self.gather_indices(key)
        hb = self.header_bytes
        heads = {name: self._store.header_values(b)[idx] for name, b in
                 (("ffid", hb.ffid), ("channel", hb.channel), ("cdp", hb.cdp))}
        # SEG-Y rev1/rev2 scale only coordinates by byte 71; offsets (bytes 37-40) are whole units
        heads["offset"] = self._store.header_values(hb.offset)[idx].astype(float)
        x, y = self.trace_xy()
        if self.gather_key == "ffid":
            axis0 = Axis(heads["channel"], "channel")
        else:
            axis0 = Axis(heads["offset"], "offset", "m")
        return Section(self._store.read(idx), axis0, self._time_axis(), "gather",
                       f"{self.gather_key} {key}", x=x[idx], y=y[idx], trace_index=idx,
                       headers=heads)

    def regroup(self, key: str) -> SegyPrestack:
        if key not in ("ffid", "cdp"):
            raise SurveyError(f"cannot group gathers by {key!r} (use 'ffid' or 'cdp')")
        byte = getattr(self.header_bytes, key)
        vals = self._store.header_values(byte)
        if key != self.gather_key and n_distinct(vals) <= 1:
            raise SurveyError(f"the {key.upper()} header (byte {byte}) is "
                              f"{'empty' if not vals.any() else 'constant'}: cannot sort "
                              f"the traces into {key} gathers")
        geo = Geometry("prestack", self.header_bytes, gather_key=key, trace_keys=vals)
        store = TraceStore(self._layout)
        store.share_headers(self._store)  # same file: the fields already read are not read again
        return SegyPrestack(self._layout, store, geo)

    def info(self) -> dict[str, Any]:
        d = super().info()
        d["gathers"] = {"key": self.gather_key, "count": int(self.gather_keys.size),
                        "first": int(self.gather_keys[0]), "last": int(self.gather_keys[-1]),
                        "min_traces": int(self.gather_sizes.min()),
                        "max_traces": int(self.gather_sizes.max())}
        d.update(_shot_receiver_ranges(self, d))
        return d


def _span(*values: np.ndarray) -> list[float] | None:
    v = np.concatenate(values) if values else np.empty(0)
    return [float(v.min()), float(v.max())] if v.size else None


def _shot_receiver_ranges(survey: _SegySurvey, info: dict[str, Any]) -> dict[str, Any]:
    """Source and receiver X/Y ranges (bytes 73/77, 81/85); when the CDP X/Y are all zero (a
    raw shot file, like Viking) ``x_range``/``y_range`` span the sources and receivers, as the
    basemap draws them, and ``xy_from`` says which headers gave them."""
    sx, sy, gx, gy = (survey._scaled(b) for b in (73, 77, 81, 85))
    out: dict[str, Any] = {"source_x_range": _span(sx), "source_y_range": _span(sy),
                           "receiver_x_range": _span(gx), "receiver_y_range": _span(gy),
                           "xy_from": "cdp"}
    cx, cy = survey.trace_xy()
    if not (cx.any() or cy.any()) and (sx.any() or sy.any() or gx.any() or gy.any()):
        out.update(x_range=_span(sx, gx), y_range=_span(sy, gy), xy_from="source and receiver")
    return out


_CLASSES = {"post3d": SegyPost3D, "post2d": SegyPost2D, "prestack": SegyPrestack}


def open_survey(path: str | os.PathLike, *, iline: int | None = None, xline: int | None = None,
                cdp_x: int | None = None, cdp_y: int | None = None, cdp: int | None = None,
                offset: int | None = None, ffid: int | None = None, channel: int | None = None,
                kind: str | None = None, endian: str | None = None,
                su: bool | None = None) -> Survey:
    """Scan a SEG-Y or SU file and return a :class:`Post3D`, :class:`Post2D` or
    :class:`Prestack`; raise :class:`SurveyError` (one line) when it cannot be read."""
    if kind is not None and kind not in SURVEY_KINDS:
        raise SurveyError(f"unknown kind {kind!r} (use one of {', '.join(SURVEY_KINDS)})")
    if endian not in (None, "big", "little"):
        raise SurveyError(f"unknown endianness {endian!r} (use 'big' or 'little')")
    overrides = {"inline": iline, "crossline": xline, "cdp_x": cdp_x, "cdp_y": cdp_y, "cdp": cdp,
                 "offset": offset, "ffid": ffid, "channel": channel}
    for name, byte in overrides.items():
        if byte is not None:
            check_field(byte, name)
    hb = HeaderBytes().replace(**overrides)
    layout = probe(path, endian=endian, su=su)
    store = TraceStore(layout)
    try:
        geo = detect(store.header_values, layout.n_traces, hb, kind=kind,
                     user_lines=iline is not None or xline is not None,
                     peek=store.header_sample)
        survey = _CLASSES[geo.kind](layout, store, geo)
    except BaseException:
        store.close()
        raise
    if isinstance(survey, SegyPost3D):
        from geodesk.core.segy.volume_cache import find_cache

        cached = find_cache(survey)
        if cached is not None:
            survey._cache = cached
    return survey


def open_kwargs(survey: Survey) -> dict[str, Any]:
    """Keyword arguments of :func:`open_survey` that open ``survey``'s file the same way (kind,
    header bytes, byte order): plain values, so they can travel to another process."""
    hb = survey.header_bytes
    return {"kind": survey.kind, "iline": hb.inline, "xline": hb.crossline, "cdp_x": hb.cdp_x,
            "cdp_y": hb.cdp_y, "cdp": hb.cdp, "offset": hb.offset, "ffid": hb.ffid,
            "channel": hb.channel, "endian": survey.endian, "su": survey.is_su or None}


def reopen(survey: Survey) -> Survey:
    """The same file opened again with the same kind and header bytes: a handle that a worker
    thread may read while the GUI thread keeps using ``survey`` (segyio handles are not shared
    across threads)."""
    own = open_survey(survey.path, **open_kwargs(survey))
    key = getattr(survey, "gather_key", None)
    if key is not None and own.gather_key != key:
        grouped = own.regroup(key)
        own.close()
        return grouped
    return own


@contextlib.contextmanager
def private_survey(survey_or_path: Survey | str | os.PathLike,
                   **open_kw: Any) -> Iterator[Survey]:
    """A survey a worker thread may read, closed on exit: a path opened with ``open_kw``, a
    file-backed survey opened again (:func:`reopen`), an in-memory survey used as it is."""
    if isinstance(survey_or_path, (str, os.PathLike)):
        own = open_survey(survey_or_path, **open_kw)
    elif not Path(str(getattr(survey_or_path, "path", ""))).is_file():
        yield survey_or_path
        return
    else:
        own = reopen(survey_or_path)
    try:
        yield own
    finally:
        own.close()
