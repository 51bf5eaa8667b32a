"""Section and Axis: a 2D panel of samples with the axes that say what each index means.

Every view, processing step and picking tool receives a :class:`Section`, never a bare array, so
that line numbers, times, offsets and coordinates travel with the samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Section kinds. ``inline``/``crossline``/``time`` come from a 3D volume, ``line`` from a 2D line,
#: ``gather`` from a pre-stack file.
SECTION_KINDS = ("inline", "crossline", "time", "line", "gather")


@dataclass(frozen=True)
class Axis:
    """Coordinates along one array dimension: ``values[i]`` labels index ``i``."""

    values: np.ndarray
    label: str  # "inline", "crossline", "time", "depth", "trace", "channel", "cdp", "offset"
    unit: str = ""  # "ms", "m", "" (line numbers are unitless)

    def __len__(self) -> int:
        return len(self.values)

    def index_of(self, value: float) -> int:
        """Index of the sample nearest to ``value`` (clipped into range)."""
        v = np.asarray(self.values, dtype=float)
        if len(v) == 0:
            raise ValueError(f"empty {self.label} axis")
        return int(np.argmin(np.abs(v - value)))


@dataclass
class Section:
    """A 2D panel ``data[i, j]`` (float32) with ``axis0`` along ``i`` and ``axis1`` along ``j``.

    For trace sections (inline, crossline, line, gather) ``i`` runs over traces and ``j`` over
    time samples. For a time slice ``i`` runs over inlines and ``j`` over crosslines.
    ``live`` marks real traces (False where a 3D grid has no trace; those rows hold zeros).
    ``x``/``y`` are coordinates with the coordinate scalar applied, per trace (or per grid node
    for a time slice); ``trace_index`` holds the file trace index of each trace (-1 if missing).
    ``headers`` holds per-trace header values by name (``offset``, ``ffid``, ``channel``, ``cdp``…).
    """

    data: np.ndarray
    axis0: Axis
    axis1: Axis
    kind: str
    title: str = ""
    live: np.ndarray | None = None
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    trace_index: np.ndarray | None = None
    headers: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in SECTION_KINDS:
            raise ValueError(f"unknown section kind {self.kind!r}")
        if self.data.ndim != 2:
            raise ValueError(f"section data must be 2D, got shape {self.data.shape}")
        if self.data.shape != (len(self.axis0), len(self.axis1)):
            raise ValueError(
                f"data shape {self.data.shape} does not match axes "
                f"({len(self.axis0)}, {len(self.axis1)})"
            )
        if self.live is None:
            self.live = np.ones(self.data.shape[0] if self.kind != "time" else self.data.shape,
                                dtype=bool)

    @property
    def shape(self) -> tuple[int, int]:
        return self.data.shape  # type: ignore[return-value]

    @property
    def is_time_slice(self) -> bool:
        return self.kind == "time"
