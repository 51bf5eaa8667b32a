"""HDF5 volume cache: built as a cancellable job, used for time slices, ignored when stale."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from geodesk.core.jobs import Cancelled, JobContext, run_inline
from geodesk.core.segy.reader import open_survey
from geodesk.core.segy.volume_cache import build_volume_cache, default_cache_path


@pytest.fixture
def f3_copy(segyio_data, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_CACHE", str(tmp_path / "cache"))
    dest = tmp_path / "f3.sgy"
    shutil.copy(segyio_data / "f3.sgy", dest)
    return dest


def test_cache_gives_the_same_time_slices_and_is_found_on_open(f3_copy):
    with open_survey(f3_copy) as s:
        expected = [s.time_slice(t).data for t in (4, 100, 300)]
        fractions = []
        ctx = JobContext(on_progress=lambda f, _t: fractions.append(f), min_interval_s=0)
        path = run_inline(lambda c: build_volume_cache(s, ctx=c), ctx)
        assert path == default_cache_path(s) and fractions[-1] == 1.0
    with open_survey(f3_copy) as s:
        assert s._cache is not None
        for t, exp in zip((4, 100, 300), expected):
            np.testing.assert_array_equal(s.time_slice(t).data, exp)


def test_stale_cache_is_ignored_after_the_segy_changes(f3_copy):
    with open_survey(f3_copy) as s:
        build_volume_cache(s)
    st = f3_copy.stat()
    os.utime(f3_copy, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    with open_survey(f3_copy) as s:
        assert s._cache is None


def test_cancelled_build_leaves_no_cache(f3_copy):
    ctx = JobContext()
    ctx.cancel()
    with open_survey(f3_copy) as s:
        with pytest.raises(Cancelled):
            build_volume_cache(s, ctx=ctx)
        assert not default_cache_path(s).exists()
        assert not list(default_cache_path(s).parent.glob("*.part"))


def test_file_name_that_is_not_utf8_opens_and_caches(segyio_data, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_CACHE", str(tmp_path / "cache"))
    name = os.fsdecode(b"f3-\xff\xfe.sgy")  # Latin-1 bytes on a UTF-8 system: surrogates in str
    dest = tmp_path / name
    try:
        shutil.copy(segyio_data / "f3.sgy", dest)
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system does not take non-UTF-8 names")
    with open_survey(dest) as s:
        expected = s.time_slice(100).data
        build_volume_cache(s)
    with open_survey(dest) as s:
        assert s.has_cache
        np.testing.assert_array_equal(s.time_slice(100).data, expected)


@pytest.mark.parametrize("compression,layer_fits", [(None, True), (None, False),
                                                    ("gzip", True)])
def test_time_slices_read_from_whole_chunks_equal_hdf5_selection_at_every_sample(
        tmp_path, monkeypatch, compression, layer_fits):
    import h5py

    from geodesk.core.segy import volume_cache
    from geodesk.core.segy.volume_cache import VolumeCache

    rng = np.random.default_rng(3)
    vol = rng.standard_normal((37, 150, 21)).astype(np.float32)  # no side a whole chunk
    path = tmp_path / "c.h5"
    with h5py.File(path, "w") as h5:
        h5.create_dataset("data", data=vol, chunks=(32, 128, 8), compression=compression)
    cache = VolumeCache(path)
    assert cache._raw_chunks == (compression is None)  # filtered chunks: HDF5 reads them
    if not layer_fits:  # a big survey's layer of chunks is not kept: one slice of it read
        monkeypatch.setattr(volume_cache, "CHUNK_CACHE_BYTES", 1000)
    # forward, backward and jumping across chunk layers, the last one partial
    for k in [*range(21), *range(20, -1, -3), 9, 17, 0, 20]:
        sl = cache.time_slice(k)
        np.testing.assert_array_equal(sl, vol[:, :, k])
        assert sl.flags.c_contiguous and sl.flags.writeable
        sl[:] = 0  # a caller's copy: the next slice of the same layer is unchanged
    np.testing.assert_array_equal(cache.time_slice(1), vol[:, :, 1])
    assert (cache._layer is not None) == (layer_fits and compression is None)
    cache.close()
