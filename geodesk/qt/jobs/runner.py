"""Run Qt-free jobs in QThreads owned by a :class:`JobRunner`; results come back as queued signals.

A job is ``job(ctx: JobContext) -> result`` (see :mod:`geodesk.core.jobs`). The runner keeps every
thread parented and in a live set until it has finished, cancels and waits for all of them on
:meth:`JobRunner.shutdown`, and turns every outcome into exactly one of ``finished(result)``,
``failed(exception)`` or ``cancelled()`` on the job's :class:`JobHandle` (GUI thread). At most
``max_running`` jobs run at once; later ones wait in a queue (first in, first out), so a burst
of model jobs does not oversubscribe the cores the window needs.

Once its outcome is delivered a handle lets go of everything the job touched: the result, the
thread, the context's callbacks and every slot connected to it (slots that captured sections or
the handle itself would otherwise keep each other alive through Qt), and it leaves the runner's
children, so it lives only as long as Python code still refers to it.
"""

from __future__ import annotations

import os
import warnings
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from geodesk.core.jobs import Cancelled, Job, JobContext


class JobHandle(QObject):
    """One submitted job: its signals (delivered in the GUI thread) and :meth:`cancel`.

    ``result`` is set only while ``finished`` is being emitted (take it from the signal);
    ``outcome`` and ``error`` (without its traceback) stay for the Jobs panel."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    progress = Signal(float, str)
    published = Signal(object)
    done = Signal()  # after any of finished / failed / cancelled

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.context = JobContext()
        self.outcome: str | None = None  # "finished", "failed" or "cancelled" once done
        self.result: Any = None
        self.error: BaseException | None = None
        self.queued = False  # waiting for a free slot in the runner
        self._thread: _JobThread | None = None

    def cancel(self) -> None:
        """Ask the job to stop at its next ``check_cancel``/``progress`` call (a queued job is
        taken out of the queue)."""
        self.context.cancel()
        if self._thread is not None:
            self._thread.requestInterruption()
        runner = self.parent()
        if self.queued and isinstance(runner, JobRunner):
            runner._drop(self)

    @property
    def running(self) -> bool:
        return self.outcome is None

    def _deliver(self, outcome: str, value: object) -> None:
        if self.outcome is not None:
            return  # exactly one outcome
        self.outcome = outcome
        try:
            if outcome == "finished":
                self.result = value
                self.finished.emit(value)
            elif outcome == "failed":
                self.error = value  # type: ignore[assignment]
                self.failed.emit(value)
            else:
                self.cancelled.emit()
            self.done.emit()
        finally:
            self._release()

    def _release(self) -> None:
        """Drop what the finished job held; leave the runner on the next event-loop turn
        (not inside this handle's own slot)."""
        self.result = None
        if self.error is not None:
            self.error = self.error.with_traceback(None)  # its frames hold the job's arrays
        self._thread = None
        self.context.on_progress = self.context.on_publish = None
        with warnings.catch_warnings():  # disconnect() warns on a signal nobody connected
            warnings.simplefilter("ignore", RuntimeWarning)
            for signal in (self.finished, self.failed, self.cancelled, self.progress,
                           self.published, self.done):
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass
        runner = self.parent()
        if isinstance(runner, JobRunner):
            runner._release(self)


class _JobThread(QThread):
    """Runs one job; every exception is caught and reported, never lost in the thread."""

    sig_outcome = Signal(str, object)
    sig_progress = Signal(float, str)
    sig_published = Signal(object)

    def __init__(self, job: Job, ctx: JobContext, parent: QObject) -> None:
        super().__init__(parent)
        self._job = job
        self._ctx = ctx
        ctx.on_progress = self.sig_progress.emit
        ctx.on_publish = self.sig_published.emit

    def run(self) -> None:
        job, self._job = self._job, None  # the job's closure (sections, models) goes with it
        try:
            if self.isInterruptionRequested() or self._ctx.cancelled:  # cancelled while queued
                raise Cancelled()
            result = job(self._ctx)
        except Cancelled:
            self.sig_outcome.emit("cancelled", None)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI as failed(exc)
            self.sig_outcome.emit("failed", exc)
        else:
            if self._ctx.cancelled:
                self.sig_outcome.emit("cancelled", None)
            else:
                self.sig_outcome.emit("finished", result)


class JobRunner(QObject):
    """Starts jobs in their own QThread and keeps them alive until they have finished."""

    job_started = Signal(object)  # JobHandle (submitted: running, or queued behind others)
    active_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, max_running: int | None = None) -> None:
        super().__init__(parent)
        self._live: set[_JobThread] = set()
        self._pending: deque[tuple[_JobThread, JobHandle]] = deque()
        self._released: list[JobHandle] = []  # delivered; unparented on the next turn
        self._closing = False
        self.max_running = max(1, int(max_running or max(2, min(4, os.cpu_count() or 2))))

    def submit(self, job: Job, name: str = "job") -> JobHandle:
        """Run ``job`` in its own thread, now or when a running job ends (queue); connect to
        the returned handle's signals. A queued job that is cancelled never starts."""
        if self._closing:
            raise RuntimeError("job runner is shut down")
        handle = JobHandle(name, self)
        thread = _JobThread(job, handle.context, self)
        handle._thread = thread
        queued = Qt.ConnectionType.QueuedConnection
        thread.sig_progress.connect(handle.progress, queued)
        thread.sig_published.connect(handle.published, queued)
        thread.sig_outcome.connect(handle._deliver, queued)
        thread.finished.connect(self._reap_sender, queued)
        self._live.add(thread)
        if self.running_count < self.max_running:
            thread.start()
        else:
            handle.queued = True
            self._pending.append((thread, handle))
        self.job_started.emit(handle)
        self.active_changed.emit(len(self._live))
        return handle

    @property
    def running_count(self) -> int:
        """Jobs whose thread has been started and has not finished."""
        return sum(1 for t in self._live if t.isRunning())

    @property
    def queued(self) -> int:
        return len(self._pending)

    def _start_next(self) -> None:
        while self._pending and self.running_count < self.max_running:
            thread, handle = self._pending.popleft()
            handle.queued = False
            if handle.context.cancelled:  # never started: just say so
                self._live.discard(thread)
                thread.deleteLater()
                handle._deliver("cancelled", None)
                self.active_changed.emit(len(self._live))
                continue
            thread.start()

    def _drop(self, handle: JobHandle) -> None:
        """Take a cancelled job out of the queue; its ``cancelled`` arrives from the event loop,
        as for a running job."""
        for item in list(self._pending):
            if item[1] is handle:
                self._pending.remove(item)
                thread = item[0]
                handle.queued = False
                self._live.discard(thread)
                thread.deleteLater()
                QTimer.singleShot(0, lambda: handle._deliver("cancelled", None))
                self.active_changed.emit(len(self._live))
                return

    def _release(self, handle: JobHandle) -> None:
        """Stop owning ``handle`` soon: it is freed when Python drops its last reference."""
        self._released.append(handle)
        if len(self._released) == 1:
            QTimer.singleShot(0, self._unparent_released)

    def _unparent_released(self) -> None:
        released, self._released = self._released, []
        for handle in released:
            handle.setParent(None)

    def _reap_sender(self) -> None:
        thread = self.sender()
        if isinstance(thread, _JobThread):
            self._reap(thread)

    def _reap(self, thread: _JobThread) -> None:
        if thread in self._live:
            self._live.discard(thread)
            thread.deleteLater()
            self.active_changed.emit(len(self._live))
        self._start_next()

    @property
    def active(self) -> int:
        """Number of threads that have not finished yet."""
        return len(self._live)

    def cancel_all(self) -> None:
        for handle in self.findChildren(JobHandle):
            if handle.running:
                handle.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every job and wait for its thread; True when all threads have stopped."""
        self._closing = True
        while self._pending:  # queued jobs never start
            thread, handle = self._pending.popleft()
            handle.queued = False
            handle.context.cancel()
            self._live.discard(thread)
            thread.deleteLater()
            handle._deliver("cancelled", None)
        self.cancel_all()
        ok = True
        for thread in list(self._live):
            ok = thread.wait(timeout_ms) and ok
            if thread.isFinished():
                self._live.discard(thread)
        return ok


class JobStatusWidget(QWidget):
    """Status-bar widget: the latest running job's text, a progress bar (busy until the job
    reports progress above 0) and a cancel button."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._handle: JobHandle | None = None
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(160)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._cancel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.cancel_button):
            lay.addWidget(w)
        runner.job_started.connect(self._track)
        self.setVisible(False)

    def _track(self, handle: JobHandle) -> None:
        self._handle = handle
        self.label.setText(handle.name)
        self.bar.setRange(0, 0)  # busy until the first progress report
        handle.progress.connect(self._on_progress)
        handle.done.connect(lambda h=handle: self._on_done(h))
        self.setVisible(True)

    def _on_progress(self, fraction: float, text: str) -> None:
        if fraction > 0:  # at 0 (e.g. "Loading the model…") the bar stays busy
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(fraction * 1000))
        if text:
            self.label.setText(text)

    def _on_done(self, handle: JobHandle) -> None:
        if handle is self._handle:
            self._handle = None
            self.setVisible(False)

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
