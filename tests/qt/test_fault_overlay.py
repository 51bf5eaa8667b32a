"""The fault U-Net's probability is drawn over the shown section and follows navigation."""

import numpy as np
import pytest
from PySide6.QtCore import QEventLoop, QTimer

from geodesk.qt.models.fault_overlay import probability_rgba
from geodesk.synth.post3d import generate_post3d


def _wait(handle):
    loop = QEventLoop()
    handle.done.connect(loop.quit)
    QTimer.singleShot(20000, loop.quit)
    if handle.running:
        loop.exec()


@pytest.fixture
def volume(tmp_path):
    r = generate_post3d((6, 40, 80), seed=21, n_faults=2, n_horizons=0)
    return r.write(tmp_path / "v.sgy")


def test_probability_rgba_is_transparent_below_threshold():
    rgba = probability_rgba(np.array([[0.1, 0.6, 1.0]]), threshold=0.5, opacity=1.0)
    assert rgba[0, 0, 3] == 0 and rgba[0, 1, 3] > 0 and rgba[0, 2, 3] == 255


def test_overlay_shows_the_model_output_for_the_current_and_next_inline(qtbot, window, volume):
    assert window.open_path(volume)
    fo = window.fault_overlay
    job = fo.toggle(True)
    assert job is not None
    _wait(job)
    expected = fo.model.predict(window.section.data)
    np.testing.assert_allclose(fo.prob, expected, atol=1e-6)
    assert fo.item in window.view.overlays and fo.item.image is not None
    bar = window.view.bars.bars["fault_probability"]  # its colour bar: threshold to 1
    assert bar.levels() == (fo.threshold, 1.0)
    assert any(r.startswith("fault probability") for r in window.view.legend.labels())
    window.step(1)
    qtbot.waitUntil(lambda: fo.prob is not None, timeout=20000)  # once the user stops
    np.testing.assert_allclose(fo.prob, fo.model.predict(window.section.data), atol=1e-6)
    fo.toggle(False)
    assert fo.item not in window.view.overlays
    assert "fault_probability" not in window.view.bars.bars


def test_missing_or_wrong_model_gives_a_message(window, volume, tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(window.fault_overlay, "error", messages.append)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a model")
    assert window.open_path(volume)
    window.fault_overlay.choose_model(str(bad))
    job = window.fault_overlay.toggle(True)  # the file is read in the job, not here
    _wait(job)
    assert job.outcome == "failed" and messages and "bad.pt" in messages[0]
    assert not window.fault_overlay.action.isChecked() and not window.fault_overlay.shown
    assert window.fault_overlay.item not in window.view.overlays


def test_no_fault_model_at_all_gives_a_message_and_starts_nothing(window, volume, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))  # nothing shipped
    messages = []
    monkeypatch.setattr(window.fault_overlay, "error", messages.append)
    assert window.open_path(volume)
    assert window.fault_overlay.toggle(True) is None
    assert messages and "No fault model" in messages[0]
    assert not window.fault_overlay.action.isChecked()


def test_fault_lines_are_thinned_by_default_and_the_full_probability_on_request(window, volume):
    assert window.open_path(volume)
    fo = window.fault_overlay
    _wait(fo.toggle(True))
    assert fo.thin and fo.ridges is not None and fo.ridges.shape == fo.prob.shape
    assert np.count_nonzero(fo.ridges) < np.count_nonzero(fo.prob)
    thin_alpha = np.count_nonzero(fo.item.image >> 24)  # premultiplied ARGB32 words
    fo.set_thin(False)
    assert not fo.thin_action.isChecked()
    assert np.count_nonzero(fo.item.image >> 24) >= thin_alpha
    fo.toggle(False)


