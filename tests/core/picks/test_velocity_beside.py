"""Model velocity knots written beside the interpreter's (issue 14: Model picks asks first)."""

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks import VelocityFunctions


def test_model_knots_beside_hand_picks_keep_them_and_drop_the_knots_next_to_them():
    h = History()
    vf = VelocityFunctions("V")
    vf.set_function(h, 7, [400.0, 900.0, 1500.0], [1800.0, 2100.0, 2600.0],
                    ["manual", "model:old@v1", "corrected"])
    vf.add_beside(h, 7, [410.0, 700.0, 1200.0], [1900.0, 2000.0, 2400.0], "model:unet@v2")
    f = vf.function(7)
    assert list(f.times_ms) == [400.0, 700.0, 1200.0, 1500.0]  # 410 is next to the hand 400
    assert list(f.provenance) == ["manual", "model:unet@v2", "model:unet@v2", "corrected"]
    assert list(f.vrms_mps) == [1800.0, 2000.0, 2400.0, 2600.0]
    assert list(f.model_times_ms) == [410.0, 700.0, 1200.0]  # the prediction, as written
    assert h.undo_label == "Add model velocity picks CDP 7"
    h.undo()
    assert list(vf.function(7).provenance) == ["manual", "model:old@v1", "corrected"]


def test_model_knots_beside_an_empty_cdp_are_all_written():
    vf = VelocityFunctions("V")
    vf.add_beside(None, 3, np.array([500.0, 1000.0]), np.array([1900.0, 2300.0]), "model:m@v1")
    assert list(vf.function(3).times_ms) == [500.0, 1000.0]
