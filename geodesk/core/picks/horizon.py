"""Horizon: one time per trace of a 3D grid (inline x crossline) or a 2D line (1 x traces)."""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.history import FunctionCommand, History, apply_command
from geodesk.core.picks.arrays import TracePicks
from geodesk.core.picks.base import CORRECTED, MANUAL, TRACKED, Change


class Horizon(TracePicks):
    """Horizon picks ``times[i, j]`` at ``inlines[i]``, ``crosslines[j]`` with seeds.

    A 2D line is a grid of one row: ``inlines == [line_number]`` and ``crosslines`` holds the
    trace (CDP) numbers (see :meth:`for_line`). Seeds are ``(inline, crossline, time_ms)``.
    """

    kind = "horizon"

    def __init__(self, name: str, inlines: Any, crosslines: Any, colour: str = "#ffcc00",
                 geometry: str | None = None) -> None:
        self.inlines = np.asarray(inlines, dtype=np.int64).ravel().copy()
        self.crosslines = np.asarray(crosslines, dtype=np.int64).ravel().copy()
        for label, keys in (("inline", self.inlines), ("crossline", self.crosslines)):
            if keys.size == 0 or np.any(np.diff(keys) <= 0):
                raise ValueError(f"horizon {label} numbers must be non-empty and increasing")
        super().__init__(name, (self.inlines.size, self.crosslines.size))
        self.colour = str(colour)
        self.geometry = geometry or ("3d" if self.inlines.size > 1 else "2d")
        if self.geometry not in ("3d", "2d"):
            raise ValueError(f"unknown horizon geometry {self.geometry!r}")
        self.seeds: list[tuple[float, float, float]] = []

    @classmethod
    def for_line(cls, name: str, trace_numbers: Any, line: int = 0,
                 colour: str = "#ffcc00") -> Horizon:
        """A horizon on a 2D line keyed by its trace (CDP) numbers."""
        return cls(name, [line], trace_numbers, colour, geometry="2d")

    @classmethod
    def like_survey(cls, name: str, survey: Any, colour: str = "#ffcc00") -> Horizon:
        """An empty horizon over a :class:`Post3D` grid or a :class:`Post2D` line."""
        if getattr(survey, "kind", "") == "post2d":
            return cls.for_line(name, survey.trace_numbers, colour=colour)
        return cls(name, survey.inlines, survey.crosslines, colour, geometry="3d")

    # -- keys --------------------------------------------------------------------------------
    def _nearest_nodes(self, inlines: Any, crosslines: Any
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(il, xl, row, column, on-grid) of inline/crossline numbers, broadcast together."""
        il = np.atleast_1d(np.asarray(inlines, dtype=np.int64))
        xl = np.atleast_1d(np.asarray(crosslines, dtype=np.int64))
        il, xl = np.broadcast_arrays(il, xl)
        i = np.searchsorted(self.inlines, il).clip(0, self.inlines.size - 1)
        j = np.searchsorted(self.crosslines, xl).clip(0, self.crosslines.size - 1)
        return il, xl, i, j, (self.inlines[i] == il) & (self.crosslines[j] == xl)

    def flat_index_or_missing(self, inlines: Any, crosslines: Any) -> np.ndarray:
        """Flat pick index of each inline/crossline number (their broadcast shape), -1 where a
        number is off the grid: what section views and tools map their traces with."""
        _, _, i, j, on = self._nearest_nodes(inlines, crosslines)
        return np.where(on, i * self.shape[1] + j, -1).astype(np.int64)

    def grid_index(self, inlines: Any, crosslines: Any) -> tuple[np.ndarray, np.ndarray]:
        """Row/column indices of inline/crossline numbers; KeyError for numbers off the grid."""
        il, xl, i, j, on = self._nearest_nodes(inlines, crosslines)
        bad = ~on
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise KeyError(f"inline {il[k]} / crossline {xl[k]} is not on horizon {self.name!r}")
        return i, j

    def flat_index_of(self, inlines: Any, crosslines: Any) -> np.ndarray:
        """Flat pick indices of inline/crossline numbers (for :meth:`set_times`)."""
        i, j = self.grid_index(inlines, crosslines)
        return np.ravel_multi_index((i, j), self.shape).astype(np.int64).ravel()

    def times_at(self, inlines: Any, crosslines: Any) -> np.ndarray:
        """Picked times (NaN unpicked) at inline/crossline numbers."""
        return self.times.reshape(-1)[self.flat_index_of(inlines, crosslines)]

    def write_tracked(self, history: History | None, index: Any, times: Any,
                      confidence: Any = None, provenance: str = TRACKED,
                      overwrite: bool = False, label: str | None = None) -> int:
        """Write tracker/model output (e.g. a whole ``track_3d`` grid with ``index`` = a full
        bool mask) as one command: NaN never erases, picks at seeds always stay, manual and
        corrected picks stay unless ``overwrite``. Returns the number of picks written."""
        idx = self.flat(index)
        t = np.broadcast_to(np.asarray(times, dtype=float).ravel(), idx.shape)
        c = np.broadcast_to(np.asarray(np.nan if confidence is None else confidence,
                                       dtype=float).ravel(), idx.shape)
        sel = np.isfinite(t)
        if self.seeds:
            s = self.seed_array()
            on = np.isin(s[:, 0], self.inlines) & np.isin(s[:, 1], self.crosslines)
            if on.any():
                sel &= ~np.isin(idx, self.flat_index_of(s[on, 0], s[on, 1]))
        if not overwrite:
            keep = [self.provenance_table.code(MANUAL), self.provenance_table.code(CORRECTED)]
            sel &= ~np.isin(self.provenance.reshape(-1)[idx], keep)
        if not sel.any():
            return 0
        cmd = self.set_times(history, idx[sel], t[sel], provenance=provenance,
                             confidence=c[sel], label=label or f"Track horizon {self.name}")
        return 0 if cmd is None else int(cmd.index.size)

    # -- seeds -------------------------------------------------------------------------------
    def add_seed(self, history: History | None, inline: float, crossline: float, time_ms: float,
                 label: str | None = None) -> FunctionCommand:
        """Append a seed ``(inline, crossline, time_ms)`` as one command."""
        seed = (float(inline), float(crossline), float(time_ms))
        if not all(np.isfinite(seed)):
            raise ValueError(f"seed must be finite, got {seed}")
        return self.set_seeds(history, [*self.seeds, seed], label or f"Add seed {self.name}")

    def remove_seed(self, history: History | None, k: int,
                    label: str | None = None) -> FunctionCommand:
        """Remove seed number ``k`` as one command."""
        seeds = list(self.seeds)
        del seeds[k]
        return self.set_seeds(history, seeds, label or f"Remove seed {self.name}")

    def set_seeds(self, history: History | None, seeds: list[tuple[float, float, float]],
                  label: str | None = None) -> FunctionCommand:
        """Replace the seed list as one command."""
        before = list(self.seeds)
        after = [(float(a), float(b), float(c)) for a, b, c in seeds]

        def put(v: list[tuple[float, float, float]]) -> None:
            self.seeds = list(v)
            self.changed.emit(Change(self, "seeds"))

        cmd = FunctionCommand(label or f"Set seeds {self.name}", lambda: put(after),
                              lambda: put(before), size=48 * (len(before) + len(after)) + 64)
        apply_command(history, cmd)
        return cmd

    def seed_array(self) -> np.ndarray:
        """Seeds as an (n, 3) float64 array of inline, crossline, time_ms."""
        return np.asarray(self.seeds, dtype=np.float64).reshape(-1, 3)

    # -- attributes --------------------------------------------------------------------------
    def set_colour(self, history: History | None, colour: str) -> FunctionCommand:
        """Change the display colour as one command."""
        before, after = self.colour, str(colour)

        def put(v: str) -> None:
            self.colour = v
            self.changed.emit(Change(self, "colour"))

        cmd = FunctionCommand(f"Colour {self.name}", lambda: put(after), lambda: put(before))
        apply_command(history, cmd)
        return cmd

    # -- state -------------------------------------------------------------------------------
    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able metadata and numpy arrays that :meth:`from_state` restores exactly."""
        meta, arrays = self._base_state()
        meta.update(colour=self.colour, geometry=self.geometry)
        arrays.update(inlines=self.inlines.copy(), crosslines=self.crosslines.copy(),
                      seeds=self.seed_array())
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Horizon:
        """Rebuild a horizon from :meth:`to_state` output."""
        h = cls(meta["name"], arrays["inlines"], arrays["crosslines"], meta.get("colour", ""),
                geometry=meta.get("geometry"))
        h._load_base(meta, arrays)
        h.seeds = [tuple(float(v) for v in s) for s in np.asarray(arrays["seeds"]).reshape(-1, 3)]
        return h
