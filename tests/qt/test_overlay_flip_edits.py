"""Picks edited while another line is shown are drawn as edited when the user steps back."""

import numpy as np
import pytest
from memsurvey import MemPost3D

from geodesk.core.picks import FaultSet, Horizon


@pytest.fixture
def picked(window):
    survey = MemPost3D(n_samples=100)  # inlines 100..109, crosslines 200..238 step 2, 4 ms
    window.set_survey(survey)
    h = Horizon.like_survey("H", survey)
    h.write_tracked(None, np.ones(h.shape, dtype=bool), np.full(h.shape, 100.0))
    window.picks.add(window.history, h)
    fs = FaultSet("F")
    fs.add_fault(None, "F1")
    fs.add_stick(None, "F1", [(102, 220, 40.0), (106, 220, 200.0)], "crossline", 220.0)
    window.picks.add(window.history, fs)
    return window, h, fs


def _marker_y(window, fs):
    items = [it for it in window.picking.layer.items.get(id(fs), []) if it.isVisible()]
    (marker,) = items
    return float(marker.getData()[1][0])


def _horizon_y(window, h):
    return window.picking.layer.items[id(h)][0].getData()[1]


def test_edits_made_on_another_line_show_after_stepping_back(qtbot, picked):
    window, h, fs = picked
    window.go_to("inline", 104)
    assert _marker_y(window, fs) == pytest.approx(120.0)  # halfway along the stick
    assert np.allclose(_horizon_y(window, h), 100.0)
    window.go_to("inline", 105)  # away: edit the stick and the horizon's picks on inline 104
    uid = fs.faults[0].sticks[0].uid
    fs.move_node(window.history, uid, 1, (106, 220, 360.0))
    on_104 = np.zeros(h.shape, dtype=bool)
    on_104[list(h.inlines).index(104)] = True
    h.write_tracked(window.history, on_104, np.full(int(on_104.sum()), 250.0), overwrite=True)
    window.go_to("inline", 104)
    assert _marker_y(window, fs) == pytest.approx(200.0)  # (40 + 360) / 2
    assert np.allclose(_horizon_y(window, h), 250.0)
    window.go_to("inline", 105)
    window.picking.undo()  # the horizon edit
    window.picking.undo()  # the node move
    window.go_to("inline", 104)
    assert _marker_y(window, fs) == pytest.approx(120.0)
    assert np.allclose(_horizon_y(window, h), 100.0)


def test_a_recoloured_fault_is_drawn_in_its_new_colour_on_the_next_line(qtbot, picked):
    window, _h, fs = picked
    window.set_colormap("gray")  # the fault's own colours are drawn on grey
    window.go_to("inline", 103)
    fs.set_fault_colour(window.history, "F1", "#00ff00")
    window.go_to("inline", 104)
    (marker,) = [it for it in window.picking.layer.items[id(fs)] if it.isVisible()]
    assert marker.opts["pen"].color().name() == "#00ff00"
