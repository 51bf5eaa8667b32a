"""The classical mer_trend picker: earliest consistent onsets, unknown offsets, split spreads,
flagged outliers, dead traces."""

import numpy as np
import pytest

from geodesk.core.processing.fb_classical import (
    arrival_peak_period_ms,
    earlier_branch,
    pick_mer_trend,
    self_consistent,
    trend_confidence,
)
from geodesk.core.processing.firstbreaks import pick_first_breaks

DT = 1.0


def wavelet(t_ms, f=40.0):
    """Causal wavelet starting at t = 0 (its onset is exactly known)."""
    t = np.asarray(t_ms) / 1000.0
    s = np.clip(t, 0.0, None)
    return np.where(t >= 0, np.sin(2 * np.pi * f * s) * np.exp(-120 * s) * (1 - np.exp(-900 * s)),
                    0.0)


def refraction_shot(source=17.3, n_tr=48, ns=500, noise=0.004, seed=0, spacing=5.0):
    """Weak head wave (0.2 x) overtaking a strong direct wave beyond about 5 channels, and
    strong slow ground roll. Returns gather, signed offsets, true first-arrival onsets."""
    rng = np.random.default_rng(seed)
    off = (np.arange(n_tr) - source) * spacing
    x = np.abs(off)
    t_dir = x / 0.5 + 4.0            # ms: 500 m/s, a 4 ms recording delay
    t_head = x / 2.0 + 35.0 + 4.0    # 2000 m/s with a 35 ms intercept
    head = x > 20.0
    t = np.arange(ns) * DT
    amp = 1.0 / np.maximum(x, 2.0)
    g = amp[:, None] * wavelet(t[None, :] - t_dir[:, None])
    g += np.where(head, 0.2 * amp, 0.0)[:, None] * wavelet(t[None, :] - t_head[:, None])
    g += 3.0 * amp[:, None] * wavelet(t[None, :] - (x / 0.3 + 4.0)[:, None], f=12.0)
    g += noise * rng.standard_normal(g.shape) / 20.0
    onset = np.where(head, np.minimum(t_dir, t_head), t_dir)
    return g, off, onset


def hits(picks, truth, tol=4 * DT):
    return float(np.mean(np.abs(picks - truth) <= tol))


def test_weak_head_wave_ahead_of_a_strong_direct_wave_is_picked():
    g, off, onset = refraction_shot()
    res = pick_mer_trend(g, DT, off)
    far = np.abs(off) > 60  # the head wave arrives clearly first here
    assert hits(res.picks_ms[far], onset[far]) >= 0.9
    assert hits(res.picks_ms, onset) >= 0.9
    old = pick_first_breaks(g, DT, "stalta")  # the strongest early energy: the direct wave
    assert hits(old[far], onset[far]) < 0.5


@pytest.mark.parametrize("offsets", ["signed", "unsigned", "zeros", "none"])
def test_unknown_or_unsigned_offsets_pick_as_well_as_signed_ones(offsets):
    g, off, onset = refraction_shot(seed=1)
    given = {"signed": off, "unsigned": np.abs(off), "zeros": np.zeros_like(off),
             "none": None}[offsets]
    res = pick_mer_trend(g, DT, given)
    assert hits(res.picks_ms, onset) >= 0.9
    assert abs(res.trend.apex - 17.3) <= 1.5


@pytest.mark.parametrize("source", [-0.6, 23.5, 47.6, 60.0])
def test_end_on_split_and_off_end_spreads(source):
    g, off, onset = refraction_shot(source=source, seed=2)
    res = pick_mer_trend(g, DT, None)
    assert hits(res.picks_ms, onset) >= 0.85


def test_a_trace_without_its_first_arrival_is_flagged_and_the_others_are_not():
    g, off, onset = refraction_shot(seed=3)
    k = int(onset[40] / DT) + 40
    g[40, :k] = np.random.default_rng(4).standard_normal(k) * 1e-5  # only later energy left
    res = pick_mer_trend(g, DT, off)
    assert res.flagged[40]
    assert trend_confidence(res)[40] < 0.5
    others = np.delete(np.arange(g.shape[0]), 40)
    assert res.flagged[others].mean() <= 0.1
    assert np.nanmedian(trend_confidence(res)[others]) > 0.8


