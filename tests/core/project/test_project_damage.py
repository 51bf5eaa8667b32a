"""Damaged projects are refused with one message naming the damage and the intact earlier
saves (never loaded altered, never hanging); saves never fail from what memory holds."""

import json
import math

import h5py
import numpy as np
import pytest

from geodesk.core.picks import FaultSet, Horizon, VelocityFunctions
from geodesk.core.project import legacy
from geodesk.core.project.project import DamagedProjectError, Project, ProjectError


def _committed(folder):
    return folder / json.loads((folder / "project.json").read_text())["generation"]


def _project(tmp_path, n_saves=2):
    proj = Project.create(tmp_path / "p")
    fs = FaultSet("F")
    fs.add_fault(None, "F1", "#ff0000")
    fs.add_fault(None, "F2", "#0000ff")
    for k, name in enumerate(["F1", "F1", "F2", "F2"]):
        fs.add_stick(None, name, [[10, 20 + k, 100.0], [10, 24 + k, 300.0]], "inline", 10)
    proj.picks.add(proj.history, fs)
    vf = VelocityFunctions("V")
    for cdp in (100, 200):
        vf.set_function(None, cdp, [0.0, 500.0], [1500.0, 2000.0])
    proj.picks.add(proj.history, vf)
    for k in range(n_saves):
        proj.display["gain"] = 1.0 + k
        proj.save()
    return proj


def _old_layout(proj, edit_arrays=None, edit_doc=None):
    """The project rewritten in the schema-1 layout, with optional edits of the arrays of the
    object ``kind`` and of the document (what a damaged old project holds)."""
    gen = _committed(proj.folder)
    doc = json.loads((gen / "project.json").read_text())
    doc["schema_version"] = 1
    if edit_doc:
        edit_doc(doc)
    with h5py.File(gen / "picks.h5", "r") as src, h5py.File(proj.folder / "picks.h5", "w") as h5:
        h5.attrs["save_id"] = doc["save_id"]
        h5.attrs["schema_version"] = 1
        for n, entry in enumerate(doc["objects"]):
            g_src = src[f"picks/{entry['survey']}/{entry['group']}"]
            arrays = {k: g_src[k][()] for k in g_src}
            if edit_arrays and entry["kind"] == edit_arrays[0]:
                edit_arrays[1](arrays)
            g = h5.create_group(f"picks/{entry['survey']}/{entry['group']}")
            g.attrs["meta"] = g_src.attrs["meta"]
            for k, v in arrays.items():
                g[k] = v
    (proj.folder / "project.json").write_text(json.dumps(doc))  # json writes NaN as NaN
    for p in proj.folder.glob("gen-*"):
        import shutil
        shutil.rmtree(p)
    return proj.folder


def test_byte_flip_in_the_picks_is_refused_and_the_previous_save_offered(tmp_path):
    proj = _project(tmp_path)
    h5 = _committed(proj.folder) / "picks.h5"
    data = bytearray(h5.read_bytes())
    data[len(data) // 2] ^= 0x10
    h5.write_bytes(bytes(data))
    with pytest.raises(DamagedProjectError) as info:
        Project.open(proj.folder)
    message = str(info.value)
    assert "picks.h5" in message and "sha256" in message and "\n" not in message
    [(name, _when), *_] = info.value.alternatives
    assert name == "gen-000002" and name in message
    earlier = Project.open(proj.folder, generation=name)
    assert earlier.display["gain"] == 1.0 and earlier.is_dirty  # the first save's state
    earlier.save()
    assert Project.open(proj.folder).display["gain"] == 1.0


def test_zeroed_block_never_reaches_hdf5(tmp_path, monkeypatch):
    proj = _project(tmp_path)
    h5 = _committed(proj.folder) / "picks.h5"
    data = bytearray(h5.read_bytes())
    heap = data.find(b"GCOL")
    data[heap + 16:heap + 16 + 660] = bytes(660)  # the block that spins HDF5 (see below)
    h5.write_bytes(bytes(data))

    def no_h5py(*_a, **_k):
        raise AssertionError("h5py opened a file that failed its checksum")
    monkeypatch.setattr(h5py, "File", no_h5py)
    with pytest.raises(DamagedProjectError, match="sha256 differs"):
        Project.open(proj.folder)


def test_zeroed_heap_block_that_spins_hdf5_in_an_old_file_is_refused(tmp_path, monkeypatch):
    folder = _old_layout(_project(tmp_path))
    data = bytearray((folder / "picks.h5").read_bytes())
    heap = data.find(b"GCOL")  # the global heap holding the objects' meta strings
    assert heap > 0
    data[heap + 16:heap + 16 + 660] = bytes(660)  # HDF5 reads an object of size 0 forever
    (folder / "picks.h5").write_bytes(bytes(data))
    monkeypatch.setattr(legacy, "TIMEOUT_S", 3.0)
    with pytest.raises(ProjectError, match="did not finish in 3 s") as info:
        Project.open(folder)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("kind", "edit", "why"), [
    ("fault_set", lambda a: a.update(stick_offsets=a["stick_offsets"][:2]), "stick_offsets"),
    ("fault_set", lambda a: a["stick_fault"].__setitem__(0, -1), "stick_fault"),
    ("fault_set", lambda a: a["stick_fault"].__setitem__(0, 2), "stick_fault"),
    ("velocity_functions", lambda a: a["cdp"].__setitem__(1, 100), "duplicate CDPs"),
    ("velocity_functions", lambda a: a["times"].__setitem__(0, np.inf), "finite"),
    ("velocity_functions", lambda a: a.update(offsets=a["offsets"].astype(np.float64)),
     "wrong type"),
    ("velocity_functions", lambda a: a.pop("vrms"), "'vrms' missing"),
])
def test_structurally_damaged_old_project_is_refused_not_altered(tmp_path, kind, edit, why):
    folder = _old_layout(_project(tmp_path), edit_arrays=(kind, edit))
    with pytest.raises(ProjectError, match=why):
        Project.open(folder)


