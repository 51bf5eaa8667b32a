"""Fault sticks in the window: clicks + double-click draw a stick, drag a node, delete, undo each."""

import numpy as np
import pytest
from memsurvey import MemPost3D
from PySide6.QtCore import Qt

from geodesk.core.picks import FaultSet


@pytest.fixture
def inline_window(window):
    survey = MemPost3D(n_samples=100)  # inlines 100..109, crosslines 200..238 step 2, 4 ms
    window.set_survey(survey)
    window.go_to("inline", 104)
    window.picking.set_tool("faults")
    return window


def draw_stick(view, points):
    for xl, t in points[:-1]:
        view.click_data(xl, t)
    view.double_click_data(*points[-1])


def only_stick(fs):
    (fault,) = fs.faults
    (stick,) = fault.sticks
    return stick


def test_clicks_and_double_click_make_one_stick_undone_in_one_step(qtbot, inline_window):
    w = inline_window
    draw_stick(w.view, [(210, 40.0), (214, 120.0), (218, 200.0)])
    fs = w.active_pick
    assert isinstance(fs, FaultSet) and fs.name == "Faults"
    s = only_stick(fs)
    assert s.section_kind == "inline" and s.section_number == 104
    np.testing.assert_allclose(s.points[:, 0], 104)
    np.testing.assert_allclose(s.points[:, 1], [210, 214, 218], atol=0.3)
    np.testing.assert_allclose(s.points[:, 2], [40, 120, 200], atol=1.0)
    assert w.history.undo_label == "Add fault stick"
    line = w.picking.layer.items[id(fs)][0].getData()
    np.testing.assert_allclose(line[1][:3], s.points[:, 2])  # the overlay draws the stick
    assert np.isnan(line[1][3:]).all()  # a NaN separator keeps sticks apart
    w.picking.undo()
    assert fs.n_sticks == 0
    assert not w.picking.layer.items.get(id(fs))
    w.picking.redo()
    assert fs.n_sticks == 1


def test_drag_a_node_then_delete_the_stick_each_undoable(qtbot, inline_window):
    w = inline_window
    draw_stick(w.view, [(210, 40.0), (214, 120.0), (218, 200.0)])
    fs = w.active_pick
    before = only_stick(fs).points.copy()
    w.view.drag_data([(214, 120.0), (222, 150.0), (226, 160.0)])
    moved = only_stick(fs).points
    np.testing.assert_allclose(moved[1, 1:], [226, 160], atol=1.0)
    np.testing.assert_array_equal(moved[[0, 2]], before[[0, 2]])
    assert w.history.undo_label == "Move stick node"

    w.view.click_data(218, 100.0)  # on the line between the first two nodes: select it
    assert w.picking.tool.selected == only_stick(fs).uid
    qtbot.keyClick(w.view.plot_widget, Qt.Key.Key_Delete)
    assert fs.n_sticks == 0 and w.history.undo_label == "Delete fault stick"
    w.picking.undo()
    np.testing.assert_array_equal(only_stick(fs).points, moved)
    w.picking.undo()
    np.testing.assert_array_equal(only_stick(fs).points, before)


def test_escape_drops_the_stick_in_progress(qtbot, inline_window):
    w = inline_window
    w.view.click_data(210, 40.0)
    w.view.click_data(214, 120.0)
    qtbot.keyClick(w.view.plot_widget, Qt.Key.Key_Escape)
    w.view.double_click_data(230, 100.0)  # a lone point is no stick
    assert w.active_pick.n_sticks == 0


def test_sticks_from_crosslines_show_as_markers_where_they_cross_the_inline(qtbot, window):
    window.set_survey(MemPost3D(n_samples=100))
    window.go_to("crossline", 220)
    window.picking.set_tool("faults")
    draw_stick(window.view, [(102, 40.0), (106, 200.0)])  # inline 102 → 106 on crossline 220
    fs = window.active_pick
    window.go_to("inline", 104)  # halfway along the stick
    (marker,) = window.picking.layer.items[id(fs)]
    x, y = marker.getData()
    assert x[0] == pytest.approx(window.view.x_of(220)[0]) and y[0] == pytest.approx(120.0, abs=2)


def test_sticks_on_other_sections_join_the_same_fault_until_new_fault(qtbot, inline_window):
    w = inline_window
    draw_stick(w.view, [(210, 40.0), (218, 200.0)])
    w.go_to("inline", 106)
    draw_stick(w.view, [(212, 40.0), (220, 200.0)])
    fs = w.active_pick
    assert fs.fault_names == ["Fault 1"] and fs.n_sticks == 2
    w.picking.new_fault()
    draw_stick(w.view, [(230, 40.0), (234, 200.0)])
    assert fs.fault_names == ["Fault 1", "Fault 2"]


def test_clicking_a_node_selects_without_an_undo_step(qtbot, inline_window):
    w = inline_window
    draw_stick(w.view, [(210, 40.0), (218, 200.0)])
    steps = len(w.history)
    w.view.click_data(218, 200.0)
    assert len(w.history) == steps
    assert w.picking.tool.selected == only_stick(w.active_pick).uid
