"""The fault overlay's wavelet-phase switch reaches the model the overlay runs."""

import numpy as np
import pytest

from geodesk.synth.post3d import generate_post3d
from tests.qt.models import tiny_model_file


def test_the_wavelet_phase_chosen_is_the_one_the_overlay_computes_with(qtbot, window, tmp_path):
    path = generate_post3d((4, 40, 80), seed=21, n_faults=2, n_horizons=0).write(
        tmp_path / "v.sgy")
    assert window.open_path(path)
    fo = window.fault_overlay
    fo.choose_model(str(tiny_model_file("faults", tmp_path / "f.pt")))
    fo.set_wavelet_phase("zero")
    job = fo.toggle(True)
    qtbot.waitUntil(lambda: not job.running, timeout=20000)
    zero = fo.prob.copy()
    fo.set_wavelet_phase("minimum")
    qtbot.waitUntil(lambda: fo.prob is not None, timeout=20000)
    assert fo.model.wavelet_phase == "minimum"
    np.testing.assert_allclose(fo.prob, fo.model.predict(window.section.data), atol=1e-6)
    assert np.abs(fo.prob - zero).max() > 1e-4
    with pytest.raises(ValueError, match="unknown wavelet phase"):
        fo.set_wavelet_phase("mixed")
    fo.toggle(False)
