"""The compiled STA/LTA against the numpy cumulative sums and the direct window means."""

import numpy as np
import pytest

from geodesk.core.processing import firstbreaks as fb


def _direct(g, ns, nl):
    """Window means sample by sample, as the definition says."""
    e = np.asarray(g, dtype=np.float64) ** 2
    out = np.zeros(e.shape)
    eps = 1e-6 * e.mean(axis=1) + np.finfo(float).tiny
    for r in range(e.shape[0]):
        for i in range(e.shape[1]):
            end = i + 1
            sta = e[r, max(end - ns, 0):end].mean()
            le = max(end - ns, 0)
            seg = e[r, max(le - nl, 0):le]
            out[r, i] = sta / ((seg.mean() if seg.size else 0.0) + eps[r])
    out[:, :2 * ns] = 0.0
    return out


@pytest.mark.parametrize("shape,sta,lta,dtype", [((70, 400), 10.0, 100.0, np.float32),
                                                 ((3, 9), 4.0, 40.0, np.float64),
                                                 ((5, 120), 2.0, 8.0, np.float32)])
def test_stalta_paths_agree_with_the_window_means_on_random_traces(shape, sta, lta, dtype):
    g = np.random.default_rng(5).standard_normal(shape).astype(dtype)
    fast = fb.stalta(g, 2.0, sta, lta)
    slow = fb.stalta_numpy(g, 2.0, sta, lta)
    np.testing.assert_array_equal(fast, slow)
    direct = _direct(g, round(sta / 2), round(lta / 2))
    np.testing.assert_allclose(fast, direct, rtol=1e-9, atol=1e-9 * np.abs(direct).max())


def test_stalta_of_integer_samples_takes_the_numpy_path():
    g = np.random.default_rng(6).integers(-100, 100, (4, 200))
    np.testing.assert_array_equal(fb.stalta(g, 2.0), fb.stalta_numpy(g.astype(float), 2.0))
