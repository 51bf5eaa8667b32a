"""Optional HDF5 cache of a 3D volume, chunked for fast time slices.

A SEG-Y file stores traces one after another, so a time slice touches every trace. The cache
stores the volume as (inline, crossline, time) in chunks that are wide in inline/crossline and
thin in time, so one slice reads a few chunks. It records the source file's path, size, mtime
and header bytes, and is ignored as soon as the SEG-Y changes. Caches live in ``$GEODESK_CACHE``
(or ``~/.cache/geodesk``) under a name derived from the source path, and a :class:`Post3D`
finds them there on open.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.survey import SurveyError

if TYPE_CHECKING:  # pragma: no cover
    from geodesk.core.survey import Post3D

CACHE_VERSION = 1
#: chunk shape (inlines, crosslines, samples), clipped to the volume (see bench_section_access)
CHUNKS = (32, 128, 8)
#: HDF5 chunk cache of an open cache file (a 400 x 250 slice touches 3.3 MB of chunks).
CHUNK_CACHE_BYTES = 64 * 2**20


def cache_dir() -> Path:
    """Folder for volume caches: ``$GEODESK_CACHE`` or ``~/.cache/geodesk``."""
    return Path(os.environ.get("GEODESK_CACHE") or Path.home() / ".cache" / "geodesk")


def _printable(text: str) -> str:
    """``text`` with the undecodable bytes of a non-UTF-8 file name as ``\\xNN`` escapes, so it
    can go into a file name or an HDF5 attribute (which take only valid UTF-8)."""
    return os.fsencode(text).decode("utf-8", "backslashreplace")


def default_cache_path(survey: Post3D) -> Path:
    """Where the cache of ``survey`` lives by default (one file per source path)."""
    key = hashlib.sha1(os.fsencode(Path(survey.path).resolve())).hexdigest()[:16]
    stem = _printable(Path(survey.path).stem).replace("\\", "_")
    return cache_dir() / f"{stem}-{key}.h5"


def _source_stamp(survey: Post3D) -> dict:
    st = os.stat(survey.path)
    return {"source_path": _printable(str(Path(survey.path).resolve())),
            "source_size": int(st.st_size),
            "source_mtime_ns": int(st.st_mtime_ns),
            "header_bytes": json.dumps(survey.header_bytes.as_dict(), sort_keys=True),
            "version": CACHE_VERSION}


class VolumeCache:
    """An open cache file: time slices by sample index, and a validity check."""

    def __init__(self, path: str | os.PathLike):
        import h5py

        self.path = Path(path)
        self._checked: tuple | None = None  # (cheap key, answer) of the last valid_for
        try:
            # a chunk cache holding a whole slice's chunks: the next slices (same chunks, 8
            # samples deep) are read from memory while stepping
            self._h5 = h5py.File(self.path, "r", rdcc_nbytes=CHUNK_CACHE_BYTES, rdcc_nslots=10007)
            self._data = self._h5["data"]
        except (OSError, KeyError) as exc:
            raise SurveyError(f"cannot read volume cache {self.path.name}: {exc}") from None
        self._raw_chunks = _raw_chunks_readable(self._data)
        self._layer: tuple[int, np.ndarray] | None = None  # (first sample, (il, xl, depth))

    def valid_for(self, survey: Post3D) -> bool:
        """True when the cache was built from this very file (path, size, mtime, bytes)."""
        if self._h5 is None:
            return False
        try:
            st = os.stat(survey.path)
        except OSError:
            return False
        # asked on every time slice: the full check (resolved path, header bytes, attributes)
        # runs again only when the file's stat or the survey object changed
        key = (id(survey), str(survey.path), st.st_size, st.st_mtime_ns,
               tuple(sorted(survey.header_bytes.as_dict().items())))
        if self._checked is not None and self._checked[0] == key:
            return self._checked[1]
        try:
            stamp = _source_stamp(survey)
        except OSError:
            return False
        attrs = self._h5.attrs
        same = all(attrs.get(k) == v for k, v in stamp.items())
        ok = same and self._data.shape == (len(survey.inlines), len(survey.crosslines),
                                           survey.n_samples)
        self._checked = (key, ok)
        return ok

    def time_slice(self, k: int) -> np.ndarray:
        """Samples at index ``k`` of every grid node, (n_inlines, n_crosslines) float32.

        The chunks holding ``k`` are read whole, straight from the file (HDF5's strided
        selection through its chunk cache cost 2 ms a slice, 0.4 ms this way), and the layer
        of chunks is kept while it is small: the next slices of a step through time come from
        memory."""
        if not self._raw_chunks:
            return np.asarray(self._data[:, :, k], dtype=np.float32)
        depth = self._data.chunks[2]
        k0 = int(k) - int(k) % depth
        if self._layer is not None and self._layer[0] == k0:
            return np.ascontiguousarray(self._layer[1][:, :, k - k0])
        nil, nxl, ns = self._data.shape
        keep = nil * nxl * min(depth, ns - k0) * 4 <= CHUNK_CACHE_BYTES
        try:
            layer = _read_layer(self._data, k0, None if keep else int(k) - k0)
        except (OSError, ValueError, KeyError):  # a chunk never written: HDF5's own reading
            self._raw_chunks = False
            return np.asarray(self._data[:, :, k], dtype=np.float32)
        if not keep:
            return layer
        self._layer = (k0, layer)
        return np.ascontiguousarray(layer[:, :, k - k0])

    def close(self) -> None:
        self._layer = None
        if self._h5 is not None:
            self._h5.close()
            self._h5 = None


def _raw_chunks_readable(data) -> bool:
    """True when ``data``'s chunks are stored as plain little-endian float32 (no filters), so
    they can be read as bytes without HDF5's selection machinery."""
    try:
        return data.chunks is not None and len(data.chunks) == 3 \
            and data.id.get_create_plist().get_nfilters() == 0 \
            and data.dtype == np.dtype("<f4")
    except (AttributeError, ValueError):
        return False


