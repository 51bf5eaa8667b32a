"""File layout of a SEG-Y or SU file read from its own bytes: endianness, format, ns, dt, traces.

The layout is worked out before segyio sees the file so that every odd or broken file gets a
precise one-line :class:`SurveyError` instead of segyio's generic messages, and so that the odd
binary headers segyio misreads (ASCII in numeric fields, negative dt, unknown ext-text count)
are handled, with a warning the user can read in ``info()``.
"""

from __future__ import annotations

import os
import stat
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from geodesk.core.segy.decode import FORMATS, sample_size
from geodesk.core.segy.textheader import decode_text
from geodesk.core.survey import SurveyError

TEXT_SIZE, BIN_SIZE, TRACE_HEADER = 3200, 400, 240
FILE_HEADER = TEXT_SIZE + BIN_SIZE
SU_SUFFIXES = (".su",)
DEFAULT_DT_MS = 4.0
#: trace headers compared with the binary header (first, second, third, spread, last)
SAMPLED_HEADERS = 8


@dataclass
class Layout:
    """Where the traces are and how to decode them."""

    path: Path
    size: int
    is_su: bool
    endian: str
    format_code: int
    n_samples: int
    dt_ms: float
    data_offset: int
    trace_bytes: int
    n_traces: int
    n_ext_text: int = 0
    revision: tuple[int, int] = (0, 0)
    text_raw: bytes = b""
    warnings: list[str] = field(default_factory=list)
    mtime_ns: int = 0
    inode: int = 0


def _u16(buf: bytes, byte: int, order: str) -> int:
    return struct.unpack(order + "H", buf[byte - 1:byte + 1])[0]


def _i16(buf: bytes, byte: int, order: str) -> int:
    return struct.unpack(order + "h", buf[byte - 1:byte + 1])[0]


def _u32(buf: bytes, byte: int, order: str) -> int:
    return struct.unpack(order + "I", buf[byte - 1:byte + 3])[0]


def _revision(b0: int, b1: int) -> tuple[int, int]:
    """(major, minor) from bytes 3501-3502: one byte each per rev 2, or a 16-bit 0x0100/0x0001
    as many writers store it (in either byte order)."""
    if b0 == 0 and b1 in (1, 2):
        return b1, 0
    return b0, b1


