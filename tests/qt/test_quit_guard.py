"""Quitting while a job runs asks first; keeping working leaves the job running, quitting
cancels it (issue 14)."""

import threading

from geodesk.qt.quit_guard import running_job_names


def _long_job(release: threading.Event):
    def job(ctx):
        while not release.wait(0.01):
            ctx.check_cancel()
        return "done"

    return job


def test_quit_during_a_job_asks_and_keep_working_leaves_it_running(qtbot, window):
    release = threading.Event()
    handle = window.runner.submit(_long_job(release), "Tracking")
    window.project_controller.interactive = True
    asked = []
    window.desktop.quit_guard.ask = lambda names: (asked.append(names), False)[1]
    try:
        assert not window.close()
        assert asked == [["Tracking"]] and window.isVisible() and handle.running
    finally:
        release.set()
        qtbot.waitUntil(lambda: not handle.running, timeout=5000)
        window.project_controller.interactive = False


def test_quit_during_a_job_cancels_it_when_the_user_says_quit(qtbot, window):
    release = threading.Event()
    handle = window.runner.submit(_long_job(release), "Fault overlay")
    window.project_controller.interactive = True
    window.desktop.quit_guard.ask = lambda names: True
    try:
        assert window.close()
        assert handle.context.cancelled and window.runner.active == 0
    finally:
        release.set()


def _never_ask(window) -> None:
    window.desktop.quit_guard.ask = lambda names: (_ for _ in ()).throw(AssertionError(names))


def test_no_question_without_jobs(window):
    _never_ask(window)
    assert running_job_names(window) == []
    window.project_controller.interactive = True
    try:
        assert window.close()
    finally:
        window.project_controller.interactive = False


def test_an_unattended_window_cancels_its_jobs_without_asking(window):
    _never_ask(window)
    release = threading.Event()
    handle = window.runner.submit(_long_job(release), "Tracking")
    try:
        assert window.close() and handle.context.cancelled
    finally:
        release.set()
