"""JobRunner: each job ends in exactly one of finished / failed / cancelled, threads are reaped."""

import threading

import pytest

from geodesk.qt.jobs import JobRunner, JobStatusWidget


@pytest.fixture
def runner(qapp):
    r = JobRunner()
    yield r
    assert r.shutdown(5000)


def test_finished_delivers_result_and_progress_in_gui_thread(qtbot, runner):
    seen = []

    def job(ctx):
        ctx.progress(1.0, "done")
        return threading.get_ident()

    handle = runner.submit(job, "square")
    handle.progress.connect(lambda f, t: seen.append((f, t, threading.get_ident())))
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        pass
    assert blocker.args[0] != threading.get_ident()  # ran in another thread
    assert handle.outcome == "finished"
    assert seen and seen[-1][:2] == (1.0, "done") and seen[-1][2] == threading.get_ident()
    qtbot.waitUntil(lambda: runner.active == 0, timeout=5000)


def test_failed_delivers_the_exception(qtbot, runner):
    def job(ctx):
        raise ZeroDivisionError("boom")

    handle = runner.submit(job)
    with qtbot.waitSignal(handle.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], ZeroDivisionError) and handle.outcome == "failed"


def test_cancel_stops_a_running_job(qtbot, runner):
    started = threading.Event()

    def job(ctx):
        started.set()
        while True:
            ctx.check_cancel()
            threading.Event().wait(0.005)

    handle = runner.submit(job)
    assert started.wait(5)
    with qtbot.waitSignal(handle.cancelled, timeout=5000):
        handle.cancel()
    assert handle.outcome == "cancelled" and handle.result is None
    qtbot.waitUntil(lambda: runner.active == 0, timeout=5000)


def test_shutdown_cancels_and_waits_for_every_thread(qapp):
    runner = JobRunner()
    release = threading.Event()

    def job(ctx):
        while not release.wait(0.005):
            ctx.check_cancel()

    handles = [runner.submit(job) for _ in range(3)]
    assert runner.active == 3
    assert runner.shutdown(5000)
    assert runner.active == 0 and all(h.context.cancelled for h in handles)
    with pytest.raises(RuntimeError):
        runner.submit(job)


def test_status_widget_shows_running_job_and_cancels_it(qtbot, runner):
    widget = JobStatusWidget(runner)
    qtbot.addWidget(widget)
    started = threading.Event()

    def job(ctx):
        started.set()
        while True:
            ctx.progress(0.5, "halfway")
            threading.Event().wait(0.005)

    handle = runner.submit(job, "Long job")
    assert not widget.isHidden()
    assert started.wait(5)
    qtbot.waitUntil(lambda: widget.label.text() == "halfway", timeout=5000)
    with qtbot.waitSignal(handle.cancelled, timeout=5000):
        widget.cancel_button.click()
    assert widget.isHidden()