def test_dead_traces_give_nan_and_are_not_flagged():
    g, off, onset = refraction_shot(seed=5)
    g[3] = 0.0
    g[30] = np.nan
    res = pick_mer_trend(g, DT, off)
    assert np.isnan(res.picks_ms[[3, 30]]).all()
    assert not res.flagged[[3, 30]].any()
    live = np.setdiff1d(np.arange(g.shape[0]), [3, 30])
    assert hits(res.picks_ms[live], onset[live]) >= 0.9


def test_mer_trend_is_a_method_of_pick_first_breaks():
    g, off, onset = refraction_shot(seed=6)
    p = pick_first_breaks(g, DT, "mer_trend", offsets=off, t0_ms=100.0)
    assert hits(p - 100.0, onset) >= 0.9


def test_survey_settings_give_mer_trend_picks_and_a_confidence_that_marks_flags():
    from geodesk.core.processing.fb_survey import FirstBreakParams, pick_gather_scored
    from geodesk.core.section import Axis, Section

    g, off, onset = refraction_shot(seed=7)
    k = int(onset[40] / DT) + 40
    g[40, :k] = np.random.default_rng(8).standard_normal(k) * 1e-5
    sec = Section(g.astype(np.float32), Axis(np.arange(len(g)) + 1.0, "channel"),
                  Axis(np.arange(g.shape[1]) * DT, "time", "ms"), "gather",
                  headers={"offset": off})
    times, conf = pick_gather_scored(sec, FirstBreakParams(method="mer_trend"))
    assert hits(times, onset) >= 0.85
    assert conf[40] < 0.5
    assert np.nanmedian(conf) > 0.8
    _, none = pick_gather_scored(sec, FirstBreakParams(method="stalta"))
    assert none is None


def test_weak_rises_everywhere_are_not_flagged_but_a_missing_arrival_is():
    g, off, onset = refraction_shot(seed=5)
    rng = np.random.default_rng(6)
    first = np.where(np.abs(off) > 20.0, 0.2, 1.0) / np.maximum(np.abs(off), 2.0)
    g = g + 0.3 * first[:, None] * rng.standard_normal(g.shape)  # every onset rises weakly
    k = int(onset[40] / DT) + 40
    g[40, :k] = 0.3 * first[40] * rng.standard_normal(k)  # only later energy left
    res = pick_mer_trend(g, DT, off)
    others = np.delete(np.arange(g.shape[0]), 40)
    assert res.flagged[40]
    assert res.flagged[others].mean() <= 0.25  # a fixed energy-ratio test flagged about half


def rolled_shot(roll, seed):
    """refraction_shot with the slow ground roll ``roll`` x the direct wave instead of 3 x."""
    g, off, onset = refraction_shot(seed=seed)
    x = np.abs(off)
    t = np.arange(g.shape[1]) * DT
    extra = (roll - 3.0) / np.maximum(x, 2.0)
    g = g + extra[:, None] * wavelet(t[None, :] - (x / 0.3 + 4.0)[:, None], f=12.0)
    return g, off, onset


@pytest.mark.parametrize("seed", [0, 1])
def test_ground_roll_thirty_times_the_direct_wave_still_gives_onsets_within_two_samples(seed):
    g, off, onset = rolled_shot(30.0, seed)
    res = pick_mer_trend(g, DT, off)
    # one pass at the arrivals' estimated period (5.8 ms here, for 25 ms arrivals) got 0.77/0.85
    assert hits(res.picks_ms, onset, tol=2 * DT) >= 0.88


