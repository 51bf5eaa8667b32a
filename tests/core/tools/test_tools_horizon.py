"""Horizon tool driven with synthetic pointer events: seeds, strokes, erase, Esc, snap, tracking."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.history import History
from geodesk.core.picks import Horizon
from geodesk.core.section import Axis, Section
from geodesk.core.tools import HorizonTool, ToolError, snap_extremum

DT = 4.0
N_SAMPLES = 100
XLINES = np.arange(10, 20)


def event_time(k: np.ndarray | int) -> np.ndarray:
    """A dipping reflector: 200 ms at the first trace, +6 ms per trace."""
    return 200.0 + 6.0 * np.asarray(k, dtype=float)


def inline_section(live: np.ndarray | None = None) -> Section:
    t = np.arange(N_SAMPLES) * DT
    data = np.exp(-(((t[None, :] - event_time(np.arange(XLINES.size))[:, None]) / 8.0) ** 2))
    return Section(data.astype(np.float32), Axis(XLINES.copy(), "crossline"), Axis(t, "time", "ms"),
                   "inline", title="Inline 5", live=live)


@pytest.fixture
def setup():
    hz = Horizon("H1", [4, 5, 6], XLINES)
    history = History()
    tool = HorizonTool(hz, history, inline_section(), line=5)
    return hz, history, tool


def test_click_adds_seed_and_picks_that_trace_in_one_step(setup):
    hz, history, tool = setup
    tool.press(3.2, 251.0)
    tool.release(3.2, 251.0)
    assert hz.seeds == [(5.0, 13.0, 251.0)]
    assert hz.times_at(5, 13)[0] == 251.0 and hz.n_picked == 1
    assert history.labels == ["Add seed H1"]
    history.undo()
    assert hz.seeds == [] and hz.n_picked == 0


def test_fast_drag_picks_every_crossed_trace_with_interpolated_times(setup):
    hz, history, tool = setup
    tool.press(1, 100.0)
    tool.move(7, 160.0)  # one big jump: traces 2..6 must be filled in
    tool.release(7, 160.0)
    np.testing.assert_allclose(hz.times[1, 1:8], 100.0 + 10.0 * np.arange(7))
    assert np.isnan(hz.times[1, [0, 8, 9]]).all() and np.isnan(hz.times[[0, 2]]).all()
    assert history.labels == ["Pick horizon H1"] and hz.seeds == []
    assert set(hz.provenance_of(hz.flat_index_of(5, XLINES[1:8]))) == {"manual"}
    history.undo()
    assert hz.n_picked == 0


def test_drawing_over_tracked_picks_marks_them_corrected(setup):
    hz, history, tool = setup
    hz.set_times(history, hz.flat_index_of(5, XLINES), 300.0, provenance="tracked",
                 confidence=0.8)
    tool.press(2, 310.0)
    tool.move(3, 310.0)
    tool.release(3, 310.0)
    prov = hz.provenance_of(hz.flat_index_of(5, XLINES[1:5]))
    assert prov == ["tracked", "corrected", "corrected", "tracked"]
    history.undo()
    assert hz.provenance_of(hz.flat_index_of(5, [12, 13])) == ["tracked", "tracked"]


def test_erase_mode_and_right_drag_unpick_and_drop_seeds(setup):
    hz, history, tool = setup
    tool.press(4, 230.0)
    tool.release(4, 230.0)  # seed on xl 14
    tool.press(0, 200.0)
    tool.move(9, 200.0)
    tool.release(9, 200.0)
    tool.mode = "erase"
    tool.press(3, 0.0)
    tool.move(5, 0.0)
    tool.release(5, 0.0)
    assert np.isnan(hz.times[1, 3:6]).all() and np.isfinite(hz.times[1, [2, 6]]).all()
    assert hz.seeds == [] and history.undo_label == "Erase horizon H1"
    tool.mode = "pick"
    tool.press(8, 0.0, button="right")
    tool.release(8, 0.0, button="right")
    assert np.isnan(hz.times[1, 8])
    history.undo()
    history.undo()
    assert hz.seeds == [(5.0, 14.0, 230.0)] and np.isfinite(hz.times[1]).all()


def test_escape_aborts_the_stroke_in_progress(setup):
    hz, history, tool = setup
    hz.set_times(history, hz.flat_index_of(5, 12), 111.0)
    tool.press(0, 50.0)
    tool.move(5, 50.0)
    assert hz.times[1, 2] == 50.0 and tool.overlay()[-1].role == "stroke"
    assert tool.key("Escape")
    assert hz.times[1, 2] == 111.0 and hz.n_picked == 1 and len(history) == 1
    assert not tool.key("Escape") and not tool.active
    tool.release(5, 50.0)  # a stray release after Esc does nothing
    assert len(history) == 1


def test_snap_puts_picks_on_the_reflector(setup):
    hz, _history, tool = setup
    tool.snap = snap_extremum("peak", window_ms=16.0)
    tool.press(0, 195.0)
    tool.move(9, 245.0)
    tool.release(9, 245.0)
    np.testing.assert_allclose(hz.times[1], event_time(np.arange(10)), atol=0.5)


def flat_tracker(section, seeds):
    """Carry the first seed's time along the whole section, confidence falling with distance."""
    k0, t0 = seeds[0]
    k = np.arange(section.shape[0])
    return np.full(k.shape, t0), 1.0 / (1.0 + np.abs(k - k0))


