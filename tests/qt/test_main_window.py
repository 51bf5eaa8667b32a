"""Main window: keyboard navigation shows the survey's data, errors keep the window usable."""

import os
from pathlib import Path

import numpy as np
import pytest
from memsurvey import MemPost3D, MemPrestack
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from geodesk.qt import settings as app_settings

SHARED = Path(os.environ.get("GEODESK_SHARED_DATA",
                             Path(__file__).resolve().parents[3] / "shared" / "data")) / "segy"


def shared(rel: str) -> Path:
    p = SHARED / rel
    if not p.exists():
        pytest.skip(f"shared test data not found: {p} (set GEODESK_SHARED_DATA)")
    return p


@pytest.fixture
def errors(monkeypatch):
    """Record QMessageBox.critical calls instead of blocking on a modal dialog."""
    seen = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a, **k: seen.append((title, text)))
    return seen


def press(qtbot, window, key, n=1):
    for _ in range(n):
        qtbot.keyClick(window.view, key)


def test_keyboard_steps_inlines_and_shows_their_data(qtbot, window):
    survey = MemPost3D()
    window.set_survey(survey)
    assert window.navigator.mode == "inline" and window.navigator.value == 105
    press(qtbot, window, Qt.Key.Key_PageDown, 2)
    assert window.navigator.value == 107
    assert np.array_equal(window.view.displayed_data(), survey.inline(107).data)
    press(qtbot, window, Qt.Key.Key_Left, 3)
    assert window.navigator.spin.value() == 104
    assert np.array_equal(window.view.image.image, survey.inline(104).data.T)
    press(qtbot, window, Qt.Key.Key_PageUp, 20)  # clamps at the first inline
    assert window.navigator.value == 100


def test_step_size_and_slider_use_real_line_numbers(qtbot, window):
    survey = MemPost3D()
    window.set_survey(survey, mode="crossline")
    window.navigator.step_spin.setValue(3)
    start = window.navigator.value
    press(qtbot, window, Qt.Key.Key_Right)
    assert window.navigator.value == start + 3 * 2  # crosslines are numbered every 2
    window.navigator.slider.setValue(0)
    assert window.navigator.spin.value() == 200
    assert np.array_equal(window.view.displayed_data(), survey.crossline(200).data)


def test_crossline_and_time_slice_show_the_survey_data(window):
    survey = MemPost3D()
    window.set_survey(survey)
    window.go_to("crossline", 230)
    assert window.section.kind == "crossline"
    assert np.array_equal(window.view.displayed_data(), survey.crossline(230).data)
    window.go_to("time", 100.0)
    assert window.section.is_time_slice
    assert np.array_equal(window.view.displayed_data(), survey.time_slice(100.0).data)
    window.navigator.spin.setValue(121.0)  # nearest sample: 120 ms
    assert np.array_equal(window.view.displayed_data(), survey.time_slice(120.0).data)


def test_prestack_steps_gathers_and_regroups_to_cdp(qtbot, window):
    survey = MemPrestack()
    window.set_survey(survey)
    assert window.navigator.mode == "gather"
    first = window.navigator.value
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert window.navigator.value == first + 1
    assert np.array_equal(window.view.displayed_data(), survey.gather(int(first + 1)).data)
    window.navigator.key_combo.setCurrentIndex(window.navigator.key_combo.findData("cdp"))
    assert window.survey.gather_key == "cdp"
    key = window.navigator.value
    assert np.array_equal(window.view.displayed_data(), window.survey.gather(int(key)).data)


def test_basemap_click_jumps_to_nearest_line(window):
    survey = MemPost3D()
    window.set_survey(survey)
    gx, gy = survey.grid_xy()
    window.basemap.click_xy(gx[7, 3] + 1.0, gy[7, 3] - 1.0)
    assert window.navigator.mode == "inline" and window.navigator.value == 107
    window.go_to("crossline", 200)
    window.basemap.click_xy(gx[7, 3], gy[7, 3])
    assert window.navigator.value == 206


def test_cursor_readout_in_status_bar(window):
    window.set_survey(MemPost3D())
    window.view.move_data(210, 60.0)
    text = window.readout.text()
    assert "inline 105" in text and "crossline 210" in text and "time 60 ms" in text
    assert "amplitude" in text and "X " in text


