"""Interpretation dock: lists window.picks by kind, selection sets the active pick, edits undo."""

from __future__ import annotations

import numpy as np
import pytest
from memsurvey import MemPost3D, MemPrestack

from geodesk.core.picks import FaultSet, Horizon, Interpretation
from geodesk.qt.views.interpretation_dock import count_text, provenance_summary


@pytest.fixture
def dock(window):
    d = window.interpretation_dock
    d.errors = []
    d.error = lambda title, text: d.errors.append(text)
    d.ask_name = lambda title, default: default
    window.set_survey(MemPost3D())
    return d


def names_in_tree(dock, kind_title):
    dock.refresh()
    for i in range(dock.tree.topLevelItemCount()):
        g = dock.tree.topLevelItem(i)
        if g.text(0).startswith(kind_title):
            return [g.child(j).text(0) for j in range(g.childCount())]
    raise AssertionError(kind_title)


def test_selecting_an_object_makes_it_the_active_pick(window, dock):
    h1 = dock.new_object("horizon", "H1")
    h2 = dock.new_object("horizon", "H2")
    assert window.active_pick is h2  # a new object becomes active
    dock.select(h1)
    assert window.active_pick is h1
    window.set_active_pick(h2)  # the dock follows choices made elsewhere
    assert dock.selected() == (h2, None)


def test_new_rename_delete_are_undoable(window, dock):
    h = dock.new_object("horizon")
    assert h.name == "Horizon" and names_in_tree(dock, "Horizons") == ["Horizon"]
    assert isinstance(h, Horizon) and h.shape == (10, 20)
    dock.select(h)
    assert dock.rename_selected("Top reservoir")
    assert names_in_tree(dock, "Horizons") == ["Top reservoir"]
    dock.select(h)
    assert dock.delete_selected()
    assert names_in_tree(dock, "Horizons") == [] and window.active_pick is None
    window.history.undo()
    assert names_in_tree(dock, "Horizons") == ["Top reservoir"]
    window.history.undo()
    assert names_in_tree(dock, "Horizons") == ["Horizon"]
    window.history.undo()
    assert names_in_tree(dock, "Horizons") == []
    window.history.redo()
    assert window.picks.get("horizon", "Horizon") is h


def test_counts_and_provenance_follow_edits(qtbot, window, dock):
    h = dock.new_object("horizon", "H")
    h.set_times(window.history, [0, 1, 2], [10.0, 11.0, 12.0])
    h.write_tracked(window.history, np.arange(3, 8), np.full(5, 20.0))
    assert count_text(h) == "8 / 200 traces"
    assert provenance_summary(h) == "tracked 5, manual 3"
    qtbot.waitUntil(lambda: dock.item_for(h).text(1) == "8 / 200 traces", timeout=2000)
    assert dock.item_for(h).text(2) == "tracked 5, manual 3"
    fs = dock.new_object("fault_set", "F")
    fs.add_stick(window.history, "Fault 1", [[100, 200, 10], [100, 200, 50]], "inline", 100)
    qtbot.waitUntil(lambda: dock.item_for(fs).text(1) == "1 fault, 1 stick", timeout=2000)


def test_dock_follows_replaced_picks(window, dock):
    dock.new_object("horizon", "Old")
    other = Interpretation("other")
    other.add(None, FaultSet("Loaded faults"))
    window.set_picks(other)
    assert names_in_tree(dock, "Horizons") == []
    assert names_in_tree(dock, "Fault sets") == ["Loaded faults"]
    other.add(window.history, FaultSet("More"))
    assert names_in_tree(dock, "Fault sets") == ["Loaded faults", "More"]


def test_colour_change_is_undoable_and_shown(window, dock):
    h = dock.new_object("horizon", "H")
    old = h.colour
    dock.select(h)
    assert dock.choose_colour("#00ff00")
    assert h.colour == "#00ff00"
    window.history.undo()
    assert h.colour == old


def test_first_breaks_need_a_prestack_survey(window, dock):
    assert dock.new_object("first_breaks", "FB") is None
    assert "pre-stack" in dock.errors[-1] and window.picks.objects() == []
    window.set_survey(MemPrestack())
    fb = dock.new_object("first_breaks", "FB")
    assert fb.n_traces == window.survey.n_traces
    assert dock.new_object("first_breaks", "FB") is None  # name in use: refused, said why
    assert "already exists" in dock.errors[-1]