def test_track_section_is_one_labelled_step_that_keeps_manual_picks(setup):
    hz, history, tool = setup
    tool.press(2, 212.0)
    tool.release(2, 212.0)  # seed (and manual pick) at trace 2
    hz.set_times(history, hz.flat_index_of(5, 17), 999.0)  # a manual pick elsewhere
    n = tool.track_section(flat_tracker)
    assert n == 8 and history.undo_label == "Track horizon H1"
    assert hz.times[1, 0] == 212.0 and hz.times[1, 7] == 999.0
    assert hz.provenance_of(hz.flat_index_of(5, [10, 12, 17])) == ["tracked", "manual", "manual"]
    assert hz.confidence[1, 0] == np.float32(1 / 3)
    history.undo()
    assert hz.n_picked == 2
    assert tool.track_section(flat_tracker, overwrite=True) == 9
    assert hz.times[1, 7] == 212.0


def test_track_without_seeds_or_tracker_is_refused(setup):
    hz, history, tool = setup
    with pytest.raises(ToolError):
        tool.track_section(flat_tracker)
    hz.add_seed(history, 5, 11, 200.0)
    with pytest.raises(ToolError):
        tool.track_section()
    with pytest.raises(ToolError):
        tool.apply_track_result(np.zeros(3))
    assert tool.seeds_on_section() == [(1, 200.0)]


def test_dead_traces_are_not_picked():
    hz = Horizon("H1", [5], XLINES)
    live = np.ones(XLINES.size, bool)
    live[3:5] = False
    tool = HorizonTool(hz, History(), inline_section(live), line=5)
    tool.press(0, 100.0)
    tool.move(9, 100.0)
    tool.release(9, 100.0)
    assert np.isnan(hz.times[0, 3:5]).all() and hz.n_picked == 8


def test_crossline_section_writes_a_grid_column():
    hz = Horizon("H1", [4, 5, 6], XLINES)
    t = np.arange(N_SAMPLES) * DT
    sec = Section(np.zeros((3, N_SAMPLES), np.float32), Axis(np.array([4, 5, 6]), "inline"),
                  Axis(t, "time", "ms"), "crossline")
    tool = HorizonTool(hz, History(), sec, line=15)
    tool.press(0, 40.0)
    tool.move(2, 60.0)
    tool.release(2, 60.0)
    np.testing.assert_allclose(hz.times[:, 5], [40.0, 50.0, 60.0])
    assert hz.n_picked == 3


def test_overlay_shows_horizon_with_gaps_and_seeds(setup):
    _hz, _history, tool = setup
    tool.press(4, 230.0)
    tool.release(4, 230.0)
    items = {i.role: i for i in tool.overlay()}
    line = items["horizon"].xy
    assert line.shape == (10, 2) and line[4, 1] == 230.0 and np.isnan(line[5, 1])
    assert items["seed"].xy.tolist() == [[4.0, 230.0]]
    assert "stroke" not in items


def test_time_slice_is_refused():
    hz = Horizon("H1", [4, 5], [1, 2])
    sec = Section(np.zeros((2, 2), np.float32), Axis(np.array([4, 5]), "inline"),
                  Axis(np.array([1, 2]), "crossline"), "time")
    with pytest.raises(ToolError):
        HorizonTool(hz, History(), sec, line=5)


def test_write_tracked_grid_keeps_seeds_and_manual_picks():
    history = History()
    hz = Horizon("H1", [1, 2], [1, 2, 3])
    hz.add_seed(history, 1, 2, 50.0)
    hz.set_times(history, hz.flat_index_of([1, 2], [2, 3]), [50.0, 70.0])
    grid = np.array([[10.0, 11.0, np.nan], [13.0, 14.0, 15.0]])
    n = hz.write_tracked(history, np.ones(hz.shape, bool), grid, np.full(hz.shape, 0.5))
    assert n == 3 and history.undo_label == "Track horizon H1"
    np.testing.assert_array_equal(hz.times, [[10.0, 50.0, np.nan], [13.0, 14.0, 70.0]])
    assert hz.n_picked == 5
    assert hz.write_tracked(history, np.ones(hz.shape, bool), grid, 0.5, overwrite=True) == 1
    assert hz.times[1, 2] == 15.0 and hz.times[0, 1] == 50.0


def test_real_section_tracker_through_the_adapter(setup):
    from geodesk.core.processing import tracking
    from geodesk.core.tools import array_tracker

    hz, history, tool = setup
    tool.press(4, event_time(4) + 2.0)
    tool.release(4, event_time(4) + 2.0)
    n = tool.track_section(array_tracker(tracking.track_section))
    assert n >= 8 and history.undo_label == "Track horizon H1"
    picked = np.isfinite(hz.times[1])
    np.testing.assert_allclose(hz.times[1, picked & (np.arange(10) != 4)],
                               event_time(np.arange(10))[picked & (np.arange(10) != 4)],
                               atol=2.0)
    history.undo()
    assert hz.n_picked == 1
