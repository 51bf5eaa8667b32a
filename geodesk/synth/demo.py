"""The demo survey of ``geodesk demo``: built once, cached, and rebuilt when the generators change.

The cache folder is ``<base>/demo-v<GENERATOR_VERSION>-<source hash>[-<size hash>]`` with ``base``
= ``cache_dir``, ``$GEODESK_CACHE`` or ``~/.cache/geodesk``. It is built in a temporary folder
next to it and renamed into place, so a reader never sees a half-built demo and two processes
starting together both end up with one complete copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from geodesk.synth.cmps import generate_cmps
from geodesk.synth.post3d import generate_post3d
from geodesk.synth.shots import generate_shots
from geodesk.synth.truth import GENERATOR_VERSION, truth_path

DEMO_SIZES = {"post3d": (150, 200, 500), "shots": (12, 120, 1000), "cmps": (40, 48, 1000)}
DEMO_DT_MS = {"post3d": 4.0, "shots": 2.0, "cmps": 4.0}
DEMO_FILES = {"post3d": "demo_post3d.sgy", "shots": "demo_shots.sgy", "cmps": "demo_cmps.sgy"}
_COMPLETE = "COMPLETE"


def _source_hash() -> str:
    """Hash of the generator and writer sources: any change to them gives a new cache folder."""
    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.py")) + [here.parent / "core" / "segy" / "write.py"]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


def demo_dir(
    cache_dir: str | os.PathLike | None = None, sizes: dict[str, tuple[int, int, int]] | None = None
) -> Path:
    """The cache folder the demo with ``sizes`` lives in (it may not exist yet)."""
    base = Path(cache_dir or os.environ.get("GEODESK_CACHE") or Path.home() / ".cache/geodesk")
    name = f"demo-v{GENERATOR_VERSION}-{_source_hash()}"
    if sizes and {**DEMO_SIZES, **sizes} != DEMO_SIZES:
        key = repr(sorted({**DEMO_SIZES, **sizes}.items())).encode()
        name += "-" + hashlib.sha256(key).hexdigest()[:8]
    return base / name


def _paths(folder: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for kind, name in DEMO_FILES.items():
        out[kind] = folder / name
        out[f"{kind}_truth"] = truth_path(folder / name)
    return out


def build_demo(
    folder: str | os.PathLike, sizes: dict[str, tuple[int, int, int]] | None = None
) -> dict[str, Path]:
    """Generate the three demo files and their truth into ``folder`` (no caching)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sz = {**DEMO_SIZES, **(sizes or {})}
    paths = _paths(folder)
    generate_post3d(
        sz["post3d"], seed=2019, dt_ms=DEMO_DT_MS["post3d"], snr_db=15.0, n_faults=4
    ).write(paths["post3d"])
    generate_shots(sz["shots"], seed=7, dt_ms=DEMO_DT_MS["shots"], snr_db=25.0).write(
        paths["shots"]
    )
    generate_cmps(sz["cmps"], seed=11, dt_ms=DEMO_DT_MS["cmps"], snr_db=15.0).write(paths["cmps"])
    return paths


def demo_paths(
    cache_dir: str | os.PathLike | None = None,
    *,
    sizes: dict[str, tuple[int, int, int]] | None = None,
) -> dict[str, Path]:
    """Paths of the demo files (``post3d``, ``shots``, ``cmps`` and ``<kind>_truth``).

    Builds them on first use; later calls return the cached files. ``sizes`` overrides the
    (inlines|shots|cmps, crosslines|channels|offsets, samples) of any kind, for fast tests.
    """
    final = demo_dir(cache_dir, sizes)
    if (final / _COMPLETE).exists():
        return _paths(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        build_demo(tmp, sizes)
        (tmp / _COMPLETE).write_text("ok\n")
        if final.exists() and not (final / _COMPLETE).exists():
            # a folder without the marker was not made by us (renames are atomic): move it away
            shutil.rmtree(final, ignore_errors=True)
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / _COMPLETE).exists():  # not a lost race: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # our copy, if another process won the race
    return _paths(final)
