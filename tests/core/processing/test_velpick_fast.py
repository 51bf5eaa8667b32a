"""Peak finding's fast local-maximum filter against the straightforward sliding window."""

import numpy as np
from scipy.ndimage import maximum_filter

from geodesk.core.processing.semblance import SemblancePanel
from geodesk.core.processing.velpick import panel_peaks


def _sliding_max(p, hv, ht):
    pad = np.pad(p, ((hv, hv), (ht, ht)), constant_values=-np.inf)
    win = np.lib.stride_tricks.sliding_window_view(pad, (2 * hv + 1, 2 * ht + 1))
    return win.max(axis=(2, 3))


def test_maximum_filter_equals_the_sliding_window_maximum_on_random_panels():
    rng = np.random.default_rng(3)
    for shape, hv, ht in (((40, 300), 3, 10), ((7, 50), 1, 20), ((3, 9), 3, 10)):
        p = rng.random(shape).astype(np.float32)
        fast = maximum_filter(p, size=(2 * hv + 1, 2 * ht + 1), mode="constant", cval=-np.inf)
        assert np.array_equal(fast, _sliding_max(p, hv, ht))


def test_panel_peaks_find_the_planted_maxima_of_a_random_panel():
    rng = np.random.default_rng(4)
    v, t = 1500.0 + 20.0 * np.arange(60), 4.0 * np.arange(500)
    p = 0.05 * rng.random((60, 500)).astype(np.float32)
    for i, j in ((10, 100), (30, 250), (45, 400)):
        p[i - 1:i + 2, j - 3:j + 4] += np.float32(0.6)
        p[i, j] += np.float32(0.2)
    peaks = panel_peaks(SemblancePanel(p, v, t, 30, 1))
    assert [(round(r[0]), round(r[1], -1)) for r in peaks] == [(400.0, 1700.0),
                                                              (1000.0, 2100.0),
                                                              (1600.0, 2400.0)]
