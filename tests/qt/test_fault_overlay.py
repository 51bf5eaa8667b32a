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


def test_overlay_shows_the_model_output_for_the_current_and_next_inline(window, volume):
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
    _wait(fo.job)
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
    thin_alpha = np.count_nonzero(fo.item.image[..., 3])
    fo.set_thin(False)
    assert not fo.thin_action.isChecked()
    assert np.count_nonzero(fo.item.image[..., 3]) >= thin_alpha
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
    section_bytes = window.section.data.nbytes

    def move(n):
        for _ in range(n):
            window.step(1)
            _wait(fo.job)
            assert fo.prob is not None and fo.prob.shape == window.section.data.shape
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


def test_stepping_on_before_the_result_cancels_the_waiting_job_before_it_loads_the_model(
        qtbot, window, volume, monkeypatch):
    import threading

    from geodesk.qt.models import fault_overlay

    monkeypatch.setattr(fault_overlay, "STEPPING_GRACE_S", 1.0)  # far longer than two steps
    assert window.open_path(volume)
    fo = window.fault_overlay
    gate, loads = threading.Event(), []
    real_loader = fo.models.loader

    def loader(ask=True):
        load = real_loader(ask)

        def held(ctx=None):  # the first section's job stays busy until the steps are done
            loads.append(window.section.title)
            gate.wait(20)
            return load(ctx)
        return held

    monkeypatch.setattr(fo.models, "loader", loader)
    first = fo.toggle(True)
    qtbot.waitUntil(lambda: len(loads) == 1, timeout=10000)
    window.step(1)  # the first job is still running: the next one waits for a pause
    second = fo.job
    window.step(1)  # ... and is cancelled while it waits
    third = fo.job
    gate.set()
    _wait(third)
    assert second.outcome == "cancelled" and first.outcome == "cancelled"
    assert third.outcome == "finished" and len(loads) == 2  # the second never loaded
    np.testing.assert_allclose(fo.prob, fo.model.predict(window.section.data), atol=1e-6)
    fo.toggle(False)
