"""Velocity analysis opens on the first CDP with enough fold, or says why none has (issue 14,
defect 4)."""

import numpy as np

from geodesk.core.processing.fold import MIN_FOLD, start_cdp


class Cmps:
    def __init__(self, keys, sizes):
        self.gather_keys = np.asarray(keys)
        self.gather_sizes = np.asarray(sizes)


def test_the_first_cdp_with_enough_traces_is_chosen_over_one_trace_cdps():
    cdp, note = start_cdp(Cmps([1, 2, 3, 4, 5], [1, 2, MIN_FOLD, 40, 3]))
    assert cdp == 3 and note is None


def test_without_enough_fold_the_fullest_cdp_is_chosen_and_the_reason_given():
    cdp, note = start_cdp(Cmps([10, 11, 12], [1, 4, 2]))
    assert cdp == 11
    assert "No CDP has 6 traces" in note and "4 at CDP 11" in note


def test_fold_is_counted_from_trace_lists_when_the_survey_has_no_sizes():
    class Indexed:
        gather_keys = np.array([7, 8])

        def gather_indices(self, key):
            return np.arange(1 if key == 7 else 9)

    assert start_cdp(Indexed()) == (8, None)
