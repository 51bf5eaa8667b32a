"""Peak finding's fast local-maximum filter against the straightforward sliding window."""

import numpy as np
from scipy.ndimage import maximum_filter

from geodesk.core.processing.local_max import window_maximum
from geodesk.core.processing.semblance import SemblancePanel
from geodesk.core.processing.velpick import panel_peaks


def _sliding_max(p, hv, ht):
    pad = np.pad(p, ((hv, hv), (ht, ht)), constant_values=-np.inf)
    win = np.lib.stride_tricks.sliding_window_view(pad, (2 * hv + 1, 2 * ht + 1))
    return win.max(axis=(2, 3))


def test_window_maximum_equals_the_sliding_window_maximum_on_random_panels():
    rng = np.random.default_rng(3)
    for shape, hv, ht in (((40, 300), 3, 10), ((7, 50), 1, 20), ((3, 9), 3, 10), ((1, 1), 2, 2)):
        for dtype in (np.float32, np.float64):
            p = rng.random(shape).astype(dtype)
            expected = _sliding_max(p, hv, ht)
            assert np.array_equal(window_maximum(p, hv, ht), expected)
            fallback = maximum_filter(p, size=(2 * hv + 1, 2 * ht + 1), mode="constant",
                                      cval=-np.inf)
            assert np.array_equal(fallback, expected)


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


def _offset_support_loop(c, gather, offsets, times_ms, half_ms=20.0, groups=3):
    """The peak-by-peak version offset_support replaced (the straightforward reference)."""
    from geodesk.core.processing.nmo import sample_rows

    a = np.asarray(gather, dtype=np.float32)
    x = np.abs(np.asarray(offsets, dtype=float))
    t = np.asarray(times_ms, dtype=float)
    live = np.isfinite(a).all(axis=1) & (a != 0).any(axis=1)
    a, x = a[live], x[live]
    out = np.ones(len(c))
    dt = t[1] - t[0]
    first = t[0] + dt * np.argmax(a != 0, axis=1)
    w = np.arange(-round(half_ms / dt), round(half_ms / dt) + 1) * dt
    for k, (t0, v, _) in enumerate(c):
        t_x = np.sqrt(t0 ** 2 + (x * 1000.0 / v) ** 2)
        rec = np.flatnonzero((t_x - half_ms >= first) & (t_x + half_ms <= t[-1]))
        if len(rec) < 2 * groups:
            continue
        bins = np.array_split(rec[np.argsort(x[rec], kind="stable")], groups)
        tw = np.maximum(t0 + w, 0.0)
        tm = np.sqrt(tw[None, :] ** 2 + (x[rec, None] * 1000.0 / v) ** 2)
        vals = np.zeros((len(x), len(w)), dtype=np.float32)
        vals[rec] = sample_rows(a[rec], ((tm - t[0]) / dt).astype(np.float32))[0]
        amp = np.array([np.sqrt(np.mean(vals[b].mean(axis=0) ** 2)) for b in bins])
        out[k] = amp.min() / amp.max() if amp.max() > 0 else 0.0
    return out


def test_offset_support_equals_the_peak_by_peak_loop_on_random_gathers():
    from geodesk.core.processing.velpick import offset_support

    rng = np.random.default_rng(9)
    for n_x in (7, 20, 31):
        g = rng.standard_normal((n_x, 600)).astype(np.float32)
        g[1] = 0.0  # dead
        g[2, :150] = 0.0  # top-muted
        x = rng.uniform(-3000.0, 3000.0, n_x)
        t = 4.0 * np.arange(600)
        c = np.c_[rng.uniform(0.0, 2500.0, 40), rng.uniform(1400.0, 5000.0, 40), np.ones(40)]
        np.testing.assert_allclose(offset_support(c, g, x, t),
                                   _offset_support_loop(c, g, x, t), atol=1e-5)


def _predicted_multiples_concat(t_ms, v, t_max_ms, max_order=4, strong=None):
    """The block-by-block version predicted_multiples replaced (the straightforward one)."""
    t = np.asarray(t_ms, dtype=float)
    w = np.asarray(v, dtype=float) ** 2 * t
    is_strong = np.ones(len(t), dtype=bool)
    if strong is not None:
        is_strong[:] = False
        is_strong[np.asarray(strong, dtype=int)] = True
    i, j = np.triu_indices(len(t))
    pair = is_strong[i] | is_strong[j]
    tm, wm = t[i][pair] + t[j][pair], w[i][pair] + w[j][pair]
    rows = [np.c_[tm, wm]]
    if is_strong.any():
        first = int(np.flatnonzero(is_strong)[np.argmin(t[is_strong])])
        for _ in range(3, max_order + 1):
            tm, wm = tm + t[first], wm + w[first]
            rows.append(np.c_[tm, wm])
    out = np.concatenate(rows)
    out = out[(out[:, 0] > 0) & (out[:, 0] <= t_max_ms)]
    return np.c_[out[:, 0], np.sqrt(out[:, 1] / out[:, 0])]


def test_predicted_multiples_equal_the_block_by_block_version_on_random_picks():
    from geodesk.core.processing.velpick import predicted_multiples

    rng = np.random.default_rng(10)
    for n, order, strong in ((1, 4, None), (6, 2, [1]), (9, 4, [0, 4]), (12, 5, None),
                             (5, 3, [])):
        t = np.sort(rng.uniform(50.0, 3000.0, n))
        v = np.sort(rng.uniform(1500.0, 4000.0, n))
        np.testing.assert_array_equal(
            predicted_multiples(t, v, 4000.0, order, strong),
            _predicted_multiples_concat(t, v, 4000.0, order, strong))
