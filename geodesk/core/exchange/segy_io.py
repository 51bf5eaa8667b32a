"""First-break times stored in a trace-header field: write into a copy of a SEG-Y/SU file, read back.

The field is ``byte`` (1-based, default 237: unassigned in SEG-Y rev 1) encoded as ``int16``,
``int32`` or ``float`` (IEEE float32) in the file's byte order, in ``ms``, ``us`` or ``samples``
(relative to the first sample, i.e. after the delay). The value 0 means "unpicked", as in a blank
header; a pick whose encoded value would be 0 cannot be stored and is refused. Files are copied
and patched with segyio (header buffers read and flushed trace by trace), written atomically.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import numpy as np
import segyio

from geodesk.core.atomic import atomic_path
from geodesk.core.exchange.common import ImportError_
from geodesk.core.survey import SurveyError

ENCODINGS = {"int16": ("h", 2, np.int16), "int32": ("i", 4, np.int32), "float": ("f", 4, None)}
UNITS = ("ms", "us", "samples")
#: Header fields that reading the file or matching picks depends on: never overwritten.
PROTECTED = {9: (4, "FFID"), 13: (4, "channel"), 37: (4, "offset"), 71: (2, "coordinate scalar"),
             109: (2, "delay"), 115: (2, "samples per trace"), 117: (2, "sample interval")}


def check_field(byte: int, encoding: str, unit: str) -> int:
    """Validate a header-field choice; returns its width in bytes. ValueError says why not."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r} (int16, int32 or float)")
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r} (ms, us or samples)")
    width = ENCODINGS[encoding][1]
    if not 1 <= byte <= 241 - width:
        raise ValueError(f"byte {byte} is outside the 240-byte trace header for {encoding}")
    for start, (w, name) in PROTECTED.items():
        if byte < start + w and start < byte + width:
            raise ValueError(f"byte {byte} ({encoding}) would overwrite the {name} field "
                             f"at byte {start}")
    return width


def encode_times(times_ms: np.ndarray, encoding: str, unit: str, dt_ms: float,
                 delay_ms: float = 0.0) -> np.ndarray:
    """Header values (int64 or float32) for times in ms; 0 where unpicked (NaN).

    Raises ValueError naming the first trace whose pick is out of the encoding's range or
    would read back as "unpicked".
    """
    t = np.asarray(times_ms, dtype=np.float64)
    scale = {"ms": 1.0, "us": 1000.0, "samples": 1.0 / float(dt_ms)}[unit]
    v = (t - (delay_ms if unit == "samples" else 0.0)) * scale
    picked = np.isfinite(v)
    if encoding == "float":
        out = np.where(picked, v, 0.0).astype(np.float32)
        bad = picked & ((out == 0) | ~np.isfinite(out))
    else:
        info = np.iinfo(ENCODINGS[encoding][2])
        r = np.rint(np.where(picked, v, 0.0))
        bad = picked & ((r < info.min) | (r > info.max) | (r == 0))
        out = r.clip(info.min, info.max).astype(np.int64)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(f"trace {k}: pick {t[k]:g} ms cannot be stored as {encoding} {unit} "
                         f"({int(bad.sum())} such picks; 0 means unpicked)")
    return out


def decode_values(values: np.ndarray, encoding: str, unit: str, dt_ms: float,
                  delay_ms: float = 0.0) -> np.ndarray:
    """Times in ms (float32, NaN where the field is 0) from header values."""
    v = np.asarray(values, dtype=np.float64)
    scale = {"ms": 1.0, "us": 1e-3, "samples": float(dt_ms)}[unit]
    t = v * scale + (delay_ms if unit == "samples" else 0.0)
    return np.where(v == 0, np.nan, t).astype(np.float32)


