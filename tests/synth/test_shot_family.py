"""The wide first-break training family: truth at the first energy, every layout and gain."""

import numpy as np
import pytest

from geodesk.synth.shot_family import generate_wide_shot


@pytest.mark.parametrize("seed", range(6))
def test_noise_free_gathers_are_silent_before_the_truth_and_live_after(seed):
    dt = [0.25, 0.5, 1.0, 2.0, 4.0, 1.0][seed]
    w = generate_wide_shot(40, 600, dt, seed=seed, noise=False)
    assert w.data.shape == (40, 600) and np.isfinite(w.data).all()
    peak = np.abs(w.data).max()
    for tr, fb in zip(w.data, w.first_break_ms):
        if not np.isfinite(fb):
            continue
        k = int(np.floor(fb / dt))
        assert np.abs(tr[:k]).max(initial=0.0) <= 1e-6 * peak  # nothing ahead of the onset
        period = 1000.0 / w.params["f_peak_hz"]
        after = tr[k:k + max(3, int(np.ceil(period / dt)))]
        assert np.abs(after).max(initial=0.0) > 0  # the first arrival starts right there


def test_draws_cover_layouts_wavelets_and_unknown_offsets():
    draws = [generate_wide_shot(24, 200, 2.0, seed=s) for s in range(60)]
    assert {d.params["layout"] for d in draws} == {"end_on", "split", "off_end"}
    assert {d.params["wavelet"] for d in draws} == {"berlage", "minimum_phase", "ricker", "ormsby"}
    unknown = [d for d in draws if d.params["offset_header"] == "unknown"]
    assert unknown and all(np.all(d.offset_header_m == 0) for d in unknown)
    fbs = np.concatenate([d.first_break_ms for d in draws])
    assert np.nanmin(fbs) < 10.0 and np.nanmax(fbs) > 150.0  # early and late first breaks


def test_same_seed_same_gather():
    a, b = (generate_wide_shot(16, 128, 1.0, seed=5) for _ in range(2))
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.first_break_ms, b.first_break_ms)


def _spectral_peak_hz(noise: np.ndarray, dt_s: float) -> float:
    power = np.mean(np.abs(np.fft.rfft(noise, axis=-1)) ** 2, axis=0)
    return float(np.fft.rfftfreq(noise.shape[-1], dt_s)[np.argmax(power)])


def test_in_band_noise_lies_in_the_first_arrivals_band():
    from geodesk.synth.shot_family import _in_band

    for seed in range(5):
        noise = _in_band(np.random.default_rng(seed), (8, 4000), 0.001, 30.0)
        assert 0.25 * 30.0 <= _spectral_peak_hz(noise, 0.001) <= 3.0 * 30.0
        assert abs(float(np.sqrt(np.mean(noise ** 2))) - 1.0) < 1e-3


def test_draws_without_in_band_noise_are_unchanged(monkeypatch):
    import geodesk.synth.shot_family as family

    monkeypatch.setattr(family, "IN_BAND_NOISE", 0.0)
    x = np.arange(8.0)
    for seed in range(3):
        a = family._noise(np.random.default_rng(seed), 8, 500, 0.002, x, f_signal=20.0)
        b = family._noise(np.random.default_rng(seed), 8, 500, 0.002, x)
        np.testing.assert_array_equal(a, b)
    with_band = generate_wide_shot(24, 300, 2.0, seed=3)
    monkeypatch.setattr(family, "IN_BAND_NOISE", 1.0)
    np.testing.assert_array_equal(with_band.first_break_ms,
                                  generate_wide_shot(24, 300, 2.0, seed=3).first_break_ms)
