"""Display math: percentile clip, colormap tables, wiggle / variable-area rasteriser."""

import numpy as np
import pytest

from geodesk.core import display


def test_symmetric_clip_is_percentile_of_absolute_values():
    data = np.concatenate([np.arange(1, 101, dtype=np.float32), -np.arange(1, 101)])
    assert display.symmetric_clip(data, 100.0) == 100.0
    assert display.symmetric_clip(data, 50.0) == pytest.approx(50.5)


def test_symmetric_clip_ignores_dead_traces_and_nan():
    data = np.ones((4, 10), dtype=np.float32)
    data[0] = 1000.0  # a dead trace filled with junk must not set the clip
    data[1, 3] = np.nan
    live = np.array([False, True, True, True])
    assert display.symmetric_clip(data, 100.0, live=live) == 1.0


def test_symmetric_clip_of_zero_panel_is_not_degenerate():
    assert display.symmetric_clip(np.zeros((3, 3)), 99.0) == 1.0


@pytest.mark.parametrize("name", display.COLORMAPS)
def test_colormap_lut_shape_and_ends(name):
    lut = display.colormap_lut(name)
    assert lut.shape == (256, 4) and lut.dtype == np.uint8
    assert (lut[:, 3] == 255).all()
    assert not np.array_equal(lut[0], lut[-1])


def test_seismic_colormap_is_red_white_blue():
    lut = display.colormap_lut("seismic")
    assert lut[0, 0] > 100 and lut[0, 2] == 0  # troughs red
    assert lut[-1, 2] > 100 and lut[-1, 0] == 0  # peaks blue
    assert (lut[127:129, :3] > 250).all()  # zero white


def test_unknown_colormap_names_the_choices():
    with pytest.raises(ValueError, match="seismic"):
        display.colormap_lut("nope")


def test_apply_colormap_maps_clip_to_ends_and_nan_to_transparent():
    lut = display.colormap_lut("gray")
    rgba = display.apply_colormap(np.array([[-5.0, 0.0, 5.0, np.nan]]), 5.0, lut)
    assert tuple(rgba[0, 0, :3]) == (0, 0, 0)
    assert tuple(rgba[0, 2, :3]) == (255, 255, 255)
    assert rgba[0, 3, 3] == 0


def test_single_positive_spike_fills_right_of_its_trace_only():
    data = np.zeros((3, 5), dtype=np.float32)
    data[1, 2] = 1.0  # trace 1, sample 2, amplitude = clip -> one trace spacing
    img = display.rasterise_wiggle(data, clip=1.0, px_per_trace=4, line=False,
                                   fill="positive")
    assert img.shape == (5, 12, 4)
    filled = img[..., 3] > 0
    expected = np.zeros((5, 12), dtype=bool)
    expected[2, 6:11] = True  # centre column 1*4+2 = 6, swings 4 px to column 10
    assert np.array_equal(filled, expected)


def test_negative_spike_is_not_filled_in_positive_mode_but_is_drawn_as_line():
    data = np.zeros((2, 4), dtype=np.float32)
    data[0, 1] = -1.0
    va = display.rasterise_wiggle(data, 1.0, px_per_trace=4, line=False, fill="positive")
    assert not (va[..., 3] > 0).any()
    wig = display.rasterise_wiggle(data, 1.0, px_per_trace=4, line=True, fill="none")
    on = wig[..., 3] > 0
    assert on[1, :3].all() and not on[1, 3:6].any()  # swings left from centre column 2
    assert on[:, 6].all()  # zero trace 1 is a straight line on its centre column
    assert on.sum(axis=1).min() >= 2


def test_dead_traces_are_blank():
    data = np.ones((3, 6), dtype=np.float32)
    img = display.rasterise_wiggle(data, 1.0, px_per_trace=4,
                                   live=np.array([True, False, True]))
    alpha = img[..., 3] > 0
    assert alpha[:, 0:4].any() and alpha[:, 8:12].any()
    # trace 1 contributes nothing of its own: only trace 0's swing may reach into its columns
    only_mid = display.rasterise_wiggle(data * 0, 1.0, px_per_trace=4,
                                        live=np.array([False, False, False]))
    assert not (only_mid[..., 3] > 0).any()


def test_wiggle_excursion_is_limited_and_clipped_to_image():
    data = np.full((2, 3), 100.0, dtype=np.float32)
    img = display.rasterise_wiggle(data, 1.0, px_per_trace=4, max_excursion=1.0, line=False)
    assert img.shape == (3, 8, 4)
    assert (img[:, 2:7, 3] > 0).all() and (img[:, 0:2, 3] == 0).all()


def test_rows_per_sample_interpolates_between_samples():
    data = np.zeros((2, 2), dtype=np.float32)
    data[0, 1] = 1.0  # trace 0 ramps from 0 to one trace spacing (8 px) over 4 rows
    img = display.rasterise_wiggle(data, 1.0, px_per_trace=8, rows_per_sample=4, line=False)
    widths = (img[..., 3] > 0).sum(axis=1)
    assert img.shape[0] == 8
    assert list(widths[:5]) == [0, 3, 5, 7, 9]  # centre column plus 2, 4, 6, 8 px of swing


def test_auto_px_per_trace_bounds():
    assert display.auto_px_per_trace(200) == 8
    assert display.auto_px_per_trace(10_000) == 2
    assert display.auto_px_per_trace(1) == 16