def _check_path(path: Path) -> int:
    """Size of a readable regular file; anything else (pipe, device, socket, folder) is refused
    from its ``stat`` alone, before an ``open`` that could block forever."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise SurveyError(f"no such file: {path}") from None
    except OSError as exc:
        raise SurveyError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise SurveyError(f"{path} is a directory, not a SEG-Y file")
    if not stat.S_ISREG(st.st_mode):
        what = ("a fifo (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else
                "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "not a regular file")
        raise SurveyError(f"{path} is {what}, not a SEG-Y file (only regular files can be read)")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise SurveyError(f"cannot read {path}: {exc.strerror or exc}") from None
    if st.st_size == 0:
        raise SurveyError(f"{path.name} is empty (0 bytes)")
    return st.st_size


def _whole_traces(path: Path, size: int, offset: int, trace_bytes: int, what: str) -> int:
    body = size - offset
    if body <= 0:
        raise SurveyError(f"{path.name}: no traces (the file ends after its {offset}-byte "
                          f"file header)")
    if body % trace_bytes:
        raise SurveyError(
            f"{path.name}: file size is not a whole number of traces ({body} bytes after the "
            f"{offset}-byte file header, {trace_bytes}-byte traces: {body / trace_bytes:.2f} "
            f"traces); the {what} is probably truncated")
    return body // trace_bytes


def _valid_dt(value: int) -> bool:
    return 0 < value < 32768  # unsigned 16-bit values above this are negative dt written as u16


def sample_rows(n_traces: int) -> list[int]:
    """Trace indices whose headers are compared with the binary header: the first traces and a
    few spread through the file (a constant number, so the cost does not grow with the file)."""
    if n_traces <= SAMPLED_HEADERS:
        return list(range(n_traces))
    n = n_traces
    return sorted({0, 1, 2, n // 4, n // 2, (3 * n) // 4, n - 2, n - 1})


def _headers_at(fh, offset: int, trace_bytes: int, rows: list[int]) -> list[bytes]:
    """The 240-byte headers of ``rows`` for traces of ``trace_bytes`` from ``offset`` on."""
    heads = []
    for row in rows:
        fh.seek(offset + row * trace_bytes)
        heads.append(fh.read(TRACE_HEADER))
    return heads


def _pick_dt(bin_dt: int, trace_dts: list[int], warnings: list[str], *,
             binary_trusted: bool = True, traces_say: bool = False) -> float:
    """Sample interval in ms. ``trace_dts``: intervals of the sampled trace headers whose ns
    fits the file (other headers are not believed). The binary header's is taken unless a strict
    majority of them says another interval; then that one is taken. Without a majority, or
    when the binary header is doubtful (``binary_trusted`` False: its ns did not fit the file or
    its revision field is garbage) and trace headers give other intervals (``traces_say``), 4 ms
    is assumed as segyio does."""
    valid = [d for d in trace_dts if _valid_dt(d)]
    given = sorted(set(valid))
    top, votes = Counter(valid).most_common(1)[0] if valid else (None, 0)
    agreed = top if votes * 2 > len(valid) else None  # a strict majority: one odd trace is noise
    shown = ", ".join(str(d) for d in given[:4]) + (", ..." if len(given) > 4 else "")
    if _valid_dt(bin_dt):
        if agreed == bin_dt or (agreed is None and bin_dt in given) or (
                not given and (binary_trusted or not traces_say)):
            return bin_dt / 1000.0
        if agreed is not None:
            warnings.append(f"binary header sample interval {bin_dt} µs disagrees with the "
                            f"trace headers ({votes} of {len(valid)} sampled say {agreed} µs); "
                            f"using the trace headers' {agreed} µs")
            return agreed / 1000.0
        why = (f"disagrees with the trace headers ({shown} µs), which disagree among themselves"
               if given else "comes from a doubtful binary header (ns or revision field) and "
               "matches no trace header")
        warnings.append(f"binary header sample interval {bin_dt} µs {why}; assuming "
                        f"{DEFAULT_DT_MS:g} ms as segyio does")
        return DEFAULT_DT_MS
    if agreed is not None:
        warnings.append(f"binary header sample interval {bin_dt} µs is invalid; using the trace "
                        f"headers' {agreed} µs")
        return agreed / 1000.0
    warnings.append(f"no valid sample interval (binary header {bin_dt}, trace headers "
                    f"{shown or 'none valid'}); assuming {DEFAULT_DT_MS:g} ms")
    return DEFAULT_DT_MS


def _believable_ns(heads: list[bytes], ns: int, order: str) -> set[int]:
    """ns values of trace headers whose other fields are believed: 0 (not filled), the file's,
    and the one most sampled headers share (consistent headers wrong about ns only); bytes
    from the middle of samples, read as a header where the layout is odd, give scattered ns."""
    values = [_u16(h, 115, order) for h in heads]
    top, votes = Counter(values).most_common(1)[0] if values else (0, 0)
    return {0, ns} | ({top} if votes * 2 > len(values) else set())


def _bin_ns(candidates: list[tuple[str, int]]) -> int:
    """The plain binary-header ns among the candidates (0 when absent)."""
    return next((ns for what, ns in candidates if what == "binary header ns"), 0)


def _pick_ns(fh, candidates: list[tuple[str, int]], offset: int, body: int, width: int,
             order: str, warnings: list[str]) -> int:
    """Samples per trace: among the candidates that divide the file into whole traces, the one
    the sampled trace headers agree with most (ties go to the earlier candidate; when none is
    confirmed by every sampled header, the ns those headers give are tried too). Headers that
    all share another ns are a stale field (a cropped file) and are not warned about; headers
    that scatter are, when they leave one candidate unconfirmed."""
    # what, ns, agreeing headers, sampled headers, whether several sampled headers share one ns
    fits: list[tuple[str, int, int, int, bool]] = []
    seen: list[int] = []  # ns fields of every header sampled, the candidates of a second round
    for rnd in range(2):
        for what, ns in (candidates if rnd == 0 else
                         [("trace header ns", v) for v in dict.fromkeys(seen)]):
            if not ns or any(ns == f[1] for f in fits) or body % (TRACE_HEADER + ns * width):
                continue
            trace_bytes = TRACE_HEADER + ns * width
            heads = _headers_at(fh, offset, trace_bytes, sample_rows(body // trace_bytes))
            said = [_u16(h, 115, order) for h in heads]
            seen += said
            fits.append((what, ns, said.count(ns), len(heads), len(set(said)) == 1 < len(said)))
        if fits and max(f[2] == f[3] for f in fits):
            break  # a candidate every sampled header confirms: no second round
    if not fits:
        if not any(ns for _, ns in candidates):
            return 0
        return candidates[0][1] or candidates[-1][1]
    best = max(fits, key=lambda f: f[2] / max(f[3], 1))  # max keeps the first of equal scores
    first_what, first_ns = next((w, n) for w, n in candidates if n)
    if best[2] == 0 and not best[4] and any(ns != best[1] for _, ns in candidates if ns):
        said = sorted({ns for _, ns in candidates if ns and ns != best[1]})
        warnings.append(f"no sampled trace header confirms the {best[0]} {best[1]} (the "
                        f"other ns, {', '.join(map(str, said))}, do not fit the file size); "
                        f"trace count and length may be wrong")
        return best[1]
    if best[3] < 2 and all(ns != best[1] for what, ns in candidates if what.startswith("binary")):
        warnings.append(f"ns {best[1]} rests on the first trace header alone (the binary header "
                        f"says {_bin_ns(candidates)}, and a {best[1]}-sample layout leaves one "
                        f"trace); trace count and length may be wrong")
    elif best[1] != first_ns and all(f[1] != first_ns for f in fits):
        warnings.append(f"{first_what} {first_ns} does not fit the file size; using the "
                        f"{best[0]} {best[1]}")
    elif best[1] != first_ns:
        warnings.append(f"{first_what} {first_ns} divides the file too, but the trace headers "
                        f"disagree ({best[2]} of {best[3]} sampled say {best[1]}); using "
                        f"{best[1]}")
    return best[1]


def _su_layout(path: Path, size: int, endian: str | None) -> Layout:
    with open(path, "rb") as fh:
        head = fh.read(TRACE_HEADER)
    if len(head) < TRACE_HEADER:
        raise SurveyError(f"{path.name}: too small for an SU file ({size} bytes < one 240-byte "
                          f"trace header)")
    candidates = [endian] if endian else ["big", "little"]
    reasons = []
    for end in candidates:
        order = ">" if end == "big" else "<"
        ns = _u16(head, 115, order)
        if ns == 0:
            reasons.append(f"{end}-endian: ns = 0")
            continue
        trace_bytes = TRACE_HEADER + 4 * ns
        if size % trace_bytes:
            reasons.append(f"{end}-endian ns {ns}: {size / trace_bytes:.2f} traces")
            continue
        warnings: list[str] = []
        dt = _pick_dt(_u16(head, 117, order), [], warnings)
        return Layout(path, size, True, end, 5, ns, dt, 0, trace_bytes, size // trace_bytes,
                      warnings=warnings)
    raise SurveyError(f"{path.name}: not a readable SU file: file size is not a whole number of "
                      f"traces ({'; '.join(reasons)}); the file is probably truncated")


def _ext_text_count(fh, path: Path, count: int, size: int) -> int:
    """Number of extended text headers; -1 means 'until the ((SEG: EndText)) stanza'."""
    if count >= 0:
        return count
    n = 0
    while FILE_HEADER + TEXT_SIZE * (n + 1) <= size and n < 1000:
        fh.seek(FILE_HEADER + TEXT_SIZE * n)
        block = fh.read(TEXT_SIZE)
        n += 1
        for enc in ("ebcdic", "ascii"):
            if "((SEG:ENDTEXT))" in "".join(decode_text(block, enc)[0].upper().split()):
                return n
    raise SurveyError(f"{path.name}: extended text header count is -1 but no ((SEG: EndText)) "
                      f"stanza was found")


def probe(path: str | os.PathLike, *, endian: str | None = None,
          su: bool | None = None) -> Layout:
    """Read the layout of a SEG-Y or SU file, or raise :class:`SurveyError` saying why not."""
    p = Path(path)
    size = _check_path(p)
    if su or (su is None and p.suffix.lower() in SU_SUFFIXES):
        lay = _su_layout(p, size, endian)
    else:
        lay = _segy_layout(p, size, endian, allow_su=su is None)
    st = p.stat()
    lay.mtime_ns, lay.inode = st.st_mtime_ns, st.st_ino
    return lay


def _segy_layout(p: Path, size: int, endian: str | None, allow_su: bool) -> Layout:
    if size < FILE_HEADER + TRACE_HEADER:
        if allow_su:
            try:
                return _su_layout(p, size, endian)
            except SurveyError:
                pass
        if size <= FILE_HEADER and size >= TEXT_SIZE:
            raise SurveyError(f"{p.name}: no traces (the file is only {size} bytes: a file "
                              f"header and nothing else)")
        raise SurveyError(f"{p.name}: not a SEG-Y file (only {size} bytes; a SEG-Y file has a "
                          f"3600-byte file header followed by traces)")
    with open(p, "rb") as fh:
        head = fh.read(FILE_HEADER + TRACE_HEADER)
        orders = [endian] if endian else ["big", "little"]
        end = next((e for e in orders if _i16(head, 3225, ">" if e == "big" else "<")
                    in FORMATS), None)
        if end is None:
            if allow_su:
                try:
                    return _su_layout(p, size, endian)
                except SurveyError:
                    pass
            code = _i16(head, 3225, ">")
            raise SurveyError(f"{p.name}: not a SEG-Y file (sample format code {code} at bytes "
                              f"3225-3226 is not a known format, and it is not an SU file either)")
        o = ">" if end == "big" else "<"
        code = _i16(head, 3225, o)
        warnings: list[str] = []
        if code == 4:
            warnings.append("format 4 (fixed point with gain) is obsolete; samples read as IEEE "
                            "float as the writers of such files do")
        rev = _revision(head[3500], head[3501])
        if rev[0] == 2 and _u16(head, 3507, o) > 0:
            raise SurveyError(f"{p.name}: SEG-Y rev 2.{rev[1]} file with trace-header extensions "
                              f"({_u16(head, 3507, o)} extra 240-byte headers per trace); segyio "
                              f"1.9.14 cannot read these")
        real_revision = rev[0] in (0, 1, 2) and rev[1] <= 9
        if not real_revision:
            warnings.append(f"revision field {rev[0]}.{rev[1]} is not a SEG-Y revision; ignored")
        n_ext = _ext_text_count(fh, p, _i16(head, 3505, o), size)
        offset = FILE_HEADER + TEXT_SIZE * n_ext
        fh.seek(offset)
        trace0 = fh.read(TRACE_HEADER)
    if len(trace0) < TRACE_HEADER:
        raise SurveyError(f"{p.name}: no traces (the file ends after its {offset}-byte file "
                          f"header)")
    width = sample_size(code)
    candidates = []
    bin_ns = _u16(head, 3221, o)
    ext_ns = _u32(head, 3269, o)
    if rev[0] >= 2 and 0 < ext_ns < 10_000_000:
        candidates.append(("binary header extended ns (bytes 3269-3272)", ext_ns))
    elif ext_ns and ext_ns != bin_ns:
        warnings.append(f"ignored the extended-samples field (bytes 3269-3272 = {ext_ns}) of a "
                        f"rev {rev[0]} file")
    candidates += [("binary header ns", bin_ns), ("trace header ns", _u16(trace0, 115, o))]
    body = size - offset
    with open(p, "rb") as fh:
        ns = _pick_ns(fh, candidates, offset, body, width, o, warnings)
        if not ns:
            raise SurveyError(f"{p.name}: number of samples is 0 in the binary header and the "
                              f"first trace header")
        trace_bytes = TRACE_HEADER + ns * width
        n = _whole_traces(p, size, offset, trace_bytes, "file")
        heads = _headers_at(fh, offset, trace_bytes, sample_rows(n))
    believed = [_u16(h, 117, o) for h in heads if _u16(h, 115, o) in _believable_ns(heads, ns, o)]
    dt = _pick_dt(_u16(head, 3217, o), believed, warnings,
                  binary_trusted=real_revision and ns == next((n for _, n in candidates if n), 0),
                  traces_say=any(_u16(h, 117, o) for h in heads))
    return Layout(p, size, False, end, code, ns, dt, offset, trace_bytes, n, n_ext, rev,
                  head[:TEXT_SIZE], warnings)
