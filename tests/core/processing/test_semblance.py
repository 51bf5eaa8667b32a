"""Semblance: peaks at the true stacking velocity, equals the textbook loop, degenerate gathers."""

import numpy as np
import pytest

from geodesk.core.processing.semblance import (
    _fold,
    band_decimation,
    reference_semblance,
    semblance,
    velocity_axis,
)


def ricker(t_ms: np.ndarray, f_hz: float = 25.0) -> np.ndarray:
    a = (np.pi * f_hz * t_ms / 1000.0) ** 2
    return (1 - 2 * a) * np.exp(-a)


def cmp_gather(offsets, events, *, dt=4.0, ns=400, f_hz=25.0):
    """Hyperbolic Ricker events ``[(t0_ms, vrms), ...]`` on the given offsets."""
    x = np.abs(np.asarray(offsets, dtype=float))
    t = dt * np.arange(ns)
    g = np.zeros((x.size, ns), dtype=np.float32)
    for t0, v in events:
        tm = np.sqrt(t0**2 + (x * 1000.0 / v) ** 2)
        g += ricker(t[None, :] - tm[:, None], f_hz).astype(np.float32)
    return g, t


EVENTS = [(300.0, 1800.0), (700.0, 2200.0), (1200.0, 2700.0)]
OFFSETS = np.linspace(100.0, 2500.0, 40)


def peak_velocity(panel, t0):
    j = int(np.argmin(np.abs(panel.times_ms - t0)))
    return panel.velocities[np.argmax(panel.values[:, j])]


@pytest.mark.parametrize("decimate", ["auto", 1])
def test_semblance_peaks_at_true_velocity_within_one_step(decimate):
    g, t = cmp_gather(OFFSETS, EVENTS)
    v = velocity_axis(1500, 3500, 25)
    panel = semblance(g, OFFSETS, t, v, decimate=decimate)
    assert panel.values.shape == (v.size, t.size)
    assert panel.values.dtype == np.float32
    for t0, vt in EVENTS:
        assert abs(peak_velocity(panel, t0) - vt) <= 25.0
    assert 0.0 <= panel.values.min() and panel.values.max() <= 1.0


def test_split_spread_and_irregular_offsets_find_the_same_velocities():
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(-2500, 2500, 48))  # split spread, irregular
    g, t = cmp_gather(x, EVENTS)
    panel = semblance(g, x, t, velocity_axis(1500, 3500, 25))
    for t0, vt in EVENTS:
        assert abs(peak_velocity(panel, t0) - vt) <= 25.0


@pytest.mark.parametrize("mute", [None, 60.0])
def test_every_sample_path_equals_the_textbook_loop(mute):
    x = np.array([0.0, 150, 400, 400, 900, 1300, 2100, -2600])  # zero, duplicate, negative
    g, t = cmp_gather(x, EVENTS, ns=350)
    g[3] *= 0.5
    v = velocity_axis(1500, 3000, 100)
    fast = semblance(g, x, t, v, decimate=1, stretch_mute_pct=mute).values
    slow = reference_semblance(g, x, t, v, stretch_mute_pct=mute)
    np.testing.assert_allclose(fast, slow, atol=1e-4)


def test_recording_delay_is_honoured():
    g, t = cmp_gather(OFFSETS, EVENTS, ns=400)
    t_delayed = t[25:]  # the record starts at 100 ms
    v = velocity_axis(1500, 3500, 50)
    fast = semblance(g[:, 25:], OFFSETS, t_delayed, v, decimate=1).values
    np.testing.assert_allclose(fast, reference_semblance(g[:, 25:], OFFSETS, t_delayed, v),
                               atol=1e-4)
    panel = semblance(g[:, 25:], OFFSETS, t_delayed, v)
    for t0, vt in EVENTS:
        assert abs(peak_velocity(panel, t0) - vt) <= 50.0


def test_decimated_panel_stays_close_to_the_exact_one():
    g, t = cmp_gather(OFFSETS, EVENTS, dt=2.0, ns=800, f_hz=20.0)
    noise = np.random.default_rng(0).standard_normal(g.shape)
    wavelet = ricker(np.arange(-60, 61, 2.0), 20.0)
    noise = np.array([np.convolve(row, wavelet, "same") for row in noise])
    g += (0.05 * np.abs(g).max() / noise.std() * noise).astype(np.float32)  # in-band noise
    v = velocity_axis(1500, 3500, 25)
    auto = semblance(g, OFFSETS, t, v)
    assert auto.decimation >= 2  # 20 Hz at 2 ms is oversampled
    exact = reference_semblance(g, OFFSETS, t, v)
    assert np.abs(auto.values - exact).max() < 0.15
    assert np.abs(auto.values - exact).mean() < 0.002


