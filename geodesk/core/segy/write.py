"""SEG-Y writing through segyio: 3D volumes, 2D lines, pre-stack gathers, header-keeping copies.

Every writer goes through :func:`atomic_output`: the file is written to a temporary name in the
target folder, fsync'ed and moved over the target with ``os.replace``, so a failed write never
leaves a half-written file and never destroys the previous one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np
import segyio

from geodesk.core.atomic import atomic_path

#: Sample format codes we write: 1 IBM float, 2 int32, 3 int16, 5 IEEE float, 8 int8.
FORMAT_DTYPES: dict[int, type] = {
    1: np.float32,
    2: np.int32,
    3: np.int16,
    5: np.float32,
    8: np.int8,
}
ENDIANS = ("big", "little")

#: Trace-header bytes (1-based, SEG-Y rev1) used by the writers.
TRACE_SEQ_LINE, TRACE_SEQ_FILE, FFID, CHANNEL, CDP, CDP_TRACE, OFFSET = 1, 5, 9, 13, 21, 25, 37
ELEV_SCALAR, COORD_SCALAR = 69, 71
SOURCE_X, SOURCE_Y, GROUP_X, GROUP_Y, COORD_UNITS = 73, 77, 81, 85, 89
DELAY, NS, DT = 109, 115, 117
CDP_X, CDP_Y, INLINE, CROSSLINE = 181, 185, 189, 193


def text_header(lines: Iterable[str]) -> str:
    """40 card-image lines ``C 1 ...`` (80 chars each) from up to 40 free-text lines."""
    d = {}
    for i, line in enumerate(list(lines)[:40], start=1):
        d[i] = str(line).upper()[:76]
    d.setdefault(40, "END TEXTUAL HEADER")
    return segyio.tools.create_text_header(d)


def coord_scalar_for(*coords: np.ndarray, max_decimals: int = 2) -> int:
    """The SEG-Y coordinate scalar (byte 71) that stores ``coords`` as int32 with the most decimals.

    Returns e.g. -100 (values stored in 1/100 units), or 1 when no decimals fit.
    """
    peak = max((float(np.max(np.abs(c))) for c in coords if np.size(c)), default=0.0)
    for decimals in range(max_decimals, 0, -1):
        if peak * 10**decimals < 2**31 - 1:
            return -(10**decimals)
    return 1


def scaled_coords(values: np.ndarray, scalar: int) -> np.ndarray:
    """Coordinates as the int32 header values that ``scalar`` decodes back to ``values``."""
    factor = -scalar if scalar < 0 else 1.0 / scalar
    return np.rint(np.asarray(values, dtype=float) * factor).astype(np.int64)


def _to_format(block: np.ndarray, fmt: int, int_scale: float) -> np.ndarray:
    """Samples as the dtype segyio writes for ``fmt``; integers are scaled, rounded and clipped."""
    dtype = FORMAT_DTYPES[fmt]
    if dtype is np.float32:
        return np.ascontiguousarray(block, dtype=np.float32)
    info = np.iinfo(dtype)
    vals = np.rint(np.asarray(block, dtype=np.float64) * int_scale)
    return np.clip(vals, info.min, info.max).astype(dtype)


def resolve_int_scale(data: np.ndarray, fmt: int, int_scale: float | str = "auto") -> float:
    """Scale applied before writing an integer format (1.0 for float formats).

    ``"auto"`` keeps integer-valued data that fit the format unchanged and otherwise maps the
    peak amplitude to 90 % of the integer range, so synthetic data around ±1 survive int16.
    """
    if FORMAT_DTYPES[fmt] is np.float32:
        return 1.0
    if int_scale != "auto":
        return float(int_scale)
    info = np.iinfo(FORMAT_DTYPES[fmt])
    peak = float(np.max(np.abs(data))) if data.size else 0.0
    if peak == 0.0 or (peak <= info.max and np.all(np.equal(np.mod(data, 1), 0))):
        return 1.0
    return 0.9 * info.max / peak


def _check(fmt: int, endian: str, dt_ms: float) -> None:
    if fmt not in FORMAT_DTYPES:
        raise ValueError(f"unsupported sample format {fmt}; use one of {sorted(FORMAT_DTYPES)}")
    if endian not in ENDIANS:
        raise ValueError(f"endian must be 'big' or 'little', got {endian!r}")
    if not 0 < dt_ms * 1000 < 65536:
        raise ValueError(f"sample interval {dt_ms} ms does not fit the SEG-Y header (µs, 16 bit)")


def write_traces(
    out_path: str | os.PathLike,
    data: np.ndarray,
    headers: Mapping[int, np.ndarray],
    *,
    dt_ms: float,
    delay_ms: float = 0.0,
    format: int = 5,
    endian: str = "big",
    text: Iterable[str] = (),
    int_scale: float | str = "auto",
    sorting: int | None = None,
    binary: Mapping[int, int] | None = None,
) -> Path:
    """Write ``data`` (n_traces, n_samples) with per-trace header arrays keyed by 1-based byte.

    Sample count, interval and delay go into every trace header and the binary header. For
    integer formats the samples are scaled (see :func:`resolve_int_scale`), rounded and clipped.
    """
    data = np.asarray(data)
    if data.ndim != 2:
        raise ValueError(f"trace data must be 2D (traces, samples), got shape {data.shape}")
    _check(format, endian, dt_ms)
    n_tr, ns = data.shape
    cols = {
        int(b): np.broadcast_to(np.asarray(v, dtype=np.int64), (n_tr,)) for b, v in headers.items()
    }
    cols.setdefault(TRACE_SEQ_LINE, np.arange(1, n_tr + 1))
    cols.setdefault(TRACE_SEQ_FILE, np.arange(1, n_tr + 1))
    for byte, col in cols.items():
        if col.size and (col.min() < -(2**31) or col.max() > 2**31 - 1):
            raise ValueError(f"trace header byte {byte} value out of int32 range")
    scale = resolve_int_scale(data, format, int_scale)
    dt_us = round(dt_ms * 1000)
    spec = segyio.spec()
    spec.format = format
    spec.samples = float(delay_ms) + dt_ms * np.arange(ns)
    spec.tracecount = n_tr
    spec.endian = endian
    lines = list(text)
    if scale != 1.0:
        lines = lines[:38] + [f"SAMPLES MULTIPLIED BY {scale:.6g} BEFORE INTEGER STORAGE"]
    fixed = {NS: ns, DT: dt_us, DELAY: round(delay_ms)}
    with atomic_path(out_path) as tmp, segyio.create(str(tmp), spec) as f:
        f.text[0] = text_header(lines)
        bin_fields = {
            segyio.BinField.Interval: dt_us,
            segyio.BinField.Samples: ns,
            segyio.BinField.Format: format,
            segyio.BinField.MeasurementSystem: 1,
            segyio.BinField.SEGYRevision: 1,
            segyio.BinField.SEGYRevisionMinor: 0,
            segyio.BinField.Traces: int(cols[CHANNEL].max()) if CHANNEL in cols and n_tr else 1,
        }
        if sorting is not None:
            bin_fields[segyio.BinField.SortingCode] = sorting
        bin_fields.update({int(k): int(v) for k, v in (binary or {}).items()})
        f.bin.update(bin_fields)
        if format not in _RAW_FORMATS or not _BLOCK_WRITES:  # IBM: segyio encodes
            keys = list(cols)
            table = np.stack([cols[k] for k in keys], axis=1).tolist() if keys else []
            for i in range(n_tr):
                h = dict(zip(keys, table[i]))
                h.update(fixed)
                f.header[i] = h
            step = max(1, 4_000_000 // max(ns, 1))  # bounded temporary copies
            for start in range(0, n_tr, step):
                block = _to_format(data[start : start + step], format, scale)
                for j, tr in enumerate(block):
                    f.trace[start + j] = tr
            return Path(out_path)
        if n_tr:  # segyio lays out the file; its traces are then written block by block
            f.header[n_tr - 1] = fixed
            f.trace[n_tr - 1] = np.zeros(ns, dtype=FORMAT_DTYPES[format])
        f.close()
        _write_records(tmp, data, {**cols, **{k: np.full(n_tr, v) for k, v in fixed.items()}},
                       format, endian, scale)
    return Path(out_path)


#: False: every writer goes trace by trace through segyio (the tests' reference)
_BLOCK_WRITES = True


def _write_records(path: Path, data: np.ndarray, cols: Mapping[int, np.ndarray], fmt: int,
                   endian: str, scale: float) -> None:
    """Trace headers (``cols``: 1-based byte -> value per trace; other bytes zero) and samples
    of a file whose text and binary headers are written, in blocks of whole records."""
    from geodesk.core.segy.traces import TRACE_FIELDS

    n_tr, ns = data.shape
    order = ">" if endian == "big" else "<"
    record = np.dtype([("h", np.uint8, (240,)), ("s", order + _RAW_FORMATS[fmt], (ns,))])
    fields = []
    for byte, col in cols.items():
        if byte not in TRACE_FIELDS:
            raise ValueError(f"trace header byte {byte} is not the start of a SEG-Y field")
        width = TRACE_FIELDS[byte][1]
        fields.append((byte, width, np.asarray(col, dtype=np.int64)))
    step = max(1, 4_000_000 // max(ns, 1))
    with open(path, "r+b") as f:
        for start in range(0, n_tr, step):
            stop = min(n_tr, start + step)
            recs = np.zeros(stop - start, dtype=record)
            for byte, width, col in fields:  # segyio stores 2-byte fields modulo 2^16 too
                recs["h"][:, byte - 1:byte - 1 + width] = col[start:stop].astype(
                    f"{order}i{width}")[:, None].view(np.uint8)
            recs["s"] = _to_format(data[start:stop], fmt, scale)
            f.seek(3600 + start * record.itemsize)
            f.write(recs.tobytes())


def write_post3d(
    out_path: str | os.PathLike,
    volume: np.ndarray,
    inlines: np.ndarray,
    crosslines: np.ndarray,
    cdp_x: np.ndarray,
    cdp_y: np.ndarray,
    *,
    dt_ms: float,
    delay_ms: float = 0.0,
    format: int = 5,
    endian: str = "big",
    text: Iterable[str] = (),
    int_scale: float | str = "auto",
) -> Path:
    """Write a post-stack 3D volume (n_il, n_xl, n_samples), inline-sorted.

    ``cdp_x``/``cdp_y`` are (n_il, n_xl) grid coordinates (any rotation); they are stored in
    bytes 181/185 with a coordinate scalar in byte 71, line numbers in 189/193, CDP in 21.
    """
    volume = np.asarray(volume)
    n_il, n_xl, ns = volume.shape
    inl, xl = np.meshgrid(np.asarray(inlines), np.asarray(crosslines), indexing="ij")
    if inl.shape != (n_il, n_xl) or np.shape(cdp_x) != (n_il, n_xl) != np.shape(cdp_y):
        raise ValueError("inlines/crosslines/cdp_x/cdp_y do not match the volume shape")
    headers = _poststack_headers(np.arange(1, n_il * n_xl + 1), np.ravel(cdp_x), np.ravel(cdp_y))
    headers.update({INLINE: inl.ravel(), CROSSLINE: xl.ravel()})
    return write_traces(out_path, volume.reshape(n_il * n_xl, ns), headers, dt_ms=dt_ms,
                        delay_ms=delay_ms, format=format, endian=endian, text=text,
                        int_scale=int_scale, sorting=4)


def _poststack_headers(cdps: np.ndarray, x: np.ndarray, y: np.ndarray) -> dict[int, np.ndarray]:
    """Headers every post-stack trace carries: CDP, its X/Y (also as source and group
    position, as stacking software writes them) with one coordinate scalar, zero offset."""
    scalar = coord_scalar_for(x, y)
    hx, hy = scaled_coords(x, scalar), scaled_coords(y, scalar)
    return {CDP: np.asarray(cdps), CDP_X: hx, CDP_Y: hy, SOURCE_X: hx, SOURCE_Y: hy,
            GROUP_X: hx, GROUP_Y: hy, COORD_SCALAR: scalar, COORD_UNITS: 1, CDP_TRACE: 1,
            OFFSET: 0}


def write_post2d(
    out_path: str | os.PathLike,
    section: np.ndarray,
    cdps: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    *,
    dt_ms: float,
    delay_ms: float = 0.0,
    format: int = 5,
    endian: str = "big",
    text: Iterable[str] = (),
    int_scale: float | str = "auto",
) -> Path:
    """Write a post-stack 2D line (n_traces, n_samples): CDP in byte 21, X/Y in 181/185 and 73/77."""
    return write_traces(out_path, np.asarray(section), _poststack_headers(cdps, x, y),
                        dt_ms=dt_ms, delay_ms=delay_ms, format=format, endian=endian, text=text,
                        int_scale=int_scale, sorting=4)


def write_prestack(
    out_path: str | os.PathLike,
    traces: np.ndarray,
    *,
    ffid: np.ndarray,
    channel: np.ndarray,
    offset: np.ndarray,
    cdp: np.ndarray,
    source_xy: tuple[np.ndarray, np.ndarray],
    group_xy: tuple[np.ndarray, np.ndarray],
    dt_ms: float,
    delay_ms: float = 0.0,
    cdp_trace: np.ndarray | None = None,
    extra_headers: Mapping[int, np.ndarray] | None = None,
    sorting: int = 1,
    format: int = 5,
    endian: str = "big",
    text: Iterable[str] = (),
    int_scale: float | str = "auto",
) -> Path:
    """Write pre-stack traces (n_traces, n_samples) in file order with their geometry headers.

    FFID 9, channel 13, offset 37 (m, rounded), CDP 21, source X/Y 73/77, group X/Y 81/85, CDP
    X/Y 181/185 (the midpoint) with one coordinate scalar (byte 71). ``sorting`` goes to the
    binary header (1 as recorded / shot order, 2 CDP ensemble).
    """
    sx, sy = (np.asarray(v, dtype=float) for v in source_xy)
    gx, gy = (np.asarray(v, dtype=float) for v in group_xy)
    scalar = coord_scalar_for(sx, sy, gx, gy)
    headers = {
        FFID: np.asarray(ffid),
        CHANNEL: np.asarray(channel),
        OFFSET: np.rint(np.asarray(offset, dtype=float)),
        CDP: np.asarray(cdp),
        SOURCE_X: scaled_coords(sx, scalar),
        SOURCE_Y: scaled_coords(sy, scalar),
        GROUP_X: scaled_coords(gx, scalar),
        GROUP_Y: scaled_coords(gy, scalar),
        CDP_X: scaled_coords((sx + gx) / 2, scalar),
        CDP_Y: scaled_coords((sy + gy) / 2, scalar),
        COORD_SCALAR: scalar,
        COORD_UNITS: 1,
        ELEV_SCALAR: 1,
    }
    if cdp_trace is not None:
        headers[CDP_TRACE] = np.asarray(cdp_trace)
    headers.update({int(k): np.asarray(v) for k, v in (extra_headers or {}).items()})
    return write_traces(
        out_path,
        traces,
        headers,
        dt_ms=dt_ms,
        delay_ms=delay_ms,
        format=format,
        endian=endian,
        text=text,
        int_scale=int_scale,
        sorting=sorting,
    )


def detect_endian(path: str | os.PathLike) -> str:
    """``"big"`` or ``"little"``: the byte order in which segyio can read the file."""
    errors = []
    for endian in ENDIANS:
        try:
            with segyio.open(str(path), ignore_geometry=True, endian=endian) as f:
                if int(f.format) in (1, 2, 3, 5, 6, 8, 10, 11, 12, 15, 16):
                    return endian
        except (RuntimeError, ValueError, OSError) as exc:
            errors.append(str(exc))
    raise ValueError(f"{path}: not a SEG-Y file segyio can read ({'; '.join(errors)})")


def _iter_blocks(traces: np.ndarray | Iterable[np.ndarray], ns: int) -> Iterator[np.ndarray]:
    """2D blocks (k, ns) from an array, or from an iterable of traces or blocks."""
    if isinstance(traces, np.ndarray):
        arr = traces.reshape(-1, ns) if traces.ndim != 2 else traces
        for start in range(0, arr.shape[0], 1024):
            yield arr[start : start + 1024]
        return
    for item in traces:
        block = np.asarray(item)
        if block.ndim == 1:
            block = block[None, :]
        if block.ndim != 2 or block.shape[1] != ns:
            raise ValueError(f"trace block of shape {block.shape} does not have {ns} samples")
        yield block


#: formats whose samples are written by numpy straight into a byte copy of the source (IBM floats
#: go through segyio, which encodes them)
_RAW_FORMATS = {2: "i4", 3: "i2", 5: "f4", 8: "i1"}


def _plain_layout(path: str | os.PathLike, data_offset: int, n_tr: int, ns: int,
                  fmt: int) -> bool:
    """True when the file is text/binary/extended headers then ``n_tr`` fixed-size traces of
    a format numpy writes (nothing trailing): its bytes can be copied and the samples patched."""
    if fmt not in _RAW_FORMATS:
        return False
    size = int(_RAW_FORMATS[fmt][1:])
    return os.path.getsize(path) == data_offset + n_tr * (240 + ns * size)


def _check_count(written: int, n_tr: int, source_path) -> None:
    if written > n_tr:
        raise ValueError(f"more traces given than the {n_tr} in {source_path}")


def _check_total(written: int, n_tr: int, source_path) -> None:
    if written != n_tr:
        raise ValueError(f"{written} traces given, {source_path} has {n_tr}")


#: Bytes of trace records gathered before one write call (bounds the writer's memory).
WRITE_BLOCK_BYTES = 8 << 20


def _copy_with_samples(source_path, tmp: Path, traces, fmt: int, endian: str,
                       shape: tuple[int, int, int], updates: Mapping[int, np.ndarray],
                       int_scale: float) -> None:
    """Write ``tmp`` in one sequential pass: the source's file headers, then its trace records
    read into a block buffer, the new samples and header updates put in (every other header
    byte as it was), written a block at a time: no per-trace calls, each byte written once,
    memory bounded by one block whatever the size of the blocks given."""
    from geodesk.core.atomic import start_writeback
    from geodesk.core.segy.traces import TRACE_FIELDS

    data_offset, n_tr, ns = shape
    order = ">" if endian == "big" else "<"
    record = np.dtype([("h", np.uint8, (240,)), ("s", order + _RAW_FORMATS[fmt], (ns,))])
    fields = {}
    for byte, col in updates.items():
        width = TRACE_FIELDS.get(byte, ("", 4))[1]
        info = np.iinfo(f"i{width}")
        if col.size and (col.min() < info.min or col.max() > info.max):
            raise ValueError(f"header update for byte {byte} does not fit {width} bytes")
        fields[byte] = (width, col.astype(f"{order}i{width}"))
    cap = max(1, min(n_tr, WRITE_BLOCK_BYTES // record.itemsize))
    buf = bytearray(cap * record.itemsize)
    recs, view = np.frombuffer(buf, dtype=record), memoryview(buf)
    written = fill = 0  # records written to tmp, records waiting in buf
    with open(source_path, "rb") as src, open(tmp, "wb") as dst:
        dst.write(src.read(data_offset))
        for block in _iter_blocks(traces, ns):
            done = 0
            while done < len(block):
                k = min(cap - fill, len(block) - done)
                _check_count(written + fill + k, n_tr, source_path)
                part = view[fill * record.itemsize:(fill + k) * record.itemsize]
                if src.readinto(part) != len(part):
                    raise ValueError(f"{source_path} ended before trace {written + fill + k}")
                recs["s"][fill:fill + k] = _to_format(block[done:done + k], fmt, int_scale)
                first = written + fill
                for byte, (width, col) in fields.items():
                    recs["h"][fill:fill + k, byte - 1:byte - 1 + width] = \
                        col[first:first + k, None].view(np.uint8)
                fill, done = fill + k, done + k
                if fill == cap:
                    dst.write(view)
                    start_writeback(dst)
                    written, fill = written + fill, 0
        dst.write(view[:fill * record.itemsize])
        written += fill
    _check_total(written, n_tr, source_path)


def write_like(
    source_path: str | os.PathLike,
    out_path: str | os.PathLike,
    traces_iter_or_array: np.ndarray | Iterable[np.ndarray],
    *,
    format: int | None = None,
    header_updates: Mapping[int, np.ndarray] | None = None,
    int_scale: float = 1.0,
) -> Path:
    """Copy ``source_path`` with all its text, binary and trace headers but new samples.

    Samples come as an array (n_traces, n_samples) or as an iterable of traces / blocks of
    traces, consumed one block at a time so memory stays bounded. ``header_updates`` replaces
    trace-header fields (1-based byte → one value per trace), e.g. exported first-break times.
    ``format`` changes the sample format (integers: samples × ``int_scale``, rounded, clipped).
    """
    endian = detect_endian(source_path)
    updates = {int(k): np.asarray(v, dtype=np.int64) for k, v in (header_updates or {}).items()}
    with segyio.open(str(source_path), ignore_geometry=True, endian=endian) as src:
        fmt = int(format if format is not None else src.format)
        if fmt not in FORMAT_DTYPES:
            raise ValueError(
                f"cannot write sample format {fmt}; choose one of {sorted(FORMAT_DTYPES)}"
            )
        n_tr, ns = src.tracecount, len(src.samples)
        for byte, col in updates.items():
            if col.shape != (n_tr,):
                raise ValueError(f"header update for byte {byte} needs {n_tr} values")
        data_offset = 3600 + 3200 * int(src.ext_headers)
        if fmt == int(src.format) and _plain_layout(source_path, data_offset, n_tr, ns, fmt):
            with atomic_path(out_path) as tmp:
                _copy_with_samples(source_path, tmp, traces_iter_or_array, fmt, endian,
                                   (data_offset, n_tr, ns), updates, int_scale)
            return Path(out_path)
        spec = segyio.spec()
        spec.format, spec.samples, spec.tracecount, spec.endian = fmt, src.samples, n_tr, endian
        spec.ext_headers = src.ext_headers
        with atomic_path(out_path) as tmp, segyio.create(str(tmp), spec) as dst:
            for i in range(1 + src.ext_headers):
                dst.text[i] = src.text[i]
            dst.bin = src.bin
            dst.bin.update({segyio.BinField.Format: fmt})
            written = 0
            for block in _iter_blocks(traces_iter_or_array, ns):
                _check_count(written + len(block), n_tr, source_path)
                out = _to_format(block, fmt, int_scale)
                for j, tr in enumerate(out):
                    i = written + j
                    h = src.header[i]
                    if updates:
                        h = dict(h)
                        h.update({b: int(c[i]) for b, c in updates.items()})
                    dst.header[i] = h
                    dst.trace[i] = tr
                written += len(block)
            _check_total(written, n_tr, source_path)
    return Path(out_path)