def _segyio_swap_units() -> list[tuple[int, int]]:
    """(0-based start, size) of the header fields segyio byte-swaps for little-endian files.

    segyio keeps a header buffer in big-endian order by swapping each known field on read and
    write; bytes outside known fields (233-240) stay in file order.
    """
    from segyio.field import Field

    keys = sorted(int(k) for k in Field._tr_keys)
    sizes = np.diff([*keys, 233]).tolist()  # the last known field (231) is 2 bytes
    return [(k - 1, s) for k, s in zip(keys, sizes)]


def _to_file_order(buf: bytes, endian: str) -> bytearray:
    """segyio's header buffer in the file's byte order (an involution: also the inverse)."""
    out = bytearray(buf)
    if endian == "little":
        for start, size in _segyio_swap_units():
            out[start:start + size] = out[start:start + size][::-1]
    return out


def _open(path: Path, mode: str, endian: str, is_su: bool):
    if is_su:
        return segyio.su.open(str(path), mode, ignore_geometry=True, endian=endian)
    return segyio.open(str(path), mode, ignore_geometry=True, endian=endian)


def _layout(path: Path) -> tuple[str, bool, float, float]:
    """Endianness, SU flag, sample interval and delay (ms) of a file."""
    from geodesk.core.segy.probe import probe

    lay = probe(path)
    delay = 0.0
    with _open(path, "r", lay.endian, lay.is_su) as f:
        if f.tracecount:
            delay = float(f.header[0][segyio.TraceField.DelayRecordingTime])
    return lay.endian, lay.is_su, float(lay.dt_ms), delay


def write_firstbreaks_segy(source: str | os.PathLike, out: str | os.PathLike,
                           times_ms: np.ndarray, byte: int = 237, encoding: str = "int32",
                           unit: str = "ms") -> int:
    """Copy ``source`` to ``out`` (atomically) with ``times_ms`` (one per trace, NaN unpicked)
    written into the header field; returns the number of picked traces."""
    source, out = Path(source), Path(out)
    width = check_field(byte, encoding, unit)
    if source.resolve() == out.resolve():
        raise ValueError("the output must be a new file, not the input SEG-Y")
    endian, is_su, dt_ms, delay = _layout(source)
    times = np.asarray(times_ms, dtype=np.float64).ravel()
    code = ("<" if endian == "little" else ">") + ENCODINGS[encoding][0]
    with atomic_path(out) as tmp:
        shutil.copyfile(source, tmp)
        with _open(tmp, "r+", endian, is_su) as f:
            if times.size != f.tracecount:
                raise ValueError(f"{times.size} picks for {f.tracecount} traces in {source.name}")
            values = encode_times(times, encoding, unit, dt_ms, delay).tolist()
            for i, value in enumerate(values):
                h = f.header[i]
                raw = _to_file_order(h.buf, endian)
                raw[byte - 1:byte - 1 + width] = struct.pack(code, value)
                h.buf[:] = _to_file_order(raw, endian)
                h.flush()
    return int(np.isfinite(times).sum())


def read_firstbreaks_segy(path: str | os.PathLike, byte: int = 237, encoding: str = "int32",
                          unit: str = "ms") -> np.ndarray:
    """First-break times (ms, float32, NaN where the field is 0) of every trace of a file."""
    path = Path(path)
    try:
        width = check_field(byte, encoding, unit)
    except ValueError as exc:
        raise ImportError_(path, str(exc)) from None
    try:
        endian, is_su, dt_ms, delay = _layout(path)
    except (SurveyError, RuntimeError, OSError, ValueError) as exc:  # one line for the user
        raise ImportError_(path, str(exc).splitlines()[0] if str(exc) else "not a SEG-Y file"
                           ) from None
    code = ("<" if endian == "little" else ">") + ENCODINGS[encoding][0]
    sl = slice(byte - 1, byte - 1 + width)
    with _open(path, "r", endian, is_su) as f:
        values = [struct.unpack(code, bytes(_to_file_order(f.header[i].buf, endian)[sl]))[0]
                  for i in range(f.tracecount)]
    return decode_values(np.array(values, dtype=np.float64), encoding, unit, dt_ms, delay)
