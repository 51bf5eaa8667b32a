"""Processing ▸ Adapt denoiser to this survey…: a background job with progress and cancel whose
result becomes the model of View ▸ Denoised data."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.derived import model_input
from geodesk.ml.registry import load_model
from geodesk.synth.post3d import generate_post3d
from tests.qt.models import tiny_model_file


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    d = tmp_path_factory.mktemp("adapt_gui")
    return generate_post3d((4, 24, 64), seed=5, n_faults=1, n_horizons=0,
                           snr_db=0.0).write(d / "v.sgy")


@pytest.fixture
def dv(window, volume, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))  # nothing shipped
    start = tiny_model_file("denoise", tmp_path / "start.pt")
    assert window.open_path(volume)
    d = window.denoise
    d.errors = []
    d.error = d.errors.append
    d.models.error = d.errors.append
    d.models.ask_path = lambda: str(start)
    d.start_file = start
    return d


def wait(qtbot, handle):
    if handle is not None and handle.running:
        with qtbot.waitSignal(handle.done, timeout=60000):
            pass


def test_menu_offers_the_adaptation(window):
    texts = [a.text() for m in window.menuBar().actions() if m.menu()
             for a in m.menu().actions()]
    assert "&Adapt denoiser to this survey…" in texts


def test_adapted_model_is_written_and_used_for_the_denoised_view(qtbot, window, dv, tmp_path):
    out = tmp_path / "adapted.pt"
    dv.adapt.ask = lambda default, describe: (str(out), 12)
    seen = []
    handle = dv.adapt.start()
    handle.progress.connect(lambda f, text: seen.append(text))
    adapted = []
    handle.finished.connect(adapted.append)
    wait(qtbot, handle)
    assert handle.outcome == "finished", dv.errors
    assert out.is_file() and seen and any("step" in t for t in seen)
    prov = load_model(out).provenance_
    assert prov["survey"] == str(volume_path(window)) and prov["self_supervised"]
    assert dv.models.path == str(out) and dv.model is adapted[0]
    assert dv.show == "denoised"
    wait(qtbot, dv.job)
    mode, value = dv.current_key()
    expected = dv.model.predict(model_input(window.survey, mode, window.section, value,
                                            dv.model.context))
    np.testing.assert_allclose(window.view.section.data, expected, atol=1e-6)
    start = load_model(dv.start_file)
    assert not np.allclose(start.predict(expected[None].repeat(3, axis=0)),
                           dv.model.predict(expected[None].repeat(3, axis=0)), atol=1e-6)


def test_cancel_stops_the_adaptation_and_writes_nothing(qtbot, window, dv, tmp_path):
    out = tmp_path / "never.pt"
    dv.adapt.ask = lambda default, describe: (str(out), 100000)
    handle = dv.adapt.start()
    with qtbot.waitSignal(handle.progress, timeout=30000,
                          check_params_cb=lambda f, text: "step" in text):
        pass
    handle.cancel()
    wait(qtbot, handle)
    assert handle.outcome == "cancelled" and not out.exists()
    assert dv.models.path is None or dv.models.path == str(dv.start_file)


def test_writing_over_the_starting_model_is_refused(window, dv):
    dv.adapt.ask = lambda default, describe: (str(dv.start_file), 10)
    assert dv.adapt.start() is None
    assert "being adapted" in dv.errors[-1]


def volume_path(window):
    from pathlib import Path

    return Path(window.survey.path).resolve()