def test_arrival_peak_period_is_the_period_after_the_picks_whatever_the_dc_bias():
    rng = np.random.default_rng(0)
    t = np.arange(400) * DT
    picks = rng.uniform(50, 150, 30)
    g = np.where(t[None, :] >= picks[:, None],
                 np.sin(2 * np.pi * (t[None, :] - picks[:, None]) / 20.0), 0.0)
    assert arrival_peak_period_ms(g, DT, picks, 20.0) == pytest.approx(20.0, rel=0.1)
    assert arrival_peak_period_ms(g + 5.0, DT, picks, 20.0) == pytest.approx(20.0, rel=0.1)
    assert np.isnan(arrival_peak_period_ms(g, DT, picks[:2].tolist() + [np.nan] * 28, 20.0))


def bursts(picks, period, ns=600, cycles=6):
    """Rows with a sinusoid burst of ``period`` (ms, Hann envelope, ``cycles`` long) from each
    pick on; zero elsewhere."""
    t = np.arange(ns) * DT - np.asarray(picks)[:, None]
    inside = (t >= 0) & (t < cycles * period)
    env = np.where(inside, np.sin(np.pi * np.clip(t, 0, None) / (cycles * period)) ** 2, 0.0)
    return env * np.sin(2 * np.pi * t / period)


def test_the_self_consistent_pass_is_kept_and_a_pass_in_the_noise_is_not():
    from geodesk.core.processing.fb_trend import consistent_picks

    rng = np.random.default_rng(0)
    n_tr = 40
    first = 100.0 + 4.0 * np.arange(n_tr)   # 10 ms arrivals
    roll = 200.0 + 8.0 * np.arange(n_tr)    # 40 ms roll, ten times stronger
    g = bursts(first, 10.0) + 10.0 * bursts(roll, 40.0, cycles=3)
    t = np.arange(g.shape[1]) * DT  # and a weak hum of the arrivals' period from time zero
    g += 0.05 * np.sin(2 * np.pi * t[None, :] / 10.0 + rng.uniform(0, 6.3, (n_tr, 1)))
    g += 0.01 * rng.standard_normal(g.shape)
    off = 10.0 * np.arange(n_tr) + 5.0
    on_roll = consistent_picks(g, DT, roll, off, iterations=0)
    on_arrival = consistent_picks(g, DT, first, off, iterations=0)
    in_noise = consistent_picks(g, DT, 20.0 + 2.0 * np.arange(n_tr), off, iterations=0)
    assert arrival_peak_period_ms(g, DT, first, 10.0) == pytest.approx(10.0, rel=0.15)
    assert self_consistent(g, DT, [(on_roll, 10.0), (on_arrival, 10.0)])[0] is on_arrival
    # the hum has the period assumed as well, but no energy rises at those picks
    assert self_consistent(g, DT, [(in_noise, 10.0), (on_arrival, 10.0)])[0] is on_arrival


def test_a_weak_head_wave_the_picks_missed_is_found_ahead_of_them():
    g, off, onset = refraction_shot(seed=9, noise=0.001)
    direct = np.abs(off) / 0.5 + 4.0  # picks left on the strong direct wave everywhere
    far = np.abs(off) > 60
    assert hits(direct[far], onset[far]) == 0.0
    moved = earlier_branch(g, DT, 25.0, direct, 17.3)
    assert hits(moved[far], onset[far]) >= 0.9
    near = np.abs(off) < 15  # where the direct wave is first, the picks stay
    assert np.array_equal(moved[near], direct[near])


def test_no_branch_is_made_of_noise_ahead_of_the_picks():
    g, off, onset = refraction_shot(seed=10, noise=0.2)
    late = onset + 60.0  # only noise ahead of these picks, on every trace
    late[np.abs(off) < 15] = onset[np.abs(off) < 15]
    moved = earlier_branch(g, DT, 25.0, late, 17.3)
    np.testing.assert_array_equal(moved, late)


def test_alignment_stage_is_opt_in_and_keeps_the_head_wave():
    g, off, onset = refraction_shot()
    plain = pick_mer_trend(g, DT, off)
    assert np.array_equal(plain.picks_ms, pick_mer_trend(g, DT, off, align=False).picks_ms,
                          equal_nan=True)
    aligned = pick_mer_trend(g, DT, off, align=True)
    assert hits(aligned.picks_ms, onset) >= 0.9
