"""Velocity picking on a semblance panel: add, drag, delete, each one undo step."""

import numpy as np
import pytest

from geodesk.core.history import History
from geodesk.core.picks import VelocityFunctions
from geodesk.core.tools.velocity_tool import VelocityPickTool


@pytest.fixture
def tool():
    return VelocityPickTool(VelocityFunctions("V"), History(), cdp=100)


def test_click_adds_picks_in_time_order_each_one_step(tool):
    tool.press(2000.0, 800.0)
    tool.press(1600.0, 300.0)
    t, v = tool.knots()
    np.testing.assert_array_equal(t, [300.0, 800.0])
    np.testing.assert_array_equal(v, [1600.0, 2000.0])
    assert tool.history.undo_label == "Add velocity pick CDP 100"
    tool.history.undo()
    np.testing.assert_array_equal(tool.knots()[0], [800.0])


def test_drag_moves_a_knot_as_one_step_and_keeps_time_order(tool):
    for v, t in ((1500, 200), (2000, 600), (2500, 1000)):
        tool.press(v, t)
    steps = len(tool.history.labels)
    tool.press(2010.0, 605.0)  # on the middle knot
    for t in (700, 900, 1500):  # dragged past its lower neighbour: clamped
        tool.move(2300.0, t)
    tool.release(2300.0, 1500.0)
    t, v = tool.knots()
    assert len(tool.history.labels) == steps + 1
    assert t[1] == pytest.approx(1000.0 - 1.0) and v[1] == 2300.0
    assert np.all(np.diff(t) > 0)
    assert tool.functions.function(100).provenance[1] == "manual"
    tool.history.undo()
    np.testing.assert_array_equal(tool.knots()[0], [200, 600, 1000])


def test_click_on_a_knot_selects_without_an_undo_step(tool):
    tool.press(2000.0, 600.0)
    steps = len(tool.history.labels)
    tool.press(2000.0, 600.0)
    tool.release(2000.0, 600.0)
    assert len(tool.history.labels) == steps and tool.selected == 0


def test_right_click_and_delete_key_remove_knots(tool):
    tool.press(1500.0, 200.0)
    tool.press(2000.0, 600.0)
    tool.press(2005.0, 598.0, button="right")
    np.testing.assert_array_equal(tool.knots()[0], [200.0])
    tool.selected = 0
    assert tool.key("Delete")
    assert tool.knots()[0].size == 0
    tool.history.undo()
    tool.history.undo()
    np.testing.assert_array_equal(tool.knots()[0], [200.0, 600.0])


def test_escape_aborts_a_drag(tool):
    tool.press(2000.0, 600.0)
    tool.press(2000.0, 600.0)
    tool.move(2600.0, 650.0)
    assert tool.key("Escape")
    t, v = tool.knots()
    assert (t[0], v[0]) == (600.0, 2000.0) and not tool.dragging


def test_impossible_interval_velocity_warns_and_does_not_raise(tool):
    tool.press(3000.0, 500.0)
    tool.press(2000.0, 1000.0)  # Vrms drops steeply: imaginary Dix interval velocity
    assert tool.warnings
    assert tool.knots()[0].size == 2


def test_overlay_holds_the_function_and_the_selection(tool):
    tool.press(1800.0, 400.0)
    roles = {item.role: item.xy for item in tool.overlay()}
    np.testing.assert_array_equal(roles["node"], [[1800.0, 400.0]])
    assert "node_selected" in roles
