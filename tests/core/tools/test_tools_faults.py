"""Fault-stick tool driven with synthetic pointer events: draw, end, drag nodes, delete, Esc."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.history import History
from geodesk.core.picks import FaultSet
from geodesk.core.section import Axis, Section
from geodesk.core.tools import FaultStickTool

XLINES = np.arange(100, 120, 2)  # crossline numbers 100, 102, … 118 (trace step 2)


def inline_section() -> Section:
    return Section(np.zeros((XLINES.size, 50), np.float32), Axis(XLINES, "crossline"),
                   Axis(np.arange(50) * 4.0, "time", "ms"), "inline")


@pytest.fixture
def setup():
    fs = FaultSet("Faults")
    history = History()
    tool = FaultStickTool(fs, history, inline_section(), line=30, tolerance=(0.5, 8.0))
    return fs, history, tool


def draw_stick(tool, pts, end="double"):
    for x, t in pts[:-1]:
        tool.press(x, t)
        tool.release(x, t)
    x, t = pts[-1]
    if end == "double":
        tool.press(x, t)
        tool.release(x, t)
        tool.double_click(x, t)
        tool.release(x, t)
    else:
        tool.press(x, t)
        tool.release(x, t)
        assert tool.key(end)


def test_clicks_then_double_click_make_one_stick_in_data_coordinates(setup):
    fs, history, tool = setup
    draw_stick(tool, [(1.0, 40.0), (1.5, 100.0), (2.0, 160.0)])
    assert history.labels == ["Add fault stick"] and fs.fault_names == ["Fault 1"]
    (_fault, stick), = fs.sticks_on("inline", 30)
    np.testing.assert_allclose(stick.points, [[30, 102, 40], [30, 103, 100], [30, 104, 160]])
    assert stick.provenance == "manual" and tool.selected == stick.uid
    history.undo()
    assert fs.faults == [] and fs.n_sticks == 0


def test_enter_ends_and_a_single_point_makes_no_stick(setup):
    fs, history, tool = setup
    draw_stick(tool, [(3.0, 20.0), (4.0, 80.0)], end="Return")
    assert fs.n_sticks == 1
    tool.press(8.0, 20.0)
    tool.release(8.0, 20.0)
    assert not tool.key("Enter")
    assert fs.n_sticks == 1 and len(history) == 1


def test_escape_drops_the_stick_in_progress(setup):
    fs, history, tool = setup
    tool.press(1.0, 10.0)
    tool.release(1.0, 10.0)
    tool.press(2.0, 90.0)
    tool.move(3.0, 120.0)
    roles = [i.role for i in tool.overlay()]
    assert "stick_active" in roles and "rubber_band" in roles
    assert tool.key("Escape")
    assert not tool.active and fs.n_sticks == 0 and len(history) == 0


def test_dragging_a_node_moves_it_in_one_step_and_escape_restores(setup):
    fs, history, tool = setup
    draw_stick(tool, [(1.0, 40.0), (1.0, 160.0)])
    uid = tool.selected
    tool.press(1.2, 157.0)  # within tolerance of node 1
    for k in range(1, 6):
        tool.move(1.0 + k, 160.0 + k)
    tool.release(6.0, 165.0)
    assert history.labels == ["Add fault stick", "Move stick node"]
    np.testing.assert_allclose(fs.stick(uid).points[1], [30, 112, 165])
    tool.press(6.0, 165.0)
    tool.move(8.0, 190.0)
    assert tool.key("Escape")
    np.testing.assert_allclose(fs.stick(uid).points[1], [30, 112, 165])
    assert len(history) == 2
    history.undo()
    np.testing.assert_allclose(fs.stick(uid).points[1], [30, 102, 160])


def test_press_beyond_tolerance_starts_a_new_stick(setup):
    fs, history, tool = setup
    draw_stick(tool, [(1.0, 40.0), (1.0, 160.0)])
    uid = tool.selected
    tool.press(1.0, 200.0)  # 40 ms from the node, tolerance is 8 ms
    tool.move(3.0, 220.0)
    tool.release(3.0, 220.0)
    assert tool.active and tool.selected is None and len(history) == 1
    np.testing.assert_allclose(fs.stick(uid).points[:, 2], [40.0, 160.0])


def test_click_near_a_stick_selects_it_and_delete_removes_it(setup):
    fs, history, tool = setup
    draw_stick(tool, [(2.0, 0.0), (2.0, 200.0)])
    uid = tool.selected
    tool.key("Escape")
    assert tool.selected is None
    tool.press(2.3, 100.0)  # on the segment, far from both nodes
    tool.release(2.3, 100.0)
    assert tool.selected == uid and not tool.active
    assert next(i.role for i in tool.overlay()) == "stick_selected"
    assert tool.key("Delete")
    assert fs.n_sticks == 0 and history.undo_label == "Delete fault stick"
    history.undo()
    assert fs.stick(uid).points.shape == (2, 3)


def test_sticks_of_other_sections_are_not_shown_or_hit(setup):
    fs, history, tool = setup
    fs.add_fault(history, "F")
    fs.add_stick(history, "F", [[31, 102, 40], [31, 102, 160]], "inline", 31)
    assert tool.overlay() == [] and tool.hit_node(1.0, 40.0) is None
    tool.set_section(inline_section(), line=31)
    assert tool.hit_node(1.0, 42.0) is not None


def test_crossline_sections_store_inline_coordinates():
    fs, history = FaultSet("S"), History()
    sec = Section(np.zeros((5, 20), np.float32), Axis(np.arange(10, 15), "inline"),
                  Axis(np.arange(20) * 4.0, "time", "ms"), "crossline")
    tool = FaultStickTool(fs, history, sec, line=7, fault="Main")
    draw_stick(tool, [(0.0, 10.0), (4.0, 50.0)], end="Return")
    (_, stick), = fs.sticks_on("crossline", 7)
    np.testing.assert_allclose(stick.points, [[10, 7, 10], [14, 7, 50]])
    assert fs.fault_names == ["Main"]


def test_clicking_a_node_without_moving_selects_it_and_records_no_step(setup):
    fs, history, tool = setup
    draw_stick(tool, [(1.0, 40.0), (1.0, 160.0)])
    uid = tool.selected
    tool.key("Escape")
    tool.press(1.2, 157.0)  # near node 1, not on it: a click must not snap the node here
    tool.move(1.2, 157.0)
    tool.release(1.2, 157.0)
    assert tool.selected == uid and not tool.active and not history.in_group
    assert history.labels == ["Add fault stick"]
    np.testing.assert_allclose(fs.stick(uid).points[1], [30, 102, 160])


def test_dragging_a_node_back_to_its_start_records_no_step(setup):
    fs, history, tool = setup
    draw_stick(tool, [(1.0, 40.0), (1.0, 160.0)])
    uid = tool.selected
    tool.press(1.0, 160.0)
    tool.move(4.0, 190.0)
    tool.release(1.0, 160.0)
    assert history.labels == ["Add fault stick"] and not history.in_group
    np.testing.assert_allclose(fs.stick(uid).points[1], [30, 102, 160])
