"""The Map dock: a tracked horizon's times at their inline/crossline, contours, the line on
screen, click to jump, amplitude along the horizon and a handed-in categorical map."""

import numpy as np
import pytest

from geodesk.core.maps import MapGrid
from geodesk.core.picks import Horizon
from geodesk.synth.post3d import generate_post3d
from tests.qt.models import wait_done


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    r = generate_post3d(shape=(30, 40, 120), seed=5, snr_db=20.0, n_faults=0)
    return r, r.write(tmp_path_factory.mktemp("map3d") / "map.sgy")


@pytest.fixture
def dome(window, volume):
    """The survey open on an inline, a horizon of known times (a dome) on every node."""
    r, path = volume
    assert window.open_path(path)
    window.go_to("inline", int(r.inlines[10]))
    h = Horizon.like_survey("Dome", window.survey)
    ii, jj = np.meshgrid(np.arange(h.shape[0]), np.arange(h.shape[1]), indexing="ij")
    times = 200.0 + 2.0 * np.hypot(ii - 15, jj - 20)
    window.picks.add(window.history, h)
    h.set_times(window.history, np.ones(h.shape, dtype=bool), times.ravel())
    window.set_active_pick(h)
    return h, times


def test_map_shows_the_horizon_times_at_their_inline_and_crossline(window, dome):
    h, times = dome
    window.maps.open_map()
    view = window.maps.view
    assert view.chosen == "Dome: time" and window.maps.dock.isVisible()
    i, j = 7, 31
    assert view.grid.value_at(h.inlines[i], h.crosslines[j]) == pytest.approx(times[i, j])
    assert view.grid.values.shape == h.shape
    # the image shows it: the pixel of that node is opaque, its colour follows the time order
    rgba = view.image.image
    assert rgba[i, j, 3] == 255 and rgba.shape[:2] == h.shape


def test_map_draws_contours_and_the_line_on_screen(window, dome):
    window.maps.open_map()
    view = window.maps.view
    assert view.contour_count() > 20 and view.levels.size >= 3
    _x, y = view.current.getData()
    assert list(y) == [window.navigator.value] * 2  # the inline across the map
    view.contours_box.setChecked(False)
    assert view.contour_count() == 0


def test_map_follows_an_edit_of_the_horizon(qtbot, window, dome):
    h, _times = dome
    window.maps.open_map()
    view = window.maps.view
    idx = h.flat_index_of([h.inlines[3]], [h.crosslines[4]])
    h.set_times(window.history, idx, [555.0])
    qtbot.waitUntil(lambda: view.grid.value_at(h.inlines[3], h.crosslines[4]) == 555.0,
                    timeout=3000)


def test_clicking_the_map_shows_that_inline(qtbot, window, dome):
    h, _ = dome
    window.maps.open_map()
    view = window.maps.view
    qtbot.wait(50)
    target = int(h.inlines[22])
    view.click_data(target, float(h.crosslines[12]))
    assert window.navigator.mode == "inline" and window.navigator.value == target
    assert window.section.kind == "inline" and window.section.title == f"inline {target}"
    _x, y = view.current.getData()
    assert list(y) == [target, target]


def test_amplitude_map_is_read_along_the_horizon(qtbot, window, dome):
    h, _times = dome
    survey = window.survey
    i, j, k = 4, 9, 57  # one node picked exactly on sample k of its trace
    h.set_times(window.history, h.flat_index_of([h.inlines[i]], [h.crosslines[j]]),
                [survey.delay_ms + k * survey.dt_ms])
    window.maps.open_map()
    view = window.maps.view
    view.chooser.setCurrentText("Dome: amplitude")
    wait_done(qtbot, window.maps.job)
    assert view.grid.name == "Dome: amplitude"
    trace = survey.inline(int(h.inlines[i])).data[j]
    assert view.grid.value_at(h.inlines[i], h.crosslines[j]) == pytest.approx(float(trace[k]))
    assert np.isfinite(view.grid.values).all() and view.colour_bar is not None
    assert view.contour_grid.name == "Dome: time" and view.contour_count() > 20  # time contours


def test_a_handed_in_categorical_map_gets_a_legend_and_no_contours(window, dome):
    h, _ = dome
    classes = (np.arange(h.shape[1])[None, :] // 10 + 0 * np.arange(h.shape[0])[:, None])
    window.maps.add_map(MapGrid("Facies", classes.astype(float), h.inlines, h.crosslines,
                                categorical=True, categories={0: "shale", 1: "sand"}))
    view = window.maps.view
    assert view.chosen == "Facies" and view.legend is not None and view.colour_bar is None
    names = [label.text for _sample, label in view.legend.items]
    assert names[:2] == ["shale", "sand"] and "class 2" in names
    assert view.contour_count() == 0
    assert "Dome: time" in window.maps.names()


def test_the_mouse_on_the_section_is_marked_on_the_map(window, dome):
    h, _ = dome
    window.maps.open_map()
    xl = float(h.crosslines[25])
    window.view.move_data(xl, 300.0)
    x, y = window.maps.view.cursor.getData()
    assert list(x) == [xl] and list(y) == [window.navigator.value]


def test_the_map_keeps_the_surveys_true_shape(window, dome):
    from geodesk.core.maps import metres_per_line_number

    window.maps.open_map()
    s = window.survey
    d_il, d_xl = metres_per_line_number(*s.grid_xy(), s.inlines, s.crosslines)
    per_px_xl, per_px_il = window.maps.view.plot.getViewBox().viewPixelSize()
    assert per_px_xl * d_xl == pytest.approx(per_px_il * d_il, rel=0.02)  # metres per pixel


def test_gap_gridding_fills_between_lines_picked_every_fifth_inline(window, volume):
    _, path = volume
    assert window.open_path(path)
    h = Horizon.like_survey("Lines", window.survey)
    window.picks.add(window.history, h)
    rows = np.zeros(h.shape, dtype=bool)
    rows[::5] = True
    ii = np.broadcast_to(np.arange(h.shape[0])[:, None], h.shape)
    h.set_times(window.history, rows, (300.0 + 2.0 * ii[rows]).ravel())
    window.maps.open_map()
    view = window.maps.view
    assert np.isnan(view.grid.value_at(h.inlines[2], h.crosslines[7]))
    view.gap_box.setValue(4)
    assert view.grid.value_at(h.inlines[2], h.crosslines[7]) == pytest.approx(304.0)
