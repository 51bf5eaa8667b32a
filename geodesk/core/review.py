"""The review queue: gathers, sections or CDPs in the order an interpreter should check them.

Why: after a model pass the interpreter's time is best spent where the model is likeliest wrong,
but the most uncertain items often sit side by side (one bad stretch of the survey), and checking
five neighbours in a row teaches less than five places apart. So the order is greedy: the next
item is the one with the highest score after a diversity discount, ``score * min(1, d / spacing)``
with ``d`` the distance (in item positions) to the nearest of the last ``window`` items chosen or
reviewed. Reviewed items are skipped; new scores (after a model update) replace the old ones and
keep what was reviewed. Reviewed marks live with the queue, for the session: they are not
written into the project (label storage belongs to the labels feature). Qt-free, numpy only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np

#: items closer than this (in positions) to a recent choice have their score scaled down
SPACING = 3.0
#: how many recent choices the diversity discount looks back at
WINDOW = 3


class ReviewQueue:
    """Items (hashable keys, e.g. FFIDs, inline numbers, (inline, xline) CDPs) with a position
    and an expected-error score; :meth:`order` ranks the unreviewed ones (module docstring)."""

    def __init__(self, spacing: float = SPACING, window: int = WINDOW) -> None:
        self.spacing = float(spacing)
        self.window = int(window)
        self.scores: dict[Hashable, float] = {}
        self.positions: dict[Hashable, np.ndarray] = {}
        self.reviewed: set[Hashable] = set()
        self.recent: list[Hashable] = []  # reviewed, latest last (the diversity reference)
        self.revision = 0  # bumped by every change (views redraw on it)

    def update(self, scores: Mapping[Hashable, float],
               positions: Mapping[Hashable, float | Iterable[float]] | None = None) -> None:
        """Set the scores of ``scores``' items (others keep theirs); ``positions`` default to the
        item's order in ``scores`` the first time an item is seen. Reviewed marks stay."""
        for n, (key, value) in enumerate(scores.items()):
            v = float(value)
            self.scores[key] = v if np.isfinite(v) else 0.0
            if positions is not None and key in positions:
                self.positions[key] = np.atleast_1d(np.asarray(positions[key], dtype=float))
            elif key not in self.positions:
                self.positions[key] = np.array([float(n)])
        self.revision += 1

    def mark_reviewed(self, key: Hashable) -> None:
        """Mark ``key`` reviewed: it leaves the order and counts as a recent choice."""
        self.reviewed.add(key)
        if key in self.recent:
            self.recent.remove(key)
        self.recent.append(key)
        del self.recent[:-max(self.window, 1)]
        self.revision += 1

    def unmark(self, key: Hashable) -> None:
        """Put a reviewed item back into the queue."""
        self.reviewed.discard(key)
        if key in self.recent:
            self.recent.remove(key)
        self.revision += 1

    def is_reviewed(self, key: Hashable) -> bool:
        return key in self.reviewed

    def _discount(self, key: Hashable, chosen: list[Hashable]) -> float:
        if not chosen or self.spacing <= 0:
            return 1.0
        p = self.positions[key]
        d = min(float(np.linalg.norm(p - self.positions[c])) if p.shape == self.positions[c].shape
                else np.inf for c in chosen[-self.window:])
        return min(1.0, d / self.spacing)

    def order(self, limit: int | None = None) -> list[Hashable]:
        """Unreviewed items, most uncertain first, with the diversity discount; ``limit`` stops
        after that many."""
        left = [k for k in self.scores if k not in self.reviewed]
        chosen: list[Hashable] = [k for k in self.recent if k in self.positions]
        out: list[Hashable] = []
        n = len(left) if limit is None else min(int(limit), len(left))
        while len(out) < n:
            best = max(left, key=lambda k: (self.scores[k] * self._discount(k, chosen),
                                            self.scores[k]))
            left.remove(best)
            out.append(best)
            chosen.append(best)
        return out

    def next(self, current: Hashable | None = None) -> Hashable | None:
        """The item to review next (None when every item is reviewed); ``current`` (the item
        on screen) is not proposed."""
        for key in self.order(limit=2):
            if key != current:
                return key
        return None

    def advance(self, current: Hashable | None) -> Hashable | None:
        """Mark ``current`` reviewed (when it is an item) and return the next item."""
        if current is not None and current in self.scores:
            self.mark_reviewed(current)
        return self.next(current)

    def remaining(self) -> int:
        return sum(1 for k in self.scores if k not in self.reviewed)
