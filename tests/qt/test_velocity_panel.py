"""Velocity analysis panel: clicks on the semblance edit the picks model, NMO follows, undo."""

import numpy as np
import pytest
from PySide6.QtCore import QEventLoop, Qt, QTimer

from geodesk.core.exchange.picks_io import export_velocities, import_velocities
from geodesk.synth.cmps import generate_cmps
from geodesk.synth.shots import generate_shots


@pytest.fixture(scope="module")
def cmp_file(tmp_path_factory):
    result = generate_cmps((6, 36, 600), seed=11, snr_db=30.0)
    return result, result.write(tmp_path_factory.mktemp("cmp") / "cmps.sgy")


@pytest.fixture
def panel(window, cmp_file):
    window.project_controller.interactive = False
    assert window.open_path(cmp_file[1])
    p = window.velocity.open_panel()
    window.resizeDocks([window.velocity.dock], [450], Qt.Orientation.Vertical)
    window.velocity.dock.resize(1000, 450)
    p.resize(1000, 450)
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    yield p
    window.velocity.close_panel()


def _truth_v(result, k, t_ms):
    return float(np.interp(t_ms, result.dt_ms * np.arange(result.data.shape[2]),
                           result.truth["vrms"][k]))


def test_click_on_semblance_adds_pick_changes_nmo_and_undo_removes_it(window, panel):
    before = panel.nmo_view.section.data.copy()
    panel.semblance_view.click_data(2200.0, 600.0)
    f = panel.functions.function(panel.cdp)
    assert len(f) == 1
    assert f.vrms_mps[0] == pytest.approx(2200.0, abs=40) and f.times_ms[0] == pytest.approx(
        600.0, abs=20)
    assert not np.array_equal(panel.nmo_view.section.data, before)
    assert window.history.undo_label.startswith("Add velocity pick")
    window.picking.undo()
    assert len(panel.functions.functions.get(panel.cdp, [])) == 0
    np.testing.assert_array_equal(panel.nmo_view.section.data, before)


def test_dragging_a_knot_updates_nmo_during_the_drag_and_is_one_step(window, panel):
    panel.semblance_view.click_data(2000.0, 500.0)
    steps = len(window.history.labels)
    seen = []
    panel.nmo_view.sig_display_changed.connect(lambda: seen.append(
        panel.nmo_view.section.data.copy()))
    panel.semblance_view.drag_data([(2000.0, 500.0), (2300.0, 520.0), (2600.0, 540.0)])
    assert len(window.history.labels) == steps + 1
    assert len(seen) >= 2 and not np.array_equal(seen[0], seen[-1])
    assert panel.functions.function(panel.cdp).vrms_mps[0] == pytest.approx(2600.0, abs=40)
    window.picking.undo()
    assert panel.functions.function(panel.cdp).vrms_mps[0] == pytest.approx(2000.0, abs=40)


def test_right_click_deletes_a_knot(panel):
    panel.semblance_view.click_data(2100.0, 700.0)
    panel.semblance_view.click_data(2100.0, 700.0, Qt.MouseButton.RightButton)
    assert len(panel.functions.function(panel.cdp)) == 0


def test_next_location_shows_previous_function_as_guide(panel):
    panel.semblance_view.click_data(2100.0, 700.0)
    first = panel.cdp
    panel.every_box.setValue(2)
    panel.step(1)
    assert panel.cdp != first and panel.previous_cdp == first
    _xs, ys = panel.semblance_view.guide.getData()
    assert list(ys) == pytest.approx([700.0], abs=20)


def test_out_of_order_bad_picks_warn_without_crashing(panel):
    panel.semblance_view.click_data(3000.0, 400.0)
    panel.semblance_view.click_data(1600.0, 900.0)  # Vrms falls: imaginary interval velocity
    assert "imaginary" in panel.warning.text()