def test_broken_file_shows_error_and_keeps_previous_survey(tmp_path, window, errors):
    survey = MemPost3D()
    window.set_survey(survey)
    bad = tmp_path / "garbage.sgy"
    bad.write_bytes(os.urandom(5000))
    assert window.open_path(bad) is False
    assert len(errors) == 1 and "garbage.sgy" in errors[0][1]
    assert "\n" not in errors[0][1]
    assert window.survey is survey and not survey.closed
    window.go_to("inline", 101)  # still usable
    assert np.array_equal(window.view.displayed_data(), survey.inline(101).data)
    assert window.open_path(tmp_path / "missing.sgy") is False and len(errors) == 2


def test_open_real_shot_file_adds_recent_and_closes_previous(window, errors):
    path = shared("equinor+segyio/python/tutorials/viking_small.segy")
    mem = MemPost3D()
    window.set_survey(mem)
    assert window.open_path(path)
    assert mem.closed and window.survey.kind == "prestack" and not errors
    assert app_settings.recent_files(window.settings)[0] == str(path.resolve())
    g = window.survey.gather(int(window.navigator.value))
    assert np.array_equal(window.view.displayed_data(), g.data)


def test_recent_files_are_capped_and_deduplicated(settings, tmp_path):
    for i in range(12):
        app_settings.add_recent_file(settings, tmp_path / f"f{i}.sgy")
    app_settings.add_recent_file(settings, tmp_path / "f5.sgy")
    files = app_settings.recent_files(settings)
    assert len(files) == 10 and files[0].endswith("f5.sgy") and len(set(files)) == 10


def test_display_menu_choices_persist_in_settings(window, settings):
    window.set_survey(MemPost3D())
    window.set_colormap("gray")
    window.set_mode("wiggle_density")
    window.set_clip(95.0)
    assert window.view.colormap == "gray" and window.view.mode == "wiggle_density"
    assert settings.value("display/colormap") == "gray"
    assert float(settings.value("display/clip")) == 95.0


def test_header_viewer_shows_text_binary_and_trace_headers(qtbot, window):
    window.set_survey(MemPost3D())
    viewer = window.show_headers()
    qtbot.addWidget(viewer)
    assert "IN-MEMORY" in viewer.text.toPlainText()
    assert viewer.binary.rowCount() == 3
    first = viewer.trace_table.item(0, 2).text()
    qtbot.mouseClick(viewer.next_button, Qt.MouseButton.LeftButton)
    assert viewer.trace_spin.value() == window.section.trace_index[0] + 1
    assert viewer.trace_table.item(0, 2).text() == first  # same inline on the next trace
    viewer.close()


def test_header_viewer_gives_the_byte_positions_of_each_field(qtbot, window, tmp_path):
    from geodesk.synth.post3d import generate_post3d

    path = generate_post3d((4, 5, 30), seed=1).write(tmp_path / "v.sgy")
    assert window.open_path(path)
    viewer = window.show_headers()
    qtbot.addWidget(viewer)

    def rows(table):
        return {table.item(r, 1).text(): (table.item(r, 0).text(), table.item(r, 2).text())
                for r in range(table.rowCount())}

    trace, binary = rows(viewer.trace_table), rows(viewer.binary)
    assert trace["FieldRecord"][0] == "9-12" and trace["CDP_X"][0] == "181-184"
    assert trace["INLINE_3D"] == ("189-192", str(window.survey.trace_header(
        viewer.trace_spin.value())["INLINE_3D"]))
    assert binary["Interval"] == ("3217-3218", "4000") and binary["Format"][0] == "3225-3226"
    viewer.close()


def test_real_3d_file_keyboard_steps_match_survey_inlines(qtbot, window, errors):
    path = shared("equinor+segyio/test-data/f3.sgy")
    assert window.open_path(path) and not errors
    survey = window.survey
    press(qtbot, window, Qt.Key.Key_PageDown)
    il = int(window.navigator.value)
    assert np.array_equal(window.view.displayed_data(), survey.inline(il).data)
    window.go_to("time", 100.0)
    assert np.array_equal(window.view.displayed_data(), survey.time_slice(100.0).data)


