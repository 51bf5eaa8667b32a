"""Switching between inline, crossline and time slice at the cursor (issue 14 gaps): keys I, X
and T show the section through the point under the mouse, and choosing another direction in
the navigator opens it at the cursor, not in the middle of the survey."""

import numpy as np
from memsurvey import MemPost3D
from PySide6.QtCore import Qt


def test_keys_switch_to_the_sections_through_the_point_under_the_mouse(qtbot, window):
    survey = MemPost3D()
    window.set_survey(survey)
    assert window.navigator.value == 105
    window.view.move_data(214, 60.0)
    qtbot.keyClick(window.view, Qt.Key.Key_X)
    assert window.navigator.mode == "crossline" and window.navigator.value == 214
    assert np.array_equal(window.view.displayed_data(), survey.crossline(214).data)
    qtbot.keyClick(window.view, Qt.Key.Key_T)
    assert window.navigator.mode == "time" and window.navigator.value == 60.0
    window.view.move_data(103, 226)  # on the time slice: inline 103 across, crossline 226 down
    qtbot.keyClick(window.view, Qt.Key.Key_I)
    assert window.navigator.mode == "inline" and window.navigator.value == 103


def test_a_new_crossline_from_the_navigator_opens_at_the_cursor(window):
    survey = MemPost3D()
    window.set_survey(survey)
    window.view.move_data(204, 40.0)
    nav = window.navigator
    nav.mode_combo.setCurrentIndex(nav.mode_combo.findData("crossline"))
    assert nav.mode == "crossline" and nav.value == 204  # not the middle crossline
    assert np.array_equal(window.view.displayed_data(), survey.crossline(204).data)


def test_without_a_cursor_the_keys_say_what_to_do(window):
    window.set_survey(MemPost3D())
    assert not window.show_at_cursor("crossline")
    assert "Move the mouse" in window.statusBar().currentMessage()
    assert window.navigator.mode == "inline"
