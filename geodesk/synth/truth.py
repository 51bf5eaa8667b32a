"""Truth side files: ``OUT.truth.npz`` next to ``OUT.sgy`` holds what the generator knows exactly.

Every file has ``kind`` (``post3d``, ``shots`` or ``cmps``), ``version`` (the generator version),
``seed`` and ``params_json`` (the generator parameters as JSON), plus the arrays documented in
the generator modules (:mod:`geodesk.synth.post3d`, :mod:`~geodesk.synth.shots`,
:mod:`~geodesk.synth.cmps`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.atomic import atomic_path

#: Bumped whenever a generator changes what it produces for a given seed.
GENERATOR_VERSION = 1


def truth_path(segy_path: str | os.PathLike) -> Path:
    """``OUT.truth.npz`` for ``OUT.sgy`` (a path already ending in ``.truth.npz`` is kept)."""
    p = Path(segy_path)
    if p.name.endswith(".truth.npz"):
        return p
    return p.with_name(p.stem + ".truth.npz") if p.suffix else p.with_name(p.name + ".truth.npz")


def save_truth(
    segy_path: str | os.PathLike,
    kind: str,
    seed: int | None,
    params: dict[str, Any],
    arrays: dict[str, np.ndarray],
) -> Path:
    """Write the truth file of ``segy_path`` atomically (compressed npz) and return its path."""
    out = truth_path(segy_path)
    payload = {k: np.asarray(v) for k, v in arrays.items()}
    payload.update(
        kind=np.asarray(kind),
        version=np.asarray(GENERATOR_VERSION),
        seed=np.asarray(-1 if seed is None else seed),
        params_json=np.asarray(json.dumps(params, sort_keys=True, default=float)),
    )
    with atomic_path(out) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **payload)
    return out


def load_truth(path: str | os.PathLike) -> dict[str, Any]:
    """Truth of a synthetic file (give the SEG-Y path or the ``.truth.npz``): arrays by key.

    Scalars come back as Python values and ``params`` as a dict.
    """
    p = truth_path(path)
    if not p.exists():
        raise FileNotFoundError(f"no truth file {p}")
    with np.load(p, allow_pickle=False) as z:
        out: dict[str, Any] = {k: z[k] for k in z.files}
    for key in ("kind", "version", "seed"):
        out[key] = out[key].item()
    out["params"] = json.loads(out.pop("params_json").item())
    return out
