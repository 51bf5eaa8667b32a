"""Undo applies to what the user sees (issue 14, defect 3 and the toolbar gap): a project's
surveys keep their steps apart, a first fault stick is one step with its new fault set, and
the toolbar keeps its width as undo labels grow."""

import numpy as np
from memsurvey import MemPost3D

from geodesk.core.picks import Horizon
from geodesk.synth.post3d import generate_post3d


def add_horizon(window, name):
    h = Horizon.like_survey(name, window.survey)
    window.picks.add(window.history, h)
    h.set_times(window.history, (np.array([0, 1]), np.array([0, 2])), [100.0, 104.0])
    return h


def test_undo_after_switching_survey_leaves_the_other_survey_alone(window, tmp_path):
    (tmp_path / "data").mkdir()
    one = generate_post3d((6, 8, 40), seed=3).write(tmp_path / "data" / "one.sgy")
    two = generate_post3d((5, 7, 32), seed=4).write(tmp_path / "data" / "two.sgy")
    window.open_path(one)
    assert window.project_controller.new_project(tmp_path / "p")
    h1 = add_horizon(window, "H1")
    first = window.picks
    window.open_path(two)  # joins the project: one history for both surveys
    assert window.history is window.project.history
    undo = window.picking.ui.undo_action
    assert not undo.isEnabled() and "this survey" in undo.toolTip()
    window.picking.undo()  # Ctrl+Z on the second survey: nothing of the first is undone
    assert h1.n_picked == 2 and "H1" in first.names("horizon")
    add_horizon(window, "H2")
    assert undo.isEnabled() and undo.text().endswith("(this survey)")
    window.picking.undo()
    assert "H2" in window.picks.names("horizon") and h1.n_picked == 2
    window.open_path(one)
    assert window.picks is first and undo.isEnabled()
    window.picking.undo()
    assert h1.n_picked == 0


def draw_stick(view, points):
    for xl, t in points[:-1]:
        view.click_data(xl, t)
    view.double_click_data(*points[-1])


def test_first_fault_stick_and_its_new_fault_set_go_in_one_undo(window):
    window.set_survey(MemPost3D(n_samples=100))
    window.go_to("inline", 104)
    window.picking.set_tool("faults")
    draw_stick(window.view, [(210, 40.0), (214, 120.0), (218, 200.0)])
    fs = window.active_pick
    assert fs.n_sticks == 1 and len(window.history) == 1
    window.picking.undo()
    assert fs.n_sticks == 0 and window.picks.objects() == [] and not window.history.can_undo
    window.picking.redo()
    assert window.picks.objects() == [fs] and fs.n_sticks == 1


def test_toolbar_keeps_its_width_as_undo_labels_grow(window):
    window.set_survey(MemPost3D(n_samples=100))
    bar = window.picking.ui.toolbar
    width = bar.sizeHint().width()
    h = Horizon.like_survey("A horizon with a very long name indeed, longer than most",
                            window.survey)
    window.picks.add(window.history, h)
    undo = window.picking.ui.undo_action
    assert undo.iconText() == "Undo" and "very long name" in undo.toolTip()
    assert "very long name" in undo.text()  # the Edit menu still names the step
    assert bar.sizeHint().width() == width


def test_velocity_auto_pick_finishing_after_a_survey_switch_is_not_written(window, tmp_path):
    from geodesk.synth.cmps import generate_cmps

    (tmp_path / "d").mkdir()
    cmps = generate_cmps((3, 12, 200), seed=2).write(tmp_path / "d" / "cmps.sgy")
    other = generate_post3d((4, 5, 30), seed=4).write(tmp_path / "d" / "other.sgy")
    window.open_path(cmps)
    assert window.project_controller.new_project(tmp_path / "p")
    target = window.velocity.functions()
    window.open_path(other)  # the job of the CMP file finishes while this one is shown
    window.velocity._write_all(target, {1: (np.array([100.0, 400.0]),
                                            np.array([1800.0, 2200.0]))})
    assert not target.functions and not window.history.can_undo
