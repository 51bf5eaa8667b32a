"""The network's first breaks combined with the classical picker's (fb_hybrid): the network may
only move a classical pick earlier, where it is sure and the data show an energy rise."""

import numpy as np
import pytest

import geodesk.ml.tasks.fb_hybrid as hybrid
from geodesk.core.processing.fb_classical import pick_mer_trend
from geodesk.ml.tasks.fb_hybrid import classical_with_network, loglik_at

N_TR, NS, DT = 24, 400, 1.0


def _ricker(t_s, f_hz=40.0):
    a = (np.pi * f_hz * t_s) ** 2
    return (1.0 - 2.0 * a) * np.exp(-a)


def _gather(weak_traces=(), weak_amp=0.6, seed=0):
    """Noise (RMS 0.01), a strong arrival at 120 + 3 i ms and, on ``weak_traces``, a weaker one
    (``weak_amp`` x its amplitude) at 60 + 2 i ms: (data, weak times, strong times)."""
    rng = np.random.default_rng(seed)
    t = np.arange(NS) * DT
    x = 0.01 * rng.standard_normal((N_TR, NS))
    weak = 60.0 + 2.0 * np.arange(N_TR)
    strong = 120.0 + 3.0 * np.arange(N_TR)
    for i in range(N_TR):
        x[i] += _ricker((t - strong[i] - 12.0) / 1000.0)
        if i in weak_traces:
            x[i] += weak_amp * _ricker((t - weak[i] - 12.0) / 1000.0)
    return x.astype(np.float32), weak, strong


def _loglik(times, height=200.0):
    """A network's onset log-likelihood on the 1 ms work grid, sharply peaked at ``times``."""
    k = np.arange(NS + 1)[None, :]
    c = np.asarray(times, float)[:, None] / DT + 0.5
    return -height * np.minimum(((k - c) / 3.0) ** 2, 1.0)


@pytest.fixture
def classical_on_the_strong_arrival(monkeypatch):
    """The classical picker as it behaves where it misses a weak head wave: its picks on the
    gather without the weak arrival, i.e. on the strong one."""
    strong_only, _, _ = _gather()
    monkeypatch.setattr(hybrid, "pick_mer_trend",
                        lambda data, dt, off, t0_ms=0.0: pick_mer_trend(strong_only, dt, off,
                                                                        t0_ms=t0_ms))


def test_loglik_at_reads_the_work_sample_after_each_time():
    ll = np.arange(2 * 11, dtype=float).reshape(2, 11)  # 10 work samples + "no onset"
    # an onset at 3.6 ms (t0 = 1 ms, 0.5 ms samples) lies within sample 5: index k = 6
    got = loglik_at(ll, np.array([3.6, np.nan]), 1.0, 0.5)
    assert got[0] == ll[0, 6] and got[1] == ll[1, 0]  # NaN reads the first sample


def test_a_sure_network_moves_the_pick_onto_a_weak_earlier_arrival_only_where_the_data_rise(
        classical_on_the_strong_arrival):
    present = range(12)  # the weak arrival on the first half of the traces only
    x, weak, strong = _gather(present)
    out = classical_with_network(x, DT, 0.0, None, weak, _loglik(weak), DT)
    cls = out.classical.picks_ms
    assert np.all(np.abs(cls - strong) < 15.0)  # the classical picks sit on the strong arrival
    # the run's end trace (11) is compared with neighbours that show only the later arrival:
    # its coherence is lower and it may keep the classical pick
    assert out.from_network[:11].all() and not out.from_network[12:].any()
    assert np.all(np.abs(out.times_ms[:11] - weak[:11]) <= 12.0)  # onto the weak arrival
    np.testing.assert_array_equal(out.times_ms[12:], cls[12:].astype(np.float32))  # no rise: kept


