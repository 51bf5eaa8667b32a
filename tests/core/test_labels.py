"""Labels: derived from corrected / confirmed / erased picks, latest wins, delete + undo keeps the
picks, training arrays, and label marks round-trip through project save / open / autosave."""

import numpy as np
import pytest

from geodesk.core.history import History
from geodesk.core.labels import LabelSet, confirm_gather, first_break_times, model_version
from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, Interpretation, VelocityFunctions
from geodesk.core.picks.marks import LabelMarks
from geodesk.core.project.project import DamagedProjectError, Project

WEIGHTS = "model:fbnet@v3#0123456789ab"
VEL_WEIGHTS = "model:velnet@v1#ba9876543210"


def _first_breaks() -> FirstBreaks:
    fb = FirstBreaks("FB", np.repeat([7, 8], 4), np.tile(np.arange(1, 5), 2))
    fb.set_times(None, np.arange(8), np.arange(8) * 10.0 + 5.0, provenance=WEIGHTS)
    return fb


def _interp() -> tuple[Interpretation, FirstBreaks, History]:
    interp = Interpretation("shots")
    fb = _first_breaks()
    interp.add(None, fb)
    return interp, fb, History()


def _labels(interp):
    return LabelSet.from_interpretation(interp, "/data/shots.sgy", survey_id="s0")


def _kinds(labels):
    return sorted((lb.kind, lb.location.describe(), lb.superseded) for lb in labels)


def test_a_correction_is_a_label_with_the_model_value_and_its_weights():
    interp, fb, h = _interp()
    fb.set_times(h, [1], 99.0)
    (lb,) = _labels(interp)
    assert (lb.task, lb.kind, lb.location.mode, lb.location.value) == ("firstbreaks", "corrected",
                                                                       "gather", 7)
    assert lb.location.traces == (1,)
    assert lb.weight_id == WEIGHTS and lb.model_version == "fbnet@v3"
    assert lb.model_value.tolist() == [15.0] and lb.interpreter_value.tolist() == [99.0]
    assert lb.survey_id == "s0" and lb.survey_path == "/data/shots.sgy"


def test_an_erased_model_pick_is_a_label_without_interpreter_value():
    interp, fb, h = _interp()
    fb.erase(h, [2])
    (lb,) = _labels(interp)
    assert lb.kind == "erased" and lb.interpreter_value is None
    assert lb.model_value.tolist() == [25.0]


def test_untouched_model_picks_are_no_labels_but_a_confirmed_gather_is():
    interp, fb, h = _interp()
    assert len(_labels(interp)) == 0
    assert confirm_gather(h, interp, fb, 8) == 4
    (lb,) = _labels(interp)
    assert lb.kind == "confirmed" and lb.location.traces == (4, 5, 6, 7)
    assert lb.interpreter_value.tolist() == lb.model_value.tolist() == [45.0, 55.0, 65.0, 75.0]
    assert lb.weight_id == WEIGHTS
    h.undo()
    assert len(_labels(interp)) == 0


def test_a_later_correction_supersedes_the_confirmation_visibly():
    interp, fb, h = _interp()
    confirm_gather(h, interp, fb, 8)
    fb.set_times(h, [5], 60.0)  # the interpreter changes their mind
    assert _kinds(_labels(interp)) == [("confirmed", "FFID 8 (1 trace)", True),
                                       ("confirmed", "FFID 8 (3 traces)", False),
                                       ("corrected", "FFID 8 (1 trace)", False)]
    (gather,) = _labels(interp).for_training("firstbreaks")
    assert gather.times.tolist() == [45.0, 60.0, 65.0, 75.0] and gather.mask.all()


def test_a_newer_confirmation_of_other_values_supersedes_the_older_one():
    interp, fb, h = _interp()
    confirm_gather(h, interp, fb, 7)
    fb.set_times(h, [0], 1.0)
    confirm_gather(h, interp, fb, 7)
    labels = _labels(interp)
    old = [lb for lb in labels if lb.superseded]
    assert len(old) == 1 and old[0].location.traces == (0,)
    assert old[0].interpreter_value.tolist() == [5.0]
    live = labels.filter(superseded=False)
    assert _kinds(live) == [("confirmed", "FFID 7 (3 traces)", False),
                            ("corrected", "FFID 7 (1 trace)", False)]


def test_delete_forgets_the_label_keeps_the_pick_and_undo_brings_it_back():
    interp, fb, h = _interp()
    fb.set_times(h, [1], 99.0)
    fb.erase(h, [6])
    labels = _labels(interp)
    corrected = next(lb for lb in labels if lb.kind == "corrected")
    labels.delete(h, corrected)
    assert _kinds(_labels(interp)) == [("erased", "FFID 8 (1 trace)", False)]
    assert fb.times[1] == 99.0 and fb.provenance_of([1]) == ["corrected"]
    h.undo()
    assert len(_labels(interp)) == 2
    h.redo()
    fb.set_times(h, [1], 50.0)  # a new correction after a deletion is a new label
    (again,) = [lb for lb in _labels(interp) if lb.kind == "corrected"]
    assert again.model_value.tolist() == [15.0] and again.interpreter_value.tolist() == [50.0]


