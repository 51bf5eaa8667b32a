"""Maps over the inline x crossline grid: time structure, amplitude along a horizon, gridding,
contour levels and contour lines (Qt-free)."""

import numpy as np
import pytest

from geodesk.core.maps import (
    MapGrid,
    contour_levels,
    contour_segments,
    fill_gaps,
    horizon_amplitude_map,
    horizon_time_map,
    index_to_keys,
)
from geodesk.core.picks import Horizon


class GridVolume:
    """A tiny post-stack volume whose amplitude is the time in ms (so extraction is exact)."""

    def __init__(self, inlines, crosslines, n_samples=100, dt_ms=4.0, dead=()):
        self.inlines = np.asarray(inlines)
        self.crosslines = np.asarray(crosslines)
        self.n_samples, self.dt_ms, self.delay_ms = n_samples, dt_ms, 0.0
        grid = np.arange(self.inlines.size * self.crosslines.size).reshape(
            self.inlines.size, self.crosslines.size)
        for i, j in dead:
            grid[i, j] = -1
        self.trace_grid = grid
        t = dt_ms * np.arange(n_samples)
        # trace k: amplitude = time + 1000 * k, so a swapped trace shows at once
        self.data = t[None, :] + 1000.0 * np.arange(grid.size)[:, None]
        self.reads = []

    def traces(self, idx):
        self.reads.append(np.asarray(idx).copy())
        return self.data[idx]


def test_time_map_holds_the_horizon_times_at_their_inline_and_crossline():
    h = Horizon("H", [10, 11, 12], [100, 102, 104, 106])
    h.set_times(None, h.flat_index_of([11], [104]), [812.0])
    m = horizon_time_map(h)
    assert m.value_at(11, 104) == 812.0
    assert np.isnan(m.value_at(10, 100))
    assert m.name == "H: time" and m.unit == "ms"


def test_fill_gaps_interpolates_between_picked_lines_but_not_across_long_gaps():
    v = np.full((21, 10), np.nan)
    v[0], v[10], v[20] = 100.0, 200.0, 300.0  # every 10th inline picked, a dip along inline
    assert np.isnan(fill_gaps(v, max_gap=8)[5, 4])  # 9 nodes between the picked lines
    out = fill_gaps(v, max_gap=9)
    assert out[5, 4] == pytest.approx(150.0)
    assert out[13, 7] == pytest.approx(230.0)
    assert np.array_equal(out[[0, 10, 20]], v[[0, 10, 20]])  # picks stay as they are


def test_fill_gaps_never_extrapolates_and_weighs_the_shorter_run_more():
    v = np.full((5, 5), np.nan)
    v[2, 0], v[2, 4] = 0.0, 40.0  # along the row: a run of 3 gives 10 at column 1
    v[1, 1], v[3, 1] = 50.0, 50.0  # down the column: a run of 1 gives 50 at row 2
    out = fill_gaps(v, max_gap=3)
    assert out[2, 1] == pytest.approx((10.0 / 3 + 50.0) / (1 / 3 + 1))
    assert out[2, 2] == pytest.approx(20.0)
    assert np.isnan(out[0, 0]) and np.isnan(out[4, 4])  # no pick on either side
    assert np.isnan(fill_gaps(np.array([[1.0, np.nan, np.nan]]), 5)[0, 2])


def test_amplitude_along_horizon_is_interpolated_between_samples_of_the_right_trace():
    vol = GridVolume([1, 2, 3], [5, 6], dead=[(2, 1)])
    h = Horizon("H", [1, 2, 3], [5, 6])
    h.set_times(None, h.flat_index_of([1, 2, 3, 3], [5, 6, 5, 6]), [10.0, 202.0, 1e6, 20.0])
    m = horizon_amplitude_map(vol, h, block=2)
    assert m.value_at(1, 5) == pytest.approx(10.0)  # trace 0, 10 ms between samples 8 and 12
    assert m.value_at(2, 6) == pytest.approx(3 * 1000 + 202.0)
    assert np.isnan(m.value_at(3, 5))  # time off the record
    assert np.isnan(m.value_at(3, 6))  # no trace there
    assert np.isnan(m.value_at(1, 6))  # not picked
    assert all(len(r) <= 2 for r in vol.reads)


def test_amplitude_map_matches_the_horizon_grid_when_it_differs_from_the_survey():
    vol = GridVolume([1, 2, 3], [5, 6, 7])
    h = Horizon("H", [2, 3, 4], [6, 7])
    h.set_times(None, h.flat_index_of([2, 4], [7, 6]), [8.0, 8.0])
    m = horizon_amplitude_map(vol, h)
    assert m.values.shape == (3, 2)
    assert m.value_at(2, 7) == pytest.approx(5 * 1000 + 8.0)
    assert np.isnan(m.value_at(4, 6))  # inline 4 is not in the survey


def test_cubic_interpolation_keeps_a_peak_between_samples():
    from geodesk.core.maps import cubic_at

    t = np.arange(20.0)
    peak = 1.0 - 0.01 * (t - 7.4) ** 2  # a quadratic peak at 7.4 samples
    got = cubic_at(np.stack([peak, t]), np.array([7.4, 3.25]))
    assert got == pytest.approx([1.0, 3.25])
    linear = np.interp(7.4, t, peak)
    assert linear < 0.998  # what linear interpolation would lose


