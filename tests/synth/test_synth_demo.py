"""Demo survey cache: built once, reused, keyed by sizes, atomic under concurrent starts."""

from __future__ import annotations

import threading

import numpy as np
import segyio

from geodesk.synth import load_truth
from geodesk.synth.demo import demo_dir, demo_paths

TINY = {"post3d": (6, 8, 40), "shots": (2, 12, 100), "cmps": (3, 6, 100)}


def test_demo_builds_once_then_reuses_the_cache(tmp_path):
    paths = demo_paths(tmp_path, sizes=TINY)
    assert set(paths) == {"post3d", "shots", "cmps", "post3d_truth", "shots_truth", "cmps_truth"}
    for p in paths.values():
        assert p.exists()
    with segyio.open(str(paths["post3d"])) as f:
        assert (len(f.ilines), len(f.xlines), len(f.samples)) == TINY["post3d"]
    assert load_truth(paths["cmps"])["kind"] == "cmps"
    stamps = {k: p.stat().st_mtime_ns for k, p in paths.items()}
    again = demo_paths(tmp_path, sizes=TINY)
    assert again == paths
    assert {k: p.stat().st_mtime_ns for k, p in again.items()} == stamps
    # nothing but the finished folder is left in the cache
    assert [p.name for p in tmp_path.iterdir()] == [paths["post3d"].parent.name]


def test_cache_folder_depends_on_sizes_and_honours_geodesk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_CACHE", str(tmp_path / "env"))
    default = demo_dir()
    assert default.parent == tmp_path / "env"
    assert default.name.startswith("demo-v")
    assert demo_dir(sizes=TINY) != default
    assert demo_dir(tmp_path / "other").parent == tmp_path / "other"


def test_two_concurrent_builders_end_with_one_complete_demo(tmp_path):
    results, errors = [], []

    def build():
        try:
            results.append(demo_paths(tmp_path, sizes=TINY))
        except Exception as exc:  # noqa: BLE001 - any failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results[0] == results[1]
    assert [p.name for p in tmp_path.iterdir()] == [results[0]["post3d"].parent.name]
    with segyio.open(str(results[0]["shots"]), ignore_geometry=True) as f:
        assert f.tracecount == 24
        assert np.isfinite(f.trace[3]).all()
