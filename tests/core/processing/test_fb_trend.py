"""Refractor trend of first-break picks: robust to wild picks, by offset or by channel."""

import numpy as np
import pytest

from geodesk.core.processing.fb_trend import consistent_picks, refractor_trend, repick_near_trend


def _refraction_times(n: int = 96, source: float = 30.3, spacing: float = 5.0):
    dist = np.abs(np.arange(n) - source) * spacing
    t = np.minimum.reduce([dist / 0.8, 12 + dist / 2.5, 30 + dist / 5.0])
    return t, (np.arange(n) - source) * spacing


def _with_outliers(t: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    obs = t + rng.normal(0, 0.3, t.size)
    bad = rng.random(t.size) < 0.25
    obs[bad] += rng.uniform(-30, 60, bad.sum())
    return obs, bad


@pytest.mark.parametrize("kind", ["signed", "unsigned", "unknown", "zeros"])
def test_trend_follows_the_refractor_through_a_quarter_of_wild_picks(kind):
    t, off = _refraction_times()
    obs, bad = _with_outliers(t)
    offsets = {"signed": off, "unsigned": np.abs(off), "unknown": None,
               "zeros": np.zeros_like(off)}[kind]
    trend = refractor_trend(obs, offsets)
    err = np.abs(trend.times_ms - t)
    assert np.median(err) < 0.5
    assert np.percentile(err, 90) < 1.5


def test_unknown_offsets_give_the_source_as_the_apex():
    t, _ = _refraction_times(source=61.0)
    trend = refractor_trend(t + np.random.default_rng(1).normal(0, 0.2, t.size))
    assert abs(trend.apex - 61.0) <= 1.0


def test_off_end_shot_with_unknown_offsets_is_one_sided():
    t, _ = _refraction_times(n=60, source=-8.0)
    trend = refractor_trend(t)
    assert trend.apex <= 0.5
    assert np.max(np.abs(trend.times_ms - t)) < 1.0


def _gather_with_onsets(onset_ms: np.ndarray, dt: float, ns: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    tt = np.arange(ns) * dt
    g = noise * rng.standard_normal((onset_ms.size, ns))
    for i, t0 in enumerate(onset_ms):
        s = tt - t0
        g[i] += np.where(s >= 0, np.sin(2 * np.pi * s / 10.0) * np.exp(-s / 8.0), 0.0)
    return g


def test_repick_near_trend_finds_the_onset_inside_the_window():
    t, off = _refraction_times(n=48)
    g = _gather_with_onsets(t + 20, 0.5, 400, 0.02, 2)
    re = repick_near_trend(g, 0.5, t + 23, 8.0, period_ms=10.0)
    assert np.median(np.abs(re - (t + 20))) <= 1.0


def test_score_repick_takes_the_score_maximum_in_the_window():
    g = np.ones((3, 100))
    score = np.zeros((3, 100))
    score[:, 40] = 1.0
    score[:, 90] = 5.0  # outside the window: ignored
    re = repick_near_trend(g, 1.0, np.full(3, 45.0), 10.0, score=score)
    assert np.all(re == 40.0)


def test_consistent_picks_repicks_and_flags_what_stays_off_the_trend():
    t, off = _refraction_times(n=48)
    g = _gather_with_onsets(t + 20, 0.5, 400, 0.02, 3)
    g[10] = 0.0  # dead trace
    first = t + 20
    first[[5, 30]] += 25.0  # two wild first picks
    res = consistent_picks(g, 0.5, first, off, period_ms=10.0)
    live = np.arange(48) != 10
    assert np.isnan(res.picks_ms[10]) and not res.flagged[10]
    assert np.all(np.abs(res.picks_ms[[5, 30]] - (t[[5, 30]] + 20)) <= 1.0)
    assert np.median(np.abs(res.picks_ms[live] - (t[live] + 20))) <= 1.0
    assert res.flagged.sum() <= 3
