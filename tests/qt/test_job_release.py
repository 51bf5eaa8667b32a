"""Finished jobs are released: no live handles, results or captured arrays pile up."""

import gc
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest
from PySide6.QtCore import QEventLoop, QTimer

from geodesk.qt.jobs.panel import KEEP_DONE, JobsPanel
from geodesk.qt.jobs.runner import JobHandle, JobRunner, JobStatusWidget

MB = 2**20


@pytest.fixture
def runner(qapp):
    r = JobRunner(max_running=2)
    yield r
    assert r.shutdown(5000)


def _wait_all(handles):
    loop = QEventLoop()
    left = [h for h in handles if h.running]
    for h in left:
        h.done.connect(lambda: loop.quit() if not any(x.running for x in left) else None)
    QTimer.singleShot(20000, loop.quit)
    if any(h.running for h in left):
        loop.exec()


def _collect() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # files other tests left unclosed
        gc.collect()


def _live_handles() -> int:
    _collect()
    return sum(1 for o in gc.get_objects() if type(o) is JobHandle)


def _settle(qapp):
    for _ in range(3):
        qapp.processEvents()
        _collect()


def test_200_finished_jobs_leave_no_live_handles_and_no_retained_arrays(qapp, runner):
    panel, status = JobsPanel(runner), JobStatusWidget(runner)
    delivered = []
    _settle(qapp)
    before_handles = _live_handles()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for batch in range(20):
            handles = []
            for i in range(10):
                section = np.full(MB // 4, batch * 10 + i, dtype=np.float32)  # 1 MB input
                h = runner.submit(lambda ctx, s=section: s + 1, f"job {batch}.{i}")
                # a slot that captured the input and the handle (the old leak's shape)
                h.finished.connect(lambda out, s=section, h=h: delivered.append(
                    float(out[0] - s[0])))
                handles.append(h)
            _wait_all(handles)
            assert all(h.outcome == "finished" for h in handles)
            del handles, h, section
        _settle(qapp)
        retained = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert delivered == [1.0] * 200
    assert _live_handles() <= before_handles  # (an earlier test's handle may go meanwhile)
    assert retained < 10 * MB  # 200 inputs + 200 results kept would be 400 MB
    assert panel.topLevelItemCount() == KEEP_DONE and len(panel.rows) == 0
    status.deleteLater()


class _Captured:
    """Something big a slot captured (weakly referable, unlike an ndarray view)."""


def test_a_handle_kept_by_a_feature_holds_no_result_and_no_slot(qtbot, runner):
    captured = _Captured()
    alive = weakref.ref(captured)
    handle = runner.submit(lambda ctx: np.ones(MB // 8), "kept")
    handle.finished.connect(lambda out, c=captured: None)
    del captured
    with qtbot.waitSignal(handle.done, timeout=5000):
        pass
    qtbot.waitUntil(lambda: handle.parent() is None, timeout=5000)
    _collect()
    assert handle.outcome == "finished" and handle.result is None
    assert alive() is None  # the slot (and what it captured) went with the delivery


def test_a_failed_job_keeps_its_message_but_not_the_frames_of_the_job(qtbot, runner):
    def job(ctx):
        big = np.ones(MB // 8)  # noqa: F841 - would stay reachable through the traceback
        raise ValueError("no such inline")

    handle = runner.submit(job, "fails")
    with qtbot.waitSignal(handle.failed, timeout=5000):
        pass
    assert str(handle.error) == "no such inline" and handle.error.__traceback__ is None
