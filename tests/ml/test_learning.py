"""Real learning on tiny synthetic data (no mocks): the networks fit what they are shown."""

import numpy as np
import pytest

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


def test_fine_tuning_continues_with_new_training_seeds_and_records_its_parent(tmp_path):
    params = {"depth": 3, "width": 8, "patch": (32, 32), "batch_size": 4}
    first = train("denoise", tmp_path / "a.pt", epochs=1, steps_per_epoch=3, device="cpu",
                  seed=2, params=params, n_validation=1, size=48, command="first")
    assert first.provenance_["training_seeds"].endswith("for k in 0..2")
    more = train("denoise", tmp_path / "b.pt", epochs=1, steps_per_epoch=2, device="cpu",
                 seed=2, init_from=tmp_path / "a.pt", n_validation=1, size=48, command="more")
    prov = more.provenance_
    assert prov["training_seeds"].endswith("for k in 3..4")  # not the seeds of the first run
    assert prov["total_steps"] == 5
    assert prov["fine_tuned_from"]["command"] == "first"


def test_a_denoiser_widened_to_more_neighbours_keeps_its_answer(tiny_model, tiny_examples):
    X, y = tiny_examples("denoise")
    model = tiny_model("denoise-dncnn", context=1).fit(X, y)
    stack = np.random.default_rng(0).standard_normal((5, 24, 40)).astype(np.float32)
    before = model.predict(stack[1:4])
    model.continue_with(context=2)
    assert model.context == 2
    np.testing.assert_allclose(model.predict(stack), before, atol=1e-5)
    model.partial_fit(*tiny_examples("denoise"))  # and it still trains
    with pytest.raises(ValueError):
        model.continue_with(context=1)


def test_continuing_with_a_new_learning_rate_reaches_the_optimiser(tiny_model, tiny_examples):
    model = tiny_model("fault-unet").fit(*tiny_examples("faults"))
    model.continue_with(lr=1e-5)
    assert {g["lr"] for g in model.optimizer_.param_groups} == {1e-5}
