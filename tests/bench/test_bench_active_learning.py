"""bench_active_learning: the order the review queue proposes, the figures of the learning
curves (corrections to a level, area, ratio, the secondary measure), and one tiny piece that is
saved and resumed."""

import json

import bench_active_learning as al
import numpy as np
import pytest


def test_needed_is_the_first_round_at_the_level_or_none():
    assert al.needed([0.5, 0.7, 0.9, 0.85], 0.8) == 2
    assert al.needed([0.5, 0.7], 0.8) is None
    assert al.needed([0.9], 0.8) == 0


def test_area_is_the_mean_score_over_the_curve():
    assert al.area([0.0, 0.5, 1.0]) == pytest.approx(0.5)


def test_ratio_when_every_order_reaches_the_target():
    s = al.summarise([0.5, 0.9, 0.9], [[0.5, 0.6, 0.9], [0.5, 0.9, 0.9]], 0.8)
    assert s["corrections_to_target"] == {"uncertainty": 1, "random": [2, 1]}
    assert s["ratio_uncertainty_over_random"] == pytest.approx(1 / 1.5, abs=1e-3)
    assert s["target_met"] is False and s["target_shown"] is True
    assert "secondary_not_the_target" not in s


def test_secondary_measure_when_random_never_reaches_the_target():
    s = al.summarise([0.5, 0.7, 0.72, 0.72], [[0.5, 0.55, 0.6, 0.7], [0.5, 0.6, 0.6, 0.6],
                                            [0.5, 0.5, 0.6, 0.65]], 0.8)
    sec = s["secondary_not_the_target"]
    assert s["ratio_uncertainty_over_random"] is None and not s["target_shown"]
    assert sec["random_mean_at_budget"] == pytest.approx(0.65)
    assert sec["uncertainty_corrections_to_that_level"] == 1
    assert sec["random_corrections_to_that_level"] == [3, None, 3]
    assert sec["area_under_curve"]["uncertainty"] == pytest.approx(np.mean([0.5, 0.7, 0.72,
                                                                            0.72]), abs=1e-4)
    assert sec["area_under_curve"]["random_sd"] > 0


def test_curves_are_cut_to_the_budget_every_order_reached():
    s = al.summarise([0.5, 0.6, 0.7, 0.8], [[0.5, 0.6], [0.5, 0.7, 0.7]], 0.9)
    assert s["budget_compared"] == 1
    assert s["random_mean_curve"] == [0.5, 0.65]


def test_queue_order_takes_the_most_uncertain_then_skips_its_neighbour():
    from geodesk.core.review import ReviewQueue

    q = ReviewQueue()
    positions = {k: float(k) for k in range(6)}
    scores = {0: 0.1, 1: 0.2, 2: 0.9, 3: 0.85, 4: 0.3, 5: 0.6}
    first = al.next_from_queue(q, scores, positions)
    q.mark_reviewed(first)
    del scores[first]
    assert first == 2
    assert al.next_from_queue(q, scores, positions) == 5  # 3 sits next to 2: discounted


@pytest.mark.slow
def test_a_piece_saves_each_round_and_a_later_piece_resumes(tmp_path):
    common = ["--task", "faults", "--pool", "2", "--scored", "1", "--steps", "1",
              "--traces", "64", "--samples", "64", "--out", str(tmp_path)]
    al.main(common + ["--order", "uncertainty", "--until", "1"])
    st = json.loads((tmp_path / "faults-uncertainty.json").read_text())
    assert st["chosen"] and len(st["rounds"]) == 1
    assert len(st["rounds"][0]["queue_scores_sorted"]) == 2  # the queue saw the whole pool
    assert (tmp_path / "faults-uncertainty.pt").is_file()
    al.main(common + ["--order", "uncertainty", "--until", "2"])
    st = json.loads((tmp_path / "faults-uncertainty.json").read_text())
    assert sorted(st["chosen"]) == [71000, 71001]
    r = st["rounds"][-1]
    assert r["corrections"] == 2 and 0.0 <= r["scored"]["f1"] <= 1.0
    assert r["corrected_items_base"]["labels"] == r["corrected_items"]["labels"] > 0
