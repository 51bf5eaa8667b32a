"""Sample decoding from raw SEG-Y bytes with numpy, for every format code GeoDesk reads.

segyio 1.9.14 mis-decodes IBM floats with an unnormalised mantissa and does not know the 24-bit
formats 7 and 15 (it falls back to IBM), so samples are decoded here from the raw trace bytes.
"""

from __future__ import annotations

import numpy as np

#: format code -> (name, bytes per sample, numpy kind of one sample or None for special decoding)
FORMATS: dict[int, tuple[str, int, str | None]] = {
    1: ("4-byte IBM float", 4, None),
    2: ("4-byte signed integer", 4, "i4"),
    3: ("2-byte signed integer", 2, "i2"),
    4: ("4-byte fixed point with gain (read as IEEE float)", 4, "f4"),
    5: ("4-byte IEEE float", 4, "f4"),
    6: ("8-byte IEEE float", 8, "f8"),
    7: ("3-byte signed integer", 3, None),
    8: ("1-byte signed integer", 1, "i1"),
    9: ("8-byte signed integer", 8, "i8"),
    10: ("4-byte unsigned integer", 4, "u4"),
    11: ("2-byte unsigned integer", 2, "u2"),
    12: ("8-byte unsigned integer", 8, "u8"),
    15: ("3-byte unsigned integer", 3, None),
    16: ("1-byte unsigned integer", 1, "u1"),
}


def format_name(code: int) -> str:
    """Human name of a SEG-Y sample format code."""
    return FORMATS.get(code, (f"unknown format {code}", 0, None))[0]


def sample_size(code: int) -> int:
    """Bytes per sample of a format code (0 if unknown)."""
    return FORMATS.get(code, ("", 0, None))[1]


def ibm_to_float32(words: np.ndarray) -> np.ndarray:
    """Decode IBM System/360 single floats given as native uint32 words, exactly.

    Works for unnormalised mantissas too (segyio 1.9.14 gets those wrong): the value is
    ``sign * mantissa / 2**24 * 16**(exponent - 64)`` computed in float64, then rounded once.
    """
    w = np.asarray(words, dtype=np.uint32)
    sign = np.where(w >> 31, -1.0, 1.0)
    exponent = ((w >> 24) & 0x7F).astype(np.int32) - 64
    mantissa = (w & 0x00FFFFFF).astype(np.float64)
    # 16**e * 2**-24 == 2**(4e - 24): ldexp is exact, and float64 covers IBM's whole range
    out = sign * np.ldexp(mantissa, 4 * exponent - 24)
    return out.astype(np.float32)


def decode_samples(raw: np.ndarray, code: int, endian: str) -> np.ndarray:
    """Decode raw sample bytes (shape (..., ns * size), uint8) into float32 (..., ns)."""
    _name, size, kind = FORMATS.get(code, ("", 0, None))
    if size == 0:
        raise ValueError(f"unsupported sample format {code}")
    raw = np.ascontiguousarray(raw, dtype=np.uint8)
    order = ">" if endian == "big" else "<"
    if code == 1:
        return ibm_to_float32(raw.view(order + "u4").astype(np.uint32))
    if code in (7, 15):
        b = raw.reshape(raw.shape[:-1] + (-1, 3)).astype(np.int32)
        hi, mid, lo = (b[..., 0], b[..., 1], b[..., 2]) if endian == "big" else (
            b[..., 2], b[..., 1], b[..., 0])
        v = (hi << 16) | (mid << 8) | lo
        if code == 7:
            v = np.where(v & 0x800000, v - 0x1000000, v)
        return v.astype(np.float32)
    return raw.view(order + kind).astype(np.float32)
