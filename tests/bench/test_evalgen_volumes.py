"""The evaluation volumes: target SNR over the data, filled regions zero, every noise kind."""

from __future__ import annotations

import numpy as np
import pytest
from evalgen.volumes import NOISE_KINDS, WAVELETS, make_volume

SHAPE = (6, 40, 120)


@pytest.mark.parametrize("noise", NOISE_KINDS)
def test_noise_is_at_the_target_snr_over_the_samples_with_data(noise):
    v = make_volume(SHAPE, seed=3, snr_db=2.0, noise=noise, fills=True)
    live = ~v.filled
    err = v.noisy - v.clean
    snr = 10 * np.log10(np.mean(v.clean[live] ** 2) / np.mean(err[live] ** 2))
    assert snr == pytest.approx(2.0, abs=0.01)
    assert np.all(v.clean[v.filled] == 0) and np.all(v.noisy[v.filled] == 0)
    assert v.filled.any() and v.info["noise"] == noise
    assert np.abs(err[live][:50]).max() > 0  # noise from time zero (first live samples)


def test_same_seed_same_volume_other_seed_other_volume():
    a, b = make_volume(SHAPE, seed=5), make_volume(SHAPE, seed=5)
    np.testing.assert_array_equal(a.noisy, b.noisy)
    assert not np.allclose(a.clean, make_volume(SHAPE, seed=6).clean)


def test_spiky_noise_is_heavy_tailed_and_white_is_not():
    def kurtosis(v):
        e = (v.noisy - v.clean)[~v.filled]
        return float(np.mean(e ** 4) / np.mean(e ** 2) ** 2)

    assert kurtosis(make_volume(SHAPE, seed=1, noise="spiky", fills=False)) > 10
    assert kurtosis(make_volume(SHAPE, seed=1, noise="white", fills=False)) < 3.5


def test_band_limited_noise_has_little_energy_near_nyquist():
    v = make_volume(SHAPE, seed=2, noise="bandlimited", fills=False, dt_ms=2.0)
    spec = np.abs(np.fft.rfft(v.noisy - v.clean, axis=-1)).mean(axis=(0, 1))
    n = len(spec)
    assert spec[int(0.9 * n):].mean() < 0.2 * spec.max()


@pytest.mark.parametrize("kind", WAVELETS)
def test_every_wavelet_gives_layered_sections_continuous_across_traces(kind):
    v = make_volume(SHAPE, seed=4, wavelet_kind=kind, fills=False, snr_db=10.0)
    c = v.clean[3]
    a, b = c[:-1], c[1:]
    corr = np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b))
    assert corr > 0.5 and np.isfinite(v.clean).all()
