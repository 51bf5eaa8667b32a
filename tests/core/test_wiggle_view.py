"""Wiggle raster window, resampling and smooth density: what the section view draws at a zoom."""

import numpy as np
import pytest

from geodesk.core import display
from geodesk.core import wiggle_view as wv


def test_window_covers_visible_traces_at_screen_resolution():
    w = wv.wiggle_window((200, 500), (49.5, 69.5), (99.5, 199.5), 800, 600)
    assert (w.i0, w.i1) == (49, 70)  # one trace margin each side for swings into view
    assert (w.j0, w.j1) == (100, 199)
    assert w.px_per_trace == 40 and w.spacing_px == pytest.approx(40.0)
    assert w.rows == 600  # one raster row per screen row


def test_window_is_none_when_traces_closer_than_two_pixels():
    assert wv.wiggle_window((1000, 500), (-0.5, 999.5), (-0.5, 499.5), 1500, 600) is None
    w = wv.wiggle_window((1000, 500), (-0.5, 999.5), (-0.5, 499.5), 2500, 600)
    assert w is not None and w.spacing_px == pytest.approx(2.5)


def test_full_view_window_is_the_whole_section():
    w = wv.wiggle_window((30, 75), (-0.5, 29.5), (-0.5, 74.5), 900, 700)
    assert (w.i0, w.i1, w.j0, w.j1) == (0, 29, 0, 74)


def test_cubic_resampling_is_closer_to_the_signal_than_straight_segments():
    t = np.arange(40, dtype=np.float32)
    data = np.sin(t / 3.0)[None, :]
    rows = 400  # ten rows per sample
    up = wv.resample_rows(data, 0, 39, rows)
    pos = (np.arange(rows) + 0.5) / 10 - 0.5  # sample position of each row centre
    inner = (pos > 1) & (pos < 38)
    truth = np.sin(pos / 3.0)
    linear = np.interp(pos, t, data[0])
    cubic_err = np.abs(up[0] - truth)[inner].max()
    assert cubic_err < 2e-3
    assert cubic_err < 0.25 * np.abs(linear - truth)[inner].max()


def test_downsampling_keeps_the_window():
    data = np.arange(1000, dtype=np.float32)[None, :]
    out = wv.resample_rows(data, 100, 299, 50)
    assert out.shape == (1, 50)
    assert 100 <= out.min() and out.max() <= 299


def test_upsample_linear_keeps_extent_and_values():
    img = np.array([[0.0, 1.0], [2.0, 3.0]], dtype=np.float32)
    up = wv.upsample_linear(img, 4, 4)
    assert up.shape == (8, 8)
    assert up.min() == 0.0 and up.max() == 3.0
    assert np.all(np.diff(up, axis=1) >= 0) and np.all(np.diff(up, axis=0) >= 0)
    assert len(np.unique(up)) > 4  # interpolated, not blocks
    assert wv.smooth_factors((75, 18), 900, 700) == (8, 8)
    assert wv.smooth_factors((1000, 400), 900, 700) == (3, 1)


def test_rasterised_excursions_stay_within_one_trace_spacing():
    data = np.zeros((5, 20), dtype=np.float32)
    data[2, 10] = 50.0  # 50 x the clip: would swing far over its neighbours unclipped
    img = display.rasterise_wiggle(data, 1.0, px_per_trace=10, max_excursion=1.0, fill="none")
    cols = np.flatnonzero(img[..., 3].any(axis=0))
    centre = 2 * 10 + 5
    covered = cols[(cols > 10 + 5) & (cols < 40 + 5)]  # between trace 1's and trace 4's lines
    assert covered.max() <= centre + 10


def test_fast_percentile_equals_numpy():
    rng = np.random.default_rng(3)
    for n in (1, 2, 7, 1000):
        a = np.abs(rng.standard_normal(n))
        for p in (0.5, 50, 95, 99, 100):
            assert display._percentile_linear(a, p) == pytest.approx(np.percentile(a, p))


def test_packed_wiggle_raster_is_the_rgba_raster_as_premultiplied_argb_words():
    rng = np.random.default_rng(0)
    data = rng.standard_normal((6, 30)).astype(np.float32)
    kw = {"px_per_trace": 5, "line_rgba": (0, 0, 0, 190), "fill_rgba": (200, 0, 0, 255)}
    rgba = display.rasterise_wiggle(data, 1.0, **kw).astype(np.uint32)
    words = display.rasterise_wiggle(data, 1.0, packed=True, **kw)
    a = rgba[..., 3]
    want = (a << 24) | ((rgba[..., 0] * a // 255) << 16) | ((rgba[..., 1] * a // 255) << 8) \
        | (rgba[..., 2] * a // 255)
    assert words.dtype == np.uint32 and np.array_equal(words, want)
