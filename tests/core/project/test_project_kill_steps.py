"""A save killed at every one of its file-system steps leaves a project that opens with exactly
the old state or exactly the new one; the next save recovers; the autosave goes only after."""

import json
import os
import shutil

import h5py
import numpy as np
import pytest

from geodesk.core.picks import FaultSet, Horizon, VelocityFunctions
from geodesk.core.project.project import Project

MUTATING = ("replace", "rename", "fsync", "mkdir", "unlink", "remove", "rmdir", "open", "chmod")


class Killed(BaseException):
    """The process died here: nothing after it runs (cleanup handlers included)."""


class KillAt:
    """Counts the file-system steps of a block and kills it at step ``at`` (0: never)."""

    def __init__(self, monkeypatch, at=0):
        self.at, self.count, self.dead = at, 0, False
        self.monkeypatch = monkeypatch
        for name in MUTATING:
            monkeypatch.setattr(os, name, self._wrap(getattr(os, name)))
        monkeypatch.setattr(h5py.Group, "create_dataset", self._wrap(h5py.Group.create_dataset))

    def _wrap(self, real):
        def step(*args, **kwargs):
            if self.dead:
                raise Killed
            self.count += 1
            if self.count == self.at:
                self.dead = True
                raise Killed
            return real(*args, **kwargs)
        return step


def _run_killed(at, action):
    """Run ``action`` with a kill at step ``at``; returns the number of steps it took."""
    with pytest.MonkeyPatch.context() as mp:
        killer = KillAt(mp, at)
        try:
            action()
        except Killed:
            pass
    return killer.count


@pytest.fixture(autouse=True)
def _no_disk_flush(monkeypatch):
    """Durability is not what these tests check (each fsync still is a kill point): skip the
    flush to disk, which would make the hundreds of saves slow."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def _state(project):
    states = [obj.to_state() for obj in project.picks.objects()]
    return states, dict(project.display)


def _same(a, b):
    (sa, da), (sb, db) = a, b
    if da != db or len(sa) != len(sb):
        return False
    for (ma, aa), (mb, ab) in zip(sa, sb):
        if ma != mb or aa.keys() != ab.keys():
            return False
        if any(aa[k].dtype != ab[k].dtype or not np.array_equal(aa[k], ab[k], equal_nan=True)
               for k in aa):
            return False
    return True


def _old_state(project):
    h = Horizon("H", np.arange(10, 16), np.arange(20, 28))
    h.set_times(None, np.ones(h.shape, bool), np.linspace(100, 200, h.times.size))
    project.picks.add(project.history, h)
    fs = FaultSet("F")
    fs.add_fault(None, "F1", "#ff0000")
    fs.add_stick(None, "F1", [[10, 20, 100.0], [10, 24, 300.0]], "inline", 10)
    project.picks.add(project.history, fs)


def _new_state(project):
    project.picks.get("horizon", "H").erase(project.history, [0, 1, 2])
    vf = VelocityFunctions("V")
    vf.set_function(None, 7, [0.0, 400.0], [1500.0, 2100.0])
    project.picks.add(project.history, vf)
    project.display["gain"] = 2.5


def _saved_project(tmp_path):
    proj = Project.create(tmp_path / "p")
    _old_state(proj)
    proj.save()
    return proj


def _to_old_layout(folder):
    """Rewrite a saved project in the schema-1 layout (project.json + picks.h5 side by side)."""
    gen = folder / json.loads((folder / "project.json").read_text())["generation"]
    doc = json.loads((gen / "project.json").read_text())
    doc["schema_version"] = 1
    shutil.copyfile(gen / "picks.h5", folder / "picks.h5")
    with h5py.File(folder / "picks.h5", "a") as h5:
        h5.attrs["schema_version"] = 1
    (folder / "project.json").write_text(json.dumps(doc))
    for p in folder.glob("gen-*"):
        shutil.rmtree(p)


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def _copy(base, tmp_path, label):
    work = tmp_path / label / "p.geodesk"
    shutil.copytree(base.folder, work)
    return work


def _prepared(work, autosave):
    proj = Project.open(work)
    _new_state(proj)
    if autosave:
        proj.autosave()  # an autosave of the new state, which the save must remove only after
    return proj


@pytest.mark.parametrize("layout", ["current", "old"])
def test_save_killed_at_every_step_opens_old_or_new_and_next_save_recovers(tmp_path, layout):
    base = _saved_project(tmp_path / "base")
    if layout == "old":
        _to_old_layout(base.folder)
    old = _state(Project.open(base.folder))
    n_steps = _run_killed(0, _prepared(_copy(base, tmp_path, "n"), True).save)
    outcomes = {"old": 0, "new": 0}
    for k in range(1, n_steps + 1):
        work = _copy(base, tmp_path, f"k{k}")
        proj = _prepared(work, True)
        new = _state(proj)
        assert _run_killed(k, proj.save) == k
        back = Project.open(work)
        if _same(_state(back), old):
            outcomes["old"] += 1
            assert back.autosave_pending, f"kill at step {k}: the autosave went first"
        else:
            assert _same(_state(back), new), f"kill at step {k}: neither old nor new state"
            outcomes["new"] += 1
        back.picks.get("horizon", "H").erase(back.history, [5])  # the next save recovers
        back.display["agc_ms"] = 250.0
        back.save()
        assert _same(_state(Project.open(work)), _state(back))
        assert _leftovers(work) == [] and len(list(work.glob("gen-*"))) <= 2
        shutil.rmtree(work.parent)
    assert n_steps > 10 and outcomes["old"] > 0 and outcomes["new"] > 0


def test_autosave_killed_at_every_step_never_touches_the_main_save(tmp_path):
    base = _saved_project(tmp_path / "base")
    old = _state(Project.open(base.folder))
    n_steps = _run_killed(0, _prepared(_copy(base, tmp_path, "n"), False).autosave)
    offered = 0
    for k in range(1, n_steps + 1):
        work = _copy(base, tmp_path, f"k{k}")
        proj = _prepared(work, False)
        new = _state(proj)
        _run_killed(k, proj.autosave)
        back = Project.open(work)
        assert _same(_state(back), old)
        if back.autosave_pending:
            back.recover()
            assert _same(_state(back), new), f"kill at step {k}: a partial autosave offered"
            offered += 1
        shutil.rmtree(work.parent)
    assert offered >= 1
