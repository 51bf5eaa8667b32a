"""Stepping does no drawing work it can skip: a horizon's seed markers are shown only where it
has seeds on the line (an empty scatter still costs its paint on every flip), fault marks keep
their pens (a new pen object is rendered into the scatter's symbol atlas again), the hidden map
is not redrawn."""

import numpy as np
from memsurvey import MemPost3D

from geodesk.core.picks import FaultSet, Horizon


def _seed_items(window, h):
    return [it for it in window.picking.layer.items[id(h)] if it._pick_kind == "horizon_seeds"]


def test_seed_markers_are_hidden_on_lines_without_seeds_and_shown_where_there_are(qtbot, window):
    survey = MemPost3D(n_samples=100)  # inlines 100..109, crosslines 200..238 step 2
    window.set_survey(survey)
    h = Horizon.like_survey("H", survey)
    h.write_tracked(None, np.ones(h.shape, dtype=bool), np.full(h.shape, 100.0))
    window.picks.add(window.history, h)
    window.go_to("inline", 104)
    (seeds,) = _seed_items(window, h)
    assert not seeds.isVisible()
    h.add_seed(window.history, 104, 220, 100.0)
    (seeds,) = _seed_items(window, h)
    assert seeds.isVisible() and len(seeds.data) == 1
    window.go_to("inline", 105)
    assert not _seed_items(window, h)[0].isVisible()
    window.go_to("inline", 104)
    (seeds,) = _seed_items(window, h)
    assert seeds.isVisible() and seeds.data["y"][0] == 100.0


def test_the_hidden_map_is_not_updated_per_flip_and_shows_the_line_on_screen_when_opened(
        qtbot, window):
    survey = MemPost3D(n_samples=100)
    window.set_survey(survey)
    h = Horizon.like_survey("H", survey)
    h.write_tracked(None, np.ones(h.shape, dtype=bool), np.full(h.shape, 100.0))
    window.picks.add(window.history, h)
    view = window.maps.view
    window.go_to("inline", 103)
    window.go_to("inline", 105)
    assert not window.maps.dock.isVisible() and len(view.current.getData()[1] or []) == 0
    window.maps.open_map()
    assert list(view.current.getData()[1]) == [105, 105]
    window.go_to("inline", 107)
    assert list(view.current.getData()[1]) == [107, 107]


def test_fault_crossing_marks_keep_their_pen_from_line_to_line(qtbot, window):
    survey = MemPost3D(n_samples=100)  # inlines 100..109, crosslines 200..238 step 2
    window.set_survey(survey)
    fs = FaultSet("F")
    fs.add_fault(None, "F1")
    fs.add_stick(None, "F1", [(102, 220, 40.0), (106, 220, 200.0)], "crossline", 220.0)
    window.picks.add(window.history, fs)
    pens = []
    for inline in (103, 104, 105):
        window.go_to("inline", inline)
        (mark,) = [it for it in window.picking.layer.items[id(fs)] if it.isVisible()]
        pens.append(mark.opts["pen"])
    assert pens[0] is not None and all(p is pens[0] for p in pens)
