"""Derived layers in the window: shown instead of the data, in a view beside it, or not at all."""

import numpy as np
from memsurvey import MemPost3D

from geodesk.core.derived import DerivedLayer, like


def _doubled(section):
    return like(section, section.data * 2.0, f"{section.title} — doubled"), section


def test_a_layer_moves_between_the_main_view_and_a_view_beside_it(window, qtbot):
    window.set_survey(MemPost3D())
    layers = window.features["layers"]
    window.session.layers.add(DerivedLayer("Doubled", _doubled))
    sec = window.section
    np.testing.assert_array_equal(window.view.section.data, sec.data * 2.0)  # instead of the data
    assert "Doubled" not in layers.docks or not layers.docks["Doubled"].isVisible()

    layers.set_placement("Doubled", "beside")
    np.testing.assert_array_equal(window.view.section.data, sec.data)  # the data again
    dock = layers.docks["Doubled"]
    assert not dock.isHidden()
    np.testing.assert_array_equal(dock.widget().section.data, sec.data * 2.0)

    window.step(1)  # the beside view follows the navigation
    np.testing.assert_array_equal(dock.widget().section.data, window.section.data * 2.0)

    window.session.layers.update("Doubled", visible=False)
    assert dock.isHidden()
    np.testing.assert_array_equal(window.view.section.data, window.section.data)


def test_the_layers_menu_lists_every_layer_with_its_placements(window):
    window.session.layers.add(DerivedLayer("Doubled", _doubled, placement="over", opacity=0.3))
    layers = window.features["layers"]
    layers.menu.aboutToShow.emit()
    names = [a.text() for a in layers.menu.actions()]
    assert names == ["Fault probability", "Denoised data", "DDTF", "Facies", "Doubled"]
    sub = layers.menu.actions()[4].menu()
    checked = [a.text() for a in sub.actions() if a.isCheckable() and a.isChecked()]
    assert checked == ["Over the data"]
    layers.set_opacity("Doubled", 0.7)
    assert window.session.layers.get("Doubled").opacity == 0.7
