"""Qt-free job API: long work receives a :class:`JobContext` to report progress and honour cancel.

A job is any callable ``job(ctx: JobContext) -> result``. The core never knows who runs it: the
inline runner below (tests, CLI) calls it directly; ``geodesk.qt.jobs.runner`` runs it in a QThread and
re-emits the callbacks as queued Qt signals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class Cancelled(Exception):
    """Raised inside a job by :meth:`JobContext.check_cancel` once cancel was requested."""


ProgressFn = Callable[[float, str], None]
PublishFn = Callable[[Any], None]


@dataclass
class JobContext:
    """What a running job may touch: progress, cancel check, partial results."""

    on_progress: ProgressFn | None = None
    on_publish: PublishFn | None = None
    min_interval_s: float = 0.05  # progress callbacks are rate-limited to keep the GUI calm
    _cancel: threading.Event = field(default_factory=threading.Event)
    _last_report: float = 0.0
    fraction: float = 0.0
    text: str = ""

    def progress(self, fraction: float, text: str = "") -> None:
        """Report progress in [0, 1]; cheap to call often (rate-limited), also checks cancel."""
        self.check_cancel()
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        self.text = text or self.text
        now = time.monotonic()
        if self.on_progress and (now - self._last_report >= self.min_interval_s
                                 or self.fraction >= 1.0):
            self._last_report = now
            self.on_progress(self.fraction, self.text)

    def publish(self, partial: Any) -> None:
        """Hand a partial result to the runner (e.g. the visible section computed first)."""
        if self.on_publish:
            self.on_publish(partial)

    def cancel(self) -> None:
        """Request cancellation; the job stops at its next :meth:`check_cancel`."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancel(self) -> None:
        """Raise :class:`Cancelled` if cancel was requested."""
        if self._cancel.is_set():
            raise Cancelled()


class PartContext(JobContext):
    """Part ``k`` of ``n`` of a parent job (a shot of a survey, a block, a Monte-Carlo pass):
    its progress is mapped into the parent's [0, 1] with ``label`` as the text (the part's own
    text when ``label`` is empty); cancelling the parent cancels the part."""

    def __init__(self, parent: JobContext | None, k: int, n: int, label: str = "") -> None:
        super().__init__()
        self.parent, self.k, self.n, self.label = parent, int(k), max(int(n), 1), label

    def progress(self, fraction: float, text: str = "") -> None:
        self.check_cancel()
        if self.parent is not None:
            f = min(max(float(fraction), 0.0), 1.0)
            self.parent.progress((self.k + f) / self.n, self.label or text)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set() or (self.parent is not None and self.parent.cancelled)

    def check_cancel(self) -> None:
        if self.parent is not None:
            self.parent.check_cancel()
        super().check_cancel()


Job = Callable[[JobContext], Any]


def run_inline(job: Job, ctx: JobContext | None = None) -> Any:
    """Run a job synchronously in this thread (tests and the CLI)."""
    return job(ctx or JobContext())
