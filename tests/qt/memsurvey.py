"""In-memory surveys for view tests: sample values encode their position (segyio's trick).

Post3D amplitude = inline + crossline / 1000 + sample / 1e6 (sign alternating with sample), so a
transposed or shifted display fails loudly. They implement the Survey interface over numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from geodesk.core.section import Axis, Section
from geodesk.core.survey import HeaderBytes, HeaderStat, Post3D, Prestack


class _Base:
    header_bytes = HeaderBytes()
    format_code, endian, text_encoding, is_su = 5, "big", "ascii", False
    delay_ms = 0.0

    def text_header(self) -> str:
        return "C 1 IN-MEMORY TEST SURVEY".ljust(80) + "\n" + "C 2".ljust(80)

    def binary_header(self) -> dict[str, int]:
        return {"Samples": self.n_samples, "Interval": int(self.dt_ms * 1000), "Format": 5}

    def trace_header(self, index: int) -> dict[str, int]:
        return {name: int(self._headers[byte][index]) for byte, name in self._names.items()}

    def header_values(self, byte: int) -> np.ndarray:
        return self._headers.get(byte, np.zeros(self.n_traces, dtype=np.int64))

    def header_scan(self, n_traces: int = 1000) -> list[HeaderStat]:
        out = []
        for byte, name in self._names.items():
            v = self._headers[byte][:n_traces]
            out.append(HeaderStat(byte, name, int(v.min()), int(v.max()),
                                  len(np.unique(v)), int(v[0])))
        return out

    def trace(self, index: int) -> np.ndarray:
        return self._traces[index]

    def traces(self, indices) -> np.ndarray:
        return self._traces[indices]

    def info(self) -> dict:
        return {"kind": self.kind, "traces": self.n_traces}

    def close(self) -> None:
        self.closed = True


class MemPost3D(_Base, Post3D):
    """A small 3D volume on a grid rotated in X/Y, optionally with missing traces."""

    def __init__(self, inlines=range(100, 110), crosslines=range(200, 240, 2), n_samples=50,
                 dt_ms=4.0, dead=()):
        self.path = Path("mem3d.sgy")
        self.closed = False
        self.inlines = np.asarray(list(inlines))
        self.crosslines = np.asarray(list(crosslines))
        self.n_samples, self.dt_ms = n_samples, dt_ms
        il, xl = np.meshgrid(self.inlines, self.crosslines, indexing="ij")
        k = np.arange(n_samples)
        self.volume = (il[..., None] + xl[..., None] / 1000.0 + k / 1e6).astype(np.float32)
        self.volume *= np.where(k % 2, -1.0, 1.0).astype(np.float32)
        self.live_mask = np.ones(il.shape, dtype=bool)
        for i, j in dead:
            self.live_mask[i, j] = False
        self.volume[~self.live_mask] = 0.0
        self.trace_grid = np.where(self.live_mask, np.cumsum(self.live_mask).reshape(il.shape) - 1,
                                   -1)
        self.n_traces = int(self.live_mask.sum())
        self.sorting = "inline"
        self._traces = self.volume[self.live_mask]
        self._gx = 1000.0 + 25.0 * (il - il.min()) + 5.0 * (xl - xl.min())
        self._gy = 5000.0 - 5.0 * (il - il.min()) + 25.0 * (xl - xl.min())
        m = self.live_mask
        self._headers = {189: il[m].astype(np.int64), 193: xl[m].astype(np.int64),
                         181: self._gx[m].astype(np.int64), 185: self._gy[m].astype(np.int64)}
        self._names = {189: "INLINE_3D", 193: "CROSSLINE_3D", 181: "CDP_X", 185: "CDP_Y"}

    def _t_axis(self) -> Axis:
        return Axis(self.times_ms, "time", "ms")

    def inline(self, il: int) -> Section:
        i = int(np.flatnonzero(self.inlines == il)[0])
        return Section(self.volume[i].copy(), Axis(self.crosslines, "crossline"), self._t_axis(),
                       "inline", f"inline {il}", live=self.live_mask[i].copy(),
                       x=self._gx[i], y=self._gy[i], trace_index=self.trace_grid[i])

    def crossline(self, xl: int) -> Section:
        j = int(np.flatnonzero(self.crosslines == xl)[0])
        return Section(self.volume[:, j].copy(), Axis(self.inlines, "inline"), self._t_axis(),
                       "crossline", f"crossline {xl}", live=self.live_mask[:, j].copy(),
                       x=self._gx[:, j], y=self._gy[:, j], trace_index=self.trace_grid[:, j])

    def time_slice(self, t_ms: float) -> Section:
        k = int(np.argmin(np.abs(self.times_ms - t_ms)))
        return Section(self.volume[:, :, k].copy(), Axis(self.inlines, "inline"),
                       Axis(self.crosslines, "crossline"), "time", f"time {self.times_ms[k]:g} ms",
                       live=self.live_mask.copy(), x=self._gx, y=self._gy)

    def grid_xy(self):
        return self._gx, self._gy


class MemPrestack(_Base, Prestack):
    """Shots: amplitude = ffid + channel / 1000 (sign alternating with sample)."""

    def __init__(self, ffids=(11, 12, 13), channels=24, n_samples=80, dt_ms=2.0,
                 gather_key="ffid"):
        self.path = Path("memshots.sgy")
        self.closed = False
        ff = np.repeat(np.asarray(ffids), channels)
        ch = np.tile(np.arange(1, channels + 1), len(ffids))
        self.n_traces, self.n_samples, self.dt_ms = len(ff), n_samples, dt_ms
        k = np.arange(n_samples)
        self._traces = ((ff[:, None] + ch[:, None] / 1000.0) * np.where(k % 2, -1.0, 1.0)
                        ).astype(np.float32)
        sx = (ff - ff.min()) * 100
        gx = sx + ch * 10
        cdp = (sx + gx) // 10
        self._headers = {9: ff.astype(np.int64), 13: ch.astype(np.int64),
                         21: cdp.astype(np.int64), 37: (gx - sx).astype(np.int64),
                         73: sx.astype(np.int64), 81: gx.astype(np.int64)}
        self._names = {9: "FieldRecord", 13: "TraceNumber", 21: "CDP", 37: "offset",
                       73: "SourceX", 81: "GroupX"}
        self.gather_key = gather_key
        keys = self._headers[9 if gather_key == "ffid" else 21]
        self.gather_keys, self.gather_sizes = np.unique(keys, return_counts=True)
        self._ffids = ffids
        self._channels = channels

    def gather(self, key: int) -> Section:
        keys = self._headers[9 if self.gather_key == "ffid" else 21]
        idx = np.flatnonzero(keys == key)
        if self.gather_key == "cdp":
            idx = idx[np.argsort(self._headers[37][idx], kind="stable")]
        h = {"ffid": self._headers[9][idx], "channel": self._headers[13][idx],
             "cdp": self._headers[21][idx], "offset": self._headers[37][idx].astype(float)}
        axis = (Axis(h["channel"], "channel") if self.gather_key == "ffid"
                else Axis(h["offset"], "offset", "m"))
        return Section(self._traces[idx].copy(), axis, Axis(self.times_ms, "time", "ms"),
                       "gather", f"{self.gather_key} {key}", trace_index=idx, headers=h)

    def regroup(self, key: str) -> MemPrestack:
        return MemPrestack(self._ffids, self._channels, self.n_samples, self.dt_ms, key)
