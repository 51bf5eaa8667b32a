"""Atomic writes: the target holds the old or the new content, never a partial file or a temp."""

import errno
import os

import h5py
import numpy as np
import pytest

from geodesk.core import atomic


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_text_creates_and_replaces(tmp_path):
    target = tmp_path / "a.json"
    atomic.write_text(target, "one\n")
    atomic.write_text(target, "two\r\n")
    assert target.read_bytes() == b"two\r\n"
    assert _leftovers(tmp_path) == []


def test_write_bytes_round_trip(tmp_path):
    target = tmp_path / "b.bin"
    payload = bytes(range(256)) * 10
    atomic.write_bytes(target, payload)
    assert target.read_bytes() == payload


def test_error_inside_block_keeps_old_file_and_removes_temp(tmp_path):
    target = tmp_path / "c.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic.atomic_open(target, "w") as fh:
        fh.write("new new new")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_disk_full_on_fsync_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "d.txt"
    target.write_text("old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(OSError) as info:
        atomic.write_text(target, "new")
    assert info.value.errno == errno.ENOSPC
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_failed_rename_removes_temp(tmp_path, monkeypatch):
    target = tmp_path / "e.txt"
    target.write_text("old")

    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(PermissionError):
        atomic.write_text(target, "new")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_hdf5_written_atomically(tmp_path):
    target = tmp_path / "f.h5"
    with atomic.atomic_hdf5(target) as h5:
        h5["x"] = np.arange(5, dtype=np.float32)
    with pytest.raises(ValueError), atomic.atomic_hdf5(target) as h5:
        h5["x"] = np.zeros(3)
        raise ValueError("half written")
    with h5py.File(target, "r") as h5:
        np.testing.assert_array_equal(h5["x"][()], np.arange(5, dtype=np.float32))
    assert _leftovers(tmp_path) == []


def test_atomic_path_file_is_invisible_until_commit(tmp_path):
    target = tmp_path / "g.dat"
    with atomic.atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_bytes(b"xyz")
        assert not target.exists()
    assert target.read_bytes() == b"xyz"
    assert os.listdir(tmp_path) == ["g.dat"]


def test_atomic_open_rejects_append_mode(tmp_path):
    with pytest.raises(ValueError), atomic.atomic_open(tmp_path / "h", "a"):
        pass


def test_start_writeback_keeps_the_bytes_and_is_a_no_op_without_fadvise(tmp_path, monkeypatch):
    path = tmp_path / "stream.bin"
    chunks = [bytes([i]) * 100_000 for i in range(5)]
    with open(path, "wb") as f:
        for c in chunks:
            f.write(c)
            atomic.start_writeback(f, recent=150_000)
        monkeypatch.delattr(atomic.os, "posix_fadvise", raising=False)
        f.write(b"end")
        atomic.start_writeback(f)  # nothing to call: returns quietly
    assert path.read_bytes() == b"".join(chunks) + b"end"


def test_temporary_files_are_new_private_files_beside_the_target(tmp_path, monkeypatch):
    import stat

    target = tmp_path / "out.sgy"
    taken = tmp_path / f".out.sgy.{'00' * 6}.tmp"
    taken.write_bytes(b"someone else's")
    draws = iter([b"\0" * 6, b"\1" * 6])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    tmp = atomic._temp_name(target)
    assert tmp == tmp_path / f".out.sgy.{'01' * 6}.tmp" and tmp.read_bytes() == b""
    assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
    assert taken.read_bytes() == b"someone else's"  # an existing name is never reused
