"""JobRunner: each job ends in exactly one of finished / failed / cancelled, threads are reaped."""

import threading

import pytest

from geodesk.qt.jobs.runner import JobRunner, JobStatusWidget


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


def test_jobs_beyond_max_running_wait_in_a_queue_and_start_in_order(qtbot, qapp):
    runner = JobRunner(max_running=1)
    gate = threading.Event()
    order = []

    def job(name):
        def run(ctx):
            order.append(name)
            gate.wait(5)
            return name
        return run

    first = runner.submit(job("a"), "a")
    second = runner.submit(job("b"), "b")
    third = runner.submit(job("c"), "c")
    assert not first.queued and second.queued and third.queued and runner.queued == 2
    third.cancel()  # a queued job that is cancelled never starts
    assert runner.queued == 1
    with qtbot.waitSignal(third.cancelled, timeout=5000):
        pass
    gate.set()
    with qtbot.waitSignal(second.finished, timeout=5000):
        pass
    assert order == ["a", "b"] and first.outcome == "finished" and third.outcome == "cancelled"
    qtbot.waitUntil(lambda: runner.active == 0, timeout=5000)
    assert runner.shutdown(5000)


def test_shutdown_cancels_queued_jobs_without_starting_them(qtbot, qapp):
    runner = JobRunner(max_running=1)
    gate = threading.Event()
    started = []

    def run(ctx):
        started.append(1)
        while not gate.wait(0.01):
            ctx.check_cancel()

    runner.submit(run, "busy")
    queued = runner.submit(run, "waiting")
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert runner.shutdown(5000)
    assert queued.outcome == "cancelled" and started == [1]


def test_jobs_panel_lists_every_job_with_its_outcome_and_cancels(qtbot, qapp):
    from geodesk.qt.jobs.panel import JobsPanel

    runner = JobRunner(max_running=1)
    panel = JobsPanel(runner)
    qtbot.addWidget(panel)
    gate = threading.Event()

    def slow(ctx):
        while not gate.wait(0.01):
            ctx.check_cancel()
        ctx.progress(1.0, "nearly")
        return 1

    def bad(ctx):
        raise ValueError("no such inline")

    a = runner.submit(slow, "slow one")
    b = runner.submit(bad, "bad one")
    c = runner.submit(slow, "cancelled one")
    assert panel.topLevelItemCount() == 3 and panel.state_of(b) == "queued"
    panel.itemWidget(panel.rows[c], 3).click()  # the row's Cancel button
    gate.set()
    for h in (a, b, c):
        if h.running:
            with qtbot.waitSignal(h.done, timeout=5000):
                pass
    assert panel.state_of(a) == "finished" and panel.rows[a].text(2) == "100 %"
    assert panel.state_of(b) == "failed: no such inline"
    assert panel.state_of(c) == "cancelled"
    assert panel.itemWidget(panel.rows[a], 3) is None  # no Cancel on a finished job
    assert runner.shutdown(5000)
