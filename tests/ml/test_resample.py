"""Dominant-period estimate and time resampling used to show networks their trained scale."""

import numpy as np
import pytest

from geodesk.ml.data.normalize import interp_time, resample_time
from geodesk.ml.data.resample import dominant_period
from geodesk.synth.wavelets import ricker_spectrum


@pytest.mark.parametrize("f_peak,dt,n", [(25.0, 0.002, 256), (30.0, 0.004, 256),
                                         (12.0, 0.004, 128), (60.0, 0.002, 512)])
def test_a_ricker_peak_frequency_comes_back(f_peak, dt, n):
    rng = np.random.default_rng(1)
    r = rng.standard_normal((40, n))
    d = np.fft.irfft(np.fft.rfft(r, axis=-1) * ricker_spectrum(n, dt, f_peak), n=n, axis=-1)
    noisy = d + 0.3 * d.std() * rng.standard_normal(d.shape)
    for section in (d, noisy):
        assert dominant_period(section) == pytest.approx(1.0 / (f_peak * dt), rel=0.05)


def test_only_live_traces_count_and_flat_sections_are_refused():
    d = np.zeros((10, 64))
    with pytest.raises(ValueError):
        dominant_period(d)
    t = np.arange(64)
    d[:5] = np.cos(2 * np.pi * t / 8.0)
    d[5:] = 50 * np.cos(2 * np.pi * t / 20.0)
    live = np.arange(10) < 5
    assert dominant_period(d, live) == pytest.approx(8.0 * 1.0488, rel=0.1)


def test_resampling_keeps_times_aligned():
    t = np.arange(200, dtype=float)
    x = np.exp(-0.5 * ((t - 120.0) / 6.0) ** 2)[None]
    y = resample_time(x, 1.0, 2.0)
    assert y.shape == (1, 100)
    assert abs(np.argmax(y) * 199 / 99 - 120) <= 2.5
    back = interp_time(y, 2.0, 1.0, 200)
    assert back.shape == (1, 200) and abs(int(np.argmax(back)) - 120) <= 2
