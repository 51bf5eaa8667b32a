"""Why a 3D horizon track stopped where it did: how many traces it tracked, why the traces
bordering the horizon were turned down (correlation under the threshold, no event within the
maximum jump, too weak, outside the time window read) and which parameter to change.

:class:`Rejections` is filled by the tracker as it turns neighbours down; :meth:`report` reads
it against the tracked grid once the flood has stopped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Reasons in the order they win when one trace was turned down for several.
REASONS = ("threshold", "weak", "jump", "window")


@dataclass(frozen=True)
class StopReport:
    """Traces tracked of the live ones, and the untracked traces next to the horizon by the
    reason they were turned down (``best_rejected``: their highest correlation)."""

    tracked: int
    live: int
    threshold: int
    weak: int
    jump: int
    window: int
    best_rejected: float
    params: object  # the TrackParams used

    @property
    def complete(self) -> bool:
        return self.tracked >= self.live

    @property
    def reason(self) -> str | None:
        """The reason most bordering traces were turned down (None: nothing was turned down)."""
        counts = {r: getattr(self, r) for r in REASONS}
        best = max(REASONS, key=lambda r: counts[r])
        return best if counts[best] else None

    def suggestion(self) -> str | None:
        """The parameter to change to track further, in the Picking parameters' words."""
        p = self.params
        r = self.reason
        if self.complete or r is None:
            return None
        if r == "threshold":
            if self.best_rejected > 0.05:
                lower = math.floor(self.best_rejected * 20) / 20
                return (f"lower Threshold from {p.threshold:.2f} to about {lower:.2f}, or "
                        f"lengthen Window ({p.window_ms:g} ms)")
            return "the event does not correlate: check the event type (peak, trough…)"
        if r == "weak":
            return (f"the event fades: lower the minimum amplitude ratio "
                    f"({p.min_amplitude_ratio:g})")
        if r == "jump":
            return f"raise Max jump ({p.max_jump_ms:g} ms) or Search ({p.search_ms:g} ms)"
        return "the horizon reached the time window read around the seeds: add a seed further on"

    def message(self, name: str) -> str:
        """One status line: 'Tracked 1 of 414 traces of H1 in 3D; it stopped at 4 traces next
        to it: 4 correlate below the threshold 0.70 (best 0.55) — lower Threshold …'."""
        head = f"Tracked {self.tracked} of {self.live} traces of {name} in 3D"
        if self.complete:
            return head
        best = f" (best {self.best_rejected:.2f})" if np.isfinite(self.best_rejected) else ""
        words = {"threshold": f"correlate below the threshold {self.params.threshold:.2f}{best}",
                 "weak": "are too weak", "jump": f"have no {self.params.event} within the max jump",
                 "window": "lie outside the time window read"}
        parts = [f"{getattr(self, r)} {words[r]}" for r in REASONS if getattr(self, r)]
        if not parts:
            return f"{head}; no live neighbour was left to try"
        n = sum(getattr(self, r) for r in REASONS)
        text = f"{head}; it stopped at {n} traces next to it: {', '.join(parts)}"
        hint = self.suggestion()
        return f"{text} — {hint}" if hint else text


class Rejections:
    """Per node of the grid: turned down for which reasons, and the best correlation seen."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.flags = {r: np.zeros(shape, dtype=bool) for r in REASONS}
        self.best = np.full(shape, -np.inf, dtype=np.float32)

    def add(self, reason: str, il: np.ndarray, xl: np.ndarray,
            corr: np.ndarray | None = None) -> None:
        if len(il):
            self.flags[reason][il, xl] = True
            if corr is not None:
                np.maximum.at(self.best, (il, xl), np.asarray(corr, dtype=np.float32))

    def report(self, tracked_grid: np.ndarray, live: np.ndarray, params: object) -> StopReport:
        """Read against the finished grid (NaN = not tracked) and the live traces."""
        open_ = ~np.isfinite(tracked_grid) & live
        counts, taken = {}, np.zeros_like(open_)
        for r in REASONS:  # each untracked trace counted once, under its first reason
            here = self.flags[r] & open_ & ~taken
            counts[r] = int(here.sum())
            taken |= here
        near = self.flags["threshold"] & open_
        best = float(self.best[near].max()) if near.any() else float("nan")
        return StopReport(int(np.isfinite(tracked_grid).sum()), int(live.sum()),
                          best_rejected=best, params=params, **counts)
