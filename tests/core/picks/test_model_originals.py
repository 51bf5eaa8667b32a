"""Corrections of model picks keep the model's value beside them: through undo/redo, save/open,
and after the undo history is gone (the (prediction, correction) pairs to learn from)."""

from __future__ import annotations

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks import FirstBreaks, Horizon, Interpretation, VelocityFunctions
from geodesk.core.project.project import Project
from geodesk.synth.shots import generate_shots

MODEL = "model:firstbreak-unet@v4#0123456789ab"
OTHER = "model:firstbreak-unet@v4#ba9876543210"


def _model_picked(n=8):
    fb = FirstBreaks("FB", np.zeros(n), np.arange(n))
    fb.set_times(None, np.arange(n), np.arange(n) * 4.0 + 20, MODEL,
                 confidence=np.linspace(0.1, 0.9, n))
    return fb


def test_a_manual_correction_keeps_the_model_value_and_undo_redo_restore_both():
    fb, h = _model_picked(), History()
    fb.set_times(h, [2, 5], [31.5, 44.0])  # interpreter moves two picks
    fb.erase(h, [6])  # and rejects one
    t, c, p = fb.model_original([2, 5, 6, 0])
    np.testing.assert_array_equal(t, [28.0, 40.0, 44.0, np.nan])
    np.testing.assert_allclose(c[:3], np.linspace(0.1, 0.9, 8)[[2, 5, 6]])
    assert p == [MODEL, MODEL, MODEL, None]
    assert fb.provenance_of([2, 5, 0]) == ["corrected", "corrected", MODEL]
    fb.set_times(h, [2], [33.0])  # corrected again: the model value stays the first one
    assert fb.model_original([2])[0][0] == 28.0
    h.undo()
    h.undo()
    h.undo()
    assert np.isnan(fb.model_times).all() and fb.provenance_of([2]) == [MODEL]
    assert fb.times[2] == 28.0
    h.redo()
    h.redo()
    assert fb.times[2] == 31.5 and fb.model_original([2, 6])[0].tolist() == [28.0, 44.0]


def test_a_new_prediction_clears_the_original_and_a_manual_pick_has_none():
    fb = _model_picked()
    fb.set_times(None, [1], [99.0])
    fb.set_times(None, [1], [27.0], OTHER)  # the model picks the trace again
    assert np.isnan(fb.model_original([1])[0][0]) and fb.provenance_of([1]) == [OTHER]
    manual = FirstBreaks("M", np.zeros(3), np.arange(3))
    manual.set_times(None, [0], [10.0])
    manual.set_times(None, [0], [12.0])
    assert manual.model_original([0])[2] == [None]


def test_pairs_survive_save_and_open_with_no_undo_history(tmp_path):
    shots = generate_shots((1, 8, 100), seed=1, dt_ms=2.0).write(tmp_path / "s.sgy")
    proj = Project.create(tmp_path / "p.geodesk", shots)
    with proj.open_survey() as s:
        fb = FirstBreaks.like_survey("FB", s)
    proj.picks.add(None, fb)
    fb.set_times(None, np.arange(8), np.arange(8) * 4.0 + 20, MODEL, confidence=0.75)
    fb.set_times(proj.history, [3], [35.5])
    vf = VelocityFunctions("V")
    vf.set_function(None, 7, [0.0, 400.0, 800.0], [1500.0, 1900.0, 2400.0], OTHER)
    vf.move_pick(proj.history, 7, 1, 420.0, 1950.0)
    vf.remove_pick(proj.history, 7, 2)
    proj.picks.add(None, vf)
    proj.save()
    back = Project.open(proj.folder)
    assert len(back.history) == 0
    fb2 = back.picks.get("first_breaks", "FB")
    assert fb2.times[3] == 35.5 and fb2.provenance_of([3]) == ["corrected"]
    t, c, p = fb2.model_original([3, 4])
    assert t[0] == 32.0 and c[0] == np.float32(0.75) and p == [MODEL, None]
    f = back.picks.get("velocity_functions", "V").function(7)
    np.testing.assert_array_equal(f.times_ms, [0.0, 420.0])
    assert f.provenance == (OTHER, "corrected")
    mt, mv, mp = f.model_original()
    np.testing.assert_array_equal(mt, [0.0, 400.0, 800.0])
    np.testing.assert_array_equal(mv, [1500.0, 1900.0, 2400.0])
    assert mp == (OTHER,) * 3


def test_state_without_originals_loads_as_before():
    h = Horizon("H", [1, 2], [5, 6, 7])
    h.set_times(None, (np.array([0]), np.array([1])), [12.0])
    meta, arrays = Interpretation.from_state(*_interp(h).to_state()).to_state()
    assert not any(k.endswith("model_times") for k in arrays)  # nothing extra written
    old = {k: v for k, v in arrays.items()}
    back = Interpretation.from_state(meta, old).get("horizon", "H")
    np.testing.assert_array_equal(back.times, h.times)
    assert np.isnan(back.model_times).all()


def _interp(*objs):
    interp = Interpretation("s")
    for o in objs:
        interp.add(None, o)
    return interp


def test_an_edited_model_stick_keeps_the_model_points_through_undo_and_state():
    from geodesk.core.picks import FaultSet

    fs, h = FaultSet("F"), History()
    fs.add_fault(None, "A")
    uid = fs.add_stick(None, "A", [[1, 2, 10.0], [1, 3, 50.0]], "inline", 1, provenance=OTHER)
    fs.move_node(h, uid, 1, [1, 3.5, 55.0])
    fs.move_node(h, uid, 0, [1, 2, 12.0])  # a second edit keeps the first model points
    s = fs.stick(uid)
    assert s.provenance == "corrected" and s.model_provenance == OTHER
    np.testing.assert_array_equal(s.model_points, [[1, 2, 10.0], [1, 3, 50.0]])
    back = Interpretation.from_state(*_interp(fs).to_state()).get("fault_set", "F").stick(uid)
    np.testing.assert_array_equal(back.points, s.points)
    np.testing.assert_array_equal(back.model_points, s.model_points)
    assert back.model_provenance == OTHER
    h.undo()
    h.undo()
    assert fs.stick(uid).model_points is None and fs.stick(uid).provenance == OTHER


def test_damaged_model_originals_are_refused_not_misread():
    import pytest

    vf = VelocityFunctions("V")
    vf.set_function(None, 1, [0.0, 100.0], [1500.0, 1600.0], OTHER)
    meta, arrays = _interp(vf).to_state()
    arrays["0/model_provenance"] = np.array([0, 99], dtype=np.int16)
    with pytest.raises(ValueError, match="damaged model originals"):
        Interpretation.from_state(meta, arrays)
    fb = _model_picked()
    fb.set_times(None, [0], [1.0])
    meta, arrays = _interp(fb).to_state()
    arrays["0/model_provenance"][0] = 50
    with pytest.raises(ValueError, match="provenance code outside"):
        Interpretation.from_state(meta, arrays)
