"""First-break tool driven with synthetic pointer events on a gather; plus the snap functions."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.history import History
from geodesk.core.picks import FirstBreaks
from geodesk.core.section import Axis, Section
from geodesk.core.tools import FirstBreakTool, ToolError, snap_extremum

T = np.arange(200) * 2.0


def gather() -> Section:
    """Shot 7 (channels 1..8) stored at file traces 15..8 (reverse order), with a trough at
    a linear moveout 50 + 10*channel ms."""
    ch = np.arange(1, 9)
    data = -np.exp(-(((T[None, :] - (50.0 + 10.0 * ch)[:, None]) / 5.0) ** 2))
    return Section(data.astype(np.float32), Axis(ch, "channel"), Axis(T, "time", "ms"),
                   "gather", trace_index=np.arange(15, 7, -1),
                   headers={"ffid": np.full(8, 7), "channel": ch})


@pytest.fixture
def setup():
    ffid = np.repeat([6, 7, 8], 8)
    chan = np.concatenate([np.arange(1, 9), np.arange(8, 0, -1), np.arange(1, 9)])
    fb = FirstBreaks("FB", ffid, chan)
    history = History()
    return fb, history, FirstBreakTool(fb, history, gather())


def test_click_picks_the_nearest_trace_of_the_file(setup):
    fb, history, tool = setup
    tool.press(2.4, 77.0)
    tool.release(2.4, 77.0)
    assert fb.times[fb.index_of(7, 3)] == 77.0 and fb.n_picked == 1
    assert history.labels == ["Pick first breaks"]


def test_drag_picks_trace_by_trace_as_one_step(setup):
    fb, history, tool = setup
    tool.press(0, 60.0)
    tool.move(3, 90.0)
    tool.move(7, 130.0)
    tool.release(7, 130.0)
    _ch, t = fb.gather_times(7)
    np.testing.assert_allclose(t, 60.0 + 10.0 * np.arange(8))
    assert len(history) == 1 and fb.provenance_of(fb.gather_indices(7))[0] == "manual"
    history.undo()
    assert fb.n_picked == 0


def test_shift_drag_picks_along_a_straight_line_on_release(setup):
    fb, history, tool = setup
    tool.press(1, 70.0, modifiers={"shift"})
    tool.move(4, 300.0)  # wandering pointer: only the end point counts
    assert fb.n_picked == 0
    band = next(i for i in tool.overlay() if i.role == "rubber_band")
    assert band.xy.tolist() == [[1.0, 70.0], [4.0, 300.0]]
    tool.move(6, 120.0)
    tool.release(6, 120.0)
    _, t = fb.gather_times(7)
    np.testing.assert_allclose(t[1:7], 70.0 + 10.0 * np.arange(6))
    assert np.isnan(t[[0, 7]]).all() and history.labels == ["Pick first breaks (line)"]


def test_escape_cancels_a_line_and_aborts_a_stroke(setup):
    fb, history, tool = setup
    tool.press(1, 70.0, modifiers=("shift",))
    assert tool.key("Escape")
    tool.release(5, 70.0)
    assert fb.n_picked == 0 and len(history) == 0
    tool.press(0, 70.0)
    tool.move(5, 70.0)
    assert fb.n_picked == 6
    assert tool.key("Escape") and fb.n_picked == 0 and len(history) == 0


def test_right_button_and_erase_mode_clear_picks(setup):
    fb, history, tool = setup
    tool.press(0, 60.0)
    tool.move(7, 130.0)
    tool.release(7, 130.0)
    tool.press(2, 0.0, button="right")
    tool.release(2, 0.0, button="right")
    assert history.undo_label == "Clear first breaks" and fb.n_picked == 7
    tool.mode = "erase"
    tool.press(5, 0.0)
    tool.move(7, 0.0)
    tool.release(7, 0.0)
    assert fb.n_picked == 4
    history.undo()
    history.undo()
    assert fb.n_picked == 8


def test_snap_to_trough_lands_on_the_arrival(setup):
    fb, _history, tool = setup
    tool.snap = snap_extremum("trough", window_ms=12.0)
    tool.press(0, 55.0)
    tool.move(7, 135.0)
    tool.release(7, 135.0)
    _, t = fb.gather_times(7)
    np.testing.assert_allclose(t, 60.0 + 10.0 * np.arange(8), atol=0.3)


def test_overlay_lists_picks_of_this_gather_only(setup):
    fb, history, tool = setup
    fb.set_times(history, fb.gather_indices(6), 10.0)
    tool.press(3, 88.0)
    tool.release(3, 88.0)
    (pts,) = [i.xy for i in tool.overlay() if i.role == "first_breaks"]
    assert pts.tolist() == [[3.0, 88.0]]


def test_gather_without_trace_index_is_refused():
    sec = Section(np.zeros((2, 4), np.float32), Axis(np.arange(2), "channel"),
                  Axis(np.arange(4.0), "time"), "gather")
    with pytest.raises(ToolError):
        FirstBreakTool(FirstBreaks("FB", [1, 1], [1, 2]), History(), sec)


@pytest.mark.parametrize(("kind", "expected"), [("peak", 101.3), ("trough", 131.7)])
def test_snap_extremum_refines_between_samples(kind, expected):
    t = np.arange(100) * 4.0
    s = np.exp(-((t - 101.3) / 6) ** 2) - np.exp(-((t - 131.7) / 6) ** 2)
    snap = snap_extremum(kind, window_ms=14.0)
    assert abs(snap(s, t, 110.0 if kind == "peak" else 125.0) - expected) < 0.4


def test_snap_zero_crossing_and_empty_window():
    t = np.arange(50) * 2.0
    s = np.sin(2 * np.pi * (t - 33.0) / 40.0)  # zero crossings at 33, 53, 73 … ms
    assert abs(snap_extremum("zero", 8.0)(s, t, 36.0) - 33.0) < 0.2
    assert snap_extremum("peak", 1.0)(s, t, 500.0) == 500.0
