"""The velocity bench's scoring: misses count at the cap, implausible picks are flagged."""

import numpy as np
from bench_vel_quality import ERROR_CAP, Tally, apply_mute, plausibility


def test_a_cmp_without_picks_counts_at_the_error_cap():
    tally = Tally()
    t = np.arange(0.0, 1000.0, 4.0)
    truth = np.full(t.shape, 2000.0)
    tally.add({"semblance": (np.zeros(0), np.zeros(0), 0.1),
               "unet": (np.array([500.0]), np.array([2100.0]), 0.2)}, t, truth)
    rep = tally.report()
    assert rep["semblance"]["misses"] == 1 and rep["semblance"]["mean_pct"] == 100 * ERROR_CAP
    assert rep["unet"]["misses"] == 0 and abs(rep["unet"]["mean_pct"] - 5.0) < 1e-6


def test_plausibility_flags_falling_vrms_and_imaginary_interval_velocities():
    assert plausibility(np.array([500.0, 1000.0, 1500.0]), np.array([1800.0, 2000.0, 2300.0]))[
        "plausible"]
    bad = plausibility(np.array([500.0, 1000.0]), np.array([2400.0, 1600.0]))
    assert bad["vrms_drops_over_2pct"] and bad["implausible_dix_intervals"] == 1
    assert not plausibility(np.zeros(0), np.zeros(0))["plausible"]


def test_mute_zeroes_each_channel_above_its_interpolated_time():
    t = np.arange(0.0, 2000.0, 4.0)
    data = np.ones((3, len(t)), np.float32)
    out = apply_mute(data, np.array([0.0, 60.0, 120.0]), t, np.array([0.0, 120.0]),
                     np.array([1500.0, 300.0]), taper_ms=40.0)
    assert not out[0, t < 1500.0].any() and out[0, t >= 1540.0].all()
    assert not out[1, t < 900.0].any() and out[1, t >= 940.0].all()
    assert not out[2, t < 300.0].any()
