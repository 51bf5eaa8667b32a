"""Device notices reach the status bar from a job's thread; loading a model says where it runs."""

import threading
import warnings

from geodesk.ml.run.device import DeviceNotice, cpu_fallback_notice


def _fail_over() -> None:
    with warnings.catch_warnings():  # the CLI's stderr line; here only the window matters
        warnings.simplefilter("ignore", DeviceNotice)
        cpu_fallback_notice("CUDA out of memory")


def test_a_gpu_failure_in_a_job_thread_is_shown_in_the_status_bar(qtbot, window):
    t = threading.Thread(target=_fail_over)
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(window.device_notices.shown), timeout=5000)
    text = window.device_notices.shown[-1]
    assert "CUDA out of memory" in text and "CPU" in text
    assert text in window.statusBar().currentMessage()


def test_notices_stop_when_the_window_closes(qtbot, window):
    from geodesk.ml.run import device
    assert window.device_notices.notice.emit in device._LISTENERS
    window.close()
    assert window.device_notices.notice.emit not in device._LISTENERS


def test_loading_a_model_says_which_device_it_runs_on(qtbot, window, tmp_path):
    from geodesk.qt.models.model_choice import ModelChoice
    from tests.qt.models import tiny_model_file

    choice = ModelChoice(window, "denoise")
    choice.path = str(tiny_model_file("denoise", tmp_path / "d.pt"))
    handle = choice.load_job(window.runner)  # loaded in a job, not on the GUI thread
    with qtbot.waitSignal(handle.done, timeout=30000):
        pass
    assert handle.outcome == "finished" and choice.model is not None
    msg = window.statusBar().currentMessage()
    assert "denoise-dncnn" in msg and ("CPU" in msg or "GPU" in msg)
