"""The window's background denoising takes runs of pending sections, which share a slab."""

from __future__ import annotations

import numpy as np

from geodesk.core.derived import SectionQueue


def test_a_run_takes_the_pending_sections_after_the_popped_one_off_the_queue():
    from geodesk.qt.models.denoise_view import pending_run

    vals = np.arange(100.0, 120.0)
    queue = SectionQueue("inline", vals, focus=105.0, done=[109.0])
    first = queue.pop()
    assert first == 105.0
    run = pending_run(queue, vals, first, longest=8)
    assert run == [105.0, 106.0, 107.0, 108.0]  # 109 was done already: the run stops there
    assert not any(queue.is_pending(v) for v in run)
    assert queue.is_pending(110.0) and queue.is_pending(104.0)
    assert pending_run(queue, vals, 119.0, longest=8) == [119.0]  # the last section
