"""CSV imports refuse what would poison the interpretation or a later save, always naming the
line: integers beyond 32 bits, over-long fields, times and velocities beyond physical bounds,
CDPs not in the survey, control characters in names."""

import numpy as np
import pytest

from geodesk.core.exchange import picks_io as ex
from geodesk.core.exchange.common import FIELD_BOUNDS, ImportError_
from geodesk.core.history import History
from geodesk.core.picks import Interpretation


def _write(tmp_path, text, name="v.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(fn, *args, **kwargs):
    with pytest.raises(ImportError_) as info:
        fn(*args, **kwargs)
    return info.value


@pytest.mark.parametrize("row, reason", [
    ("99999999999999999999,0,1500", "outside the 32-bit range"),
    ("1e30,0,1500", "outside the 32-bit range"),
    ("1,1e39,1500", "time_ms 1e39 is outside"),
    ("1,0,1e308", "vrms_mps 1e308 is outside 100..20000"),
    ("1,0,50", "outside 100..20000"),
    ("1,0,nan", "not a finite number"),
])
def test_velocity_values_beyond_bounds_are_refused_with_their_line(tmp_path, row, reason):
    path = _write(tmp_path, f"cdp,time_ms,vrms_mps\n1,100,1500\n{row}\n")
    interp = Interpretation()
    err = _refused(ex.import_velocities, interp, History(), path, "V", cdps=np.arange(1, 5))
    assert err.problems[0][0] == 3 and reason in err.problems[0][1]
    assert interp.names("velocity_functions") == []


def test_cdps_not_in_the_survey_are_refused_with_the_line_of_their_first_pick(tmp_path):
    path = _write(tmp_path, "cdp,time_ms,vrms_mps\n1,0,1500\n7,0,1500\n7,100,1600\n9,0,1500\n")
    err = _refused(ex.import_velocities, Interpretation(), None, path, "V", cdps=[1, 2, 3])
    assert err.problems == [(3, "CDP 7 is not in the survey"), (5, "CDP 9 is not in the survey")]


def test_a_field_over_the_csv_limit_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, "cdp,time_ms,vrms_mps\n1,0,1500\n2,0," + "1" * 140000 + "\n")
    err = _refused(ex.import_velocities, Interpretation(), None, path, "V")
    assert err.problems[0][0] == 3 and "longer than" in err.problems[0][1]


def test_a_time_that_overflows_float32_is_refused_not_dropped(tmp_path):
    path = _write(tmp_path, "inline,xline,x,y,time_ms\n1,1,,,100\n1,2,,,1e39\n", "h.csv")
    interp = Interpretation()
    err = _refused(ex.import_horizon, interp, None, path, "H", np.arange(1, 3), np.arange(1, 3))
    assert err.problems[0][0] == 3 and "1e39" in err.problems[0][1]
    assert interp.names("horizon") == []
    assert FIELD_BOUNDS["time_ms"][1] < np.finfo(np.float32).max


@pytest.mark.parametrize("name", ["F\x00x", "F\x01", "two\nlines"])
def test_a_control_character_in_a_fault_name_is_refused(tmp_path, name):
    quoted = '"' + name + '"'
    path = _write(tmp_path, "fault,stick,node,inline,xline,x,y,time_ms\n"
                  f"{quoted},0,0,1,1,,,100\n{quoted},0,1,1,2,,,200\n", "f.csv")
    err = _refused(ex.import_faults, Interpretation(), None, path, "F", [1, 2], [1, 2])
    assert err.problems[0][0] == 2 and "control character" in err.problems[0][1]


def test_a_refused_file_leaves_the_object_it_would_replace_unchanged(tmp_path):
    good = _write(tmp_path, "cdp,time_ms,vrms_mps\n1,0,1500\n1,500,2000\n", "good.csv")
    interp, history = Interpretation(), History()
    vf = ex.import_velocities(interp, history, good, "V", cdps=[1, 2])
    bad = _write(tmp_path, "cdp,time_ms,vrms_mps\n2,0,1500\n2,100,1e39\n", "bad.csv")
    _refused(ex.import_velocities, interp, history, bad, "V", cdps=[1, 2])
    assert interp.get("velocity_functions", "V") is vf
    assert list(vf.functions) == [1] and vf.functions[1].vrms_mps.tolist() == [1500, 2000]


def test_cli_import_of_a_velocity_at_an_unknown_cdp_exits_2_and_the_project_still_saves(
        tmp_path, capsys):
    from geodesk.cli import main
    from geodesk.core.project.project import Project
    from geodesk.synth import generate_cmps

    survey = tmp_path / "cmps.sgy"
    generate_cmps((3, 12, 64), seed=0).write(survey)
    project = Project.create(tmp_path / "p.geodesk", survey)
    path = _write(tmp_path, "cdp,time_ms,vrms_mps\n99999999999999999999,0,1500\n")
    assert main(["import", str(project.folder), "velocities", str(path)]) == 2
    assert "line 2" in capsys.readouterr().err
    path = _write(tmp_path, "cdp,time_ms,vrms_mps\n123456,0,1500\n", "w.csv")
    assert main(["import", str(project.folder), "velocities", str(path)]) == 2
    assert "line 2: CDP 123456 is not in the survey" in capsys.readouterr().err
    Project.open(project.folder).save()
