"""Overlay colours against the colormap: default colours that blend in are replaced."""

import pytest

from geodesk.core import display
from geodesk.core import overlay_colours as oc


@pytest.mark.parametrize("cmap", display.COLORMAPS)
def test_default_fault_and_horizon_colours_stand_out_on_every_colormap(cmap):
    for default in ("#ff3030", "#ffcc00"):
        drawn = oc.drawn_colour(default, cmap)
        assert oc.distance_to_colormap(drawn, cmap) >= oc.MIN_DISTANCE


def test_red_sticks_are_not_drawn_red_on_red_white_blue():
    drawn = oc.drawn_colour("#ff3030", "seismic")
    lut = display.colormap_lut("seismic")
    ends = ["#{:02x}{:02x}{:02x}".format(*lut[i, :3]) for i in (0, 64, -1)]
    assert drawn not in ends and drawn != "#ff3030"
    assert oc.distance_to_colormap("#ff3030", "seismic") < oc.MIN_DISTANCE


def test_a_chosen_colour_is_kept():
    assert oc.drawn_colour("#ff0000", "seismic") == "#ff0000"  # the user chose it


def test_contrasting_orders_by_visibility_and_excludes_used():
    order = oc.contrasting("gray")
    d = [oc.distance_to_colormap(c, "gray") for c in order]
    assert d == sorted(d, reverse=True)
    assert order[0] not in oc.contrasting("gray", exclude=(order[0],))
