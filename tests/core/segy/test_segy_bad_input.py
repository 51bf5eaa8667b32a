"""Bad input is refused with one clear line, never a traceback, SIGBUS or segfault."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from geodesk.commands import info as info_cmd
from geodesk.core.segy.reader import open_survey
from geodesk.core.survey import SurveyError


def _refused(path, match, **kw):
    with pytest.raises(SurveyError, match=match) as err:
        open_survey(path, **kw).close()
    assert "\n" not in str(err.value)


def test_missing_file_and_directory(tmp_path):
    _refused(tmp_path / "nope.sgy", "no such file")
    _refused(tmp_path, "is a directory")


def test_empty_and_tiny_and_not_segy(tmp_path):
    (tmp_path / "empty.sgy").write_bytes(b"")
    _refused(tmp_path / "empty.sgy", "empty")
    (tmp_path / "tiny.sgy").write_bytes(b"hello")
    _refused(tmp_path / "tiny.sgy", "not a SEG-Y file")
    (tmp_path / "text.sgy").write_bytes(b"x" * 3600)
    _refused(tmp_path / "text.sgy", "no traces")
    (tmp_path / "noise.sgy").write_bytes(bytes(range(256)) * 40)
    _refused(tmp_path / "noise.sgy", "not a SEG-Y file|not a whole number")


def _small_copy(segyio_data, tmp_path):
    dest = tmp_path / "small.sgy"
    shutil.copy(segyio_data / "small.sgy", dest)
    return dest


def test_zero_samples_refused(segyio_data, tmp_path):
    path = _small_copy(segyio_data, tmp_path)
    raw = bytearray(path.read_bytes())
    raw[3220:3222] = b"\0\0"
    for i in range(25):  # ns byte 115 of every trace header
        off = 3600 + i * (240 + 200) + 114
        raw[off:off + 2] = b"\0\0"
    path.write_bytes(bytes(raw))
    _refused(path, "number of samples is 0")


def test_truncated_and_shared_broken_files(segyio_data, tmp_path):
    path = _small_copy(segyio_data, tmp_path)
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size - 100)
    _refused(path, "file size is not a whole number of traces")
    _refused(segyio_data / "broken.sgy", "not a whole number of traces")


def test_file_truncated_or_deleted_while_open(segyio_data, tmp_path):
    path = _small_copy(segyio_data, tmp_path)
    s = open_survey(path)
    try:
        s.inline(2)
        with open(path, "r+b") as fh:
            fh.truncate(4000)
        for read in (lambda: s.inline(2), lambda: s.time_slice(0), lambda: s.trace(24),
                     lambda: s.header_values(5)):
            with pytest.raises(SurveyError, match="file changed on disk"):
                read()
    finally:
        s.close()
    (tmp_path / "again").mkdir()
    path2 = _small_copy(segyio_data, tmp_path / "again")
    s = open_survey(path2)
    try:
        os.unlink(path2)
        with pytest.raises(SurveyError, match="file changed on disk"):
            s.crossline(21)
    finally:
        s.close()


def test_unknown_kind_and_endian(segyio_data):
    _refused(segyio_data / "small.sgy", "unknown kind", kind="cube")
    _refused(segyio_data / "small.sgy", "unknown endianness", endian="middle")


def test_su_forced_and_truncated_su(segy_dir, segyio_data):
    with open_survey(segy_dir / "drousset+SeismicUnix/src/demos/Noise/Ground_Roll/ozdata.16",
                     su=True) as s:
        assert s.is_su and (s.n_traces, s.n_samples) == (48, 1325)
    _refused(segy_dir / "drousset+SeismicUnix/src/demos/Noise/Ground_Roll/oz16.su",
             "probably truncated")
    with open_survey(segyio_data / "small-lsb.su") as s, \
            open_survey(segyio_data / "small.su") as big:
        assert (s.endian, big.endian, s.n_traces) == ("little", "big", 25)
        np.testing.assert_array_equal(s.traces(slice(None)), big.traces(slice(None)))


def _run_info(argv):
    parser = argparse.ArgumentParser()
    info_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["info", *argv])
    return args.func(args)


def test_info_json_and_headers(segyio_data, capsys):
    assert _run_info([str(segyio_data / "small.sgy"), "--json", "--headers"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "post3d" and out["inlines"] == [1, 5, 1]
    assert out["format"] == {"code": 1, "name": "4-byte IBM float"}
    assert any(r["name"] == "INLINE_3D" and r["distinct"] == 5 for r in out["headers"])
    assert _run_info([str(segyio_data / "small.sgy")]) == 0
    assert "inlines     1..5" in capsys.readouterr().out


def test_cli_bad_file_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.sgy"
    bad.write_bytes(b"\0" * 100)
    code = ("import sys; from geodesk.cli import main, COMMAND_MODULES\n"
            "import geodesk.cli as c\n"
            "c.COMMAND_MODULES = ('info',)\n"
            "sys.exit(main(['info', sys.argv[1]]))\n")
    out = subprocess.run([sys.executable, "-c", code, str(bad)], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("geodesk: error: bad.sgy")
