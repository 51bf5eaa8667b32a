"""Live mode of Update model: when to retrain after the interpreter's corrections (Qt-free).

Debounced: a retrain starts once the labels have been quiet for ``delay_s`` seconds, never
while one runs (a change during a run waits for its end), and only when the labels differ from
those the last run started on (a digest of their keys), so the picks a run writes back, which
are model picks, not labels, start nothing. The window's timer asks :meth:`LiveUpdate.due`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

DELAY_S = 15.0


def labels_digest(labels: Iterable[Any]) -> str:
    """What identifies a set of labels in force (their keys, order-free)."""
    keys = sorted(lb.key for lb in labels if not lb.superseded)
    return hashlib.sha1("|".join(keys).encode()).hexdigest()


class LiveUpdate:
    """The debounce state: changes seen, the labels of the last run, on or off."""

    def __init__(self, delay_s: float = DELAY_S) -> None:
        self.delay_s = float(delay_s)
        self.enabled = False
        self.changed_at: float | None = None
        self.trained: str | None = None  # digest of the labels the last run started on

    def set_enabled(self, on: bool, now: float) -> None:
        """Turn live mode on (the labels as they are count as changed now) or off."""
        self.enabled = bool(on)
        self.changed_at = now if on else None

    def changed(self, now: float) -> None:
        """The picks or label marks changed at ``now`` (seconds, monotonic)."""
        if self.enabled:
            self.changed_at = now

    def due(self, now: float, running: bool) -> bool:
        """Whether to look at the labels now: on, nothing running, quiet for ``delay_s``."""
        return (self.enabled and not running and self.changed_at is not None
                and now - self.changed_at >= self.delay_s)

    def should_start(self, digest: str) -> bool:
        """After :meth:`due`: start when the labels (``digest``) are not those of the last
        run; either way the change is consumed."""
        self.changed_at = None
        if digest == self.trained:
            return False
        self.trained = digest
        return True

    def forget(self) -> None:
        """The last run did not produce a version (refused, failed, cancelled): the same labels
        may start a run again after the next change."""
        self.trained = None
