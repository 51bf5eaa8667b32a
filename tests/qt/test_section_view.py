"""Section view: the image shows the section's samples, signals and hooks speak data coordinates."""

import numpy as np
import pyqtgraph as pg
import pytest
from memsurvey import MemPost3D, MemPrestack
from PySide6.QtCore import Qt

from geodesk.core.processing import agc_section


def test_density_image_is_the_section_transposed_with_symmetric_levels(view):
    sec = MemPost3D().inline(104)
    view.set_section(sec)
    assert np.array_equal(view.image.image, sec.data.T)
    lo, hi = view.image.getLevels()
    assert lo == -hi and hi == pytest.approx(view.clip_value)
    r = view.image_rect()
    assert (r.left(), r.width()) == (-0.5, sec.shape[0])
    assert r.top() == pytest.approx(-2.0) and r.height() == pytest.approx(50 * 4.0)
    assert view.view_box.yInverted()


def test_missing_traces_are_blank(view):
    sec = MemPost3D(dead=[(2, 3), (2, 4)]).inline(102)
    view.set_section(sec)
    img = view.image.image
    assert np.isnan(img[:, 3]).all() and np.isnan(img[:, 4]).all()
    assert np.isfinite(img[:, [0, 1, 2, 5]]).all()
    view.plot_widget.grab()  # paint once so the ImageItem builds its QImage
    rgba = view.image.qimage  # rendered: dead columns fully transparent
    assert rgba is not None
    assert rgba.pixelColor(3, 10).alpha() == 0 and rgba.pixelColor(0, 10).alpha() == 255


def test_clip_percentile_changes_levels(view):
    view.set_section(MemPost3D().inline(104))
    view.set_clip_percentile(100.0)
    full = view.clip_value
    assert full == pytest.approx(np.abs(view.section.data).max())
    view.set_clip_percentile(50.0)
    assert view.clip_value < full
    with pytest.raises(ValueError):
        view.set_clip_percentile(0.0)


def test_agc_is_applied_to_displayed_data_not_to_section(view):
    sec = MemPost3D().inline(104)
    view.set_section(sec)
    view.set_agc(True, 40.0)
    expected = agc_section(sec, 40.0).data
    assert np.allclose(view.displayed_data(), expected)
    assert np.array_equal(view.section.data, sec.data)
    view.set_agc(False)
    assert np.array_equal(view.displayed_data(), sec.data)


@pytest.mark.parametrize("mode", ["wiggle", "va", "wiggle_density"])
def test_wiggle_modes_draw_an_rgba_image_over_the_section_extent(view, mode):
    sec = MemPrestack().gather(12)
    view.set_section(sec)
    view.set_mode(mode)
    assert view.wiggle.isVisible()
    assert view.image.isVisible() == (mode == "wiggle_density")
    img = view.wiggle.image  # premultiplied ARGB32 words: alpha in the top byte
    assert img.ndim == 2 and img.dtype == np.uint32 and ((img >> 24) > 0).any()
    assert view.wiggle.mapRectToParent(view.wiggle.boundingRect()) == view.image_rect()


def test_time_slice_is_density_only_and_not_inverted(view):
    ts = MemPost3D().time_slice(40.0)
    view.set_mode("wiggle")
    view.set_section(ts)
    assert not view.wiggle.isVisible() and view.image.isVisible()
    assert np.array_equal(view.image.image, ts.data.T)
    assert not view.view_box.yInverted()


def test_axes_show_line_numbers_and_plain_milliseconds(view):
    sec = MemPost3D(n_samples=1000).inline(104)  # times up to 3996 ms
    view.set_section(sec)
    assert view.top_axis.tickStrings([0, 1, 5], 1, 1) == ["200", "202", "210"]
    left = view.plot.getAxis("left")
    left.resizeEvent()
    assert left.autoSIPrefixScale == 1.0 and "k" not in left.labelString()
    assert "3000" in left.tickStrings([3000.0], 1, 500)[0]


def test_click_data_emits_trace_value_and_time(view, qtbot):
    view.set_section(MemPost3D().inline(104))
    with qtbot.waitSignal(view.sig_clicked, timeout=2000) as blocker:
        view.click_data(220, 100.0)
    tv, t, button = blocker.args
    assert tv == 220 and t == pytest.approx(100.0, abs=2.0)
    assert button == Qt.MouseButton.LeftButton


def test_mouse_move_reports_readout_in_data_coordinates(view, qtbot):
    survey = MemPost3D()
    view.set_section(survey.inline(104))
    with qtbot.waitSignal(view.sig_cursor, timeout=2000) as blocker:
        view.move_data(210, 60.0)
    f = blocker.args[0]
    assert f["crossline"] == 210 and f["time"] == 60.0
    j = int(np.flatnonzero(survey.crosslines == 210)[0])
    assert f["amplitude"] == pytest.approx(survey.volume[0 + 4, j, 15])
    assert f["X"] == pytest.approx(survey.grid_xy()[0][4, j])


def test_drag_pans_the_view(view):
    view.set_section(MemPost3D().inline(104))
    before = view.view_box.viewRange()
    view.drag_data([(210, 100.0), (214, 120.0), (218, 140.0)])
    after = view.view_box.viewRange()
    assert after[0][0] < before[0][0] and after[1][0] < before[1][0]


def test_overlays_stay_in_data_coordinates_across_sections(view):
    view.set_section(MemPost3D().inline(104))
    curve = pg.PlotDataItem(view.x_of([200, 238]), view.y_of([10.0, 20.0]))
    view.add_overlay(curve)
    view.set_section(MemPost3D().inline(105))
    assert curve in view.plot.items and curve.zValue() > view.wiggle.zValue()
    assert list(curve.xData) == [0.0, 19.0]
    view.remove_overlay(curve)
    assert curve not in view.plot.items
