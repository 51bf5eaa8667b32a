"""The compiled moveout sums and semblance against the numpy path and the textbook loop."""

import numpy as np
import pytest

from geodesk.core.processing import moveout_sums as ms
from geodesk.core.processing.semblance import (
    _fold,
    reference_semblance,
    semblance,
    velocity_axis,
)

needs_numba = pytest.mark.skipif(not ms.HAVE_NUMBA, reason="numba is not installed")


def _problem(seed, n_x=17, n_s=301, n_v=23, delay_ms=0.0, mute=None, step=1):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n_x, n_s)).astype(np.float32)
    x = rng.uniform(0.0, 3000.0, n_x)
    t = delay_ms + 4.0 * np.arange(n_s)
    v = np.sort(rng.uniform(1400.0, 5000.0, n_v))
    dt = 4.0
    c = (x[None, :] * (1000.0 / dt)) / v[:, None]
    t0 = t[::step]
    lo, _ = _fold(c, t0 / dt, (n_s - 1) + t[0] / dt, mute)
    return a, c, t0 / dt, t[0] / dt, lo


@needs_numba
@pytest.mark.parametrize("seed,delay,mute,step", [(0, 0.0, None, 1), (1, 0.0, 50.0, 1),
                                                  (2, 40.0, None, 2), (3, 12.0, 30.0, 3)])
def test_compiled_sums_equal_the_numpy_sums_on_random_gathers(seed, delay, mute, step):
    a, c, t0_s, shift, lo = _problem(seed, delay_ms=delay, mute=mute, step=step)
    shape = (c.shape[0], len(t0_s))
    s1, e1, s2, e2 = (np.full(shape, np.nan, dtype=np.float32) for _ in range(4))
    rows = slice(0, c.shape[0])
    ms.numpy_sums(a, c, t0_s, shift, lo, s1, e1, rows)
    ms.compiled_sums(a, c, t0_s, shift, lo, s2, e2, rows)
    assert np.allclose(s1, s2, atol=2e-5 * np.abs(s1).max())
    assert np.allclose(e1, e2, atol=2e-5 * np.abs(e1).max())
    assert np.isfinite(s2).all() and e2.min() >= 0


@needs_numba
def test_compiled_sums_fill_only_the_rows_asked_for():
    a, c, t0_s, shift, lo = _problem(4)
    s = np.full((c.shape[0], len(t0_s)), -7.0, dtype=np.float32)
    e = s.copy()
    ms.compiled_sums(a, c, t0_s, shift, lo, s, e, slice(5, 9))
    assert (s[:5] == -7).all() and (s[9:] == -7).all() and not (s[5:9] == -7).any()


@pytest.mark.parametrize("mute,workers", [(None, 1), (50.0, 2), (None, 2)])
def test_semblance_equals_the_textbook_loop_on_random_data(mute, workers):
    rng = np.random.default_rng(7)
    g = rng.standard_normal((24, 400)).astype(np.float32)
    x = np.linspace(-1500.0, 2500.0, 24)
    t = 4.0 * np.arange(400)
    v = velocity_axis(1500.0, 4000.0, 100.0)
    fast = semblance(g, x, t, v, decimate=1, stretch_mute_pct=mute, workers=workers)
    ref = reference_semblance(g, x, t, v, stretch_mute_pct=mute)
    assert np.abs(fast.values - ref).max() < 2e-3


def test_semblance_is_the_same_with_the_numpy_path(monkeypatch):
    rng = np.random.default_rng(8)
    g = rng.standard_normal((30, 500)).astype(np.float32)
    x = np.linspace(100.0, 3000.0, 30)
    t = 2.0 * np.arange(500)
    v = velocity_axis(1500.0, 3500.0, 50.0)
    fast = semblance(g, x, t, v, stretch_mute_pct=50.0)
    monkeypatch.setattr(ms, "HAVE_NUMBA", False)
    slow = semblance(g, x, t, v, stretch_mute_pct=50.0)
    assert np.abs(fast.values - slow.values).max() < 1e-4


def test_a_numba_that_cannot_be_imported_falls_back_to_the_plain_kernel(monkeypatch):
    import builtins
    import warnings

    from geodesk.core.processing import compiled as kernels

    monkeypatch.setattr(kernels, "_PLAIN", dict(kernels._PLAIN))  # the test kernel goes after

    @kernels.jit()
    def _twice(x):
        return 2 * x

    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "numba":
            raise ImportError("libllvmlite.so: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    monkeypatch.setattr(kernels, "_READY", {})
    monkeypatch.setattr(kernels, "_WARNED", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn = kernels.compiled(_twice)
    assert fn(21) == 42 and fn is _twice
    assert any("numba could not be imported" in str(w.message) for w in caught)
