"""CSV mutants (bench/bench_csv_mutants.py): every mutant of a valid pick file is imported exactly
as an independent oracle reads it, or refused with its line number and nothing changed."""

import bench_csv_mutants as bench
from hypothesis import given, settings
from hypothesis import strategies as st

OK = ("refused_with_line", "imported_exactly")


@settings(max_examples=80, derandomize=True, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_every_csv_mutant_is_imported_exactly_or_refused_with_its_line(tmp_path_factory, seed):
    result = bench.run_mutant(seed, tmp_path_factory.mktemp("mutant"))
    assert result["outcome"] in OK, result


def test_the_oracle_sees_values_that_break_the_rules():
    m = bench.Mutant("velocities", [["1", "0", "1500"], ["1", "4", "1e308"]])
    expected, bad, _ = bench.oracle(m)
    assert expected is None and bad == {3}
    m = bench.Mutant("velocities", [["1", "0", "1500"], ["2", "4", "2500.5"]])
    assert bench.oracle(m)[0] == {1: [(0.0, 1500.0)], 2: [(4.0, 2500.5)]}
