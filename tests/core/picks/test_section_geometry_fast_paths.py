"""Flip fast paths of the pick geometry give what the general paths give: a horizon's row or
column of its grid = the searched flat index; the sticks on a line found through the segment
table = the pass over every stick."""

import numpy as np
import pytest
from test_stick_crossings import _faults, _section

from geodesk.core.picks import Horizon
from geodesk.core.picks.section_geometry import (
    StickSegments,
    _grid_line_index,
    horizon_flat_index,
    sticks_xy,
)
from geodesk.core.section import Axis, Section
from geodesk.core.tools.base import section_keys


def _searched(h, sec, line):
    il, xl = section_keys(sec, line)
    return h.flat_index_or_missing(il, xl)


@pytest.mark.parametrize("kind", ["inline", "crossline"])
def test_a_whole_grid_line_is_a_row_or_column_and_equals_the_search(kind):
    h = Horizon("H", np.arange(100, 130), np.arange(200, 250, 2))
    along = h.crosslines if kind == "inline" else h.inlines
    sec = Section(np.zeros((along.size, 4), np.float32),
                  Axis(along.astype(float), "crossline" if kind == "inline" else "inline"),
                  Axis(np.arange(4.0), "time", "ms"), kind, kind)
    lines = (h.inlines if kind == "inline" else h.crosslines).tolist()
    for line in [*lines, lines[0] - 1, lines[-1] + 7, 201.0 if kind == "crossline" else 99.0]:
        fast = _grid_line_index(h, sec, float(line))
        assert fast is not None
        np.testing.assert_array_equal(fast, _searched(h, sec, float(line)))
        np.testing.assert_array_equal(horizon_flat_index(h, sec, float(line)), fast)


def test_sections_not_on_the_grid_take_the_searched_path():
    h = Horizon("H", np.arange(100, 130), np.arange(200, 250))
    for values in (np.arange(190.0, 240.0), np.arange(249.0, 199.0, -1.0),
                   np.arange(200.0, 225.0)):
        sec = Section(np.zeros((values.size, 4), np.float32), Axis(values, "crossline"),
                      Axis(np.arange(4.0), "time", "ms"), "inline", "inline")
        assert _grid_line_index(h, sec, 110.0) is None
        np.testing.assert_array_equal(horizon_flat_index(h, sec, 110.0),
                                      _searched(h, sec, 110.0))


def test_sticks_on_a_line_from_the_segment_table_equal_the_pass_over_every_stick():
    fs = _faults(np.random.default_rng(6))
    seg = StickSegments(fs)
    found = 0
    for kind, sec in (("inline", _section("inline", 50, 195)),
                      ("crossline", _section("crossline", 40, 90, descending=True))):
        for line in range(88, 253):
            got, want = sticks_xy(fs, sec, float(line), seg), sticks_xy(fs, sec, float(line))
            assert [c for c, _ in got] == [c for c, _ in want]
            for (_, g), (_, w) in zip(got, want):
                assert len(g) == len(w)
                for a, b in zip(g, w):
                    np.testing.assert_array_equal(a, b)
            found += sum(len(g) for _, g in got)
    assert found > 10  # lines with sticks and lines without
