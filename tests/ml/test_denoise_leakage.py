"""The DnCNN puts back what it removed coherently from trace to trace (signal), unless told not to."""

from __future__ import annotations

import numpy as np


def _biased(tiny_model, **changes):
    import torch

    model = tiny_model("denoise-dncnn", context=1, **changes)
    model._init_net()
    with torch.no_grad():  # a network whose "noise" is the same on every trace: a coherent bias
        last = model.net_.body[-1]
        last.weight.zero_()
        last.bias.fill_(0.2)
    return model


def test_coherent_removal_goes_back_and_leakage_false_keeps_the_raw_output(tiny_model):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 40, 90)).astype(np.float32)
    raw = _biased(tiny_model, leakage=False).predict(x)
    kept = _biased(tiny_model).predict(x)
    removed_raw = np.sqrt(np.mean((x[1] - raw) ** 2))
    removed_kept = np.sqrt(np.mean((x[1] - kept) ** 2))
    assert removed_raw > 0.1
    assert removed_kept < 0.2 * removed_raw


def test_weights_saved_before_the_setting_retrieve_leakage(tiny_model, tmp_path):
    import json

    import torch

    from geodesk.ml.registry import load_model

    path = tmp_path / "old.pt"
    _biased(tiny_model, leakage=False).save(path)
    blob = torch.load(path, weights_only=True)
    meta = json.loads(blob["meta_json"])
    del meta["params"]["leakage"]  # as written before the setting existed
    blob["meta_json"] = json.dumps(meta)
    torch.save(blob, path)
    assert load_model(path, task="denoise", device="cpu").leakage is True


def test_leakage_band_nothing_reaches_keeps_the_raw_output_and_survives_saving(tiny_model,
                                                                               tmp_path):
    from geodesk.ml.registry import load_model

    x = np.random.default_rng(1).standard_normal((3, 40, 90)).astype(np.float32)
    raw = _biased(tiny_model, leakage=False).predict(x)
    above_one = _biased(tiny_model, leakage_low=1.5, leakage_high=2.0)  # coherence is <= 1
    np.testing.assert_array_equal(above_one.predict(x), raw)
    again = load_model(above_one.save(tmp_path / "band.pt"), task="denoise", device="cpu")
    assert (again.leakage_low, again.leakage_high) == (1.5, 2.0)
    assert not np.allclose(_biased(tiny_model).predict(x), raw, atol=1e-3)
