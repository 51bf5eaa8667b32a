"""Registered models and the weight files shipped with GeoDesk (no torch import to list them).

Each entry names the task, the class (imported only when a model is built) and what it does.
Weight files live in ``resources/models/`` (or the folder in ``$GEODESK_MODELS``); their
metadata (task, version, provenance, validation metrics) is read from the files themselves.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodesk.ml.task_table import TASK_TABLE, TASKS


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: registry ``name``, ``task``, ``target`` ("module:Class"), summary."""

    name: str
    task: str
    target: str
    architecture: str
    summary: str


REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("fault-unet", "faults", "geodesk.ml.tasks.faults:FaultUNet", "U-Net 2D",
                  "fault probability on inline/crossline sections (class-balanced BCE)"),
        ModelSpec("firstbreak-unet", "firstbreaks", "geodesk.ml.tasks.firstbreaks:FirstBreakUNet",
                  "U-Net 2D", "first-break onsets on shot gathers (3-class segmentation)"),
        ModelSpec("velocity-unet", "velocities", "geodesk.ml.tasks.velocities:VelocityUNet",
                  "U-Net 2D", "stacking velocity trend on semblance panels (velocity-bin "
                  "classification per time)"),
        ModelSpec("denoise-dncnn", "denoise", "geodesk.ml.tasks.denoise:DenoiseDnCNN", "DnCNN",
                  "random-noise attenuation by residual learning"),
    )
}

#: The model trained and applied for each task by default (the task table's default model).
DEFAULT_FOR_TASK = {task: spec.default_model for task, spec in TASK_TABLE.items()}


def get_model_class(name: str) -> type:
    """The class of registered model ``name`` (imports torch)."""
    try:
        spec = REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; registered: {', '.join(REGISTRY)}") from None
    module, cls = spec.target.split(":")
    return getattr(importlib.import_module(module), cls)


def default_model_class(task: str) -> type:
    """The default model class of ``task``."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    return get_model_class(DEFAULT_FOR_TASK[task])


def models_dir() -> Path:
    """Folder of shipped weight files: ``$GEODESK_MODELS`` or the package's ``resources/models``
    (in a source checkout ``geodesk/resources`` links to the repository's ``resources/``)."""
    env = os.environ.get("GEODESK_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "resources" / "models"


@dataclass(frozen=True)
class WeightFile:
    """A weight file found on disk with its metadata (``error`` set if it cannot be used)."""

    path: Path
    meta: dict[str, Any]
    error: str = ""


def find_weight_files(folder: str | os.PathLike | None = None) -> list[WeightFile]:
    """Every ``*.pt`` in ``folder`` (default :func:`models_dir`) with its metadata, by name."""
    from geodesk.ml.base import ModelFileError, read_model_file

    root = Path(folder) if folder is not None else models_dir()
    out = []
    for p in sorted(root.glob("*.pt")) if root.is_dir() else []:
        try:
            meta, _ = read_model_file(p, meta_only=True)
            out.append(WeightFile(p, meta))
        except (ModelFileError, OSError) as exc:
            out.append(WeightFile(p, {}, str(exc)))
    return out


def shipped_weights(task: str, folder: str | os.PathLike | None = None) -> Path | None:
    """The shipped weight file for ``task`` (the newest by provenance date), or None."""
    files = [w for w in find_weight_files(folder) if not w.error and w.meta.get("task") == task]
    if not files:
        return None
    files.sort(key=lambda w: str(w.meta.get("provenance", {}).get("date", "")))
    return files[-1].path


#: sha256 prefixes of weight files by (resolved path, mtime ns, size): each file hashed once.
_DIGESTS: dict[tuple[str, int, int], str] = {}


def weight_id(path: str | os.PathLike, model: str, version: int) -> str:
    """``<model>@v<version>#<sha256[:12]>`` of a weight file: what its picks' provenance names,
    so two weight files of one model are told apart (content hash, cached by path+mtime+size)."""
    import hashlib

    p = Path(path).resolve()
    st = p.stat()
    key = (str(p), st.st_mtime_ns, st.st_size)
    if key not in _DIGESTS:
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _DIGESTS[key] = h.hexdigest()[:12]
    return f"{model}@v{int(version)}#{_DIGESTS[key]}"


def load_model(path: str | os.PathLike, *, task: str | None = None, device: str | None = None):
    """Load any registered model file; ``task`` refuses a model made for another task."""
    from geodesk.ml.base import ModelFileError, SeismicModel, read_model_file

    meta, _ = read_model_file(path, meta_only=True)  # cls.load reads the weights
    if task is not None and meta.get("task") != task:
        raise ModelFileError(f"{Path(path).name} is a {meta.get('task')!r} model, not a "
                             f"{task!r} model")
    if meta.get("model") not in REGISTRY:
        raise ModelFileError(f"{Path(path).name} holds unknown model {meta.get('model')!r}")
    cls: type[SeismicModel] = get_model_class(meta["model"])
    return cls.load(path, device=device)
