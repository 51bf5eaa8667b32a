"""Region merging of over-split facies classes: contacts are counted along every axis (zero =
no class, not counted), classes interleaved along time are merged before units that only
meet at a boundary, and the result depends only on the counts."""

import numpy as np

from geodesk.ml.facies_merge import contact_counts, merge_by_contact


def brute_contacts(c, k):
    out = np.zeros((k + 1, k + 1), int)
    for ax in range(c.ndim):
        a = np.take(c, range(c.shape[ax] - 1), axis=ax).ravel()
        b = np.take(c, range(1, c.shape[ax]), axis=ax).ravel()
        np.add.at(out, (a, b), 1)
    out = out + out.T - np.diag(np.diag(out))
    return out[1:, 1:]


def test_contacts_match_a_plain_count_along_every_axis_and_ignore_zero():
    c = np.random.default_rng(0).integers(0, 4, (19, 6, 9))  # 19 lines: crosses the chunks
    np.testing.assert_array_equal(contact_counts(c, 3), brute_contacts(c, 3))
    np.testing.assert_array_equal(contact_counts(c[0], 3), brute_contacts(c[0], 3))  # a map


def layered(n_lines=4, n_traces=5):
    """Unit A (classes 1 and 2 alternating every 2 samples: events and gaps), then unit B
    (class 3) and unit C (class 4)."""
    col = np.concatenate([np.where((np.arange(40) // 2) % 2, 2, 1), np.full(30, 3),
                          np.full(30, 4)])
    return np.broadcast_to(col, (n_lines, n_traces, col.size)).copy()


def test_classes_interleaved_inside_a_unit_are_merged_first():
    c = layered()
    sizes = np.bincount(c.ravel(), minlength=5)[1:]
    groups = merge_by_contact(contact_counts(c, 4), sizes, 3)
    assert groups[0] == groups[1]
    assert len({groups[0], groups[2], groups[3]}) == 3


def test_merging_to_as_many_groups_as_classes_changes_nothing():
    c = layered()
    sizes = np.bincount(c.ravel(), minlength=5)[1:]
    np.testing.assert_array_equal(merge_by_contact(contact_counts(c, 4), sizes, 4),
                                  np.arange(4))
