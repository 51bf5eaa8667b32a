"""Per-section conditioning: amplitude invariance, NaN cleaning, resampling."""

import numpy as np
import pytest

from geodesk.ml.data.normalize import (
    NonFiniteWarning,
    clean_nonfinite,
    normalize,
    resample_time,
    robust_scale,
)


def test_scaling_makes_amplitude_orders_of_magnitude_irrelevant():
    x = np.random.default_rng(0).standard_normal((20, 100)).astype(np.float32)
    a, sa = normalize(x)
    b, sb = normalize(x * 3.0e5)
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert sb == pytest.approx(3.0e5 * sa, rel=1e-4)
    assert 0.8 < np.sqrt(np.mean(a**2)) < 1.2


def test_dead_traces_and_spikes_do_not_set_the_scale():
    x = np.random.default_rng(0).standard_normal((20, 400)).astype(np.float32)
    with_dead = x.copy()
    with_dead[::2] = 0.0
    assert robust_scale(with_dead) == pytest.approx(robust_scale(x[1::2]), rel=1e-6)
    spiky = x.copy()
    spiky[3, 7] = 1e9
    assert robust_scale(spiky) < 2 * robust_scale(x)


def test_nan_and_inf_are_cleaned_with_a_warning():
    x = np.ones((4, 8), dtype=np.float32)
    x[1, 2], x[2, 3] = np.nan, np.inf
    with pytest.warns(NonFiniteWarning, match="2 NaN/Inf"):
        y = clean_nonfinite(x)
    assert np.isfinite(y).all() and y[1, 2] == 0 and y[0, 0] == 1


@pytest.mark.parametrize("dt_in,dt_out", [(4.0, 1.0), (0.25, 1.0), (2.0, 2.0)])
def test_resampling_keeps_a_band_limited_signal(dt_in, dt_out):
    t_in = dt_in * np.arange(int(400 / dt_in))
    f = 10.0  # Hz, well below every Nyquist here
    sig = lambda t: np.sin(2 * np.pi * f * t / 1000.0) * np.exp(-(((t - 200) / 80) ** 2))
    y = resample_time(sig(t_in)[None], dt_in, dt_out)[0]
    t_out = dt_out * np.arange(len(y))
    assert len(y) == round(len(t_in) * dt_in / dt_out)
    np.testing.assert_allclose(y, sig(t_out), atol=2e-3)
