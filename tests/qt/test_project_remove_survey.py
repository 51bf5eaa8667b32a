"""Removing a survey from a project (issue 14 gap): its reference and picks leave the project
with the next save, its undo steps go, the file stays; a shown survey stays on screen."""

import numpy as np

from geodesk.core.picks import Horizon
from geodesk.core.project.project import Project
from geodesk.synth.post3d import generate_post3d


def add_horizon(window, name):
    h = Horizon.like_survey(name, window.survey)
    window.picks.add(window.history, h)
    h.set_times(window.history, (np.array([0, 1]), np.array([0, 2])), [100.0, 104.0])
    return h


def two_survey_project(window, tmp_path):
    (tmp_path / "data").mkdir()
    one = generate_post3d((6, 8, 40), seed=3).write(tmp_path / "data" / "one.sgy")
    two = generate_post3d((5, 7, 32), seed=4).write(tmp_path / "data" / "two.sgy")
    ctrl = window.project_controller
    window.open_path(one)
    assert ctrl.new_project(tmp_path / "p")
    add_horizon(window, "H1")
    window.open_path(two)
    add_horizon(window, "H2")
    return ctrl, one, two


def test_removed_survey_and_its_picks_are_gone_after_save_and_reopen(window, tmp_path):
    ctrl, one, two = two_survey_project(window, tmp_path)
    window.open_path(one)  # show the other one
    ref_two = next(r for r in window.project.surveys if r.path == str(two))
    ctrl.confirm_remove = lambda ref, n: n == 1  # asked, with its one pick object
    assert ctrl.remove_survey(ref_two)
    proj = window.project
    assert [r.path for r in proj.surveys] == [str(one)] and proj.is_dirty
    assert proj.history.hidden_steps == 0  # the removed survey's steps cannot be undone
    assert ctrl.save()
    again = Project.open(proj.folder)
    assert [r.path for r in again.surveys] == [str(one)]
    assert again.interpretation(again.surveys[0].id).names("horizon") == ["H1"]
    assert len(again.interpretations) == 1 and two.is_file()


def test_removing_the_shown_survey_keeps_it_on_screen_outside_the_project(window, tmp_path):
    ctrl, one, two = two_survey_project(window, tmp_path)
    ref_two = next(r for r in window.project.surveys if r.path == str(two))
    ctrl.confirm_remove = lambda ref, n: True
    assert ctrl.remove_survey(ref_two)
    assert str(window.survey.path) == str(two)
    assert window.picks.objects() == [] and window.picks not in \
        window.project.interpretations.values()
    assert "removed from project" in window.statusBar().currentMessage()


def test_declining_removes_nothing(window, tmp_path):
    ctrl, _one, two = two_survey_project(window, tmp_path)
    ref_two = next(r for r in window.project.surveys if r.path == str(two))
    ctrl.confirm_remove = lambda ref, n: False
    assert not ctrl.remove_survey(ref_two)
    assert len(window.project.surveys) == 2
