"""``geodesk synth``: argument parsing, files written, user errors."""

from __future__ import annotations

import argparse

import pytest
import segyio

from geodesk.cli import CommandError
from geodesk.commands import synth
from geodesk.synth import load_truth


def _run(argv):
    parser = argparse.ArgumentParser(prog="geodesk")
    synth.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.mark.parametrize(
    "kind, size, n_traces",
    [
        ("post3d", "5x6x30", 30),
        ("shots", "2x10x120", 20),
        ("cmps", "3x8x100", 24),
    ],
)
def test_synth_writes_segy_and_truth_and_says_so(tmp_path, capsys, kind, size, n_traces):
    out = tmp_path / f"{kind}.sgy"
    assert (
        _run(
            [
                "synth",
                kind,
                str(out),
                "--size",
                size,
                "--seed",
                "3",
                "--snr",
                "10",
                "--dt",
                "2",
                "--format",
                "1",
                "--endian",
                "little",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert str(out) in printed and "truth" in printed and "SNR 10 dB" in printed
    with segyio.open(str(out), ignore_geometry=True, endian="little") as f:
        assert f.tracecount == n_traces
        assert int(f.format) == 1
        assert f.samples[1] == 2.0
    truth = load_truth(out)
    assert truth["kind"] == kind and truth["seed"] == 3


def test_parse_size_accepts_axbxc_and_rejects_garbage():
    assert synth.parse_size("100x120x400") == (100, 120, 400)
    for bad in ("100x120", "axbxc", "0x5x5", ""):
        with pytest.raises(CommandError):
            synth.parse_size(bad)


def test_missing_output_folder_is_a_user_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        _run(["synth", "cmps", str(tmp_path / "nope" / "c.sgy"), "--size", "2x4x50"])