def test_band_decimation_keeps_every_sample_for_broadband_noise():
    noise = np.random.default_rng(0).standard_normal((10, 500)).astype(np.float32)
    assert band_decimation(noise, 2.0, 21) == 1


def test_dead_traces_are_left_out_of_the_fold():
    g, t = cmp_gather(OFFSETS, EVENTS)
    v = velocity_axis(1500, 3500, 50)
    dead = g.copy()
    dead[[3, 10, 11]] = 0.0
    dead[20, 5] = np.nan
    with_dead = semblance(dead, OFFSETS, t, v, decimate=1)
    keep = np.ones(len(OFFSETS), dtype=bool)
    keep[[3, 10, 11, 20]] = False
    without = semblance(g[keep], OFFSETS[keep], t, v, decimate=1)
    assert with_dead.fold == keep.sum()
    np.testing.assert_allclose(with_dead.values, without.values, atol=1e-6)


def test_duplicating_every_trace_leaves_the_panel_unchanged():
    g, t = cmp_gather(OFFSETS, EVENTS)
    v = velocity_axis(1500, 3500, 50)
    once = semblance(g, OFFSETS, t, v, decimate=1).values
    twice = semblance(np.vstack([g, g]), np.r_[OFFSETS, OFFSETS], t, v, decimate=1).values
    np.testing.assert_allclose(once, twice, atol=1e-5)


def test_one_trace_gather_gives_a_flat_panel_and_a_warning():
    g, t = cmp_gather([800.0], EVENTS)
    panel = semblance(g, [800.0], t, velocity_axis(1500, 3000, 100))
    assert any("one live trace" in w for w in panel.warnings)
    # one trace is perfectly coherent with itself wherever its moveout stays in the record
    inside = panel.values > 0
    np.testing.assert_allclose(panel.values[inside], 1.0, atol=1e-5)


def test_zero_offsets_only_give_a_flat_panel_and_a_warning():
    g, t = cmp_gather(np.zeros(6), EVENTS)
    g += np.random.default_rng(0).normal(0, 0.1, g.shape).astype(np.float32)
    panel = semblance(g, np.zeros(6), t, velocity_axis(1500, 3000, 100))
    assert any("zero" in w for w in panel.warnings)
    assert np.ptp(panel.values, axis=0).max() < 1e-5


def test_gather_without_live_traces_is_a_clear_value_error():
    t = 4.0 * np.arange(100)
    with pytest.raises(ValueError, match="no live traces"):
        semblance(np.zeros((5, 100)), np.arange(5) * 100.0, t, [2000.0])


def test_bad_inputs_are_value_errors():
    g, t = cmp_gather(OFFSETS, EVENTS)
    with pytest.raises(ValueError):
        semblance(g, OFFSETS[:-1], t, [2000.0])
    with pytest.raises(ValueError):
        semblance(g, OFFSETS, t, [0.0, 2000.0])
    with pytest.raises(ValueError):
        velocity_axis(3000, 2000, 10)


def test_stretch_mute_fold_counts_only_traces_within_the_allowed_stretch():
    x = np.array([0.0, 500.0, 1000.0, 2000.0])
    t0 = np.arange(0, 1000, 4.0)
    v = np.array([1500.0, 2500.0])
    c = (x[None, :] * 1000.0 / 4.0) / v[:, None]
    _, fold = _fold(c, t0 / 4.0, (t0[-1] / 4.0), 30.0)
    tm = np.sqrt(t0[None, None, :] ** 2 + (x[None, :, None] * 1000.0 / v[:, None, None]) ** 2)
    ok = np.where(x[None, :, None] == 0, True, (tm - t0) <= 0.3 * t0) & (tm <= t0[-1])
    np.testing.assert_array_equal(fold, ok.sum(axis=1))


def test_velocity_axis_includes_both_ends():
    v = velocity_axis(1500, 3500, 25)
    assert v[0] == 1500 and v[-1] == 3500 and len(v) == 81


def test_semblance_of_a_real_split_spread_cmp_is_finite(segy_dir):
    import geodesk

    path = segy_dir / "msacchi+SeismicLab" / "SeismicLab_data" / "cdp700.su"
    if not path.exists():
        pytest.skip(f"{path} not present")
    with geodesk.open(path) as s:
        key = int(s.gather_keys[0])
        gather = s.gather(key)
        t = s.times_ms
    panel = semblance(gather.data, gather.headers["offset"], t, velocity_axis(1200, 5000, 50))
    assert np.isfinite(panel.values).all()
    assert panel.values.max() > 0.2