def test_nan_in_an_old_project_json_is_refused(tmp_path):
    folder = _old_layout(_project(tmp_path),
                         edit_doc=lambda d: d["display"].update(gain=float("nan")))
    assert "NaN" in (folder / "project.json").read_text()
    with pytest.raises(ProjectError, match="gain=nan"):
        Project.open(folder)


def test_old_project_opens_exactly_and_its_next_save_is_checked(tmp_path):
    proj = _project(tmp_path)
    states = [o.to_state() for o in proj.picks.objects()]
    back = Project.open(_old_layout(proj))
    assert back.loaded_version == 1
    for (ma, aa), (mb, ab) in zip(states, [o.to_state() for o in back.picks.objects()]):
        assert ma == mb and all(np.array_equal(aa[k], ab[k]) for k in aa)
    back.save()
    assert not (back.folder / "picks.h5").exists() and _committed(back.folder).is_dir()


def test_damaged_pointer_offers_the_generations(tmp_path):
    proj = _project(tmp_path)
    (proj.folder / "project.json").write_bytes(b"\xff\xfe{")
    with pytest.raises(DamagedProjectError) as info:
        Project.open(proj.folder)
    assert [n for n, _ in info.value.alternatives] == ["gen-000003", "gen-000002"]
    assert Project.open(proj.folder, generation="gen-000003").display["gain"] == 2.0


def test_unstorable_state_never_makes_a_save_fail(tmp_path):
    proj = _project(tmp_path)
    vf = VelocityFunctions("Huge CDP")
    vf.set_function(None, 99999999999999999999, [0.0, 100.0], [1500.0, 1600.0])
    proj.picks.add(proj.history, vf)
    proj.picks.add(proj.history, Horizon("H", [1, 2], [3, 4]))
    proj.display["gain"] = float("nan")
    proj.display["extra"] = {"nested": float("inf")}
    proj.save()
    proj.autosave()
    assert proj.unsaved_objects == [proj.unsaved_objects[0]]
    assert "Huge CDP" in proj.unsaved_objects[0]
    back = Project.open(proj.folder)
    assert back.picks.names("horizon") == ["H"] and back.picks.names("velocity_functions") == ["V"]
    assert back.display["gain"] == 1.0 and "extra" not in back.display
    assert math.isfinite(back.display["clip_percentile"])


def test_pipe_instead_of_a_project_file_is_refused_not_waited_on(tmp_path):
    import os

    proj = _project(tmp_path)
    pointer = proj.folder / "project.json"
    pointer.unlink()
    os.mkfifo(pointer)
    with pytest.raises(ProjectError, match="not a regular file"):
        Project.open(proj.folder)


def test_the_cli_exports_a_damaged_projects_picks_from_the_earlier_save_it_names(tmp_path, capsys):
    from geodesk import cli

    proj = _project(tmp_path)
    h5 = _committed(proj.folder) / "picks.h5"
    data = bytearray(h5.read_bytes())
    data[len(data) // 2] ^= 0x10
    h5.write_bytes(bytes(data))
    out = tmp_path / "v.csv"
    assert cli.main(["export", str(proj.folder), "velocities", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--generation gen-000002" in err and not out.exists()
    assert cli.main(["export", str(proj.folder), "velocities", str(out),
                     "--generation", "gen-000002"]) == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("cdp,time_ms,vrms_mps") and len(rows) == 5
    with pytest.raises(DamagedProjectError):  # exporting changed nothing: still damaged
        Project.open(proj.folder)
