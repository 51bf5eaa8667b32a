"""Real learning on tiny synthetic data (no mocks): the networks fit what they are shown."""

import numpy as np

from geodesk.ml.tasks.common import f1_tolerant
from geodesk.ml.tasks.faults import FaultUNet
from geodesk.ml.training import train
from geodesk.synth import generate_post3d


def test_tiny_unet_overfits_a_tiny_fault_section():
    vol = generate_post3d((2, 64, 64), seed=4, n_faults=3, snr_db=None, n_horizons=0)
    x, lab = vol.data[0], vol.truth["fault_labels"][0]
    assert 0.02 < lab.mean() < 0.4
    model = FaultUNet(depth=2, width=8, dropout=0.0, lr=3e-3, patch=(64, 64), batch_size=1,
                      epochs=6, steps_per_epoch=25, device="cpu", seed=1).fit([x], [lab])
    losses = [h["loss"] for h in model.history_]
    assert losses[-1] < 0.6 * losses[0]
    prob = model.predict(x)
    untrained = FaultUNet(depth=2, width=8, dropout=0.0, epochs=1, steps_per_epoch=1,
                          device="cpu", seed=1, lr=0.0).fit([x], [lab]).predict(x)
    assert f1_tolerant(prob, lab > 0, 0.5) > f1_tolerant(untrained, lab > 0, 0.5) + 0.1


def test_training_keeps_the_best_validated_checkpoint(tmp_path):
    out = tmp_path / "dn.pt"
    model = train("denoise", out, epochs=3, steps_per_epoch=4, device="cpu", seed=2,
                  params={"depth": 3, "width": 8, "patch": (32, 32), "batch_size": 4},
                  n_validation=1, size=48, command="test")
    assert out.is_file() and len(model.history_) == 3
    prov = model.provenance_
    best = max(h["snr_gain_db"] for h in model.history_)
    assert prov["validation"]["snr_gain_db"] == best
    assert prov["generator"].startswith("geodesk.synth") and prov["seed"] == 2
    assert prov["validation_seeds"].startswith("1000000000")
    again = type(model).load(out)
    assert again.provenance_["epochs"] == prov["epochs"]
    assert np.isfinite(again.history_[-1]["loss"])