def _read_layer(data, k0: int, only: int | None = None) -> np.ndarray:
    """Samples ``k0`` to ``k0 + chunk depth`` of every node, (il, xl, depth) float32, from the
    stored chunks of that depth (``only``: just that sample of them, (il, xl))."""
    nil, nxl, ns = data.shape
    ci, cj, ck = data.chunks
    depth = min(ck, ns - k0)
    out = np.empty((nil, nxl) if only is not None else (nil, nxl, depth), dtype=np.float32)
    for i0 in range(0, nil, ci):
        i1 = min(i0 + ci, nil)
        for j0 in range(0, nxl, cj):
            j1 = min(j0 + cj, nxl)
            _mask, buf = data.id.read_direct_chunk((i0, j0, k0))
            chunk = np.frombuffer(buf, dtype="<f4").reshape(ci, cj, ck)
            if only is not None:
                out[i0:i1, j0:j1] = chunk[:i1 - i0, :j1 - j0, only]
            else:
                out[i0:i1, j0:j1] = chunk[:i1 - i0, :j1 - j0, :depth]
    return out


def find_cache(survey: Post3D) -> VolumeCache | None:
    """The cache of ``survey`` in the cache folder if present and up to date, else None."""
    path = default_cache_path(survey)
    if not path.exists():
        return None
    try:
        cache = VolumeCache(path)
    except SurveyError:
        return None
    if cache.valid_for(survey):
        return cache
    cache.close()
    return None


def build_volume_cache(survey: Post3D, path: str | os.PathLike | None = None,
                       ctx: JobContext | None = None) -> Path:
    """Write the volume to an HDF5 cache, a block of inlines at a time; cancellable job.

    The file is written under a temporary name and renamed when complete, so a cancelled or
    failed build never leaves a cache that looks valid. Returns the cache path.
    """
    import h5py

    ctx = ctx or JobContext()
    dest = Path(path) if path is not None else default_cache_path(survey)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    nil, nxl, ns = len(survey.inlines), len(survey.crosslines), survey.n_samples
    chunks = (min(CHUNKS[0], nil), min(CHUNKS[1], nxl), min(CHUNKS[2], ns))
    try:
        with h5py.File(tmp, "w") as h5:
            h5.attrs.update(_source_stamp(survey))
            data = h5.create_dataset("data", (nil, nxl, ns), dtype="f4", chunks=chunks)
            h5.create_dataset("inlines", data=np.asarray(survey.inlines))
            h5.create_dataset("crosslines", data=np.asarray(survey.crosslines))
            block = chunks[0]
            for i0 in range(0, nil, block):
                ctx.progress(i0 / nil, f"caching inline {survey.inlines[i0]}")
                rows = [survey.inline(int(il)).data for il in survey.inlines[i0:i0 + block]]
                data[i0:i0 + len(rows)] = np.stack(rows)
            ctx.progress(1.0, "cache complete")
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest
