"""Display math shared by every view: symmetric percentile clip, colormap tables, wiggle rasteriser.

Qt-free numpy so the CLI, tests and benchmarks use exactly what the window shows. Colormap tables
are (256, 4) uint8 RGBA arrays; the wiggle / variable-area rasteriser turns a section into one
RGBA image (drawn as a single image item) instead of one vector path per trace, which is ~10x
cheaper to build and paint for a few hundred traces.
"""

from __future__ import annotations

import numpy as np

#: Colormap anchors (position in [0, 1], RGB), low amplitudes first.
_ANCHORS: dict[str, list[tuple[float, tuple[int, int, int]]]] = {
    # red for troughs, white at zero, blue for peaks (the classic interpretation table)
    "seismic": [(0.0, (128, 0, 0)), (0.25, (255, 0, 0)), (0.5, (255, 255, 255)),
                (0.75, (0, 0, 255)), (1.0, (0, 0, 128))],
    "gray": [(0.0, (0, 0, 0)), (1.0, (255, 255, 255))],
    # red-yellow troughs, white zero, grey-black peaks (like Petrel's default seismic table)
    "petrel": [(0.0, (161, 0, 0)), (0.2, (255, 60, 0)), (0.38, (255, 210, 60)),
               (0.5, (255, 255, 255)), (0.65, (170, 170, 170)), (0.82, (80, 80, 80)),
               (1.0, (0, 0, 0))],
    # blue-white-red (matplotlib "bwr" order: negative blue, positive red)
    "bwr": [(0.0, (0, 0, 255)), (0.5, (255, 255, 255)), (1.0, (255, 0, 0))],
    "viridis": [(0.0, (68, 1, 84)), (0.125, (71, 44, 122)), (0.25, (59, 81, 139)),
                (0.375, (44, 113, 142)), (0.5, (33, 144, 141)), (0.625, (39, 173, 129)),
                (0.75, (92, 200, 99)), (0.875, (170, 220, 50)), (1.0, (253, 231, 37))],
}

COLORMAPS: tuple[str, ...] = tuple(_ANCHORS)
DEFAULT_COLORMAP = "seismic"
DEFAULT_CLIP_PERCENTILE = 99.0


def colormap_lut(name: str, n: int = 256) -> np.ndarray:
    """RGBA lookup table (n, 4) uint8 for a named colormap, interpolated between its anchors."""
    try:
        anchors = _ANCHORS[name]
    except KeyError:
        raise ValueError(f"unknown colormap {name!r}; choose from {', '.join(COLORMAPS)}") from None
    pos = np.array([p for p, _ in anchors])
    rgb = np.array([c for _, c in anchors], dtype=float)
    x = np.linspace(0.0, 1.0, n)
    lut = np.empty((n, 4), dtype=np.uint8)
    for k in range(3):
        lut[:, k] = np.round(np.interp(x, pos, rgb[:, k])).astype(np.uint8)
    lut[:, 3] = 255
    return lut


def symmetric_clip(data: np.ndarray, percentile: float = DEFAULT_CLIP_PERCENTILE,
                   live: np.ndarray | None = None, max_samples: int = 65_536) -> float:
    """Clip level ``c`` such that ``percentile`` % of |amplitudes| lie within [-c, c].

    Dead traces (``live`` False) and non-finite samples are left out; big arrays are subsampled
    on a regular stride so the clip costs the same for any section size. Returns 1.0 for an
    all-zero or empty panel so that levels are never degenerate.
    """
    if not 0.0 < percentile <= 100.0:
        raise ValueError(f"clip percentile must be in (0, 100], got {percentile}")
    a = np.asarray(data)
    if live is not None:
        live = np.asarray(live, dtype=bool)
        if live.shape == a.shape[: live.ndim] and not live.all():
            a = a[live]
    a = a.reshape(-1)
    if a.size > max_samples:  # a strided view: no copy of the whole section
        a = a[:: int(np.ceil(a.size / max_samples))]
    a = np.abs(a)
    if not np.isfinite(a).all():
        a = a[np.isfinite(a)]
    if a.size == 0:
        return 1.0
    c = _percentile_linear(a, percentile)
    if c <= 0.0:
        c = float(a.max())
    return c if c > 0.0 else 1.0


def _percentile_linear(a: np.ndarray, percentile: float) -> float:
    """``np.percentile(a, percentile)`` (linear method) from one partition: ~10x cheaper."""
    pos = percentile / 100.0 * (a.size - 1)
    lo = int(np.floor(pos))
    part = np.partition(a, lo)
    v_lo = float(part[lo])
    frac = pos - lo
    if frac <= 0.0 or lo + 1 >= a.size:
        return v_lo
    return v_lo + frac * (float(part[lo + 1:].min()) - v_lo)


def apply_colormap(data: np.ndarray, clip: float, lut: np.ndarray) -> np.ndarray:
    """Map amplitudes in [-clip, clip] through ``lut`` to RGBA uint8 (NaN becomes transparent)."""
    n = len(lut)
    scaled = (np.asarray(data, dtype=np.float32) / np.float32(2.0 * clip) + np.float32(0.5)) * n
    nan = ~np.isfinite(scaled)
    idx = np.clip(np.nan_to_num(scaled, nan=0.0), 0, n - 1).astype(np.intp)
    out = lut[idx]
    out[nan] = 0
    return out