def test_per_trace_times_hold_corrections_and_confirmations_not_erasures():
    interp, fb, h = _interp()
    fb.set_times(h, [1], 99.0)
    fb.erase(h, [2])
    confirm_gather(h, interp, fb, 8)
    t = first_break_times(_labels(interp), fb.n_traces)
    assert np.isnan(t[[0, 2, 3]]).all() and t[1] == 99.0
    assert t[4:].tolist() == [45.0, 55.0, 65.0, 75.0]
    with pytest.raises(ValueError, match="survey changed"):
        first_break_times(_labels(interp), 4)


def test_delete_many_is_one_undo_step():
    interp, fb, h = _interp()
    fb.set_times(h, [1, 5], [99.0, 98.0])
    labels = _labels(interp)
    assert len(labels) == 2
    labels.delete_many(h, list(labels))
    assert len(_labels(interp)) == 0
    h.undo()
    assert len(_labels(interp)) == 2


def test_filters_by_task_survey_and_model_version():
    interp, fb, h = _interp()
    fb.set_times(h, [1], 99.0)
    vf = VelocityFunctions("V")
    vf.set_function(None, 100, [0.0, 1000.0], [1500.0, 2000.0], provenance=VEL_WEIGHTS)
    interp.add(None, vf)
    vf.move_pick(h, 100, 1, 1000.0, 2100.0)
    labels = _labels(interp)
    assert sorted(lb.task for lb in labels) == ["firstbreaks", "velocities"]
    assert [lb.task for lb in labels.filter(task="velocities")] == ["velocities"]
    assert [lb.task for lb in labels.filter(model_version="fbnet@v3")] == ["firstbreaks"]
    assert [lb.task for lb in labels.filter(model_version=VEL_WEIGHTS)] == ["velocities"]
    assert len(labels.filter(survey="s1")) == 0 and len(labels.filter(survey="s0")) == 2
    assert labels.model_versions == ["fbnet@v3", "velnet@v1"]
    assert model_version(None) == ""


def test_velocity_correction_gives_model_and_interpreter_knots():
    interp = Interpretation("cmp")
    vf = VelocityFunctions("V")
    vf.set_function(None, 100, [0.0, 1000.0], [1500.0, 2000.0], provenance=VEL_WEIGHTS)
    vf.set_function(None, 200, [0.0, 1000.0], [1500.0, 2000.0], provenance=VEL_WEIGHTS)
    interp.add(None, vf)
    vf.move_pick(History(), 100, 1, 1000.0, 2100.0)
    (lb,) = LabelSet.from_interpretation(interp)
    assert lb.kind == "corrected" and lb.location.value == 100
    assert lb.model_value[1].tolist() == [1500.0, 2000.0]
    assert lb.interpreter_value[1].tolist() == [1500.0, 2100.0]
    (cdp,) = LabelSet.from_interpretation(interp).for_training("velocities")
    assert cdp.cdp == 100 and cdp.vrms_mps.tolist() == [1500.0, 2100.0]


def test_fault_labels_per_section_with_the_fully_interpreted_flag():
    interp = Interpretation("cube")
    fs = FaultSet("Faults")
    fs.add_fault(None, "F1")
    model = fs.add_stick(None, "F1", [[10, 5, 100.0], [10, 8, 300.0]], "inline", 10,
                         provenance="model:faultnet@v2#aaaaaaaaaaaa")
    fs.add_stick(None, "F1", [[20, 1, 100.0], [20, 2, 300.0]], "inline", 20)  # drawn by hand
    fs.add_stick(None, "F1", [[30, 1, 100.0], [30, 2, 300.0]], "inline", 30,
                 provenance="model:faultnet@v2#aaaaaaaaaaaa")  # untouched: no label
    interp.add(None, fs)
    h = History()
    fs.move_node(h, model, 1, [10, 9, 310.0])
    interp.label_marks.mark_section(h, "inline", 20)
    interp.label_marks.mark_section(h, "inline", 40)  # no fault at all there
    labels = LabelSet.from_interpretation(interp)
    assert sorted((lb.kind, lb.location.value) for lb in labels) == [
        ("corrected", 10.0), ("drawn", 20.0), ("no_fault", 20.0), ("no_fault", 40.0)]
    corrected = next(lb for lb in labels if lb.kind == "corrected")
    assert corrected.model_version == "faultnet@v2"
    assert corrected.model_value[1].tolist() == [10, 8, 300.0]
    sections = {s.section_number: s for s in labels.for_training("faults")}
    assert sections[20.0].fully_interpreted and len(sections[20.0].sticks) == 1
    assert sections[40.0].fully_interpreted and sections[40.0].sticks == []
    assert not sections[10.0].fully_interpreted
    labels.delete(h, next(lb for lb in labels if lb.location.value == 40.0))
    assert interp.label_marks.section_mark("inline", 40) is None
    h.undo()
    assert interp.label_marks.section_mark("inline", 40) is not None


