"""Training on synthetic data generated on the fly, with validation, early stopping and the
best-by-validation checkpoint written to disk after every improvement (a cancelled or stopped
run keeps its best model). A job: progress and cancel through :class:`JobContext`.
"""

from __future__ import annotations

import copy
import datetime
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.ml.base import ModelFileError, SeismicModel
from geodesk.ml.data.datasets import (
    GENERATORS,
    VALIDATION_SEED_BASE,
    examples,
    training_seed,
    validation_set,
)
from geodesk.ml.task_table import TASK_TABLE

#: Metric that selects the best checkpoint per task, and whether larger is better (task table).
PRIMARY_METRIC = {t: (spec.metric, spec.larger_is_better) for t, spec in TASK_TABLE.items()}


def _better(task: str, new: float, best: float | None) -> bool:
    if best is None:
        return True
    _, larger = PRIMARY_METRIC[task]
    return new > best if larger else new < best


def train(task: str, out: str | os.PathLike, *, epochs: int = 20, steps_per_epoch: int = 50,
          device: str = "auto", init_from: str | os.PathLike | None = None, seed: int = 0,
          params: dict[str, Any] | None = None, n_validation: int = 4, patience: int = 5,
          size: int = 128, command: str = "", ctx: JobContext | None = None) -> SeismicModel:
    """Train the default model of ``task`` (or continue ``init_from``) and save the best
    checkpoint to ``out``; returns the model holding the best weights."""
    from geodesk.ml.registry import default_model_class, load_model

    ctx = ctx or JobContext()
    if epochs < 1 or steps_per_epoch < 1:
        raise ValueError("epochs and steps per epoch must be at least 1")
    if init_from is not None:
        model = load_model(init_from, task=task, device=device)
        if params:
            model.continue_with(**params)
    else:
        cls = default_model_class(task)
        model = cls(**{**(params or {}), "device": device, "seed": seed})
        model._init_net()
    model.set_params(epochs=epochs, steps_per_epoch=steps_per_epoch)
    parent = dict(getattr(model, "provenance_", {}) or {})
    parent = {k: parent[k] for k in ("command", "date", "validation") if k in parent}
    metric, _ = PRIMARY_METRIC[task]
    ctx.progress(0.0, "validation data")
    val_X, val_y = validation_set(task, n_validation, size=size)
    start_step = int(getattr(model, "n_steps_", 0))
    history = list(getattr(model, "history_", []))
    best: float | None = None
    best_state, best_epoch, stale, t0 = None, 0, 0, time.monotonic()
    total = epochs * steps_per_epoch
    for epoch in range(1, epochs + 1):
        losses = []
        for s in range(steps_per_epoch):
            k = (epoch - 1) * steps_per_epoch + s
            ctx.progress(k / total, f"epoch {epoch}/{epochs} step {s + 1}/{steps_per_epoch}"
                         + (f"  {metric} {best:.4g}" if best is not None else ""))
            X, y = examples(task, training_seed(seed, start_step + k), size=size)
            model.partial_fit(X, y)
            losses.append(model.last_loss_)
        scores = model.score(val_X, val_y)
        history.append({"epoch": len(history) + 1, "loss": float(np.mean(losses)), **scores})
        model.history_ = history
        if _better(task, scores[metric], best):
            best, best_epoch, stale = scores[metric], epoch, 0
            best_state = copy.deepcopy(model.net_.state_dict())
            _provenance(model, task, seed, epoch, steps_per_epoch, start_step, scores,
                        n_validation, size, command, time.monotonic() - t0, parent)
            model.save(out)
        else:
            stale += 1
            if stale >= patience:
                break
    if best_state is not None:
        model.net_.load_state_dict(best_state)
    ctx.progress(1.0, f"best {metric} {best:.4g} at epoch {best_epoch}")
    return model


def _provenance(model: SeismicModel, task: str, seed: int, epoch: int, steps: int,
                start_step: int, scores: dict[str, float], n_validation: int, size: int,
                command: str, seconds: float, parent: dict[str, Any]) -> None:
    import torch

    from geodesk.synth.truth import GENERATOR_VERSION

    model.provenance_ = {
        "command": command,
        "generator": GENERATORS[task],
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "training_seeds": f"training_seed({seed}, k) for k in {start_step}.."
                          f"{start_step + epoch * steps - 1}",
        "validation_seeds": f"{VALIDATION_SEED_BASE}..{VALIDATION_SEED_BASE + n_validation - 1}",
        "example_size": size,
        "epochs": epoch,
        "steps_per_epoch": steps,
        "total_steps": int(model.n_steps_),
        "validation": scores,
        "train_seconds": round(seconds, 1),
        "device": str(model.device_),
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "fine_tuned_from": parent or None,
    }


def check_output_path(out: str | os.PathLike) -> Path:
    """The model output path, refusing a folder or a missing parent folder up front."""
    p = Path(out)
    if p.is_dir():
        raise ModelFileError(f"{p} is a folder; give a file name such as model.pt")
    if not p.parent.exists():
        raise FileNotFoundError(f"folder {p.parent} does not exist")
    return p
