"""Velocity panel tools (issue 14): cursor readout, pick table with typed values, Model picks
asks before replacing hand picks, legend outside the data, CDP shared with the main view."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import tests.qt.test_velocity_panel as velocity_panel_tests

cmp_file, panel = velocity_panel_tests.cmp_file, velocity_panel_tests.panel  # shared fixtures


def test_readout_shows_time_vrms_and_the_semblance_under_the_cursor(panel):
    view = panel.semblance_view
    seen = []
    view.sig_cursor.connect(lambda t, v, s: seen.append((t, v, s)))
    view.hover_data(2400.0, 800.0)
    (t, v, s), = seen
    assert t == pytest.approx(800.0, abs=8) and v == pytest.approx(2400.0, abs=30)  # a pixel
    p = view.panel
    i = int(np.argmin(np.abs(p.velocities - v)))
    j = int(np.argmin(np.abs(p.times_ms - t)))
    assert s == p.values[i, j]
    assert view.readout.text() == f"time {t:.0f} ms   Vrms {v:.0f} m/s   semblance {s:.3f}"
    view.hover_data(p.velocities[-1] + 500.0, 800.0)  # off the spectrum
    assert "semblance –" in view.readout.text()


def test_typing_a_vrms_in_the_pick_table_moves_the_knot_and_ctrl_z_restores_it(qtbot, window,
                                                                                 panel):
    panel.semblance_view.click_data(2200.0, 600.0)
    table = panel.pick_table
    assert table.rowCount() == 2  # the knot and the empty new-knot row
    before = panel.functions.function(panel.cdp).vrms_mps[0]
    table.editItem(table.item(0, 1))  # as a double click does
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "2750")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits on Return through a queued call
    f = panel.functions.function(panel.cdp)
    assert f.vrms_mps[0] == 2750.0 and f.provenance[0] == "manual"
    assert window.history.undo_label == f"Edit velocity pick CDP {panel.cdp}"
    assert table.item(0, 1).text() == "2750"
    x, _ = panel.semblance_view.knots.getData()
    assert list(x) == [2750.0]  # the knot on the spectrum moved too
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.functions.function(panel.cdp).vrms_mps[0] == before
    assert table.item(0, 1).text() == f"{before:.0f}"


def test_typing_time_and_vrms_in_the_last_row_adds_a_knot_and_junk_is_refused(panel):
    table = panel.pick_table
    table.item(0, 0).setText("1000")
    assert panel.cdp not in panel.functions.functions  # only half a knot yet
    table.item(0, 1).setText("2600")
    f = panel.functions.function(panel.cdp)
    assert list(f.times_ms) == [1000.0] and list(f.vrms_mps) == [2600.0]
    table.item(0, 0).setText("fast")
    assert list(panel.functions.function(panel.cdp).times_ms) == [1000.0]
    assert table.item(0, 0).text() == "1000" and "not a time" in panel.warning.text()


def test_legend_is_outside_the_spectrum(panel):
    plot = panel.semblance_view.getPlotItem()
    assert plot.legend is None  # nothing drawn over the data
    legend = panel.semblance_view.legend_label
    assert legend.isVisible() and "by hand" in legend.text() and "Vint" in legend.text()


def test_cdp_is_shared_by_the_main_view_and_the_panel(window, panel):
    assert window.survey.gather_key == "cdp"
    assert window.navigator.value == panel.cdp  # opening the panel showed its CDP
    keys = list(panel.keys)
    steps = list(window.history.labels)
    window.go_to("gather", keys[3])  # chosen in the main view
    assert panel.cdp == keys[3] and panel.cdp_box.value() == keys[3]
    window.step(1)  # PgDn in the main view
    assert panel.cdp == keys[4]
    panel.step(-1)  # Prev in the panel
    assert window.navigator.value == keys[3] and window.section.title.endswith(str(keys[3]))
    panel.cdp_box.setValue(int(keys[5]))
    assert window.navigator.value == keys[5]
    assert window.history.labels == steps  # moving records nothing


def test_delete_on_a_row_of_the_pick_table_removes_that_knot(qtbot, window, panel):
    panel.semblance_view.click_data(2100.0, 500.0)
    panel.semblance_view.click_data(2500.0, 1200.0)
    table = panel.pick_table
    table.setFocus()
    table.setCurrentCell(1, 0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    f = panel.functions.function(panel.cdp)
    assert len(f) == 1 and f.times_ms[0] == pytest.approx(500.0, abs=20)
    assert table.rowCount() == 2
    window.picking.undo()
    assert len(panel.functions.function(panel.cdp)) == 2


def test_a_click_on_a_shot_trace_analyses_its_cdp(qtbot, window, tmp_path):
    from geodesk.synth.shots import generate_shots

    shots = generate_shots((3, 24, 200), seed=4).write(tmp_path / "shots.sgy")
    assert window.open_path(shots)
    assert window.survey.gather_key == "ffid"
    panel = window.velocity.open_panel()
    ffid = window.navigator.value
    sec = window.section
    i = 17
    target = int(sec.headers["cdp"][i])
    assert panel.cdp != target
    window.view.click_data(float(sec.axis0.values[i]), 100.0)
    assert panel.cdp == target
    assert window.navigator.value == ffid  # the shot stays on screen
    window.velocity.close_panel()
