"""Small window defects of issue 14 (6): unique Alt keys of the menus, the status readout after
PgDn, the truncated-file message, the first-break model label, the previous survey's Vrms field
window and its axis colours, the display saved in project.json."""

import numpy as np
import pytest
from memsurvey import MemPost3D
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from geodesk.synth.cmps import generate_cmps
from geodesk.synth.post3d import generate_post3d


def test_every_menu_of_the_bar_has_its_own_alt_key(window):
    keys = []
    for act in window.menuBar().actions():
        text = act.text()
        assert "&" in text, text
        keys.append(text[text.index("&") + 1].lower())
    assert len(keys) == len(set(keys)), [a.text() for a in window.menuBar().actions()]


def test_status_readout_follows_page_down_without_a_mouse_move(qtbot, window):
    survey = MemPost3D()
    window.set_survey(survey)
    window.view.move_data(210, 40.0)
    assert window.readout.text().startswith("inline 105")
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown)
    assert window.navigator.value == 106
    text = window.readout.text()
    assert text.startswith("inline 106")
    j = int(np.argmin(np.abs(survey.times_ms - 40.0)))
    i = int(np.argmin(np.abs(np.asarray(survey.crosslines) - 210)))
    assert f"amplitude {survey.inline(106).data[i, j]:.4g}" in text


def test_truncated_file_message_names_the_file_once(window, tmp_path, monkeypatch):
    path = generate_post3d((4, 5, 50), seed=1).write(tmp_path / "cut.sgy")
    data = path.read_bytes()
    path.write_bytes(data[:-37])
    seen = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: seen.append(text))
    assert not window.open_path(path)
    assert seen and seen[0].count("cut.sgy") == 1 and "truncated" in seen[0]


def test_first_break_model_name_is_shown_whole_in_the_auto_pick_dialog(window):
    from geodesk.qt.models.autopick_ui import MODEL, AutopickDialog, AutopickParams

    ctrl = window.features["autopick"]
    dlg = AutopickDialog(AutopickParams(method=MODEL), ["First breaks"], window, ctrl.models)
    dlg.show()
    label = dlg.model_label
    assert label.text()
    assert label.height() >= label.heightForWidth(label.width())  # not cut to one line
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text()) or \
        label.wordWrap()
    dlg.close()


@pytest.fixture
def cmp_path(tmp_path):
    return generate_cmps((4, 24, 300), seed=11, snr_db=30.0).write(tmp_path / "cmps.sgy")


def test_vrms_field_window_closes_when_another_file_opens_and_its_axes_are_dark(
        qtbot, window, cmp_path, tmp_path):
    window.project_controller.interactive = False
    assert window.open_path(cmp_path)
    panel = window.velocity.open_panel()
    panel.semblance_view.click_data(2000.0, 300.0)
    dlg = window.velocity.show_field()
    assert dlg.isVisible()
    import pyqtgraph as pg

    plot = dlg.findChild(pg.PlotWidget)
    for name in ("bottom", "left"):
        axis = plot.getPlotItem().getAxis(name)
        assert axis.textPen().color().lightness() < 60  # dark text on the white background
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=20000)
    other = generate_post3d((4, 5, 40), seed=2).write(tmp_path / "other.sgy")
    assert window.open_path(other)
    assert not dlg.isVisible()


def test_project_json_records_the_clip_the_window_shows(window, tmp_path):
    import json

    window.set_clip(95.0)
    path = generate_post3d((4, 5, 40), seed=2).write(tmp_path / "v.sgy")
    assert window.open_path(path)
    ctrl = window.project_controller
    assert ctrl.new_project(tmp_path / "p")
    window.set_colormap("gray")
    assert ctrl.save()
    folder = window.project.folder
    pointer = json.loads((folder / "project.json").read_text())  # names the save's folder
    doc = json.loads((folder / pointer["generation"] / "project.json").read_text())
    assert doc["display"]["clip_percentile"] == 95.0 and doc["display"]["colormap"] == "gray"
