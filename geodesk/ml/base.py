"""The one contract every GeoDesk model follows (scikit-learn style, torch underneath).

Hyper-parameters are keyword-only ``__init__`` arguments stored as attributes of the same name;
fitted state ends in ``_`` (``net_``, ``history_``, ``provenance_``). ``fit(X, y)`` returns
self, ``partial_fit(X, y)`` takes one optimiser step, ``predict(x)`` answers for one input (a
section, gather or panel), ``predict(x, mc_samples=N)`` returns (mean, std) by Monte-Carlo
dropout. Everything is seeded by ``seed``. ``save``/``load`` use a dict of tensors plus JSON
metadata written by ``torch.save`` and read back with ``weights_only=True`` only.

A task subclass supplies: ``_build`` (the network), ``_prepare`` (one example → normalised
input, target and valid-mask arrays in network layout), ``_loss`` and ``_finish`` (raw network
output → task answer), plus ``score`` (its validation metrics).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from geodesk.core.jobs import JobContext, PartContext
from geodesk.ml.data.tiling import pad_to, tiled_apply
from geodesk.ml.params import HyperParams
from geodesk.ml.run.cancel_hooks import cancel_checks
from geodesk.ml.run.device import cpu_fallback_notice, is_out_of_memory, resolve_device

#: Version of the model-file layout; files written by a newer GeoDesk are refused.
MODEL_FORMAT = 1


class ModelFileError(ValueError):
    """A model file that cannot be used here (other task, newer format, corrupted): one line."""


@dataclass
class Prepared:
    """One example in network layout: input (C, H, W), target (K, H, W) or None, mask (H, W)."""

    inp: np.ndarray
    target: np.ndarray | None
    mask: np.ndarray
    meta: dict[str, Any]


class SeismicModel(HyperParams):
    """Base of the registered models; see the module docstring for the contract."""

    task: ClassVar[str] = ""
    name: ClassVar[str] = ""  # registry name
    version: ClassVar[int] = 1  # bump when the model's code changes what weights mean
    normalisation: ClassVar[str] = "per-section robust RMS (0.5 % clip), clipped to ±8"

    # hyper-parameters common to all models (subclasses list them in their __init__ too)
    seed: int
    lr: float
    batch_size: int
    patch: tuple[int, int]
    epochs: int
    steps_per_epoch: int
    tile: int
    device: str
    dropout: float

    # -- scikit-learn style parameters: geodesk.ml.params.HyperParams ----------------------------
    def continue_with(self, **params: Any) -> SeismicModel:
        """Change hyper-parameters of a trained model before training it further (``--from``
        with ``--param``); models whose network shape depends on a parameter override this to
        carry the learned weights over (see the denoiser's ``context``). A new ``lr`` reaches
        the optimiser too (learning-rate decay between runs)."""
        self.set_params(**params)
        if "lr" in params and hasattr(self, "optimizer_"):
            for group in self.optimizer_.param_groups:
                group["lr"] = float(self.lr)
        return self

    # -- hooks for the task subclasses ----------------------------------------------------------
    def _build(self):  # -> torch.nn.Module
        raise NotImplementedError

    @property
    def multiple(self) -> int:
        """Input sizes must be divisible by this (2**depth for a U-Net)."""
        return 1

    @property
    def min_size(self) -> int:
        """Smallest input the network is run on (U-Net: one pixel at the deepest level; DnCNN:
        its receptive field); smaller inputs are mirror-padded."""
        return 1

    def _prepare(self, x: Any, y: Any = None) -> Prepared:
        raise NotImplementedError

    def _loss(self, out, target, mask, inp):  # tensors (B, K|C, H, W), mask (B, H, W) -> scalar
        raise NotImplementedError

    def _finish(self, raw: np.ndarray, prep: Prepared) -> Any:
        raise NotImplementedError

    def score(self, X: list, y: list) -> dict[str, float]:
        """Validation metrics of the task on examples ``X`` with truth ``y``."""
        raise NotImplementedError

    # -- fitting ------------------------------------------------------------------------------
    def _init_net(self) -> None:
        import torch

        torch.manual_seed(int(self.seed))
        self.device_ = resolve_device(self.device)
        self.net_ = self._build().to(self.device_)
        self.optimizer_ = torch.optim.Adam(self.net_.parameters(), lr=float(self.lr))
        self.rng_ = np.random.default_rng(int(self.seed))
        self.history_: list[dict[str, float]] = []
        self.n_steps_ = 0

    def _crop(self, prep: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A random training patch of ``patch`` size (padded, masked out, where smaller)."""
        ph, pw = self.patch
        h, w = prep.mask.shape
        r = int(self.rng_.integers(0, max(h - ph, 0) + 1))
        c = int(self.rng_.integers(0, max(w - pw, 0) + 1))
        return self._crop_at(prep, r, c)

    def _crop_at(self, prep: Prepared, r: int, c: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``patch``-sized (input, target, mask) whose corner is (``r``, ``c``)."""
        ph, pw = self.patch
        sl = (slice(r, r + ph), slice(c, c + pw))
        inp = pad_to(prep.inp[(slice(None), *sl)], (ph, pw))
        tgt = pad_to(prep.target[(slice(None), *sl)], (ph, pw))
        mask = np.zeros((ph, pw), dtype=np.float32)
        m = prep.mask[sl]
        mask[: m.shape[0], : m.shape[1]] = m
        return inp, tgt, mask

    def _step(self, preps: list[Prepared]) -> float:
        import torch

        crops = [self._crop(preps[int(self.rng_.integers(len(preps)))])
                 for _ in range(int(self.batch_size))]
        dev = self.device_
        inp = torch.from_numpy(np.stack([c[0] for c in crops])).to(dev)
        tgt = torch.from_numpy(np.stack([c[1] for c in crops])).to(dev)
        mask = torch.from_numpy(np.stack([c[2] for c in crops])).to(dev)
        self.net_.train()
        self.optimizer_.zero_grad()
        loss = self._loss(self.net_(inp), tgt, mask, inp)
        loss.backward()
        self.optimizer_.step()
        self.n_steps_ += 1
        self.weight_id_ = None  # the weights are no longer those of any file
        return float(loss.detach())

    def partial_fit(self, X: list, y: list) -> SeismicModel:
        """One optimiser step on a batch cropped from examples ``X`` with targets ``y``."""
        if not hasattr(self, "net_"):
            self._init_net()
        self.last_loss_ = self._step([self._prepare(a, b) for a, b in zip(X, y)])
        return self

    def fit(self, X: list, y: list, *, ctx: JobContext | None = None) -> SeismicModel:
        """Train from scratch for ``epochs`` x ``steps_per_epoch`` steps on ``X``/``y``."""
        ctx = ctx or JobContext()
        self._init_net()
        preps = [self._prepare(a, b) for a, b in zip(X, y)]
        if not preps:
            raise ValueError("fit needs at least one example")
        total = max(int(self.epochs) * int(self.steps_per_epoch), 1)
        for epoch in range(int(self.epochs)):
            losses = []
            for s in range(int(self.steps_per_epoch)):
                ctx.progress((epoch * int(self.steps_per_epoch) + s) / total,
                             f"training epoch {epoch + 1}/{self.epochs}")
                losses.append(self._step(preps))
            self.history_.append({"epoch": epoch + 1, "loss": float(np.mean(losses))})
        ctx.progress(1.0, "trained")
        return self

    # -- inference ----------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "net_"):
            raise RuntimeError(f"{self.name} is not fitted: call fit() or load() first")

    def _forward_fn(self, device):
        import torch

        def fn(batch: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return self.net_(torch.from_numpy(batch).to(device)).float().cpu().numpy()

        return fn

    def _raw(self, inp: np.ndarray, ctx: JobContext | None) -> np.ndarray:
        """Tiled network output for one prepared input; GPU OOM → smaller tiles, then CPU."""
        import torch

        tile = int(self.tile)
        while True:
            try:
                # the blend ignores the outer quarter of each overlap: make it span the
                # receptive field where that is small (DnCNN), at least an eighth of a tile
                overlap = max(tile // 8, min(2 * self.min_size, tile // 2))
                with cancel_checks(self.net_, ctx):  # a cancelled job stops within a layer
                    return tiled_apply(self._forward_fn(self.device_), inp, tile=tile,
                                       overlap=overlap, multiple=self.multiple,
                                       min_size=self.min_size, ctx=ctx)
            except Exception as exc:
                if self.device_.type != "cuda" or not (is_out_of_memory(exc) or
                                                       isinstance(exc, torch.cuda.CudaError)):
                    raise
                torch.cuda.empty_cache()
                if is_out_of_memory(exc) and tile // 2 >= max(self.multiple, 32):
                    tile //= 2
                    continue
                cpu_fallback_notice(str(exc).splitlines()[0] if str(exc) else "CUDA error")
                tile = int(self.tile)  # the CPU has room for the full tile
                self.device_ = torch.device("cpu")
                self.net_.to(self.device_)

    def _set_dropout(self, on: bool) -> None:
        from torch import nn

        self.net_.eval()
        if on:
            for m in self.net_.modules():
                if isinstance(m, (nn.Dropout, nn.Dropout2d)):
                    m.train()

    def predict(self, x: Any, *, ctx: JobContext | None = None, mc_samples: int = 0) -> Any:
        """The task's answer for one input; with ``mc_samples`` = N > 1, (mean, std) over N
        Monte-Carlo dropout passes (std is 0 for a network without dropout)."""
        import torch

        self._check_fitted()
        prep = self._prepare(x)
        if mc_samples and mc_samples > 1:
            outs = []
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(int(self.seed))
                self._set_dropout(True)
                try:
                    for k in range(int(mc_samples)):
                        sub = PartContext(ctx, k, int(mc_samples))
                        outs.append(np.asarray(self._finish(self._raw(prep.inp, sub), prep),
                                               dtype=np.float64))
                finally:
                    self.net_.eval()
            stack = np.stack(outs)
            return stack.mean(axis=0).astype(np.float32), stack.std(axis=0).astype(np.float32)
        self.net_.eval()
        return self._finish(self._raw(prep.inp, ctx), prep)

    # -- persistence --------------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        """JSON-able description written into the model file."""
        return {
            "model": self.name,
            "task": self.task,
            "version": self.version,
            "params": self.get_params(),
            "normalisation": self.normalisation,
            "history": getattr(self, "history_", []),
            "provenance": getattr(self, "provenance_", {}),
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write weights and metadata (``torch.save`` of tensors + a JSON string), atomically."""
        import torch

        from geodesk.core.atomic import atomic_path

        self._check_fitted()
        state = {k: v.detach().cpu().clone() for k, v in self.net_.state_dict().items()}
        payload = {"geodesk_model_format": MODEL_FORMAT,
                   "meta_json": json.dumps(self.metadata(), sort_keys=True, default=float),
                   "state": state}
        out = Path(path)
        with atomic_path(out) as tmp:
            torch.save(payload, tmp)
        from geodesk.ml.registry import weight_id

        self.weight_id_ = weight_id(out, self.name, self.version)
        return out

    @classmethod
    def _upgrade_params(cls, params: dict[str, Any], version: int) -> dict[str, Any]:
        """Hyper-parameters of a file written by an older ``version`` of this model, with the
        values that version implied for parameters added since (override per model)."""
        return params

    @classmethod
    def load(cls, path: str | os.PathLike, *, device: str | None = None) -> SeismicModel:
        """Read a model file written by :meth:`save`; refuses another task, a newer format or a
        corrupted file with a :class:`ModelFileError`."""
        from geodesk.ml.registry import get_model_class

        meta, state = read_model_file(path)
        if cls.task and meta.get("task") != cls.task:
            raise ModelFileError(f"{Path(path).name} is a {meta.get('task')!r} model, "
                                 f"not a {cls.task!r} model")
        klass = get_model_class(meta["model"]) if cls is SeismicModel else cls
        if meta.get("model") != klass.name:
            raise ModelFileError(f"{Path(path).name} holds model {meta.get('model')!r}, "
                                 f"not {klass.name!r}")
        if int(meta.get("version", 0)) > klass.version:
            raise ModelFileError(f"{Path(path).name} was made by a newer {klass.name} "
                                 f"(version {meta['version']} > {klass.version}); update GeoDesk")
        params = klass._upgrade_params(dict(meta["params"]), int(meta.get("version", 0)))
        params = {k: v for k, v in params.items() if k in klass._param_names()}
        if device is not None:
            params["device"] = device
        model = klass(**params)
        model._init_net()
        try:
            model.net_.load_state_dict(state)
        except (RuntimeError, KeyError) as exc:
            raise ModelFileError(f"{Path(path).name}: weights do not fit the model "
                                 f"({str(exc).splitlines()[0]})") from None
        model.net_.eval()
        from geodesk.ml.registry import weight_id

        model.weight_id_ = weight_id(path, klass.name, int(meta.get("version", 0)))
        model.history_ = list(meta.get("history", []))
        model.provenance_ = dict(meta.get("provenance", {}))
        # training continued with --from draws the seeds after the ones this file was trained on
        model.n_steps_ = int(model.provenance_.get("total_steps", 0) or 0)
        return model


def read_model_file(path: str | os.PathLike, *,
                    meta_only: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """(metadata, state dict) of a model file, checked for format and integrity.
    ``meta_only`` maps the tensors instead of reading them (listing a folder of models reads
    the metadata, not megabytes of weights): the state dict is then returned empty."""
    import pickle
    import struct
    import zipfile

    import torch

    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"model file {p} not found")
    try:
        payload = torch.load(p, map_location="cpu", weights_only=True, mmap=meta_only)
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError,
            OSError, AttributeError, TypeError, struct.error, KeyError, IndexError,
            UnicodeDecodeError, MemoryError) as exc:  # any file renamed .pt lands here
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, (KeyError, IndexError)):  # the unpickler met a byte it cannot read
            first = f"unreadable content ({type(exc).__name__} {first})"
        raise ModelFileError(f"{p.name} is not a readable GeoDesk model file (corrupted or "
                             f"truncated: {first[:120]})") from None
    if not isinstance(payload, dict) or "geodesk_model_format" not in payload:
        raise ModelFileError(f"{p.name} is not a GeoDesk model file")
    try:
        fmt = int(payload["geodesk_model_format"])
    except (TypeError, ValueError):
        raise ModelFileError(f"{p.name}: model-file format is not a number") from None
    if fmt > MODEL_FORMAT:
        raise ModelFileError(f"{p.name} uses model-file format {fmt}, newer than the {MODEL_FORMAT} "
                             "this GeoDesk reads; update GeoDesk")
    try:
        meta = json.loads(payload["meta_json"])
        state = {} if meta_only else dict(payload["state"])
    except (KeyError, TypeError, ValueError):
        raise ModelFileError(f"{p.name}: model metadata missing or damaged") from None
    if not isinstance(meta, dict) or "task" not in meta or "model" not in meta:
        raise ModelFileError(f"{p.name}: model metadata missing or damaged")
    if not isinstance(meta.get("params"), dict):
        raise ModelFileError(f"{p.name}: model metadata lacks the model's parameters")
    return meta, state
