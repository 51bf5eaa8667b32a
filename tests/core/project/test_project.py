"""Projects: save→open is exact, saves are atomic, surveys are checked, formats are versioned."""

import errno
import json

import h5py
import numpy as np
import pytest

from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, VelocityFunctions
from geodesk.core.project import store as project_store
from geodesk.core.project.migrate import SCHEMA_VERSION
from geodesk.core.project.project import Project, ProjectError, relink


def _survey_file(folder, name="survey.sgy", size=4000):
    p = folder / name
    p.write_bytes(bytes(range(256)) * (size // 256))
    return p


def _fill(project, seed=0):
    rng = np.random.default_rng(seed)
    picks = project.picks
    h = Horizon("Top A", np.arange(100, 110), np.arange(300, 320, 2))
    t = rng.uniform(100, 900, h.shape).astype(np.float32)
    mask = rng.random(h.shape) < 0.6
    h.set_times(None, mask, t[mask], provenance="tracked", confidence=rng.random(mask.sum()))
    h.set_times(None, (np.array([0]), np.array([1])), 123.25)  # manual over tracked: corrected
    h.add_seed(None, 101, 302, 250.5)
    picks.add(project.history, h)
    fs = FaultSet("Faults")
    fs.add_fault(None, "F1", "#00ff00")
    fs.add_stick(None, "F1", [[100, 300, 200.0], [100, 304.5, 400.0]], "inline", 100)
    picks.add(project.history, fs)
    fb = FirstBreaks("FB", np.repeat([7, 8], 5), np.tile(np.arange(1, 6), 2))
    fb.set_times(None, [0, 3, 9], [12.5, 40.0, 80.125], provenance="model:fbnet@1.2")
    picks.add(project.history, fb)
    vf = VelocityFunctions("Vrms")
    vf.set_function(None, 1010, [0.0, 500.0, 1500.0], [1500.0, 1800.0, 2400.0])
    picks.add(project.history, vf)
    return picks


def _states(interp):
    return [obj.to_state() for obj in interp.objects()]


def _assert_same_states(a, b):
    assert len(a) == len(b)
    for (ma, aa), (mb, ab) in zip(a, b):
        assert ma == mb
        assert aa.keys() == ab.keys()
        for k in aa:
            assert aa[k].dtype == ab[k].dtype, k
            np.testing.assert_array_equal(aa[k], ab[k], err_msg=k)


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "autosave" not in p.parts}


def _saved(folder):
    """The committed generation folder and its document."""
    gen = folder / json.loads((folder / "project.json").read_text())["generation"]
    return gen, json.loads((gen / "project.json").read_text())


@pytest.fixture
def project(tmp_path):
    return Project.create(tmp_path / "demo", _survey_file(tmp_path))


def test_save_then_open_restores_every_pick_object_exactly(project):
    _fill(project)
    project.display["colormap"] = "gray"
    project.save()
    back = Project.open(project.folder)
    _assert_same_states(_states(back.picks), _states(project.picks))
    assert back.display["colormap"] == "gray"
    assert back.axes["order"] == ["inline", "crossline", "time"]
    assert back.surveys == project.surveys
    assert not back.is_dirty and back.autosave_pending is None
    gen, doc = _saved(project.folder)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert [o["kind"] for o in doc["objects"]] == ["horizon", "fault_set", "first_breaks",
                                                   "velocity_functions"]
    with h5py.File(gen / "picks.h5", "r") as h5:
        assert {"picks", "caches", "labels"} <= set(h5)
        assert h5.attrs["save_id"] == doc["save_id"]


def test_create_names_the_folder_and_refuses_a_non_empty_one(tmp_path):
    p = Project.create(tmp_path / "a")
    assert p.folder.name == "a.geodesk" and (p.folder / "project.json").is_file()
    with pytest.raises(ProjectError, match="not empty"):
        Project.create(tmp_path / "a.geodesk")
    with pytest.raises(ProjectError, match="survey file not found"):
        Project.create(tmp_path / "b", tmp_path / "nope.sgy")


@pytest.mark.parametrize("where", ["fsync", "dataset"])
def test_disk_full_during_save_keeps_the_previous_save(project, monkeypatch, where):
    _fill(project)
    project.save()
    before = _snapshot(project.folder)
    project.picks.get("horizon", "Top A").erase(project.history, np.ones((10, 10), bool))
    full = OSError(errno.ENOSPC, "No space left on device")
    if where == "fsync":  # the json temp is being flushed: the h5 temp is already complete
        def fail(fd):
            raise full
        monkeypatch.setattr(project_store.os, "fsync", fail)
    else:  # in the middle of writing the HDF5 datasets
        calls = []
        real = h5py.Group.create_dataset

        def fail(self, *a, **k):
            calls.append(1)
            if len(calls) == 3:
                raise full
            return real(self, *a, **k)
        monkeypatch.setattr(h5py.Group, "create_dataset", fail)
    with pytest.raises(OSError) as info:
        project.save()
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert _snapshot(project.folder) == before
    back = Project.open(project.folder)
    assert back.picks.get("horizon", "Top A").n_picked > 0
    assert project.is_dirty


def test_newer_schema_is_refused_with_a_clear_message(project):
    p = project.folder / "project.json"
    doc = json.loads(p.read_text())
    doc.update(schema_version=SCHEMA_VERSION + 1, app_version="9.0")
    p.write_text(json.dumps(doc))
    newer = SCHEMA_VERSION + 1
    with pytest.raises(ProjectError, match=rf"saved by GeoDesk 9.0 with project format {newer}; .*Update"):
        Project.open(project.folder)


def test_v0_project_is_migrated_and_saved_as_current(tmp_path):
    survey = _survey_file(tmp_path)
    folder = tmp_path / "old.geodesk"
    folder.mkdir()
    h = Horizon("H0", [1, 2, 3], [10, 11])
    h.set_times(None, [0, 4], [100.0, 200.0])
    meta, arrays = h.to_state()
    (folder / "project.json").write_text(json.dumps(
        {"version": 0, "survey": "../survey.sgy", "created": "2023-01-02T03:04:05+00:00"}))
    with h5py.File(folder / "picks.h5", "w") as f:
        g = f.create_group("horizon/H0")
        g.attrs["meta"] = json.dumps(meta)
        for k, v in arrays.items():
            g[k] = v
    proj = Project.open(folder)
    assert proj.loaded_version == 0
    assert proj.survey().path == str(survey.resolve())
    assert proj.check_surveys() == []  # v0 had no size/mtime: only existence is checked
    _assert_same_states(_states(proj.picks), [h.to_state()])
    proj.save()
    _, doc = _saved(folder)
    assert doc["schema_version"] == SCHEMA_VERSION and doc["created"].startswith("2023")
    assert not (folder / "picks.h5").exists()  # the old layout's file left with the commit
    _assert_same_states(_states(Project.open(folder).picks), [h.to_state()])


def test_moved_changed_and_missing_surveys_are_reported_not_used(tmp_path):
    (tmp_path / "data").mkdir()
    survey = _survey_file(tmp_path / "data")
    proj = Project.create(tmp_path / "p", survey)
    assert proj.check_surveys() == [] and proj.survey_path() == survey.resolve()
    # project and data moved together: the relative path finds it, but it is only offered
    (tmp_path / "moved").mkdir()
    proj.folder.rename(tmp_path / "moved" / "p.geodesk")
    (tmp_path / "data").rename(tmp_path / "moved" / "data")
    proj = Project.open(tmp_path / "moved" / "p.geodesk")
    [issue] = proj.check_surveys()
    assert issue.problem == "moved"
    with pytest.raises(ProjectError, match="moved"):
        proj.survey_path()
    relink(proj, "s0", issue.candidate)
    assert proj.check_surveys() == []
    new = tmp_path / "moved" / "data" / "survey.sgy"
    new.write_bytes(new.read_bytes() + b"more")
    assert [i.problem for i in proj.check_surveys()] == ["changed"]
    new.unlink()
    assert [i.problem for i in proj.check_surveys()] == ["missing"]
    with pytest.raises(ProjectError, match="missing"):
        proj.survey_path()


def test_autosave_never_touches_the_main_save_and_is_offered_on_open(project):
    _fill(project)
    project.save()
    main = _snapshot(project.folder)
    fb = project.picks.get("first_breaks", "FB")
    fb.set_times(project.history, [5], 55.5)
    project.autosave()
    assert _snapshot(project.folder) == main
    reopened = Project.open(project.folder)
    assert reopened.autosave_pending is not None
    assert np.isnan(reopened.picks.get("first_breaks", "FB").times[5])
    reopened.recover()
    assert reopened.picks.get("first_breaks", "FB").times[5] == np.float32(55.5)
    assert reopened.is_dirty and _snapshot(project.folder) == main
    reopened.save()
    assert not reopened.autosave_folder.exists()
    assert Project.open(project.folder).picks.get("first_breaks", "FB").times[5] == 55.5


def test_discarded_or_older_autosave_is_not_offered(project):
    _fill(project)
    project.autosave()
    p = Project.open(project.folder)
    assert p.autosave_pending
    p.discard_autosave()
    assert Project.open(project.folder).autosave_pending is None
    project.autosave()
    project.save()  # newer than the autosave, which is removed
    assert Project.open(project.folder).autosave_pending is None
    with pytest.raises(ProjectError, match="no autosave"):
        Project.open(project.folder).recover()


def test_old_layout_pair_from_different_saves_is_refused(tmp_path):
    folder = tmp_path / "v1.geodesk"
    folder.mkdir()
    (folder / "project.json").write_text(json.dumps(
        {"schema_version": 1, "save_id": "a" * 32, "surveys": [], "objects": []}))
    with h5py.File(folder / "picks.h5", "w") as f:
        f.attrs["save_id"] = "b" * 32
    with pytest.raises(ProjectError, match="different saves"):
        Project.open(folder)


def test_save_as_moves_the_project_and_keeps_surveys_resolvable(project, tmp_path):
    _fill(project)
    project.save_as(tmp_path / "sub" / "copy")
    assert project.folder == tmp_path / "sub" / "copy.geodesk"
    back = Project.open(project.folder)
    assert back.check_surveys() == []
    assert back.survey().relative_path == "../../survey.sgy"
    _assert_same_states(_states(back.picks), _states(project.picks))


def test_damaged_project_files_are_project_errors(project, tmp_path):
    (project.folder / "project.json").write_text("{not json")
    with pytest.raises(ProjectError, match="damaged"):
        Project.open(project.folder)
    with pytest.raises(ProjectError, match="not found"):
        Project.open(tmp_path / "nothing.geodesk")
