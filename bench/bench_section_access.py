"""Section flip data access vs raw segyio (mmap) on a generated >= 400 MB IEEE volume.

Prints one JSON object: warm median ms per inline / crossline / time slice for GeoDesk and for
segyio ``f.mmap()`` in the same run, their ratios, and the HDF5-cache time slice (each read from
a freshly opened h5py File; the OS page cache cannot be dropped without root, so "cold" means
"new file handle", not "off disk").
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import segyio
from _common import make_volume, median_ms

from geodesk.core.segy.reader import open_survey
from geodesk.core.segy.volume_cache import VolumeCache, build_volume_cache


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--il", type=int, default=400)
    ap.add_argument("--xl", type=int, default=250)
    ap.add_argument("--ns", type=int, default=1000)
    ap.add_argument("--keep", action="store_true", help="keep the volume and cache in /tmp")
    ap.add_argument("--no-cache", action="store_true", help="skip the HDF5 cache part")
    a = ap.parse_args()
    tmp = Path(tempfile.gettempdir())
    path = make_volume(tmp / f"geodesk-bench-{a.il}x{a.xl}x{a.ns}.sgy", a.il, a.xl, a.ns)
    rng = np.random.default_rng(1)
    ils = rng.integers(1, a.il + 1, 20).tolist()
    xls = rng.integers(1, a.xl + 1, 20).tolist()
    ks = rng.integers(0, a.ns, 10).tolist()
    out = {"file_mb": round(path.stat().st_size / 2**20, 1), "shape": [a.il, a.xl, a.ns]}
    with segyio.open(path) as f:
        f.mmap()
        for _ in range(2):  # warm the page cache for both readers
            f.depth_slice[0]
        raw = {"inline": median_ms(lambda i: f.iline[i], ils, 3),
               "crossline": median_ms(lambda x: f.xline[x], xls, 3),
               "time_slice": median_ms(lambda k: f.depth_slice[k], ks, 2)}
    with open_survey(path) as s:
        ours = {"inline": median_ms(lambda i: s.inline(i), ils, 3),
                "crossline": median_ms(lambda x: s.crossline(x), xls, 3),
                "time_slice": median_ms(lambda k: s.time_slice(k * 4.0), ks, 2)}
        assert np.array_equal(s.inline(ils[0]).data, segyio.open(path).iline[ils[0]])
        out.update(segyio_mmap_ms=raw, geodesk_ms=ours,
                   ratio={k: round(ours[k] / raw[k], 2) for k in raw})
        if not a.no_cache:
            cache = tmp / f"geodesk-bench-{a.il}x{a.xl}x{a.ns}.h5"
            t0 = time.perf_counter()
            build_volume_cache(s, cache)
            out["cache_build_s"] = round(time.perf_counter() - t0, 2)

            def fresh(k):
                c = VolumeCache(cache)
                c.time_slice(k)
                c.close()
            out["cache_time_slice_fresh_handle_ms"] = median_ms(fresh, ks, 1)
            if not a.keep:
                cache.unlink()
    if not a.keep:
        path.unlink()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
