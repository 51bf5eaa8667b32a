"""Opening a project shows the display it was saved with (colormap, clip, AGC), not whatever the
window showed before; a new project records the window's display."""

from geodesk.synth.post3d import generate_post3d


def _saved_project(window, tmp_path):
    path = generate_post3d((4, 5, 40), seed=2).write(tmp_path / "v.sgy")
    assert window.open_path(path)
    ctrl = window.project_controller
    assert ctrl.new_project(tmp_path / "p")
    window.set_colormap("gray")
    window.set_clip(95.0)
    window.view.set_agc(False, 250.0)
    window.set_agc(True)
    assert ctrl.save()
    return window.project.folder


def test_opening_a_project_shows_its_saved_colormap_clip_and_agc(window, tmp_path):
    folder = _saved_project(window, tmp_path)
    ctrl = window.project_controller
    window.set_colormap("seismic")
    window.set_clip(99.0)
    window.set_agc(False)
    assert ctrl.open_project(folder)
    v = window.view
    assert v.colormap == "gray" and v.clip_percentile == 95.0 and v.clip_fixed is None
    assert v.agc_enabled and v.agc_window_ms == 250.0
    assert window.colormap_actions["gray"].isChecked() and window.agc_action.isChecked()
    assert window.project.display["colormap"] == "gray"


def test_a_saved_clip_by_value_comes_back_on_open(window, tmp_path):
    folder = _saved_project(window, tmp_path)
    window.section_display.ask_clip_value(0.5)
    assert window.project_controller.save()
    window.view.set_clip_percentile(99.0)
    assert window.project_controller.open_project(folder)
    assert window.view.clip_fixed == 0.5


def test_a_new_project_records_the_display_the_window_shows(window, tmp_path):
    window.set_colormap("gray")
    path = generate_post3d((4, 5, 40), seed=2).write(tmp_path / "v.sgy")
    assert window.open_path(path)
    assert window.project_controller.new_project(tmp_path / "p")
    assert window.view.colormap == "gray" and window.project.display["colormap"] == "gray"
