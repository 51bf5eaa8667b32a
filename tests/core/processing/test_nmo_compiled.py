"""The compiled NMO pass against the numpy one on random gathers."""

import numpy as np
import pytest

from geodesk.core.processing import nmo, nmo_compiled

pytestmark = pytest.mark.skipif(not nmo_compiled.HAVE_NUMBA, reason="numba is not installed")


@pytest.mark.parametrize("mute,delay", [(None, 0.0), (50.0, 0.0), (30.0, 16.0), (None, -8.0)])
def test_compiled_nmo_equals_numpy_nmo_on_random_gathers(mute, delay):
    rng = np.random.default_rng(11)
    a = rng.standard_normal((21, 333)).astype(np.float32)
    x = np.abs(rng.uniform(-3000.0, 3000.0, 21)).astype(np.float32)
    x[3] = 0.0
    t = delay + 4.0 * np.arange(333)
    v = np.interp(t, [0.0, 700.0, 1332.0], [1450.0, 2600.0, 2100.0])  # with an inversion
    fast, fast_ok = nmo_compiled.compiled_nmo(a, x, t, v, mute)  # loads it: compiled from now
    slow, slow_ok = nmo._nmo_numpy(a, x, t, float(t[1] - t[0]), v, mute)
    assert np.array_equal(fast_ok, slow_ok)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-6)


def test_nmo_stack_is_the_same_through_either_path(monkeypatch):
    rng = np.random.default_rng(12)
    g = rng.standard_normal((30, 400)).astype(np.float32)
    g[4] = 0.0  # a dead trace
    x = np.linspace(-2000.0, 2000.0, 30)
    t = 2.0 * np.arange(400)
    fn = (np.array([0.0, 800.0]), np.array([1500.0, 2500.0]))
    nmo_compiled.prepare(nmo_compiled.WARM_SAMPLES)  # a survey-sized pass loads it
    assert nmo_compiled.use_compiled()
    fast = nmo.nmo_stack(g, x, t, *fn, stretch_mute_pct=50.0)
    monkeypatch.setattr(nmo_compiled, "HAVE_NUMBA", False)
    slow = nmo.nmo_stack(g, x, t, *fn, stretch_mute_pct=50.0)
    np.testing.assert_allclose(fast[0], slow[0], atol=1e-6)
    assert np.array_equal(fast[1], slow[1])
