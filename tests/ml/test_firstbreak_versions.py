"""First-break model files of older versions load with the inputs and decoding they had."""

import json

import numpy as np
import torch

from geodesk.ml.tasks.firstbreaks import FirstBreakUNet, gather_section


def _as_version_3(model, path):
    """Save ``model`` (built with a time channel) as a version-3 file would have been written:
    without the parameters added since."""
    model.save(path)
    payload = torch.load(path, weights_only=True)
    meta = json.loads(payload["meta_json"])
    meta["version"] = 3
    for key in ("time_channel", "decode", "trend_ms"):
        meta["params"].pop(key)
    payload["meta_json"] = json.dumps(meta)
    torch.save(payload, path)


def test_a_version_3_file_keeps_its_time_channel_and_likelihood_decoding(tmp_path):
    old = FirstBreakUNet(depth=2, width=4, device="cpu", time_channel=True)
    old._init_net()
    _as_version_3(old, tmp_path / "v3.pt")
    loaded = FirstBreakUNet.load(tmp_path / "v3.pt")
    assert loaded.time_channel and loaded.in_channels == 3
    assert loaded.decode == "likelihood" and loaded.trend_ms == 0.0
    g = gather_section(np.random.default_rng(0).standard_normal((8, 64)), 2.0)
    assert loaded.predict(g).shape == (8,)


def test_new_models_read_no_recording_time_and_decode_with_the_trend():
    m = FirstBreakUNet(depth=2, width=4, device="cpu")
    assert not m.time_channel and m.in_channels == 2 and m.decode == "trend"
    assert m.version >= 4


def test_picks_do_not_depend_on_the_channel_numbering_direction():
    from geodesk.ml.data.datasets import examples

    X, _ = examples("firstbreaks", 11, size=32)
    m = FirstBreakUNet(depth=2, width=4, device="cpu")
    m._init_net()
    g = X[0]
    flipped = gather_section(g.data[::-1].copy(), float(g.axis1.values[1] - g.axis1.values[0]))
    plain = gather_section(g.data, float(g.axis1.values[1] - g.axis1.values[0]))
    np.testing.assert_allclose(m.predict(flipped)[::-1], m.predict(plain), atol=1e-3,
                               equal_nan=True)
