"""The Labels dock: it lists the labels after corrections, filters them, jumps to a label's
gather, confirms the gather on screen, marks a section fully interpreted and deletes (undoably)."""

import numpy as np
import pytest
from memsurvey import MemPost3D

from geodesk.core.picks import FaultSet, FirstBreaks
from geodesk.synth.shots import generate_shots

WEIGHTS = "model:fbnet@v2#0123456789ab"


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    r = generate_shots(shape=(3, 24, 300), seed=2)
    return r.write(tmp_path_factory.mktemp("shots") / "shots.sgy")


@pytest.fixture
def corrected(window, shots):
    """Shots open with model first breaks everywhere and two gathers corrected by hand."""
    assert window.open_path(shots)
    fb = FirstBreaks.like_survey("First breaks", window.survey)
    fb.set_times(None, np.arange(fb.n_traces), 100.0, provenance=WEIGHTS)
    window.picks.add(window.history, fb)
    window.set_active_pick(fb)
    ffids = sorted(set(fb.ffid.tolist()))
    fb.set_times(window.history, fb.gather_indices(ffids[0])[:3], 110.0)
    fb.erase(window.history, fb.gather_indices(ffids[1])[5])
    window.features["labels"].toggleViewAction().trigger()  # View ▸ Labels
    return window, fb, ffids


def panel_rows(panel):
    return [[panel.table.item(r, c).text() for c in range(panel.table.columnCount())]
            for r in range(panel.table.rowCount())]


def test_the_panel_lists_labels_after_corrections(qtbot, corrected):
    w, _fb, ffids = corrected
    panel = w.features["labels"]
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    rows = {r[5]: r for r in panel_rows(panel)}
    assert rows["corrected"][0] == "firstbreaks"
    assert rows["corrected"][2] == f"FFID {ffids[0]} (3 traces)"
    assert rows["corrected"][3] == "fbnet@v2"
    assert rows["corrected"][4] == "100.0, 100.0, 100.0 → 110.0, 110.0, 110.0 ms"
    assert rows["erased"][4] == "100.0 → - ms"
    assert rows["corrected"][1] == "shots.sgy"


def test_filters_by_task_and_model_version(qtbot, corrected):
    w, _fb, _ = corrected
    panel = w.features["labels"]
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    panel.task_filter.setCurrentText("faults")
    assert panel.table.rowCount() == 0
    panel.task_filter.setCurrentText("firstbreaks")
    assert panel.table.rowCount() == 2
    assert [panel.model_filter.itemText(i) for i in range(panel.model_filter.count())] == [
        "All", "fbnet@v2"]
    panel.model_filter.setCurrentText("fbnet@v2")
    assert panel.table.rowCount() == 2


def test_double_click_jumps_to_the_labels_gather(qtbot, corrected):
    w, fb, ffids = corrected
    panel = w.features["labels"]
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    row = next(r for r, lb in enumerate(panel.shown) if lb.kind == "erased")
    w.go_to("gather", ffids[0])
    panel.table.cellDoubleClicked.emit(row, 0)
    assert w.section.kind == "gather" and w.navigator.value == ffids[1]
    assert set(w.section.trace_index.tolist()) == set(fb.gather_indices(ffids[1]).tolist())


def test_confirm_gather_action_makes_the_gathers_picks_labels_and_undo_removes_them(
        qtbot, corrected):
    w, _fb, ffids = corrected
    panel = w.features["labels"]
    w.go_to("gather", ffids[2])
    panel.confirm_action.trigger()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)
    lb = next(lb for lb in panel.shown if lb.kind == "confirmed")
    assert lb.location.value == ffids[2] and len(lb.location.traces) == 24
    assert panel.confirm_action.shortcut().toString() == "Ctrl+Shift+C"
    w.history.undo()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)


def test_delete_forgets_a_label_but_not_the_pick(qtbot, corrected):
    w, fb, ffids = corrected
    panel = w.features["labels"]
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    row = next(r for r, lb in enumerate(panel.shown) if lb.kind == "corrected")
    panel.table.selectRow(row)
    assert panel.delete_selected() == 1
    assert [lb.kind for lb in panel.shown] == ["erased"]
    assert (fb.times[fb.gather_indices(ffids[0])[:3]] == 110.0).all()
    w.history.undo()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)


def test_mark_section_fully_interpreted_lists_a_no_fault_label_and_jumps_back(qtbot, window):
    window.set_survey(MemPost3D(n_samples=100))  # inlines 100..109
    window.go_to("inline", 104)
    panel = window.features["labels"]
    panel.show()
    window.picks.add(window.history, FaultSet("Faults"))
    panel.full_action.trigger()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1)
    (lb,) = panel.shown
    assert lb.kind == "no_fault" and (lb.location.mode, lb.location.value) == ("inline", 104)
    assert panel_rows(panel)[0][4] == "no fault outside the sticks"
    window.go_to("inline", 101)
    panel.table.cellDoubleClicked.emit(0, 2)
    assert window.navigator.value == 104
    window.history.undo()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0)


def test_a_hidden_dock_reads_the_labels_when_shown_again(qtbot, corrected):
    w, fb, ffids = corrected
    panel = w.features["labels"]
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    panel.hide()
    fb.set_times(w.history, fb.gather_indices(ffids[2])[:2], 130.0)
    assert not panel._timer.isActive() and panel.table.rowCount() == 2  # not read while hidden
    panel.show()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)


def test_the_dock_starts_hidden_and_view_labels_shows_it(window):
    panel = window.features["labels"]
    assert not panel.isVisible()
    toggle = panel.toggleViewAction()
    assert toggle in window.menu("&View").actions() and toggle.text() == "Labels"
    toggle.trigger()
    assert panel.isVisible()