def test_an_unsure_or_later_network_pick_leaves_the_classical_pick(
        classical_on_the_strong_arrival):
    x, weak, strong = _gather(range(N_TR))
    flat = _loglik(weak, height=1.0)  # the network barely prefers its pick
    assert not classical_with_network(x, DT, 0.0, None, weak, flat, DT).from_network.any()
    late = strong + 40.0  # sure, but after the classical pick: a first break is the earliest
    assert not classical_with_network(x, DT, 0.0, None, late, _loglik(late), DT).from_network.any()


def test_without_a_classical_pick_the_network_pick_is_kept(monkeypatch):
    x, weak, _ = _gather(range(N_TR))
    real = pick_mer_trend(x, DT, None)
    real = type(real)(np.full(N_TR, np.nan), real.trend, real.residual_ms, real.flagged,
                      real.tolerance_ms)
    monkeypatch.setattr(hybrid, "pick_mer_trend", lambda *a, **k: real)
    out = classical_with_network(x, DT, 0.0, None, weak, _loglik(weak), DT)
    assert out.from_network.all() and np.all(np.abs(out.times_ms - weak) <= 12.0)


def test_a_network_pick_on_the_1ms_grid_is_placed_on_a_fine_record_s_own_samples(monkeypatch):
    dt, ns = 0.25, 1600
    rng = np.random.default_rng(2)
    t = np.arange(ns) * dt
    weak = 60.0 + 2.1 * np.arange(N_TR) + rng.uniform(0, 1, N_TR)  # between 1 ms samples
    data = 1e-3 * rng.standard_normal((N_TR, ns))
    for i in range(N_TR):  # a weak causal arrival (its onset is its first sample), a strong later
        s = np.clip((t - weak[i]) / 1000.0, 0.0, None)
        data[i] += np.where(t >= weak[i], 0.1 * np.sin(2 * np.pi * 50.0 * s), 0.0)
    strong_picks = weak + 60.0
    real = pick_mer_trend(data, dt, None)
    real = type(real)(strong_picks, real.trend, real.residual_ms, real.flagged, real.tolerance_ms)
    monkeypatch.setattr(hybrid, "pick_mer_trend", lambda *a, **k: real)
    coarse = np.floor(weak) + 0.5  # what the 1 ms network gives: up to half a ms off
    out = classical_with_network(data, dt, 0.0, None, coarse, _loglik(coarse), 1.0)
    assert out.from_network.all()
    assert np.all(np.abs(out.times_ms - weak) <= 2 * dt)  # within 2 input samples


def test_training_scores_the_network_s_own_picks(monkeypatch):
    from geodesk.ml.tasks.firstbreaks import FirstBreakUNet, gather_section

    model = FirstBreakUNet(depth=2, width=4, device="cpu")
    seen = []
    monkeypatch.setattr(FirstBreakUNet, "predict",
                        lambda self, x, **k: seen.append(self.classical) or np.zeros(2))
    x = gather_section(np.ones((2, 50), np.float32), 1.0)
    assert model.score([x], [np.zeros(2)])["within_2_samples"] == 1.0
    assert seen == ["none"] and model.classical == "earlier"


def test_a_sure_network_pick_on_an_incoherent_noise_burst_leaves_the_classical_pick(
        classical_on_the_strong_arrival):
    x = _gather()[0]
    rng = np.random.default_rng(5)
    burst = 50.0 + 2.0 * np.arange(N_TR)  # a burst of noise on every trace, unlike trace to trace
    for i in range(N_TR):
        k = int(burst[i])
        x[i, k:k + 30] += 0.5 * rng.standard_normal(30).astype(np.float32)
    without = classical_with_network(x, DT, 0.0, None, burst, _loglik(burst), DT,
                                     min_coherence=-1.0)
    assert without.from_network.sum() >= N_TR // 2  # sure and with an energy rise: it would move
    out = classical_with_network(x, DT, 0.0, None, burst, _loglik(burst), DT)
    assert not out.from_network.any()
    np.testing.assert_array_equal(out.times_ms, out.classical.picks_ms.astype(np.float32))
