"""The review queue: most uncertain first, no run of neighbours, reviewed items skipped, new
scores keep the reviewed marks."""

from __future__ import annotations

from geodesk.core.review import ReviewQueue


def _queue(scores, **kw):
    q = ReviewQueue(**kw)
    q.update(dict(enumerate(scores)))
    return q


def test_queue_orders_far_apart_items_by_score():
    q = _queue([0.1, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.5], spacing=3)
    assert q.order(limit=3) == [4, 8, 0]


def test_queue_keeps_neighbours_out_of_a_run():
    # gathers 10-12 are all uncertain; a lone gather 30 a bit less so: it comes between them
    scores = {k: 0.05 for k in range(40)}
    scores.update({10: 1.0, 11: 0.95, 12: 0.9, 30: 0.7})
    q = ReviewQueue(spacing=3)
    q.update(scores, {k: float(k) for k in scores})
    order = q.order(limit=3)
    assert order[0] == 10 and order[1] == 30
    assert abs(order[2] - order[0]) >= 2  # not the direct neighbour of the first
    plain = ReviewQueue(spacing=0)
    plain.update(scores)
    assert plain.order(limit=3) == [10, 11, 12]  # without diversity: the run


def test_reviewed_items_are_skipped_and_advance_marks_the_current():
    q = _queue([0.2, 0.0, 0.0, 0.9, 0.0, 0.0, 0.7], spacing=2)
    first = q.next()
    assert first == 3
    second = q.advance(first)
    assert q.is_reviewed(3) and second == 6 and 3 not in q.order()
    q.advance(second)
    assert q.next() == 0
    q.unmark(3)
    assert q.next() == 3


def test_new_scores_after_a_model_update_keep_reviewed_marks():
    q = _queue([0.9, 0.1, 0.1, 0.8], spacing=0)
    q.advance(q.next())  # 0 reviewed
    q.update({0: 0.0, 1: 0.95, 2: 0.1, 3: 0.2})  # the model improved where 3 was wrong
    assert q.is_reviewed(0)
    assert q.order() == [1, 3, 2]


def test_every_item_reviewed_gives_none():
    q = _queue([0.5, 0.4], spacing=0)
    q.mark_reviewed(0)
    q.mark_reviewed(1)
    assert q.next() is None and q.remaining() == 0


def test_cdp_positions_in_two_dimensions():
    q = ReviewQueue(spacing=5)
    q.update({(1, 1): 1.0, (1, 2): 0.9, (20, 20): 0.5},
             {(1, 1): (1, 1), (1, 2): (1, 2), (20, 20): (20, 20)})
    assert q.order() == [(1, 1), (20, 20), (1, 2)]
