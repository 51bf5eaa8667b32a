"""Run Qt-free jobs in QThreads owned by a :class:`JobRunner`; results come back as queued signals.

A job is ``job(ctx: JobContext) -> result`` (see :mod:`geodesk.core.jobs`). The runner keeps every
thread parented and in a live set until it has finished, cancels and waits for all of them on
:meth:`JobRunner.shutdown`, and turns every outcome into exactly one of ``finished(result)``,
``failed(exception)`` or ``cancelled()`` on the job's :class:`JobHandle` (GUI thread).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from geodesk.core.jobs import Cancelled, Job, JobContext


class JobHandle(QObject):
    """One submitted job: its signals (delivered in the GUI thread) and :meth:`cancel`."""

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
        self._thread: _JobThread | None = None

    def cancel(self) -> None:
        """Ask the job to stop at its next ``check_cancel``/``progress`` call."""
        self.context.cancel()
        if self._thread is not None:
            self._thread.requestInterruption()

    @property
    def running(self) -> bool:
        return self.outcome is None

    def _deliver(self, outcome: str, value: object) -> None:
        self.outcome = outcome
        if outcome == "finished":
            self.result = value
            self.finished.emit(value)
        elif outcome == "failed":
            self.error = value  # type: ignore[assignment]
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.done.emit()


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
        try:
            if self.isInterruptionRequested():
                raise Cancelled()
            result = self._job(self._ctx)
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

    job_started = Signal(object)  # JobHandle
    active_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live: set[_JobThread] = set()
        self._closing = False

    def submit(self, job: Job, name: str = "job") -> JobHandle:
        """Run ``job`` in a new thread; connect to the returned handle's signals."""
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
        thread.start()
        self.job_started.emit(handle)
        self.active_changed.emit(len(self._live))
        return handle

    def _reap_sender(self) -> None:
        thread = self.sender()
        if isinstance(thread, _JobThread):
            self._reap(thread)

    def _reap(self, thread: _JobThread) -> None:
        if thread in self._live:
            self._live.discard(thread)
            thread.deleteLater()
            self.active_changed.emit(len(self._live))

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
        self.cancel_all()
        ok = True
        for thread in list(self._live):
            ok = thread.wait(timeout_ms) and ok
            if thread.isFinished():
                self._live.discard(thread)
        return ok


class JobStatusWidget(QWidget):
    """Status-bar widget: the latest running job's text, a progress bar and a cancel button."""

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
