"""Export/import of picks objects through the project and the CLI: exact round trips, one undo
step per import, and bad input as one stderr line with exit code 2."""

import os
import re
from pathlib import Path

import numpy as np
import pytest

import geodesk
from geodesk import cli
from geodesk.core.exchange import picks_io as ex
from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, VelocityFunctions
from geodesk.core.project.project import Project

DATA = Path(os.environ.get("GEODESK_SHARED_DATA",
                           Path(__file__).resolve().parents[4] / "shared" / "data")) / "segy"
SMALL = DATA / "equinor+segyio" / "test-data" / "small.sgy"  # 5x5, all coordinates 0
F3 = DATA / "equinor+segyio" / "test-data" / "f3.sgy"  # 23x18 with real coordinates
VIKING = DATA / "equinor+segyio" / "python" / "tutorials" / "viking_small.segy"
pytestmark = pytest.mark.skipif(not (SMALL.is_file() and VIKING.is_file() and F3.is_file()),
                                reason=f"shared SEG-Y data absent ({DATA})")


def _geodesk(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr().err


def _post3d_project(tmp_path, survey=SMALL):
    proj = Project.create(tmp_path / "p3", survey)
    with geodesk.open(survey) as s:
        h = Horizon.like_survey("Top", s)
    rng = np.random.default_rng(1)
    t = rng.uniform(10, 190, h.shape).astype(np.float32)
    t[rng.random(h.shape) < 0.3] = np.nan
    h.set_times(None, np.isfinite(t), t[np.isfinite(t)], provenance="tracked")
    proj.picks.add(None, h)
    fs = FaultSet("Faults")
    fs.add_fault(None, "F 1")
    fs.add_stick(None, "F 1", [[2, 20, 8.0], [2, 22.5, 150.0]], "inline", 2)
    fs.add_stick(None, "F 1", [[1, 23, 10.0], [4, 23, 90.0]], "crossline", 23)
    proj.picks.add(None, fs)
    vf = VelocityFunctions("V")
    vf.set_function(None, 3, [0.0, 100.0, 180.0], [1500.0, 1750.5, 2100.0])
    proj.picks.add(None, vf)
    proj.save()
    return proj


@pytest.mark.parametrize("fmt", ["csv", "xyz"])
def test_horizon_export_import_via_cli_is_exact(tmp_path, capsys, fmt):
    proj = _post3d_project(tmp_path, F3)
    out = tmp_path / f"top.{fmt}"
    code, err = _geodesk(capsys, "export", proj.folder, "horizon", out, "--format", fmt)
    assert code == 0, err
    code, err = _geodesk(capsys, "import", proj.folder, "horizon", out, "--format", fmt,
                         "--name", "Back")
    assert code == 0, err
    back = Project.open(proj.folder).picks
    a, b = back.get("horizon", "Top"), back.get("horizon", "Back")
    np.testing.assert_array_equal(a.times, b.times)
    assert set(b.provenance_of(np.isfinite(b.times))) == {f"imported:top.{fmt}"}


def test_faults_and_velocities_round_trip(tmp_path):
    proj = _post3d_project(tmp_path, F3)
    fs, vf = proj.picks.get("fault_set", "Faults"), proj.picks.get("velocity_functions", "V")
    with geodesk.open(F3) as s:
        mapper = ex.GridMapper(s.inlines, s.crosslines, *s.grid_xy())
    ex.export_faults(fs, tmp_path / "f.csv", mapper)
    ex.export_velocities(vf, tmp_path / "v.csv")
    fs2 = ex.import_faults(proj.picks, proj.history, tmp_path / "f.csv", "F2", [1, 5], [20, 24])
    with pytest.raises(ex.ImportError_, match="line 2: fault .F 1. has a point outside the survey"):
        ex.import_faults(proj.picks, proj.history, tmp_path / "f.csv", "F3", [1, 5], [21, 24])
    vf2 = ex.import_velocities(proj.picks, proj.history, tmp_path / "v.csv", "V2")
    for f1, f2 in zip(fs.faults, fs2.faults):
        assert f1.name == f2.name
        assert len(f1.sticks) == len(f2.sticks) == 2
        for s1, s2 in zip(f1.sticks, f2.sticks):
            np.testing.assert_array_equal(s1.points, s2.points)
            assert (s1.section_kind, s1.section_number) == (s2.section_kind, s2.section_number)
    np.testing.assert_array_equal(vf2.function(3).vrms_mps, vf.function(3).vrms_mps)
    np.testing.assert_array_equal(vf2.function(3).times_ms, vf.function(3).times_ms)
    assert proj.history.labels[-2:] == ["Import faults F2", "Import velocities V2"]


def test_import_is_one_undoable_step_and_replaces_by_name(tmp_path):
    proj = _post3d_project(tmp_path)
    h = proj.picks.get("horizon", "Top")
    before = h.times.copy()
    ex.export_horizon(h, tmp_path / "t.csv")
    edited = (tmp_path / "t.csv").read_text().replace(",", ",", 1)
    lines = edited.splitlines()
    lines[1] = ",".join(lines[1].split(",")[:4] + ["99.5"])
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    ex.import_horizon(proj.picks, proj.history, tmp_path / "t.csv", "Top", h.inlines,
                      h.crosslines)
    assert len(proj.history) == 1 and np.nanmin(np.abs(h.times - 99.5)) == 0
    proj.history.undo()
    np.testing.assert_array_equal(h.times, before)


def test_first_breaks_csv_and_segy_header_via_cli(tmp_path, capsys):
    proj = Project.create(tmp_path / "ps", VIKING)
    with geodesk.open(VIKING) as s:
        fb = FirstBreaks.like_survey("FB", s)
    t = (np.abs(np.arange(480) % 120 - 60) * 4.0 + 40).astype(np.float32)  # whole samples
    t[::7] = np.nan
    fb.set_times(None, np.flatnonzero(np.isfinite(t)), t[np.isfinite(t)])
    proj.picks.add(None, fb)
    proj.save()
    for fmt, out, extra in (("csv", tmp_path / "fb.csv", []),
                            ("segy", tmp_path / "fb.sgy", ["--byte", "233", "--encoding",
                                                           "int16", "--unit", "samples"])):
        code, err = _geodesk(capsys, "export", proj.folder, "firstbreaks", out, "--format", fmt,
                             "--name", "FB", *extra)
        assert code == 0, err
        code, err = _geodesk(capsys, "import", proj.folder, "firstbreaks", out, "--format", fmt,
                             "--name", f"FB-{fmt}", *extra)
        assert code == 0, err
    back = Project.open(proj.folder).picks
    np.testing.assert_array_equal(back.get("first_breaks", "FB-csv").times, t)
    np.testing.assert_array_equal(back.get("first_breaks", "FB-segy").times, t)  # 4 ms samples
    rows = (tmp_path / "fb.csv").read_text().splitlines()
    assert rows[0] == "ffid,channel,trace,offset,time_ms" and rows[1].endswith(",")


def test_malformed_csv_is_one_line_exit_2_and_changes_nothing(tmp_path, capsys):
    proj = _post3d_project(tmp_path)
    saved = (proj.folder / "project.json").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("inline,xline,x,y,time_ms\n1,20,,,10\n1,21,,,ten\n9,20,,,5\n")
    code, err = _geodesk(capsys, "import", proj.folder, "horizon", bad)
    assert code == 2
    assert err == "geodesk: error: bad.csv: line 3: time_ms 'ten' is not a number\n"
    bad.write_text("inline,xline,x,y,time_ms\n1,20,,,10\n9,20,,,5\n")
    code, err = _geodesk(capsys, "import", proj.folder, "horizon", bad)
    assert (code, err) == (2, "geodesk: error: bad.csv: line 3: point is outside the survey\n")
    assert (proj.folder / "project.json").read_bytes() == saved


def test_missing_survey_newer_project_and_unknown_object_are_clear(tmp_path, capsys):
    import shutil

    survey = tmp_path / "copy.sgy"
    shutil.copyfile(SMALL, survey)
    proj = Project.create(tmp_path / "m", survey)
    proj.picks.add(None, Horizon("H", [1, 2], [20, 21]))
    proj.save()
    code, err = _geodesk(capsys, "export", proj.folder, "faults", tmp_path / "o.csv")
    assert (code, err) == (2, "geodesk: error: the project has no fault set\n")
    survey.unlink()
    code, err = _geodesk(capsys, "export", proj.folder, "horizon", tmp_path / "o.csv")
    assert code == 2 and err.startswith("geodesk: error: survey s0 is missing") and \
        err.count("\n") == 1
    js = proj.folder / "project.json"
    js.write_text(re.sub(r'"schema_version": \d+', '"schema_version": 7', js.read_text()))
    code, err = _geodesk(capsys, "import", proj.folder, "velocities", tmp_path / "o.csv")
    assert code == 2 and "project format 7" in err
