"""The time-slice cache is built in the background and then used by the open survey."""

import numpy as np
import pytest
from PySide6.QtCore import QEventLoop, QTimer

from geodesk.qt.main_window import MainWindow
from geodesk.qt.settings import make_settings
from geodesk.synth.post3d import generate_post3d


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(settings=make_settings(tmp_path / "s.ini"))
    qtbot.addWidget(w)
    yield w
    w.close()


def _wait(handle, timeout_ms=20000):
    loop = QEventLoop()
    handle.done.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    if handle.running:
        loop.exec()


def test_big_volume_gets_its_cache_built_and_time_slices_still_match(window, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("GEODESK_CACHE", str(tmp_path / "cache"))
    path = generate_post3d(shape=(12, 16, 60), seed=4).write(tmp_path / "v.sgy")
    window.volume_cache.auto_bytes = 1  # treat this small file as big
    assert window.open_path(path)
    job = window.volume_cache.job
    assert job is not None
    _wait(job)
    assert job.outcome == "finished"
    survey = window.survey
    assert survey.has_cache
    window.go_to("time", 120.0)
    sl = survey.time_slice(120.0)
    k = int(np.argmin(np.abs(survey.times_ms - 120.0)))
    direct = np.stack([survey.inline(int(il)).data[:, k] for il in survey.inlines])
    np.testing.assert_array_equal(sl.data, direct)
    np.testing.assert_array_equal(window.section.data, direct)


def test_small_volume_is_not_cached_automatically_but_can_be_on_demand(window, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("GEODESK_CACHE", str(tmp_path / "cache"))
    path = generate_post3d(shape=(8, 10, 40), seed=5).write(tmp_path / "v.sgy")
    assert window.open_path(path)
    assert window.volume_cache.job is None and not window.survey.has_cache
    assert window.volume_cache.action.isEnabled()
    job = window.volume_cache.build()
    _wait(job)
    assert window.survey.has_cache and not window.volume_cache.action.isEnabled()