def test_moving_through_50_sections_with_the_overlay_on_retains_no_more_memory(
        qtbot, window, tmp_path, monkeypatch):
    import gc
    import tracemalloc
    import warnings

    from geodesk.qt.jobs.runner import JobHandle
    from tests.qt.models import tiny_model_file

    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))
    path = generate_post3d((52, 64, 120), seed=5, n_faults=1, n_horizons=0).write(
        tmp_path / "big.sgy")
    assert window.open_path(path)
    fo = window.fault_overlay
    fo.choose_model(str(tiny_model_file("faults", tmp_path / "f.pt")))
    fo.cache.max_items = 2  # the results kept for stepping back: full after the first moves
    section_bytes = window.section.data.nbytes

    def move(n):
        for _ in range(n):
            window.step(1)
            qtbot.waitUntil(lambda: fo.prob is not None, timeout=20000)
            assert fo.prob.shape == window.section.data.shape
        qtbot.wait(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # files other tests left open
            gc.collect()

    _wait(fo.toggle(True))
    tracemalloc.start()
    try:
        move(5)  # pyqtgraph's and Qt's own buffers settle
        settled = tracemalloc.get_traced_memory()[0]
        move(45)
        grown = tracemalloc.get_traced_memory()[0] - settled
    finally:
        tracemalloc.stop()
    handles = sum(1 for o in gc.get_objects() if type(o) is JobHandle)
    fo.toggle(False)
    # each move used to keep its section, probability and fault lines (~1.7 sections a move)
    assert grown < 8 * section_bytes, (grown, section_bytes)
    assert handles <= 2


def _jobs_started(window) -> list:
    started = []
    window.runner.job_started.connect(lambda h: started.append(h.name))
    return started


def test_stepping_starts_no_job_until_the_user_stops_then_draws_the_section_on_screen(
        qtbot, window, volume):
    assert window.open_path(volume)
    fo = window.fault_overlay
    _wait(fo.toggle(True))
    started = _jobs_started(window)
    for _ in range(3):  # held PgDn: no event loop turn between the steps
        window.step(1)
    assert fo.prob is None and fo.waiting and started == []
    qtbot.waitUntil(lambda: fo.prob is not None, timeout=20000)
    assert started == ["Fault probability"]  # one job: the section the user stopped on
    np.testing.assert_allclose(fo.prob, fo.model.predict(window.section.data), atol=1e-6)
    assert fo.item.image is not None and fo.item.image.shape == window.section.data.shape[::-1]
    fo.toggle(False)


def test_a_stale_result_is_never_drawn_on_another_section_and_is_kept_for_stepping_back(
        qtbot, window, volume):
    assert window.open_path(volume)
    fo = window.fault_overlay
    first_data = window.section.data
    job = fo.toggle(True)
    qtbot.waitUntil(lambda: job._thread is None or job._thread.isFinished(), timeout=20000)
    window.step(1)  # its result is still queued for the GUI thread: it arrives after the move
    _wait(job)
    assert job.outcome == "finished" and fo.prob is None  # not drawn on this section
    assert fo.item.image is None
    qtbot.waitUntil(lambda: fo.prob is not None, timeout=20000)
    np.testing.assert_allclose(fo.prob, fo.model.predict(window.section.data), atol=1e-6)
    started = _jobs_started(window)
    window.step(-1)  # back: the kept result, at once and without a job
    assert started == [] and not fo.waiting and fo.prob is not None
    np.testing.assert_allclose(fo.prob, fo.model.predict(first_data), atol=1e-6)
    fo.toggle(False)


def test_moving_on_cancels_the_running_job_before_its_network_runs(qtbot, window, volume,
                                                                   monkeypatch):
    import threading

    assert window.open_path(volume)
    fo = window.fault_overlay
    gate, loads = threading.Event(), []
    real_loader = fo.models.loader

    def loader(ask=True):
        load = real_loader(ask)

        def held(ctx=None):  # the job stays in its first step until the user has moved on
            model = load(ctx)
            loads.append(model)
            gate.wait(20)
            return model
        return held

    monkeypatch.setattr(fo.models, "loader", loader)
    first = fo.toggle(True)
    qtbot.waitUntil(lambda: len(loads) == 1, timeout=20000)
    layers = []  # network layers the cancelled job runs
    hooks = [m.register_forward_hook(lambda *_: layers.append(1))
             for m in loads[0].net_.modules() if next(m.children(), None) is None]
    window.step(1)  # cancels it: it stops at its next check, before its network runs
    gate.set()
    _wait(first)
    for h in hooks:
        h.remove()
    assert first.outcome == "cancelled" and layers == []
    qtbot.waitUntil(lambda: fo.prob is not None, timeout=20000)  # the new section's own job
    assert fo.job is not first and fo.job.outcome == "finished"
    np.testing.assert_allclose(fo.prob, fo.model.predict(window.section.data), atol=1e-6)
    fo.toggle(False)
