"""Velocity picking on a semblance panel: a Qt-free state machine over (Vrms, time) events.

Left click adds a (time, Vrms) pick to the function of the current CDP (one step "Add velocity
pick"); pressing on a knot and dragging moves it (the whole drag is one step "Move velocity
pick"; the knot stays between its neighbours in time, so the function stays ordered); right
click on a knot, or Delete/Backspace on the selected knot, removes it. Escape aborts a drag.
Coordinates are data units: ``v`` in m/s, ``t`` in ms.
"""

from __future__ import annotations

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks import VelocityFunctions
from geodesk.core.tools.base import Modifiers, OverlayItem

#: smallest time gap (ms) kept between a dragged knot and its neighbours
MIN_GAP_MS = 1.0


class VelocityPickTool:
    """Edit the velocity function of one CDP; ``tolerance`` = (m/s, ms) hit radius."""

    def __init__(self, functions: VelocityFunctions, history: History, cdp: int,
                 tolerance: tuple[float, float] = (60.0, 20.0)) -> None:
        self.functions = functions
        self.history = history
        self.tolerance = tolerance
        self.selected: int | None = None
        self.warnings: list[str] = []
        self._drag: int | None = None
        self._moved = False
        self._start = (0.0, 0.0)
        self.set_cdp(cdp)

    def set_cdp(self, cdp: int) -> None:
        """Pick on another CDP (a drag in progress is aborted)."""
        self.cancel()
        self.cdp = int(cdp)
        self.selected = None

    # -- the function -------------------------------------------------------------------------
    def knots(self) -> tuple[np.ndarray, np.ndarray]:
        """Times (ms) and Vrms (m/s) of the current CDP's picks (empty arrays if none)."""
        f = self.functions.functions.get(self.cdp)
        if f is None:
            return np.zeros(0), np.zeros(0)
        return f.times_ms.copy(), f.vrms_mps.copy()

    def hit(self, v: float, t: float) -> int | None:
        """Index of the knot within the tolerance of (v, t), nearest first, or None."""
        times, vels = self.knots()
        if times.size == 0:
            return None
        d = np.hypot((vels - v) / self.tolerance[0], (times - t) / self.tolerance[1])
        k = int(np.argmin(d))
        return k if d[k] <= 1.0 else None

    # -- events -------------------------------------------------------------------------------
    def press(self, v: float, t: float, button: str = "left", modifiers: Modifiers = ()) -> None:
        k = self.hit(v, t)
        if button == "right":
            if k is not None:
                self._remove(k)
            return
        if button != "left":
            return
        if k is not None:
            self.selected, self._drag, self._moved = k, k, False
            self._start = (float(v), float(t))
            self.history.begin(f"Move velocity pick CDP {self.cdp}")
            return
        self.warnings = self.functions.add_pick(self.history, self.cdp, float(t), float(v),
                                                label=f"Add velocity pick CDP {self.cdp}")
        self.selected = int(np.argmin(np.abs(self.knots()[0] - t)))

    def move(self, v: float, t: float, modifiers: Modifiers = ()) -> None:
        if self._drag is None:
            return
        times, _ = self.knots()
        k = self._drag
        lo = times[k - 1] + MIN_GAP_MS if k > 0 else -np.inf
        hi = times[k + 1] - MIN_GAP_MS if k + 1 < times.size else np.inf
        t = float(np.clip(t, lo, hi))
        self.warnings = self.functions.move_pick(self.history, self.cdp, k, t, float(v))
        self._moved = True

    def release(self, v: float, t: float, button: str = "left",
                modifiers: Modifiers = ()) -> None:
        if self._drag is None:
            return
        if (float(v), float(t)) != self._start:
            self.move(v, t)
        self._drag = None
        if self._moved:
            self.history.commit()
        else:  # a click on a knot only selects it: no empty undo step
            self.history.abort()

    def double_click(self, v: float, t: float, button: str = "left",
                     modifiers: Modifiers = ()) -> None:
        """Double clicks are two clicks for this tool: nothing more to do."""

    def key(self, name: str) -> bool:
        """Delete/Backspace removes the selected knot; Escape aborts a drag. True if used."""
        if name == "Escape":
            if self._drag is not None:
                self.cancel()
                return True
            return False
        if name in ("Delete", "Backspace") and self.selected is not None \
                and self.selected < self.knots()[0].size:
            self._remove(self.selected)
            return True
        return False

    def cancel(self) -> None:
        """Abort a drag in progress, restoring the knot."""
        if self._drag is not None:
            self._drag = None
            self.history.abort()

    @property
    def dragging(self) -> bool:
        return self._drag is not None

    def _remove(self, k: int) -> None:
        self.functions.remove_pick(self.history, self.cdp, k,
                                   label=f"Delete velocity pick CDP {self.cdp}")
        self.selected = None
        self.warnings = self.functions.validate(self.cdp) if self.cdp in self.functions.functions \
            else []

    # -- drawing ------------------------------------------------------------------------------
    def overlay(self) -> list[OverlayItem]:
        """The function as a line and its knots as points, in (Vrms, time) coordinates."""
        times, vels = self.knots()
        xy = np.column_stack([vels, times]) if times.size else np.zeros((0, 2))
        items = [OverlayItem("line", xy, "velocity"), OverlayItem("points", xy, "node")]
        if self.selected is not None and self.selected < times.size:
            items.append(OverlayItem("points", xy[self.selected:self.selected + 1],
                                     "node_selected"))
        return items
