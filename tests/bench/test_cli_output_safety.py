"""Every command of the CLI (enumerated from its own parser) refuses an output that is one of its
inputs (same path, symlink, hard link), lies in a project folder or replaces another kind of
file, and leaves the input's bytes unchanged (bench/bench_cli_safety.py)."""

import bench_cli_safety as bench
import pytest

from geodesk.cli import build_parser, leaf_parsers


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return bench.measure(tmp_path_factory.mktemp("cli_safety"))


def test_every_command_of_the_parser_declares_its_inputs_and_outputs():
    undeclared = [" ".join(w) for w, p in leaf_parsers(build_parser()).items()
                  if p.get_default("io_outputs") is None]
    assert undeclared == []


def test_commands_declared_read_only_have_no_output():
    parsers = leaf_parsers(build_parser())
    for words in bench.READ_ONLY:
        assert parsers[words].get_default("io_outputs") == {}
        assert parsers[words].get_default("io_extra") is None


def test_every_command_with_an_output_has_a_case(report):
    assert report["commands_without_case"] == []
    assert report["commands_with_output"] == len(leaf_parsers(build_parser())) - len(
        bench.READ_ONLY)


def test_every_case_is_refused_with_one_line_and_the_inputs_kept(report):
    assert [(r["command"], r["variant"], r["rc"], r["stderr"]) for r in report["not_refused"]] \
        == []
    assert report["inputs_changed"] == 0
    assert report["commands_refused"] == report["commands_with_output"]


def test_the_harness_sees_a_command_whose_check_is_missing(tmp_path, monkeypatch):
    import geodesk.cli

    paths = bench.make_inputs(tmp_path)
    (tmp_path / "links").mkdir()
    track = next(c for c in bench.cases(paths) if c.words == ("track",))
    monkeypatch.setattr(geodesk.cli, "check_io", lambda args: None)
    result = bench.run_case(track, "same", tmp_path / "links", [paths["post3d"]])
    assert not result["refused"] and result["rc"] == 0 and not result["kept"]


def test_force_replaces_a_file_of_another_kind_but_never_an_input(tmp_path, capsys):
    from geodesk.cli import main

    old = tmp_path / "old.csv"
    old.write_text("cdp,time_ms,vrms_mps\n1,0,1500\n")
    argv = ["synth", "shots", str(old), "--size", "2x8x32"]
    assert main(argv) == 2 and "holds text (CSV)" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0 and old.read_bytes()[3200:3202] != b"cd"
    before = old.read_bytes()
    assert main(["denoise", str(old), str(old), "--force", "--quiet"]) == 2
    assert "is the input" in capsys.readouterr().err and old.read_bytes() == before