def test_auto_pick_all_job_is_close_to_truth_in_one_step(window, panel, cmp_file):
    result, _ = cmp_file
    steps = len(window.history.labels)
    job = window.velocity.auto_pick_all()
    loop = QEventLoop()
    job.done.connect(loop.quit)
    QTimer.singleShot(30000, loop.quit)
    if job.running:
        loop.exec()
    assert job.outcome == "finished"
    assert len(window.history.labels) == steps + 1
    funcs = panel.functions.functions
    assert len(funcs) == 6
    errors = [abs(v - _truth_v(result, k, t)) / _truth_v(result, k, t)
              for k, cdp in enumerate(result.cdp) for t, v in
              zip(funcs[int(cdp)].times_ms, funcs[int(cdp)].vrms_mps)]
    assert np.median(errors) < 0.02 and np.max(errors) < 0.05


def test_velocity_csv_and_segy_field_round_trip(window, panel, tmp_path):
    for v, t in ((1800.0, 300.0), (2200.0, 800.0), (2600.0, 1100.0)):
        panel.semblance_view.click_data(v, t)
    fn = panel.functions
    export_velocities(fn, tmp_path / "v.csv")
    back = import_velocities(window.picks, window.history, tmp_path / "v.csv", "back",
                             cdps=panel.keys)
    for cdp, f in fn.functions.items():
        np.testing.assert_array_equal(back.function(cdp).times_ms, f.times_ms)
        np.testing.assert_array_equal(back.function(cdp).vrms_mps, f.vrms_mps)
    out = window.velocity.export_field(path=str(tmp_path / "field.sgy"))
    from geodesk.core.exchange.velocity_io import read_vrms_section

    field, _cdps, _ = read_vrms_section(out)
    expected = window.velocity.field()[0]
    np.testing.assert_array_equal(field, expected)


def test_shot_file_without_cdp_header_gives_a_clear_message(window, tmp_path, monkeypatch):
    window.project_controller.interactive = False
    shots = generate_shots((2, 12, 100), seed=2).write(tmp_path / "s.sgy")
    import segyio

    with segyio.open(shots, "r+", ignore_geometry=True) as f:
        for i in range(f.tracecount):
            f.header[i] = {segyio.TraceField.CDP: 0}
    messages = []
    monkeypatch.setattr(window.velocity, "error", messages.append)
    assert window.open_path(shots)
    assert window.velocity.open_panel() is None
    assert messages and "CMP" in messages[0]


def test_velocity_field_view_shows_the_field_over_the_nmo_stack(window, panel):
    for v, t in ((1800.0, 300.0), (2200.0, 800.0), (2600.0, 1500.0)):
        panel.semblance_view.click_data(v, t)
    dlg = window.velocity.show_field()
    job = window.velocity.stack_job
    loop = QEventLoop()
    job.done.connect(loop.quit)
    QTimer.singleShot(20000, loop.quit)
    if job.running:
        loop.exec()
    assert job.outcome == "finished"
    stack = window.velocity.stack_item.image
    assert stack.shape == (600, 6) and np.abs(stack).max() > 0
    dlg.close()


def test_gathers_can_be_shown_as_wiggles(panel):
    k = panel.display_box.findData("wiggle")
    panel.display_box.setCurrentIndex(k)
    assert panel.gather_view.mode == "wiggle" and panel.nmo_view.mode == "wiggle"


def test_demultiple_checkbox_makes_the_cmp_auto_pick_on_the_demultipled_gather(panel):
    from geodesk.core.processing.velpick import auto_pick

    panel.demultiple_box.setChecked(True)
    panel.auto_pick_cmp()
    f = panel.functions.function(panel.cdp)
    lo, hi = sorted((panel.vmin.value(), panel.vmax.value()))
    t, v = auto_pick(panel.gather.data, panel.offsets, panel.times, vmin=lo, vmax=hi,
                     dv=panel.dv.value(), window_ms=panel.window_ms.value(), demultiple=True)
    np.testing.assert_allclose(f.times_ms, t)
    np.testing.assert_allclose(f.vrms_mps, v, rtol=1e-6)
