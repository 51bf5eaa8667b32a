"""The model contract without torch: estimators whose fitted state is numpy arrays (DDTF, K-means).

The same contract as :class:`geodesk.ml.base.SeismicModel` where it applies: keyword-only
hyper-parameters (``get_params``/``set_params``), fitted state ending in ``_``, ``fit`` returns
self, ``predict(x)`` answers for one input, ``provenance_`` and ``weight_id_`` name the file.
The file is an ``.npz`` of the state arrays plus a JSON metadata string, written atomically
and read back with ``allow_pickle=False`` (no code in a model file, as with ``weights_only``).
Subclasses list their state arrays in ``state_names`` and implement ``fit`` and ``predict``.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from geodesk.core.atomic import atomic_path
from geodesk.ml.base import ModelFileError
from geodesk.ml.params import HyperParams

#: Version of the ``.npz`` estimator-file layout; newer files are refused.
ESTIMATOR_FORMAT = 1


@runtime_checkable
class ModelContract(Protocol):
    """What the workstation, the CLI and the registry use of any model, torch or not."""

    task: ClassVar[str]
    name: ClassVar[str]
    version: ClassVar[int]

    def get_params(self) -> dict[str, Any]: ...

    def fit(self, X: list, y: list | None = None) -> Any: ...

    def predict(self, x: Any) -> Any: ...

    def save(self, path: str | os.PathLike) -> Path: ...


class ArrayEstimator(HyperParams):
    """Base of the estimators whose fitted state is a few named numpy arrays."""

    task: ClassVar[str] = ""
    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    state_names: ClassVar[tuple[str, ...]] = ()  # fitted arrays, e.g. ("dictionary_",)

    def fit(self, X: list, y: list | None = None) -> ArrayEstimator:  # pragma: no cover
        raise NotImplementedError

    def predict(self, x: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    def is_fitted(self) -> bool:
        return all(hasattr(self, n) for n in self.state_names)

    def metadata(self) -> dict[str, Any]:
        return {"model": self.name, "task": self.task, "version": self.version,
                "params": self.get_params(), "provenance": getattr(self, "provenance_", {})}

    def save(self, path: str | os.PathLike) -> Path:
        """Write the state arrays and the metadata to ``path`` (``.npz``), atomically."""
        if not self.is_fitted():
            raise ValueError(f"{self.name} is not fitted: nothing to save")
        out = Path(path)
        arrays = {n: np.asarray(getattr(self, n)) for n in self.state_names}
        meta = json.dumps(self.metadata(), sort_keys=True, default=float)
        with atomic_path(out) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, geodesk_estimator_format=np.array(ESTIMATOR_FORMAT),
                     meta_json=np.array(meta), **arrays)
        return out

    @classmethod
    def load(cls, path: str | os.PathLike) -> ArrayEstimator:
        """Read a file written by :meth:`save`; another model, a newer format, missing arrays or
        a damaged file are refused with a :class:`ModelFileError`."""
        meta, arrays = read_estimator_file(path)
        if meta.get("model") != cls.name:
            raise ModelFileError(f"{Path(path).name} holds model {meta.get('model')!r}, "
                                 f"not {cls.name!r}")
        if int(meta.get("version", 0)) > cls.version:
            raise ModelFileError(f"{Path(path).name} was made by a newer {cls.name}; "
                                 "update GeoDesk")
        missing = [n for n in cls.state_names if n not in arrays]
        if missing:
            raise ModelFileError(f"{Path(path).name}: state {', '.join(missing)} missing")
        params = {k: v for k, v in dict(meta.get("params", {})).items()
                  if k in cls._param_names()}
        est = cls(**params)
        for n in cls.state_names:
            setattr(est, n, arrays[n])
        est.provenance_ = dict(meta.get("provenance", {}))
        return est


def read_estimator_file(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metadata, state arrays) of an ``.npz`` estimator file, never unpickling anything."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"model file {p} not found")
    try:
        with open(p, "rb") as fh, np.load(fh, allow_pickle=False) as z:  # our handle: closed
            data = {k: z[k] for k in z.files}  # even when numpy fails on a damaged zip
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ModelFileError(f"{p.name} is not a readable GeoDesk estimator file "
                             f"({first[:120]})") from None
    try:
        fmt = int(data.pop("geodesk_estimator_format"))
        meta = json.loads(str(data.pop("meta_json")))
    except (KeyError, TypeError, ValueError):
        raise ModelFileError(f"{p.name} is not a GeoDesk estimator file") from None
    if fmt > ESTIMATOR_FORMAT:
        raise ModelFileError(f"{p.name} uses estimator-file format {fmt}, newer than "
                             f"{ESTIMATOR_FORMAT}; update GeoDesk")
    if not isinstance(meta, dict) or "model" not in meta or "task" not in meta:
        raise ModelFileError(f"{p.name}: estimator metadata missing or damaged")
    return meta, data