def test_horizon_corrections_of_model_picks_are_labels_per_inline():
    interp = Interpretation("cube")
    hz = Horizon("H", np.arange(100, 103), np.arange(200, 204))
    hz.set_times(None, np.ones(hz.shape, bool), 500.0, provenance="model:hznet@v1#cccccccccccc")
    interp.add(None, hz)
    hz.set_times(History(), (np.array([1]), np.array([2])), 510.0)
    (lb,) = LabelSet.from_interpretation(interp)
    assert (lb.task, lb.location.mode, lb.location.value) == ("horizon", "inline", 101)
    (row,) = LabelSet.from_interpretation(interp).for_training("horizon")
    assert row.crosslines.tolist() == [202] and row.times.tolist() == [510.0]


def _project(tmp_path) -> Project:
    survey = tmp_path / "shots.sgy"
    survey.write_bytes(bytes(range(256)) * 8)
    return Project.create(tmp_path / "p", survey)


def _corrected_project(tmp_path) -> Project:
    proj = _project(tmp_path)
    fb = _first_breaks()
    proj.picks.add(proj.history, fb)
    fb.set_times(proj.history, [1], 99.0)
    fb.erase(proj.history, [2])
    confirm_gather(proj.history, proj.picks, fb, 8)
    proj.picks.label_marks.mark_section(proj.history, "inline", 12)
    fb.set_times(proj.history, [5], 61.0)
    return proj


def _summary(labels):
    return sorted((lb.task, lb.kind, lb.location.describe(), lb.superseded, lb.time,
                   lb.user, lb.weight_id) for lb in labels)


def test_labels_round_trip_through_save_and_open(tmp_path):
    proj = _corrected_project(tmp_path)
    before = LabelSet.from_project(proj)
    deleted = next(lb for lb in before if lb.kind == "erased")
    before.delete(proj.history, deleted)
    before = LabelSet.from_project(proj)
    assert proj.is_dirty
    proj.save()
    again = LabelSet.from_project(Project.open(proj.folder))
    assert _summary(again) == _summary(before)
    assert len(before) == 5 and not any(lb.kind == "erased" for lb in again)
    assert again.labels[0].survey_path.endswith("shots.sgy")


def test_label_marks_survive_autosave_and_recover(tmp_path):
    proj = _project(tmp_path)
    fb = _first_breaks()
    proj.picks.add(proj.history, fb)
    proj.save()
    revision = proj.revision
    confirm_gather(proj.history, proj.picks, fb, 7)
    assert proj.revision > revision  # the marks drive autosave like picks do
    proj.autosave()
    reopened = Project.open(proj.folder)
    assert reopened.autosave_pending
    assert len(LabelSet.from_project(reopened)) == 0
    reopened.recover()
    assert _kinds(LabelSet.from_project(reopened)) == [("confirmed", "FFID 7 (4 traces)", False)]


def _saved_with_marks(tmp_path, monkeypatch, damage) -> Project:
    proj = _corrected_project(tmp_path)
    good = LabelMarks.to_state

    def bad_state(self):
        meta, arrays = good(self)
        damage(meta, arrays)
        return meta, arrays

    monkeypatch.setattr(LabelMarks, "to_state", bad_state)
    proj.save()
    monkeypatch.setattr(LabelMarks, "to_state", good)
    return proj


@pytest.mark.parametrize("damage", [
    lambda m, a: a.update(confirm_index=a["confirm_index"] + 1000),  # beyond the picks
    lambda m, a: a.update(confirm_offsets=a["confirm_offsets"][:-1]),
    lambda m, a: a.update(confirm_times=np.full_like(a["confirm_times"], np.inf)),
    lambda m, a: m["sections"].append({"section_kind": "diagonal", "section_number": 1,
                                       "time": "", "user": ""}),
    lambda m, a: m.update(excluded=[3]),
])
def test_damaged_label_marks_are_refused(tmp_path, monkeypatch, damage):
    proj = _saved_with_marks(tmp_path, monkeypatch, damage)
    with pytest.raises(DamagedProjectError, match="damaged"):
        Project.open(proj.folder)


def test_label_marks_the_index_does_not_list_are_refused(tmp_path, monkeypatch):
    from geodesk.core.project import project as project_module

    proj = _corrected_project(tmp_path)
    real = project_module.write_save

    def without_marks(folder, doc, objects, keep_previous=True, labels=()):
        return real(folder, doc, objects, keep_previous)  # checksums fine, marks missing

    monkeypatch.setattr(project_module, "write_save", without_marks)
    proj.save()
    with pytest.raises(DamagedProjectError, match="label"):
        Project.open(proj.folder)
