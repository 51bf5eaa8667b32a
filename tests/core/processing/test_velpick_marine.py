"""Velocity picking on marine-like gathers: a hard sea floor, its multiples, a far-offset mute."""

from functools import partial

import numpy as np

from geodesk.core.processing.velpick import auto_pick, offset_support, predicted_multiples
from geodesk.synth.wavelets import add_events, ricker

DT = 0.004
T_MS = 1000.0 * DT * np.arange(750)
OFFSETS = np.linspace(150.0, 3000.0, 48)
WB_MS = 500.0  # water bottom; water 1500 m/s, then sediments 2300 m/s
DEEP_MS = (800.0, 1150.0, 1450.0, 1800.0, 2300.0, 2700.0)


def _vrms(t_ms):
    t = np.asarray(t_ms, dtype=float)
    below = np.maximum(t - WB_MS, 0.0)
    return np.sqrt((1500.0 ** 2 * np.minimum(t, WB_MS) + 2300.0 ** 2 * below) / t)


def _marine_gather(mute_far_above_ms: float = 0.0) -> np.ndarray:
    """Sea floor ten times the deeper reflections; its multiples (orders 2-4) and peg-legs."""
    events = [(WB_MS, 1.0, 1500.0)] + [(t, 0.1 * (-1) ** k, _vrms(t)) for k, t in
                                        enumerate(DEEP_MS)]
    for n in (2, 3, 4):
        events.append((n * WB_MS, 0.6 * (-0.7) ** (n - 1), 1500.0))
    for t in DEEP_MS[:3]:
        v = np.sqrt((WB_MS * 1500.0 ** 2 + t * _vrms(t) ** 2) / (WB_MS + t))
        events.append((WB_MS + t, -0.1, v))
    out = np.zeros((len(OFFSETS), len(T_MS)), dtype=np.float32)
    for t0, amp, v in events:
        times = np.sqrt((t0 / 1000.0) ** 2 + (OFFSETS / v) ** 2)
        add_events(out, times, np.full(len(OFFSETS), amp), DT, partial(ricker, f_peak=25.0),
                   (0.06, 0.06))
    out += np.random.default_rng(0).normal(0, 0.005, out.shape).astype(np.float32)
    out[OFFSETS > 2000.0, :round(mute_far_above_ms / 1000.0 / DT)] = 0.0
    return out


def test_predicted_multiples_add_times_and_time_weighted_squared_velocities():
    m = predicted_multiples(np.array([500.0, 800.0]), np.array([1500.0, 2000.0]), 5000.0)
    rows = {(round(t), round(v)) for t, v in m}
    assert (1000, 1500) in rows and (1500, 1500) in rows and (2000, 1500) in rows
    v_peg = np.sqrt((500 * 1500.0 ** 2 + 800 * 2000.0 ** 2) / 1300)
    assert (1300, round(v_peg)) in rows
    assert predicted_multiples(np.array([500.0]), np.array([1500.0]), 1200.0)[:, 0].max() <= 1200


def test_deep_primaries_below_a_hard_sea_floor_are_picked_and_its_multiples_are_not():
    t, v = auto_pick(_marine_gather(), OFFSETS, T_MS)
    err = np.abs(v - _vrms(t)) / _vrms(t)
    assert np.any(np.abs(t - WB_MS) < 40.0), (t, v)  # the sea floor itself stays
    deep = [np.any((np.abs(t - d) < 40.0) & (err < 0.02)) for d in DEEP_MS]
    assert sum(deep) >= 4, np.c_[t, v, err]
    for n in (2, 3, 4):
        assert not np.any((np.abs(t - n * WB_MS) < 40.0) & (np.abs(v - 1500.0) < 45.0)), (t, v)


def test_a_muted_far_group_does_not_veto_a_reflection_the_rest_of_the_spread_shows():
    g = _marine_gather(mute_far_above_ms=3000.0)
    c = np.array([[1150.0, float(_vrms(1150.0)), 0.5], [1150.0, 1500.0, 0.5]])
    sup = offset_support(c, g, OFFSETS, T_MS)
    assert sup[0] > 0.5 and sup[0] > 2 * sup[1]
