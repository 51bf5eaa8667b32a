"""Corrupted-project fuzz, bounded for CI (``bench/fuzz_projects.py`` runs the long one): a
damaged save of the current layout is refused or opens exactly as saved, never altered; no
layout ever gives a traceback or a hang."""

import collections

import projfuzz
import pytest


@pytest.mark.parametrize(("layout", "cases", "seed"), [("current", 40, 11), ("old", 6, 12)])
def test_corrupted_projects_are_refused_or_exact_never_a_traceback_or_hang(
        tmp_path, layout, cases, seed):
    base = projfuzz.build_project(tmp_path / "base", layout)
    records = projfuzz.run_cases(base, tmp_path / "work", cases, seed, timeout_s=60.0)
    outcomes = collections.Counter(r["outcome"] for r in records)
    bad = [r for r in records if r["outcome"] in ("traceback", "hang")]
    assert bad == []
    if layout == "current":  # checksummed: nothing loads altered
        assert outcomes["refused"] + outcomes["exact"] == cases, records
        assert outcomes["refused"] > 0
