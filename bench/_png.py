"""A minimal PNG writer (numpy + zlib) and section-with-overlay rendering for bench pictures."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np


def write_png(path: str | Path, rgb: np.ndarray) -> Path:
    """Write an (h, w, 3) uint8 image as an 8-bit RGB PNG."""
    img = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[r].tobytes() for r in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    out = Path(path)
    out.write_bytes(png)
    return out


def section_rgb(section: np.ndarray, overlay: np.ndarray | None = None,
                threshold: float = 0.5, color: tuple[int, int, int] = (255, 40, 0)) -> np.ndarray:
    """Grey section (traces, samples) drawn time-down, clipped at its 99th amplitude
    percentile, with ``overlay`` >= ``threshold`` painted in ``color`` (alpha by value)."""
    s = np.nan_to_num(np.asarray(section, dtype=np.float64)).T
    clip = float(np.percentile(np.abs(s), 99)) or 1.0
    g = (127.5 * (1 - np.clip(s / clip, -1, 1))).astype(np.uint8)
    rgb = np.repeat(g[..., None], 3, axis=2).astype(np.float64)
    if overlay is not None:
        o = np.nan_to_num(np.asarray(overlay, dtype=np.float64)).T
        a = np.where(o >= threshold, 0.5 + 0.5 * np.clip(o, 0, 1), 0.0)[..., None]
        rgb = rgb * (1 - a) + np.asarray(color, dtype=np.float64) * a
    return rgb.astype(np.uint8)


def upscale(rgb: np.ndarray, k: int) -> np.ndarray:
    """Nearest-neighbour enlargement by an integer factor."""
    return np.repeat(np.repeat(rgb, k, axis=0), k, axis=1)
