"""First breaks in the window: drag picks on a shot gather, reduced display, auto-pick, undo."""

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from geodesk.core.picks import FirstBreaks
from geodesk.core.tools.autopick import auto_pick
from geodesk.synth.shots import generate_shots


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    r = generate_shots(shape=(2, 48, 500), seed=1)
    return r.write(tmp_path_factory.mktemp("shots") / "shots.sgy"), r


@pytest.fixture
def gather_window(window, shots):
    path, _ = shots
    assert window.open_path(path)
    assert window.section.kind == "gather"
    window.picking.set_tool("first_breaks")
    return window


def markers(window, fb):
    """(x, y) of the manual, machine and corrected marker items."""
    return [it.getData() for it in window.picking.layer.items[id(fb)]]


def test_drag_picks_every_trace_crossed_and_undo_redo(qtbot, gather_window):
    w = gather_window
    w.view.drag_data([(5, 100.0), (15, 120.0), (25, 140.0)])
    fb = w.active_pick
    assert isinstance(fb, FirstBreaks) and fb.name == "First breaks"
    ti = w.section.trace_index
    t = fb.times[ti]
    picked = np.flatnonzero(np.isfinite(t))
    assert picked.min() == 4 and picked.max() == 24  # channels 5..25 are traces 4..24
    np.testing.assert_allclose(t[14], 120.0, atol=1.0)
    assert set(fb.provenance_of(ti[picked])) == {"manual"}
    assert w.picking.ui.undo_action.text() == "&Undo Pick first breaks"
    x, y = markers(w, fb)[0]
    np.testing.assert_array_equal(x, picked)
    np.testing.assert_allclose(y, t[picked])
    w.picking.ui.undo_action.trigger()  # the first picks made the object: both go in one step
    assert fb.n_picked == 0 and fb not in w.picks.objects() and not w.history.can_undo
    assert not w.picking.layer.items.get(id(fb))
    w.picking.ui.redo_action.trigger()
    assert fb.n_picked == picked.size and markers(w, fb)[0][0].size == picked.size


def test_picks_on_the_reduced_display_map_back_to_recorded_time(qtbot, gather_window):
    w = gather_window
    c = w.picking
    c.set_params(replace(c.params, reduce=True, velocity=2000.0))
    assert w.view.section.axis1.label.startswith("time - |x|/2000")
    w.view.drag_data([(30, 50.0), (40, 50.0)])
    fb = w.active_pick
    sec = w.section
    idx = np.arange(29, 40)
    moveout = 1000.0 * np.abs(sec.headers["offset"][idx]) / 2000.0
    recorded = fb.times[sec.trace_index[idx]]
    reduced = recorded - moveout  # a flat line on the reduced display (to a screen pixel)
    np.testing.assert_allclose(reduced, reduced[0], atol=1e-3)
    assert reduced[0] == pytest.approx(50.0, abs=0.5)
    _, y = markers(w, fb)[0]
    np.testing.assert_allclose(y, reduced, atol=1e-3)  # drawn where they were picked
    c.set_params(replace(c.params, reduce=False))
    _, y = markers(w, fb)[0]
    np.testing.assert_allclose(y, recorded, atol=1e-3)


def test_auto_pick_is_one_step_keeps_manual_picks_and_colours_by_provenance(
            qtbot, gather_window):
    w = gather_window
    w.view.click_data(10, 77.0)  # a manual pick on channel 10
    fb = w.active_pick
    n = w.picking.auto_pick_gather()
    sec = w.section
    t = fb.times[sec.trace_index]
    expected = auto_pick(sec, w.picking.params)  # what the classical picker finds here
    ok = np.isfinite(expected)
    ok[9] = False
    assert n == ok.sum() >= 30 and t[9] == pytest.approx(77.0, abs=1.0)
    np.testing.assert_allclose(t[ok], expected[ok], rtol=1e-6)
    assert set(fb.provenance_of(sec.trace_index[ok])) == {"model:stalta@1"}
    assert w.history.undo_label.startswith("Auto-pick first breaks")
    manual, machine, corrected = (xy[0].size for xy in markers(w, fb))
    assert (manual, machine, corrected) == (1, n, 0)

    w.view.click_data(30, float(t[29]) + 5)  # correcting a machine pick
    assert fb.provenance_of([sec.trace_index[29]]) == ["corrected"]
    assert [xy[0].size for xy in markers(w, fb)] == [1, n - 1, 1]
    w.picking.undo()
    w.picking.undo()
    assert fb.n_picked == 1


def test_right_button_drag_does_not_pick(qtbot, gather_window):
    w = gather_window
    w.view.drag_data([(5, 100.0), (25, 140.0)], button=Qt.MouseButton.RightButton)
    assert w.picks.objects() == []