def auto_px_per_trace(n_traces: int, target_width: int = 1600) -> int:
    """Pixels per trace for a wiggle image about ``target_width`` wide (between 2 and 16)."""
    return int(np.clip(target_width // max(n_traces, 1), 2, 16))


def _coverage(lo: np.ndarray, hi: np.ndarray, valid: np.ndarray, width: int,
              group: int) -> np.ndarray:
    """Boolean (rows, width) image: True where some interval [lo[i, r], hi[i, r]] covers it.

    ``lo``/``hi``/``valid`` are (traces, rows). Intervals are accumulated as +1/-1 steps and
    integrated with one cumulative sum. Traces ``group`` apart never touch the same pixel, so
    each residue class is added with plain fancy indexing (no duplicate indices, no ufunc.at).
    """
    n_rows = lo.shape[1]
    stride = width + 1
    diff = np.zeros(n_rows * stride, dtype=np.int32)
    row_base = np.arange(n_rows, dtype=np.int64) * stride
    for g in range(group):
        v = valid[g::group]
        start = np.clip(lo[g::group], 0, width)
        stop = np.clip(hi[g::group] + 1, 0, width)
        keep = v & (stop > start)
        base = np.broadcast_to(row_base, v.shape)[keep]
        diff[base + start[keep]] += 1
        diff[base + stop[keep]] -= 1
    return np.cumsum(diff.reshape(n_rows, stride), axis=1, dtype=np.int32)[:, :width] > 0


def rasterise_wiggle(
    data: np.ndarray,
    clip: float,
    *,
    px_per_trace: int | None = None,
    rows_per_sample: int = 1,
    gain: float = 1.0,
    max_excursion: float = 2.0,
    line: bool = True,
    fill: str = "positive",
    live: np.ndarray | None = None,
    line_rgba: tuple[int, int, int, int] = (0, 0, 0, 255),
    fill_rgba: tuple[int, int, int, int] = (0, 0, 0, 255),
    packed: bool = False,
) -> np.ndarray:
    """Wiggle and/or variable-area image of ``data`` (traces, samples) as RGBA (rows, cols, 4).

    Trace ``i`` is centred on column ``i * px_per_trace + px_per_trace // 2``; an amplitude equal to
    ``clip`` swings ``gain`` trace spacings (limited to ``max_excursion``). Row ``r`` is sample
    ``r / rows_per_sample``. ``fill`` is "positive", "negative" or "none"; dead traces (``live``
    False) are left blank. Uncovered pixels are fully transparent, so the image overlays density.
    ``packed`` returns (rows, cols) uint32 premultiplied 0xAARRGGBB words instead (what Qt
    draws without converting).
    """
    if fill not in ("positive", "negative", "none"):
        raise ValueError(f"fill must be 'positive', 'negative' or 'none', got {fill!r}")
    data = np.asarray(data, dtype=np.float32)
    if data.ndim != 2:
        raise ValueError(f"wiggle data must be 2D (traces, samples), got {data.shape}")
    n_tr, n_s = data.shape
    ppt = int(px_per_trace or auto_px_per_trace(n_tr))
    rps = max(int(rows_per_sample), 1)
    width, n_rows = n_tr * ppt, n_s * rps
    if n_tr == 0 or n_s == 0:
        return np.zeros((n_rows, width, 4), dtype=np.uint8)
    if rps > 1:  # linear interpolation between samples for short traces
        pos = np.arange(n_rows, dtype=np.float32) / rps
        i0 = np.minimum(pos.astype(np.intp), n_s - 1)
        i1 = np.minimum(i0 + 1, n_s - 1)
        f = pos - i0
        data = data[:, i0] * (1 - f) + data[:, i1] * f
    data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    scale = np.float32(gain * ppt / (clip if clip > 0 else 1.0))
    lim = np.float32(max_excursion * ppt)
    offs = np.clip(data * scale, -lim, lim)  # (n_tr, n_rows) pixel offsets
    centre = (np.arange(n_tr, dtype=np.int64) * ppt + ppt // 2)[:, None]
    xs = np.rint(offs).astype(np.int64) + centre
    live_tr = np.ones(n_tr, dtype=bool) if live is None else np.asarray(live, dtype=bool)
    group = int(np.floor(2 * max_excursion)) + 2
    # label bit 0 = fill, bit 1 = line; a 4-entry RGBA palette turns labels into pixels
    label = np.zeros((n_rows, width), dtype=np.uint8)
    if fill != "none":
        valid = (xs > centre) if fill == "positive" else (xs < centre)
        valid &= live_tr[:, None]
        label |= _coverage(np.minimum(xs, centre), np.maximum(xs, centre), valid, width,
                           group).view(np.uint8)
    if line:
        nxt = np.concatenate([xs[:, 1:], xs[:, -1:]], axis=1)
        valid = np.broadcast_to(live_tr[:, None], xs.shape)
        label |= _coverage(np.minimum(xs, nxt), np.maximum(xs, nxt), valid, width,
                           group).view(np.uint8) << 1
    colours = np.array([(0, 0, 0, 0), fill_rgba, line_rgba, line_rgba], dtype=np.uint8)
    if packed:
        return np.take(premultiplied_argb(colours), label)
    palette = colours.view(np.uint32)
    return np.take(palette.ravel(), label).view(np.uint8).reshape(n_rows, width, 4)


def premultiplied_argb(rgba: np.ndarray) -> np.ndarray:
    """(…, 4) uint8 RGBA (or (…, 3) RGB, opaque) as premultiplied 0xAARRGGBB uint32 words."""
    c = np.asarray(rgba, dtype=np.uint32)
    a = c[..., 3] if c.shape[-1] == 4 else np.full(c.shape[:-1], 255, dtype=np.uint32)
    r, g, b = (c[..., k] * a // 255 for k in range(3))
    return (a << 24) | (r << 16) | (g << 8) | b
