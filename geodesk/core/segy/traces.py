"""File-bound trace and header access: a read-only numpy memmap of the trace block plus segyio.

Samples of the formats segyio decodes exactly (int32, int16, IEEE, int8) are read through segyio's
mmap'd ``trace.raw``; IBM floats (segyio mis-decodes unnormalised mantissas), the 24-bit formats
and the rest are decoded with numpy from the mapped bytes (see :mod:`geodesk.core.segy.decode`).
Time slices are one strided pass over the mapping, which segyio offers only for files it opened
with a complete geometry. Trace headers come from segyio's ``attributes`` when segyio agrees with the
layout GeoDesk worked out, otherwise from the same memmap. Every read first checks that the file
was not truncated, replaced or deleted, so a changed file raises :class:`SurveyError` instead of
a SIGBUS from the mapping.
"""

from __future__ import annotations

import errno
import os
import warnings

import numpy as np
import segyio

from geodesk.core.memory import MemoryRefused, check_allocation
from geodesk.core.segy.decode import decode_samples, sample_size
from geodesk.core.segy.probe import TRACE_HEADER, Layout
from geodesk.core.survey import HeaderStat, SurveyError

#: Sample formats that segyio 1.9.14 decodes exactly (IBM is not: unnormalised mantissas).
SEGYIO_EXACT_FORMATS = frozenset({2, 3, 5, 8})

_FIELD_STARTS = sorted(int(v) for v in segyio.TraceField.enums())
#: trace-header field start byte -> (segyio name, width in bytes)
TRACE_FIELDS: dict[int, tuple[str, int]] = {
    b: (str(segyio.TraceField(b)), min(nxt - b, 4))
    for b, nxt in zip(_FIELD_STARTS, _FIELD_STARTS[1:] + [TRACE_HEADER + 1])
}


#: header fields that opening a survey may hold for every trace (geometry, alternative inline/
#: crossline bytes, delays, coordinates), 8 bytes each: the memory estimate made before reading
HEADER_FIELDS_AT_OPEN = 12


def require_memory(n_bytes: float, what: str, name: str) -> None:
    """Refuse (one-line :class:`SurveyError` naming the file and the size needed) work whose
    arrays would not fit in the memory available, before allocating them."""
    try:
        check_allocation(n_bytes, what)
    except MemoryRefused as exc:
        raise SurveyError(f"{name}: {exc}") from None


#: more data extents than this: a fragmented file, read as if it had no holes
MAX_EXTENTS = 10_000