def test_real_3d_file_with_missing_traces_shows_them_blank(window, errors):
    path = shared("equinor+xtgeo-testdata/cubes/etc/ex1_missing_traces_75x71x26.segy")
    assert window.open_path(path) and not errors
    survey = window.survey
    il = next(int(v) for i, v in enumerate(survey.inlines) if not survey.live_mask[i].all())
    window.go_to("inline", il)
    dead = ~np.asarray(window.section.live, dtype=bool)
    assert dead.any() and np.isnan(window.view.image.image[:, dead]).all()


def test_excepthook_shows_a_dialog(monkeypatch, qapp):
    import sys

    from geodesk.qt.app import install_excepthook

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook()
    try:
        raise RuntimeError("slot failed")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert shown == ["RuntimeError: slot failed"]


def test_import_dialog_reopens_with_byte_overrides_and_kind(monkeypatch, window, errors):
    from geodesk.qt.dialogs import ImportDialog

    path = shared("equinor+segyio/test-data/f3.sgy")
    chosen = {}

    def fake_exec(dlg):
        assert dlg.table.rowCount() > 0  # the header scan is shown
        assert dlg.spins["inline"].value() == 189
        dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("prestack"))
        dlg.spins["ffid"].setValue(189)  # group traces by the inline header
        chosen.update(dlg.overrides())
        return ImportDialog.DialogCode.Accepted

    monkeypatch.setattr(ImportDialog, "exec", fake_exec)
    assert window.open_with_bytes_dialog(path)
    assert chosen["kind"] == "prestack" and chosen["ffid"] == 189 and chosen["iline"] == 189
    assert window.survey.kind == "prestack" and window.survey.gather_key == "ffid"
    assert list(window.survey.gather_keys) == list(range(111, 134))
    assert not errors


def test_real_2d_line_shows_the_whole_line(window, errors):
    path = shared("seg+tutorials-2014/1410_Phase/data/penobscot_xl1155.sgy")
    assert window.open_path(path) and not errors
    assert window.navigator.mode == "line" and not window.navigator.spin.isEnabled()
    assert np.array_equal(window.view.displayed_data(), window.survey.line().data)
    assert len(window.basemap.outline.xData) == window.survey.n_traces


def test_geometry_problem_flags_degenerate_grids():
    from geodesk.qt.main_window import geometry_problem

    assert geometry_problem(MemPost3D()) is None
    assert "1 inline" in geometry_problem(MemPost3D(inlines=[100]))
    assert geometry_problem(MemPrestack()) is None


@pytest.mark.slow
def test_demo_loads_through_the_job_runner(qtbot, window):
    import geodesk.synth.demo  # noqa: F401  (an import error must fail, not skip)
    handle = window.load_demo("post3d")
    assert not window.job_status.isHidden()
    with qtbot.waitSignal(window.sig_survey_changed, timeout=60000):
        pass
    assert handle.outcome == "finished" and window.survey.kind == "post3d"
    il = int(window.navigator.value)
    assert np.array_equal(window.view.displayed_data(), window.survey.inline(il).data)
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=5000)


def test_every_feature_of_the_table_is_installed_with_the_session_and_menus_keep_their_order(window):
    from geodesk.qt.features import FEATURES, MENUS
    from geodesk.qt.main_window import MENU_TEXT

    assert list(window.features) == [f.name for f in FEATURES]
    assert window.picking is window.features["picking"]  # the window's names for its features
    titles = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    keys = [m for m in MENUS if MENU_TEXT.get(m, m) in titles]
    assert titles == [MENU_TEXT.get(m, m) for m in keys] and "&Processing" in keys
    assert [ly.name for ly in window.session.layers] == ["Fault probability", "Denoised data",
                                                         "DDTF", "Facies"]
    window.set_survey(MemPost3D())
    shown, reference = window.display_of(window.section)
    assert shown is window.section and reference is None  # no layer is shown yet


def test_header_warnings_of_a_survey_are_shown_in_the_status_bar(window):
    survey = MemPost3D()
    survey.warnings = ["binary header ns 1000 disagrees with the trace headers (500); 500 used"]
    window.set_survey(survey)
    assert "1 warning(s)" in window.readout.text()
    assert "500 used" in window.readout.toolTip()
    window.set_survey(MemPost3D())
    assert "warning" not in window.readout.text() and window.readout.toolTip() == ""
