"""Picks model: provenance transitions, horizon/first-break/fault/velocity edits with undo, events."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from geodesk.core.history import History
from geodesk.core.picks import (
    Change,
    FaultSet,
    FirstBreaks,
    Horizon,
    Interpretation,
    ProvenanceTable,
    VelocityFunctions,
    check_function,
    check_provenance,
    dix,
    edited_provenance,
)


@pytest.mark.parametrize(("old", "new"), [
    (None, "manual"), ("manual", "manual"), ("tracked", "corrected"),
    ("model:unet@1.2", "corrected"), ("corrected", "corrected"), ("imported:a.csv", "corrected"),
])
def test_manual_edit_provenance_transitions(old, new):
    assert edited_provenance(old, "manual") == new


def test_machine_writes_keep_their_own_provenance():
    assert edited_provenance("manual", "tracked") == "tracked"
    assert edited_provenance("corrected", "model:fb@3") == "model:fb@3"


@pytest.mark.parametrize("bad", ["", "auto", "model:unet", "model:@1", "model:a@b@c", "Manual"])
def test_invalid_provenance_rejected(bad):
    with pytest.raises(ValueError):
        check_provenance(bad)


def test_horizon_editing_tracked_and_model_picks_makes_them_corrected():
    h = History()
    hz = Horizon("H1", [100, 101], [200, 201, 202])
    hz.set_times(h, [0, 1], 500.0, provenance="tracked", confidence=0.9)
    hz.set_times(h, [2], 510.0, provenance="model:unet@0.3", confidence=[0.4])
    hz.set_times(h, [3], 520.0)
    assert hz.provenance_of([0, 1, 2, 3, 4]) == [
        "tracked", "tracked", "model:unet@0.3", "manual", None]
    assert hz.confidence.ravel()[2] == np.float32(0.4)
    hz.set_times(h, [1, 2, 3], [505.0, 515.0, 525.0], label="Fix")
    assert hz.provenance_of([0, 1, 2, 3]) == ["tracked", "corrected", "corrected", "manual"]
    assert np.isnan(hz.confidence.ravel()[1:4]).all()
    h.undo()
    assert hz.provenance_of([1, 2, 3]) == ["tracked", "model:unet@0.3", "manual"]
    assert hz.times.ravel()[2] == 510.0 and hz.confidence.ravel()[1] == np.float32(0.9)


def test_erase_clears_time_provenance_and_confidence():
    h = History()
    hz = Horizon("H1", [1, 2], [1, 2])
    hz.set_times(h, np.ones((2, 2), bool), 10.0, provenance="tracked", confidence=0.5)
    hz.erase(h, (np.array([1]), np.array([0])))
    assert hz.provenance_of([2]) == [None] and np.isnan(hz.confidence[1, 0])
    assert hz.n_picked == 3


def test_horizon_keys_and_lookup():
    hz = Horizon("H", [10, 12, 14], [5, 6])
    hz.set_times(None, hz.flat_index_of([12, 14], [6, 5]), [1.0, 2.0])
    assert hz.times[1, 1] == 1.0 and hz.times[2, 0] == 2.0
    assert hz.times_at(12, 6)[0] == 1.0
    with pytest.raises(KeyError):
        hz.flat_index_of(11, 5)
    with pytest.raises(ValueError):
        Horizon("bad", [3, 2], [1])


def test_2d_line_horizon_is_one_row():
    hz = Horizon.for_line("L", [1001, 1002, 1003], line=7)
    assert hz.shape == (1, 3) and hz.geometry == "2d"
    hz.set_times(None, hz.flat_index_of(7, 1002), 44.0)
    assert hz.times[0, 1] == 44.0


def test_duplicate_indices_last_value_wins_and_undo_is_exact():
    h = History()
    hz = Horizon("H", [1], [1, 2, 3])
    hz.set_times(h, [1, 1, 2], [5.0, 6.0, 7.0])
    assert hz.times[0, 1] == 6.0
    h.undo()
    assert hz.n_picked == 0


def test_seeds_undo_and_events():
    h = History()
    hz = Horizon("H", [1, 2], [1, 2])
    seen: list[Change] = []
    hz.changed.connect(seen.append)
    hz.add_seed(h, 1, 2, 300.0)
    hz.add_seed(h, 2, 2, 310.0)
    hz.remove_seed(h, 0)
    assert hz.seeds == [(2.0, 2.0, 310.0)]
    h.undo()
    h.undo()
    assert hz.seeds == [(1.0, 2.0, 300.0)]
    assert [c.what for c in seen] == ["seeds"] * 5
    with hz.changed.blocked():
        hz.set_times(h, [0], 1.0)
    assert len(seen) == 5
    hz.set_times(h, [0, 3], 2.0)
    assert seen[-1].what == "times" and seen[-1].index.tolist() == [0, 3]


def test_edit_stamp_records_user_and_is_restored_by_undo():
    h = History()
    hz = Horizon("H", [1], [1])
    hz.set_times(h, [0], 1.0, user="alice")
    assert hz.stamp.user == "alice" and hz.stamp.time.endswith("+00:00")
    hz.set_times(h, [0], 2.0, user="bob")
    h.undo()
    assert hz.stamp.user == "alice"


def test_first_breaks_lookup_by_gather_and_undo():
    ffid = np.array([2, 2, 1, 1, 1, 2])
    chan = np.array([2, 1, 3, 1, 2, 3])
    fb = FirstBreaks("FB", ffid, chan)
    h = History()
    assert fb.index_of(1, 2) == 4
    assert fb.gather_indices(2).tolist() == [1, 0, 5]
    assert fb.gather_indices(9).size == 0
    fb.set_times(h, fb.gather_indices(1), [10.0, 11.0, 12.0], provenance="model:fb@1",
                 confidence=[0.1, 0.2, 0.3], label="Pick first breaks")
    ch, t = fb.gather_times(1)
    assert ch.tolist() == [1, 2, 3] and t.tolist() == [10.0, 11.0, 12.0]
    fb.set_times(h, [fb.index_of(1, 3)], 13.0)
    assert fb.provenance_of([2]) == ["corrected"]
    h.undo()
    h.undo()
    assert fb.n_picked == 0


def test_fault_sticks_add_move_delete_with_undo_and_provenance():
    h = History()
    fs = FaultSet("Faults")
    fs.add_fault(h, "F1", "#ff0000")
    uid = fs.add_stick(h, "F1", [[10, 5, 100], [10, 6, 300]], "inline", 10,
                       provenance="model:faultseg@2")
    fs.move_node(h, uid, 1, [10, 7, 320])
    s = fs.stick(uid)
    assert s.provenance == "corrected" and s.points[1].tolist() == [10, 7, 320]
    assert h.undo_label == "Move stick node"
    h.undo()
    assert fs.stick(uid).provenance == "model:faultseg@2"
    assert fs.stick(uid).points[1].tolist() == [10, 6, 300]
    fs.remove_stick(h, uid)
    assert fs.n_sticks == 0
    h.undo()
    assert fs.sticks_on("inline", 10)[0][1].uid == uid
    assert fs.sticks_on("crossline", 10) == []
    fs.rename_fault(h, "F1", "Main")
    assert fs.fault_names == ["Main"]
    with pytest.raises(ValueError):
        fs.add_fault(h, "Main")
    while h.undo():
        pass
    assert fs.faults == []


def test_stick_points_are_immutable():
    fs = FaultSet("S")
    fs.add_fault(None, "F")
    uid = fs.add_stick(None, "F", [[1, 1, 1]], "line", 0)
    with pytest.raises(ValueError):
        fs.stick(uid).points[0, 0] = 5


def test_dix_interval_velocity_of_two_layers():
    # 1000 ms at 2000 m/s, then 500 ms at 3000 m/s: vrms(1500) = sqrt((4e6*1000 + 9e6*500)/1500)
    v2 = np.sqrt((4e6 * 1000 + 9e6 * 500) / 1500)
    vint = dix([1000.0, 1500.0], [2000.0, v2])
    np.testing.assert_allclose(vint, [2000.0, 3000.0])


def test_velocity_checks_warn_and_never_raise():
    assert check_function([100, 500, 900], [1500, 1800, 2100]) == []
    w = check_function([500, 100, 100], [2000, 1500, 1500])
    assert "times out of order" in w and "duplicate times" in w
    w = check_function([100, 200], [3000, 1500])  # velocity drops too fast: Dix imaginary
    assert any("impossible interval velocity" in x for x in w)
    assert "non-positive velocity" in check_function([100], [0])
    assert check_function([1, 2], [1500]) == ["2 times but 1 velocities"]


def test_velocity_functions_edit_undo_and_interpolation():
    h = History()
    vf = VelocityFunctions("Vel")
    w = vf.set_function(h, 100, [800, 200], [2200, 1600], provenance="model:velnet@1")
    assert "times out of order" in w
    assert vf.function(100).times_ms.tolist() == [200, 800]  # stored sorted
    vf.add_pick(h, 100, 500, 1900)
    vf.move_pick(h, 100, 0, 250, 1650)
    f = vf.function(100)
    assert f.times_ms.tolist() == [250, 500, 800]
    assert f.provenance == ("corrected", "manual", "model:velnet@1")
    vf.set_function(h, 200, [250, 800], [1700, 2400])
    np.testing.assert_allclose(vf.vrms_at(150, [250, 800]), [1675, 2300])
    np.testing.assert_allclose(vf.vrms_at(50, [800]), [2200])
    t, vint = vf.interval_velocity(100)
    assert t.tolist() == [250, 500, 800] and np.isfinite(vint).all()
    vf.remove_pick(h, 100, 1)
    vf.remove_function(h, 200)
    assert vf.cdps == [100] and len(vf.function(100)) == 2
    while h.undo():
        pass
    assert vf.functions == {}


def test_interpretation_add_remove_rename_with_undo_and_forwarded_events():
    h = History()
    store = Interpretation("survey.sgy")
    seen: list[Change] = []
    store.changed.connect(seen.append)
    a = store.add(h, Horizon("A", [1], [1, 2]))
    store.add(h, Horizon("B", [1], [1, 2]))
    store.add(h, FaultSet("Faults"))
    with pytest.raises(ValueError):
        store.add(h, Horizon("A", [1], [1]))
    store.rename(h, "horizon", "A", "Top")
    assert store.names("horizon") == ["Top", "B"] and a.name == "Top"
    a.set_times(h, [0], 1.0)
    assert seen[-1].source is a and seen[-1].what == "times"
    store.remove(h, "horizon", "Top")
    assert store.names("horizon") == ["B"]
    h.undo()
    assert store.names("horizon") == ["Top", "B"]
    assert store.unique_name("horizon", "B") == "B 2"
    while h.undo():
        pass
    assert store.objects() == [] and a.name == "A"
    assert [c.what for c in seen if c.source is store][:3] == ["added", "added", "added"]


def test_provenance_table_codes_append_and_decode():
    t = ProvenanceTable()
    assert t.code("model:x@1") == 3 and t.code("manual") == 0
    assert list(t.decode(np.array([-1, 3, 1], np.int16))) == [None, "model:x@1", "tracked"]
    with pytest.raises(ValueError):
        ProvenanceTable(["manual", "manual"])


def test_picks_history_and_tools_import_neither_qt_nor_torch():
    code = ("import sys, geodesk.core.picks, geodesk.core.history, geodesk.core.tools; "
            "print(sorted(m for m in ('PySide6', 'pyqtgraph', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
