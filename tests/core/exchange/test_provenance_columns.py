"""CSV with provenance columns: new files import back exactly (confidence, provenance, model
originals); files without the columns import as before; bad columns are line-numbered."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.exchange import csv_io as ec
from geodesk.core.exchange import picks_io as ex
from geodesk.core.history import History
from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, Interpretation, VelocityFunctions

MODEL = "model:firstbreak-unet@v4#0123456789ab"


def _first_breaks():
    fb = FirstBreaks("FB", [1, 1, 1, 2, 2, 2], [1, 2, 3, 1, 2, 3])
    fb.set_times(None, np.arange(5), [20.0, 24.5, 28.0, 21.0, 25.125], MODEL,
                 confidence=[0.9, 0.8, 0.7, 0.6, 0.5])
    fb.set_times(None, [1], [26.0])  # corrected
    fb.erase(None, [3])  # model pick rejected: no time, but an original
    return fb


def _same_trace_picks(a, b):
    for key in ("times", "confidence", "model_times", "model_confidence"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)
    idx = np.arange(a.times.size)
    assert a.provenance_of(idx) == b.provenance_of(idx)
    assert a.model_original(idx)[2] == b.model_original(idx)[2]


def test_first_breaks_with_provenance_import_back_exactly(tmp_path):
    fb = _first_breaks()
    ex.export_firstbreaks(fb, tmp_path / "fb.csv", with_provenance=True)
    header, *rows = (tmp_path / "fb.csv").read_text().splitlines()
    assert header == ("ffid,channel,trace,offset,time_ms,confidence,provenance,model_time_ms,"
                      "model_confidence,model_provenance")
    assert rows[3] == f"2,1,3,,,,,21,0.6,{MODEL}"
    interp, h = Interpretation(), History()
    back = ex.import_firstbreaks(interp, h, tmp_path / "fb.csv", "FB", fb.ffid, fb.channel)
    _same_trace_picks(fb, back)
    back.set_times(h, [0, 2], [19.0, 30.0])  # edited after the import...
    assert back.model_original([0])[0][0] == 20.0
    ex.import_firstbreaks(interp, h, tmp_path / "fb.csv", "FB", fb.ffid, fb.channel)
    _same_trace_picks(fb, back)  # ...and replaced by the file again, exactly
    h.undo()
    assert back.times[0] == 19.0 and back.provenance_of([0]) == ["corrected"]


def test_first_breaks_without_the_columns_import_as_before(tmp_path):
    fb = _first_breaks()
    ex.export_firstbreaks(fb, tmp_path / "fb.csv")
    assert (tmp_path / "fb.csv").read_text().splitlines()[0] == "ffid,channel,trace,offset,time_ms"
    back = ex.import_firstbreaks(Interpretation(), None, tmp_path / "fb.csv", "FB", fb.ffid,
                                 fb.channel)
    np.testing.assert_array_equal(back.times, fb.times)
    assert set(back.provenance_of([0, 1, 2])) == {"imported:fb.csv"}
    assert np.isnan(back.model_times).all() and np.isnan(back.confidence).all()
    old = tmp_path / "old.csv"  # a file as older GeoDesk and other tools write it
    old.write_text("FFID,Channel,fb_ms\n1,1,12.5\n2,3,\n")
    with pytest.raises(ex.ImportError_, match="trace"):
        ex.import_firstbreaks(Interpretation(), None, old, "Old", fb.ffid, fb.channel)
    old.write_text("ffid,channel,trace,offset,time_ms\n1,1,0,,12.5\n2,3,5,,\n")
    got = ex.import_firstbreaks(Interpretation(), None, old, "Old", fb.ffid, fb.channel)
    assert got.times[0] == 12.5 and np.isnan(got.times[1:]).all()


def test_horizon_with_provenance_keeps_an_erased_model_pick(tmp_path):
    h = Horizon("Top", [10, 11], [20, 21, 22])
    h.set_times(None, np.ones(h.shape, bool), np.arange(6.0) + 100, MODEL, confidence=0.5)
    h.set_times(None, (np.array([0]), np.array([1])), [150.0])
    h.erase(None, (np.array([1]), np.array([2])))
    for extra in (True, False):
        out = tmp_path / f"top-{extra}.csv"
        n = ex.export_horizon(h, out, with_provenance=extra)
        back = ex.import_horizon(Interpretation(), None, out, "Top", h.inlines, h.crosslines)
        np.testing.assert_array_equal(back.times, h.times)
        if extra:
            assert n == 6  # the erased node is listed for its model original
            _same_trace_picks(h, back)
        else:
            assert n == 5 and np.isnan(back.model_times).all()


def test_velocities_and_faults_with_provenance_import_back_exactly(tmp_path):
    vf = VelocityFunctions("V")
    vf.set_function(None, 5, [0.0, 300.0, 700.0], [1500.0, 1800.0, 2300.0],
                    "model:velocity-unet@v3#abcdefabcdef")
    vf.move_pick(None, 5, 1, 320.0, 1850.0)
    vf.set_function(None, 9, [100.0], [1600.0])
    ex.export_velocities(vf, tmp_path / "v.csv", with_provenance=True)
    back = ex.import_velocities(Interpretation(), None, tmp_path / "v.csv", "V")
    for cdp in (5, 9):
        a, b = vf.function(cdp), back.function(cdp)
        np.testing.assert_array_equal(a.times_ms, b.times_ms)
        np.testing.assert_array_equal(a.vrms_mps, b.vrms_mps)
        assert a.provenance == b.provenance
        for x, y in zip(a.model_original(), b.model_original()):
            np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    plain = ec.read_velocity_csv(tmp_path / "v.csv")  # what nmo/stack read: the picks only
    np.testing.assert_array_equal(plain[5][0], [0.0, 320.0, 700.0])
    fs = FaultSet("F")
    fs.add_fault(None, "A")
    fs.add_stick(None, "A", [[1, 2, 3.0], [1, 4, 9.0]], "inline", 1, provenance=MODEL)
    fs.add_stick(None, "A", [[2, 2, 3.0]], "inline", 2)
    ex.export_faults(fs, tmp_path / "f.csv", with_provenance=True)
    got = ex.import_faults(Interpretation(), None, tmp_path / "f.csv", "F")
    assert [s.provenance for s in got.faults[0].sticks] == [MODEL, "manual"]
    ex.export_faults(fs, tmp_path / "g.csv")
    got = ex.import_faults(Interpretation(), None, tmp_path / "g.csv", "G")
    assert {s.provenance for s in got.faults[0].sticks} == {"imported:g.csv"}


def test_bad_provenance_columns_are_reported_by_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ffid,channel,trace,offset,time_ms,confidence,provenance,model_time_ms,"
                   "model_confidence,model_provenance\n"
                   "1,1,0,,20,0.5,robot,,,\n"
                   f"1,2,1,,22,,manual,21,,\n"
                   f"1,3,2,,22,x,{MODEL},,,\n")
    with pytest.raises(ex.ImportError_) as err:
        ex.import_firstbreaks(Interpretation(), None, bad, "B", [1, 1, 1], [1, 2, 3])
    lines = [ln for ln, _ in err.value.problems]
    assert lines == [2, 3, 4]
    assert "not a provenance" in err.value.problems[0][1]
