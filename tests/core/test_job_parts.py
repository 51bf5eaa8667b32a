"""The Qt-free job API: a part of a job reports into its share and follows the parent's cancel."""

import pytest

from geodesk.core.jobs import Cancelled, JobContext, PartContext


def test_a_part_reports_into_its_share_of_the_parent_and_follows_its_cancel():
    seen = []
    parent = JobContext(on_progress=lambda f, t: seen.append((round(f, 3), t)), min_interval_s=0)
    part = PartContext(parent, 2, 4, "shot 3 of 4")
    part.progress(0.5, "inner text")
    assert seen[-1] == (0.625, "shot 3 of 4")  # (2 + 0.5) / 4, with the part's label
    PartContext(parent, 0, 2).progress(2.0, "own text")  # clamped; its own text without a label
    assert seen[-1] == (0.5, "own text")
    parent.cancel()
    assert part.cancelled
    with pytest.raises(Cancelled):
        part.check_cancel()
