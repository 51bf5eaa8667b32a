"""Picking parameters (Qt-free): tracker settings, first-break snap and auto-pick, reduction velocity.

:class:`PickParams` is the plain dataclass the picking controller and the auto-pick jobs read;
the window edits it through :class:`geodesk.qt.picking.params.ParamsWidget`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geodesk.core.processing.tracking import TrackParams

FB_SNAPS = ("none", "onset", "peak", "trough")


@dataclass(frozen=True)
class PickParams:
    """Everything the picking tools and actions are configured with."""

    track: TrackParams = field(default_factory=TrackParams)
    auto_track_seed: bool = True  # a seed click also tracks on the section
    fb_snap: str = "none"
    fb_snap_window_ms: float = 20.0
    fb_method: str = "stalta"
    fb_sta_ms: float = 10.0
    fb_lta_ms: float = 100.0
    fb_window_ms: float = 20.0
    fb_trigger: float = 6.0  # STA/LTA level that finds weak first arrivals (0: off)
    fb_max_residual_ms: float = 8.0  # re-pick picks off the offset trend (0: off)
    reduce: bool = False
    velocity: float = 2000.0
