"""Horizon picking in the window: seeds by mouse, 3D tracking as a job, one-step undo, overlays."""

from dataclasses import replace

import numpy as np
import pytest

from geodesk.core.picks import Horizon
from geodesk.core.processing.tracking import TrackParams
from geodesk.synth.post3d import generate_post3d


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    """A small faulted synthetic volume on disk, with its truth."""
    r = generate_post3d(shape=(40, 50, 200), seed=3, snr_db=15.0, n_faults=2)
    path = r.write(tmp_path_factory.mktemp("post3d") / "small.sgy")
    return path, r


def best_marker(r):
    """A marker horizon, its polarity, the fault block holding most of it and a seed node there."""
    h = int(np.argmin(np.isnan(r.truth["horizon_ms"]).mean(axis=(1, 2))))
    hz, blk = r.truth["horizon_ms"][h], r.truth["horizon_block"][h]
    vals, counts = np.unique(blk[np.isfinite(hz)], return_counts=True)
    region = np.isfinite(hz) & (blk == vals[np.argmax(counts)])
    i, j = np.argwhere(region)[region.sum() // 2]
    return hz, int(r.truth["horizon_polarity"][h]), region, int(i), int(j)


def open_on_inline(window, path, il):
    assert window.open_path(path)
    window.go_to("inline", il)
    assert window.section.kind == "inline"


def use_event(window, polarity, auto_track):
    c = window.picking
    c.set_params(replace(c.params, track=TrackParams(event="peak" if polarity > 0 else "trough"),
                         auto_track_seed=auto_track))


def curve_y(window, h):
    """y data of the horizon's curve on the current section."""
    return window.picking.layer.items[id(h)][0].getData()[1]


def test_seed_click_then_track_3d_matches_truth_and_undoes_in_one_step(qtbot, window, volume):
    path, r = volume
    hz, pol, region, i, j = best_marker(r)
    open_on_inline(window, path, r.inlines[i])
    use_event(window, pol, auto_track=False)
    window.picking.set_tool("horizon_seed")
    window.view.click_data(r.crosslines[j], float(hz[i, j]) + 2.0)

    h = window.active_pick
    assert isinstance(h, Horizon) and h.name == "Horizon 1"
    assert len(h.seeds) == 1 and abs(h.seeds[0][2] - hz[i, j]) <= r.dt_ms
    assert window.history.undo_label == "Add seed Horizon 1"

    handle = window.picking.track_3d()
    with qtbot.waitSignal(handle.done, timeout=20000):
        pass
    assert handle.outcome == "finished"
    within = np.abs(h.times - hz)[region] <= r.dt_ms
    assert within.mean() >= 0.95, within.mean()
    assert set(h.provenance_of(np.isfinite(h.times) & region)) <= {"tracked", "manual"}
    assert window.history.undo_label == "Track horizon Horizon 1"
    ui = window.picking.ui
    assert ui.undo_action.text() == "&Undo Track horizon Horizon 1"
    tracked = h.times.copy()
    shown = curve_y(window, h)
    np.testing.assert_array_equal(shown, tracked[i].astype(float))

    ui.undo_action.trigger()  # one step removes the whole tracking result
    assert h.n_picked == 1 and len(h.seeds) == 1
    assert np.count_nonzero(np.isfinite(curve_y(window, h))) == 1
    assert ui.redo_action.text() == "&Redo Track horizon Horizon 1"
    ui.redo_action.trigger()
    np.testing.assert_array_equal(h.times, tracked)
    np.testing.assert_array_equal(curve_y(window, h), tracked[i].astype(float))


def test_seed_with_auto_track_follows_the_marker_along_the_section(qtbot, window, volume):
    path, r = volume
    hz, pol, region, i, j = best_marker(r)
    open_on_inline(window, path, r.inlines[i])
    use_event(window, pol, auto_track=True)
    window.picking.set_tool("horizon_seed")
    window.view.click_data(r.crosslines[j], float(hz[i, j]))
    h = window.active_pick
    assert window.history.labels[-2:] == ["Add seed Horizon 1", "Track horizon Horizon 1"]
    row = np.isfinite(h.times[i]) & region[i]
    assert row.sum() >= 0.8 * region[i].sum()
    assert np.mean(np.abs(h.times[i] - hz[i])[row] <= r.dt_ms) >= 0.95
    window.picking.undo()
    assert h.n_picked == 1  # only the seed's pick is left


def test_drag_draws_manual_picks_and_erase_mode_removes_them(qtbot, window, volume):
    path, r = volume
    open_on_inline(window, path, r.inlines[5])
    window.picking.set_tool("horizon_draw")
    xl = r.crosslines
    window.view.drag_data([(xl[10], 300.0), (xl[20], 320.0), (xl[30], 340.0)])
    h = window.active_pick
    picked = np.flatnonzero(np.isfinite(h.times[5]))
    assert picked.min() == 10 and picked.max() == 30 and picked.size == 21
    assert set(h.provenance_of((np.full(21, 5), picked))) == {"manual"}
    assert window.history.undo_label == "Pick horizon Horizon 1"
    np.testing.assert_array_equal(curve_y(window, h)[10:31], h.times[5, 10:31].astype(float))

    window.picking.set_tool("horizon_erase")
    window.view.drag_data([(xl[15], 310.0), (xl[25], 330.0)])
    assert np.isfinite(h.times[5]).sum() == 10
    assert window.history.undo_label == "Erase horizon Horizon 1"
    window.picking.undo()
    assert np.isfinite(h.times[5]).sum() == 21


def test_navigate_mode_leaves_the_picks_alone(qtbot, window, volume):
    path, r = volume
    open_on_inline(window, path, r.inlines[5])
    window.view.drag_data([(r.crosslines[10], 300.0), (r.crosslines[30], 340.0)])
    assert window.picks.objects() == [] and len(window.history) == 0


def test_time_slice_shows_the_active_horizon_as_a_colour_map(qtbot, window, volume):
    path, r = volume
    open_on_inline(window, path, r.inlines[5])
    window.picking.set_tool("horizon_draw")
    window.view.drag_data([(r.crosslines[10], 300.0), (r.crosslines[30], 300.0)])
    h = window.active_pick
    window.go_to("time", 300.0)
    img = window.picking.layer.items[id(h)][0].image  # (crosslines, inlines) row-major
    assert img.shape == (len(r.crosslines), len(r.inlines))
    np.testing.assert_array_equal(np.isfinite(img.T), np.isfinite(h.times))
    bar = window.view.bars.bars["horizon_time"]  # a colour bar for the horizon's times
    assert bar.levels() == pytest.approx((np.nanmin(img), np.nanmax(img)), abs=2e-3)
    window.go_to("inline", r.inlines[5])
    assert "horizon_time" not in window.view.bars.bars


def test_cancelled_3d_track_writes_nothing(qtbot, window, volume):
    path, r = volume
    hz, pol, _region, i, j = best_marker(r)
    open_on_inline(window, path, r.inlines[i])
    use_event(window, pol, auto_track=False)
    window.picking.set_tool("horizon_seed")
    window.view.click_data(r.crosslines[j], float(hz[i, j]))
    steps = list(window.history.labels)
    handle = window.picking.track_3d()
    handle.cancel()
    with qtbot.waitSignal(handle.done, timeout=20000):
        pass
    assert handle.outcome == "cancelled"
    assert window.history.labels == steps and window.active_pick.n_picked == 1
    assert not window.picking.layer.preview.isVisible()