def data_row_ranges(fd: int, offset: int, trace_bytes: int,
                    n_traces: int) -> list[tuple[int, int]] | None:
    """Trace ranges ``[r0, r1)`` that overlap data of a sparse file (SEEK_DATA/SEEK_HOLE);
    traces wholly inside holes read as zeros, so their headers need no reading. None when the
    file has no holes, too many extents, or the system cannot tell."""
    if not hasattr(os, "SEEK_DATA"):
        return None
    end, pos, ranges = offset + n_traces * trace_bytes, offset, []
    try:
        while pos < end and len(ranges) <= MAX_EXTENTS:
            try:
                start = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError as exc:
                if exc.errno == errno.ENXIO:  # only a hole after pos
                    break
                raise
            if start >= end:
                break
            stop = min(os.lseek(fd, start, os.SEEK_HOLE), end)
            r0 = max(0, (start - offset) // trace_bytes)
            r1 = min(n_traces, -(-(stop - offset) // trace_bytes))
            if ranges and r0 <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(r1, ranges[-1][1]))
            else:
                ranges.append((r0, r1))
            pos = stop
    except OSError:
        return None
    if len(ranges) > MAX_EXTENTS or ranges == [(0, n_traces)]:
        return None
    return ranges


def _as_slice(idx: np.ndarray) -> slice | None:
    """``idx`` as an equivalent slice when it is an arithmetic progression (a regular line)."""
    if idx.size == 0:
        return slice(0, 0)
    if idx.size == 1:
        return slice(int(idx[0]), int(idx[0]) + 1)
    step = int(idx[1] - idx[0])
    if step > 0 and np.all(np.diff(idx) == step):
        return slice(int(idx[0]), int(idx[-1]) + 1, step)
    return None


def check_field(byte: int, what: str = "header") -> int:
    """Validate a 1-based trace-header byte, raising a one-line :class:`SurveyError`.

    Standard field starts are read with their own width; any other byte up to 237 is read as a
    4-byte integer (non-standard layouts such as inline/crossline at 221/225).
    """
    if not 1 <= int(byte) <= TRACE_HEADER - 3:
        raise SurveyError(f"{what} byte {byte} is outside the 240-byte trace header "
                          f"(use 1..{TRACE_HEADER - 3})")
    return int(byte)


class TraceStore:
    """Guarded, lazy access to the samples and headers of one file."""

    def __init__(self, layout: Layout):
        self.layout = layout
        require_memory(layout.n_traces * 8.0 * HEADER_FIELDS_AT_OPEN,
                       f"reading the trace headers of its {layout.n_traces:,} traces",
                       layout.path.name)
        try:
            self._fh = open(layout.path, "rb")  # noqa: SIM115 - held open with the mapping
            self._mm = np.memmap(self._fh, dtype=np.uint8, mode="r", offset=layout.data_offset,
                                 shape=(layout.n_traces, layout.trace_bytes))
        except (OSError, ValueError) as exc:
            raise SurveyError(f"cannot map {layout.path.name}: {exc}") from None
        self._width = sample_size(layout.format_code)
        # float32 result + raw copy + decoding temporaries (IBM: float64 sign/mantissa/result)
        self._bytes_per_sample = 4.0 + self._width + (28.0 if layout.format_code == 1 else 4.0)
        self.segy = self._open_segyio()
        self._header_cache: dict[int, np.ndarray] = {}
        self._data_rows = data_row_ranges(self._fh.fileno(), layout.data_offset,
                                          layout.trace_bytes, layout.n_traces)

    def _open_segyio(self):
        lay = self.layout
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "unknown format, falling back to IBM": we decode
                if lay.is_su:
                    f = segyio.su.open(str(lay.path), ignore_geometry=True, endian=lay.endian)
                else:
                    f = segyio.open(str(lay.path), ignore_geometry=True, endian=lay.endian)
        except Exception:  # noqa: BLE001 - segyio disagrees with our layout (ext-text -1)
            return None
        if f.tracecount != lay.n_traces or len(f.samples) != lay.n_samples:
            f.close()
            return None
        f.mmap()
        return f

    # -- guards --------------------------------------------------------------------------------
    def check(self) -> None:
        """Raise :class:`SurveyError` if the file was truncated, replaced or deleted."""
        lay = self.layout
        if self._mm is None:
            raise SurveyError(f"{lay.path.name} is closed")
        try:
            st = os.stat(lay.path)
            size = os.fstat(self._fh.fileno()).st_size
        except OSError:
            raise SurveyError(f"{lay.path.name}: file changed on disk (deleted); reopen it") \
                from None
        if size != lay.size or st.st_ino != lay.inode or st.st_size != lay.size:
            raise SurveyError(f"{lay.path.name}: file changed on disk (size {lay.size} -> "
                              f"{st.st_size} bytes); reopen it")

    def close(self) -> None:
        if self.segy is not None:
            self.segy.close()
            self.segy = None
        if self._mm is not None:
            mm = self._mm._mmap  # release the mapping now rather than at garbage collection
            self._mm = None
            if mm is not None:
                try:
                    mm.close()
                except BufferError:  # a section still views it; the GC will release it
                    pass
            self._fh.close()

    # -- samples -------------------------------------------------------------------------------
    def read(self, indices: np.ndarray | slice) -> np.ndarray:
        """Samples of traces ``indices`` (array or slice) as float32 (k, ns).

        Formats segyio decodes correctly are read through segyio (its mmap'd ``trace.raw``);
        IBM (unnormalised mantissas), 24-bit and the other formats it misreads are decoded with
        numpy from the mapped bytes.
        """
        self.check()
        if not isinstance(indices, slice):
            idx = np.asarray(indices, dtype=np.int64).reshape(-1)
            if idx.size and (idx.min() < 0 or idx.max() >= self.layout.n_traces):
                raise IndexError(f"trace index out of range 0..{self.layout.n_traces - 1}")
            indices = _as_slice(idx) or idx
        count = (len(range(*indices.indices(self.layout.n_traces)))
                 if isinstance(indices, slice) else indices.size)
        ns = self.layout.n_samples
        require_memory(count * ns * self._bytes_per_sample, f"reading {count:,} traces × "
                       f"{ns:,} samples", self.layout.path.name)
        if self.segy is not None and self.layout.format_code in SEGYIO_EXACT_FORMATS:
            return self._read_segyio(indices)
        raw = self._mm[indices, TRACE_HEADER:]
        return decode_samples(raw, self.layout.format_code, self.layout.endian)

    def _read_segyio(self, indices: np.ndarray | slice) -> np.ndarray:
        raw = self.segy.trace.raw
        if isinstance(indices, slice):
            start, stop, step = indices.indices(self.layout.n_traces)
            if len(range(start, stop, step)) == 0:
                return np.zeros((0, self.layout.n_samples), dtype=np.float32)
            out = raw[start:stop:step]
            return np.asarray(out, dtype=np.float32).reshape(-1, self.layout.n_samples)
        out = np.empty((indices.size, self.layout.n_samples), dtype=np.float32)
        for row, i in enumerate(indices):  # irregular picks (grids with missing traces)
            out[row] = raw[int(i)]
        return out

    def read_sample(self, k: int) -> np.ndarray:
        """Sample ``k`` of every trace (float32, n_traces): one strided pass over the file."""
        self.check()
        start = TRACE_HEADER + k * self._width
        raw = self._mm[:, start:start + self._width]
        return decode_samples(raw, self.layout.format_code, self.layout.endian)[:, 0]

    # -- headers -------------------------------------------------------------------------------
    def share_headers(self, other: TraceStore) -> None:
        """Take the header fields ``other`` (a store of the same file) has read: a regrouped
        view then neither reads them again nor maps the whole file a second time for them."""
        if other.layout == self.layout:
            self._header_cache.update(other._header_cache)

    def header_values(self, byte: int) -> np.ndarray:
        """One header field of every trace as int64 (cached: geometry reads a few fields)."""
        byte = check_field(byte)
        if byte in self._header_cache:
            return self._header_cache[byte]
        self.check()
        if self._data_rows is None:
            vals = self._field_rows(byte, 0, self.layout.n_traces)
        else:  # a sparse file: headers in its holes are zero without reading a page
            vals = np.zeros(self.layout.n_traces, dtype=np.int64)
            for r0, r1 in self._data_rows:
                vals[r0:r1] = self._field_rows(byte, r0, r1)
        self._header_cache[byte] = vals
        return vals

    def _field_rows(self, byte: int, r0: int, r1: int) -> np.ndarray:
        if self.segy is not None and byte in TRACE_FIELDS:
            return np.asarray(self.segy.attributes(byte)[r0:r1], dtype=np.int64)
        return self._numpy_field(byte, slice(r0, r1))

    def header_sample(self, byte: int, n_rows: int = 4096) -> np.ndarray:
        """One header field at ``n_rows`` traces spread evenly through the file (all traces of
        a smaller file): a cheap look before a full read of a field that may be empty."""
        byte = check_field(byte)
        if byte in self._header_cache or self.layout.n_traces <= n_rows:
            return self.header_values(byte)
        self.check()
        rows = np.linspace(0, self.layout.n_traces - 1, n_rows).astype(np.int64)
        if self._data_rows is not None:  # rows in holes of a sparse file are zero: not read
            rows = rows[np.any([(rows >= r0) & (rows < r1) for r0, r1 in self._data_rows],
                               axis=0)] if self._data_rows else rows[:0]
        width = TRACE_FIELDS.get(byte, ("", 4))[1]
        order = ">" if self.layout.endian == "big" else "<"
        raw = np.ascontiguousarray(self._mm[rows, byte - 1:byte - 1 + width])
        vals = raw.view(f"{order}i{width}").reshape(-1).astype(np.int64)
        return np.concatenate([vals, np.zeros(n_rows - vals.size, dtype=np.int64)])

    def _numpy_field(self, byte: int, rows: slice) -> np.ndarray:
        width = TRACE_FIELDS.get(byte, ("", 4))[1]
        order = ">" if self.layout.endian == "big" else "<"
        raw = np.ascontiguousarray(self._mm[rows, byte - 1:byte - 1 + width])
        return raw.view(f"{order}i{width}").reshape(-1).astype(np.int64)

    def trace_header(self, index: int) -> dict[str, int]:
        """Every standard field of one trace header by segyio name."""
        if not 0 <= index < self.layout.n_traces:
            raise IndexError(f"trace index {index} out of range 0..{self.layout.n_traces - 1}")
        self.check()
        if self.segy is not None:
            return {str(k): int(v) for k, v in self.segy.header[index].items()}
        rows = slice(index, index + 1)
        return {name: int(self._numpy_field(b, rows)[0]) for b, (name, _) in
                TRACE_FIELDS.items()}

    def header_scan(self, n_traces: int = 1000) -> list[HeaderStat]:
        """min/max/distinct/first of every standard field over the first ``n_traces`` traces."""
        self.check()
        n = max(1, min(int(n_traces), self.layout.n_traces))
        out = []
        for byte, (name, _) in TRACE_FIELDS.items():
            if self.segy is not None:
                vals = np.asarray(self.segy.attributes(byte)[0:n], dtype=np.int64)
            else:
                vals = self._numpy_field(byte, slice(0, n))
            out.append(HeaderStat(byte, name, int(vals.min()), int(vals.max()),
                                  int(np.unique(vals).size), int(vals[0])))
        return out

    def binary_header(self) -> dict[str, int]:
        """Binary header fields by segyio name (empty for SU)."""
        if self.layout.is_su:
            return {}
        self.check()
        if self.segy is not None:
            return {str(k): int(v) for k, v in self.segy.bin.items()}
        with open(self.layout.path, "rb") as fh:
            fh.seek(3200)
            buf = fh.read(400)
        order = ">" if self.layout.endian == "big" else "<"
        starts = sorted(int(v) for v in segyio.BinField.enums())
        out = {}
        for b, nxt in zip(starts, starts[1:] + [3601]):
            width = 4 if nxt - b >= 4 and b < 3261 else 2
            off = b - 3201
            out[str(segyio.BinField(b))] = int(np.frombuffer(buf[off:off + width],
                                                             f"{order}i{width}")[0])
        return out
