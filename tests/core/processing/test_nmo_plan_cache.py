"""NMO through a moveout cache gives the uncached result, and reuses a plan only for the same
offsets, times, velocities and mute."""

import numpy as np

from geodesk.core.processing.nmo import MoveoutCache, nmo_correct, nmo_stack

TIMES = 4.0 * np.arange(300)
T_FN, V_FN = np.array([0.0, 1200.0]), np.array([1500.0, 2600.0])


def _gather(seed, n=12):
    return np.random.default_rng(seed).standard_normal((n, TIMES.size)).astype(np.float32)


def test_cached_nmo_equals_uncached_nmo_as_offsets_velocities_and_mute_change():
    cache = MoveoutCache()
    x = np.linspace(100.0, 2400.0, 12)
    cases = [(x, V_FN, 50.0), (x, V_FN, 50.0), (x * 1.1, V_FN, 50.0), (x * 1.1, V_FN * 1.05, 50.0),
             (x * 1.1, V_FN * 1.05, 30.0), (x * 1.1, V_FN * 1.05, None), (x, V_FN, 50.0)]
    for k, (offsets, v, mute) in enumerate(cases):
        g = _gather(k)
        want = nmo_correct(g, offsets, TIMES, T_FN, v, stretch_mute_pct=mute)
        got = nmo_correct(g, offsets, TIMES, T_FN, v, stretch_mute_pct=mute, cache=cache)
        np.testing.assert_array_equal(got, want)
        trace, fold = nmo_stack(g, offsets, TIMES, T_FN, v, stretch_mute_pct=mute, cache=cache)
        want_trace, want_fold = nmo_stack(g, offsets, TIMES, T_FN, v, stretch_mute_pct=mute)
        np.testing.assert_array_equal(trace, want_trace)
        np.testing.assert_array_equal(fold, want_fold)


def test_the_plan_is_reused_for_the_same_geometry_and_made_anew_otherwise():
    cache = MoveoutCache()
    x = np.linspace(100.0, 2400.0, 12)
    first = cache.plan(x, TIMES, 4.0, np.full(TIMES.size, 2000.0), 50.0, TIMES.size)
    assert cache.plan(x.copy(), TIMES.copy(), 4.0, np.full(TIMES.size, 2000.0), 50.0,
                      TIMES.size) is first
    assert cache.plan(x, TIMES, 4.0, np.full(TIMES.size, 2001.0), 50.0, TIMES.size) is not first
    assert not first.index.flags.writeable  # shared between gathers: nobody may change it
