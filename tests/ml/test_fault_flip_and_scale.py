"""The fault model answers the same for a mirrored section and sees wavelets at its trained size."""

import json

import numpy as np
import pytest
import torch

from geodesk.ml.tasks.faults import FaultUNet
from geodesk.synth.wavelets import ricker_spectrum


def _ricker_section(period: float, shape=(48, 160), seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    r = rng.standard_normal(shape)
    spec = np.fft.rfft(r, axis=-1) * ricker_spectrum(shape[1], 0.004, 1000.0 / (4.0 * period))
    return np.fft.irfft(spec, n=shape[1], axis=-1).astype(np.float32)


def _tiny(**kw) -> FaultUNet:
    m = FaultUNet(depth=2, width=4, tile=64, device="cpu", seed=3, **kw)
    m._init_net()
    m.net_.eval()
    return m


def test_flip_averaged_predict_is_exactly_left_right_equivariant():
    x = _ricker_section(9.0, (70, 90))
    m = _tiny()
    a = m.predict(x[::-1].copy())
    b = m.predict(x)[::-1]
    assert np.allclose(a, b, atol=1e-6)


def test_a_single_pass_of_a_random_network_is_not_equivariant():
    x = _ricker_section(9.0, (70, 90))
    m = _tiny(flip_average=False)
    assert np.abs(m.predict(x[::-1].copy()) - m.predict(x)[::-1]).max() > 1e-3


@pytest.mark.parametrize("period", [6.0, 10.0, 20.0])
def test_sections_are_resampled_to_the_trained_period_and_answers_keep_their_shape(period):
    x = _ricker_section(period)
    m = _tiny(period_samples=10.0)
    assert abs(m.time_scale(x, np.ones(len(x), bool)) - 160 * 10.0 / period) <= 0.06 * 160 * 10 / period
    assert m.predict(x).shape == x.shape


def test_resampled_answers_stay_aligned_with_the_section():
    x = _ricker_section(20.0)
    m = _tiny(period_samples=10.0, flip_average=False)
    m.net_ = torch.nn.Identity()  # logits = the (normalised, resampled) input itself
    p = m.predict(x)
    expected = 1 / (1 + np.exp(-x / np.sqrt(np.mean(x.astype(np.float64) ** 2))))
    assert np.corrcoef(p.ravel(), expected.ravel())[0, 1] > 0.97


def test_training_labels_are_resampled_with_the_section():
    x = _ricker_section(20.0)
    lab = np.zeros(x.shape, np.uint8)
    lab[np.arange(48), 40 + np.arange(48) * 2] = 1
    lab[np.arange(48), 41 + np.arange(48) * 2] = 1
    prep = _tiny(period_samples=10.0)._prepare(x, lab)
    assert prep.inp.shape[1:] == prep.target.shape[1:] == prep.mask.shape
    assert prep.inp.shape[2] < x.shape[1]
    assert (prep.target[0].sum(axis=1) >= 1).all()  # every trace keeps its fault sample


def test_version_1_files_load_without_resampling(tmp_path):
    m = _tiny()
    path = m.save(tmp_path / "f.pt")
    payload = torch.load(path, weights_only=True)
    meta = json.loads(payload["meta_json"])
    meta["version"] = 1
    for k in ("period_samples", "pos_balance", "flip_average"):
        meta["params"].pop(k)
    payload["meta_json"] = json.dumps(meta)
    torch.save(payload, path)
    old = FaultUNet.load(path)
    assert old.period_samples == 0.0 and old.pos_balance == 1.0
    x = _ricker_section(20.0)
    assert old.time_scale(x, np.ones(len(x), bool)) == x.shape[1]


def test_zero_filled_parts_and_their_edges_get_no_fault_probability():
    from geodesk.ml.tasks.faults import zero_filled

    x = _ricker_section(9.0, (40, 120))
    x[:, :30] = 0.0  # a muted top
    x[5, 60] = 0.0  # a single zero sample is data, not a mute
    z = zero_filled(x)
    assert z[:, :30].all() and z[:, 30:33].all() and not z[:, 34:].any()
    p = _tiny().predict(x)
    assert (p[:, :33] == 0).all() and (p[:, 40:] > 0).all()


def test_a_section_declared_minimum_phase_is_answered_in_place_and_zero_fill_stays_zero():
    x = _ricker_section(10.0, (40, 128))
    x[:, :20] = 0.0
    m = _tiny(wavelet_phase="minimum")
    p = m.predict(x)
    assert p.shape == x.shape and not p[:, :20].any()
    assert not np.allclose(p, _tiny().predict(x))  # the network saw another section
    with pytest.raises(ValueError, match="wavelet_phase"):
        _tiny(wavelet_phase="maximum").predict(x)