def test_contour_levels_are_round_and_inside_the_range():
    v = np.linspace(812.0, 1187.0, 50).reshape(5, 10)
    levels = contour_levels(v, target=8)
    step = np.diff(levels)
    assert np.allclose(step, 50.0)
    assert levels.min() > 812.0 and levels.max() < 1187.0
    assert contour_levels(np.full((3, 3), 5.0)).size == 0
    assert contour_levels(np.full((3, 3), np.nan)).size == 0


def test_contour_of_a_plane_is_a_straight_line_at_the_level():
    _rows, cols = np.meshgrid(np.arange(6.0), np.arange(8.0), indexing="ij")
    z = 10.0 * cols  # increases along crossline: the 25 contour is column 2.5
    segs = contour_segments(z, 25.0)
    assert len(segs) == 5  # one per row of cells
    assert np.allclose(segs[..., 1], 2.5)
    assert sorted(np.unique(segs[..., 0])) == [0, 1, 2, 3, 4, 5]


def test_contours_skip_cells_with_missing_values_and_split_saddles():
    z = 10.0 * np.meshgrid(np.arange(6.0), np.arange(8.0), indexing="ij")[1]
    z[:, :3] = np.nan
    assert len(contour_segments(z, 25.0)) == 0  # the edge of the picks is no contour
    saddle = np.array([[1.0, 0.0], [0.0, 1.0]])
    segs = contour_segments(saddle, 0.5)
    assert len(segs) == 2


def test_a_closed_contour_around_a_dome():
    r, c = np.meshgrid(np.arange(21.0), np.arange(21.0), indexing="ij")
    z = np.hypot(r - 10, c - 10)
    segs = contour_segments(z, 5.3)
    d = np.hypot(segs[..., 0] - 10, segs[..., 1] - 10)
    assert np.all(np.abs(d - 5.3) < 0.3)
    # closed: every end point is shared by exactly two segments
    ends = np.round(segs.reshape(-1, 2), 6)
    _, counts = np.unique(ends, axis=0, return_counts=True)
    assert np.all(counts == 2)


def test_index_to_keys_and_categorical_names():
    m = MapGrid("facies", np.array([[0.0, 1.0], [2.0, np.nan]]), [10, 20], [100, 104],
                categorical=True, categories={0: "shale", 1: "sand"})
    assert index_to_keys(m, np.array([0.5, 0.25])).tolist() == [15.0, 101.0]
    assert m.class_name(1.0) == "sand" and m.class_name(2.0) == "class 2"
    assert m.class_name(np.nan) == ""
    with pytest.raises(ValueError):
        MapGrid("bad", np.zeros((3, 2)), [1, 2], [1, 2])


def test_map_colours_are_transparent_where_there_is_no_value_and_classes_keep_their_colour():
    from geodesk.core.display import colormap_lut
    from geodesk.core.maps import CLASS_COLOURS, map_levels, map_rgba

    times = MapGrid("t", np.array([[800.0, 900.0], [np.nan, 1000.0]]), [1, 2], [1, 2], unit="ms")
    assert map_levels(times) == (800.0, 1000.0)
    rgba = map_rgba(times, colormap_lut("gray"))
    assert rgba[1, 0, 3] == 0 and rgba[0, 0, 3] == 255
    assert tuple(rgba[0, 0, :3]) == (0, 0, 0) and tuple(rgba[1, 1, :3]) == (255, 255, 255)
    amp = MapGrid("a", np.array([[-2.0, 1.0]]), [1], [1, 2], unit="amplitude")
    lo, hi = map_levels(amp)
    assert lo == -hi and hi > 1.9  # both polarities: centred on zero
    trough = MapGrid("a", -np.arange(1.0, 101.0)[None, :], [1], np.arange(100), unit="amplitude")
    assert map_levels(trough) == pytest.approx((-99.01, -1.99))  # one polarity: 1-99 %
    facies = MapGrid("f", np.array([[0.0, 3.0]]), [1], [1, 2], categorical=True)
    rgba = map_rgba(facies, colormap_lut("gray"))
    assert tuple(rgba[0, 1, :3]) == CLASS_COLOURS[3]


def test_ground_spacing_per_line_number_comes_from_the_node_coordinates():
    from geodesk.core.maps import metres_per_line_number

    inlines, crosslines = np.arange(100, 110), np.arange(200, 240, 2)
    il, xl = np.meshgrid(inlines, crosslines, indexing="ij")
    angle = np.deg2rad(30.0)  # a rotated grid: 25 m between inlines, 12.5 m per crossline step
    u, v = 25.0 * (il - 100), 6.25 * (xl - 200)
    gx = 1000 + u * np.cos(angle) - v * np.sin(angle)
    gy = 5000 + u * np.sin(angle) + v * np.cos(angle)
    d_il, d_xl = metres_per_line_number(gx, gy, inlines, crosslines)
    assert d_il == pytest.approx(25.0) and d_xl == pytest.approx(6.25)
    assert metres_per_line_number(np.zeros((3, 3)), np.zeros((3, 3)), [1, 2, 3], [1, 2, 3]) is None
