"""The combined first-break picker: network onset likelihood + the gather's refractor trend."""

import numpy as np
import pytest

from geodesk.ml.tasks.fb_combine import combined_onsets, gather_trend


def _loglik(peaks, n=200, second=None):
    """An onset log-likelihood per trace peaked at ``peaks`` (work samples), optionally with a
    weaker second peak at ``second``."""
    s = np.arange(n + 1)[None, :]
    ll = -0.5 * ((s - np.asarray(peaks, float)[:, None]) / 1.5) ** 2 * 4
    if second is not None:
        alt = -0.5 * ((s - np.asarray(second, float)[:, None]) / 1.5) ** 2 * 4 - 6.0
        ll = np.maximum(ll, alt)
    ll[:, n] = -1e3  # "no onset" is unlikely
    return ll


def _split_spread(n=40, apex=15):
    x = (np.arange(n) - apex) * 10.0
    return x, 20.0 + np.abs(x) / 5.0  # onsets (work samples at 1 ms)


@pytest.mark.parametrize("known_offsets", [True, False])
def test_traces_locked_on_a_late_arrival_are_repicked_on_the_trend(known_offsets):
    x, onset = _split_spread()
    wrong = np.zeros(len(x), bool)
    wrong[[3, 4, 25, 33]] = True
    net = np.where(wrong, onset + 40, onset)  # the network follows a late, strong arrival there
    ll = _loglik(net, second=np.where(wrong, onset, net))
    live = np.ones(len(x), bool)
    res = combined_onsets(ll, live, x if known_offsets else np.zeros(len(x)), 0.0, 1.0, 4.0)
    assert np.all(np.abs(res.k - onset) <= 1.0)
    assert np.all(res.inside[wrong] < 0.1) and np.all(res.inside[~wrong] > 0.9)


def test_a_gather_without_a_line_keeps_the_network_picks():
    rng = np.random.default_rng(1)
    net = rng.uniform(10, 190, 30)
    res = combined_onsets(_loglik(net), np.ones(30, bool), None, 0.0, 1.0, 4.0)
    np.testing.assert_allclose(res.k, np.round(net), atol=0.6)
    assert np.all(res.inside == 1.0)


def test_dead_traces_stay_unpicked_and_do_not_bend_the_trend():
    x, onset = _split_spread()
    live = np.ones(len(x), bool)
    live[[10, 11]] = False
    ll = _loglik(np.where(live, onset, 190))
    res = combined_onsets(ll, live, x, 0.0, 1.0, 4.0)
    assert np.all(np.abs(res.k[live] - onset[live]) <= 1.0)
    assert np.isnan(res.trend_ms[~live]).all()


def test_unknown_offsets_fall_back_to_the_channel_order_around_the_apex():
    _, onset = _split_spread(apex=12)
    np.testing.assert_allclose(gather_trend(onset, np.zeros(len(onset))), onset, atol=0.5)


def test_an_onset_at_the_last_sample_is_not_shifted_by_the_no_onset_column():
    n = 50
    ll = np.full((1, n + 1), -50.0)
    ll[0, n - 2], ll[0, n - 1], ll[0, n] = -2.0, 0.0, -0.5  # "no onset" nearly as likely
    got = combined_onsets(ll, np.ones(1, bool), None, 0.0, 1.0, 6.0)
    assert got.k[0] == n - 1  # the end of the record: no parabola through "no onset"
