"""Apply task models to whole surveys (jobs shared by the CLI and the GUI).

Outputs are collected per file trace in a disk-backed store (:class:`TraceFile`: a temporary
file written with ``pwrite``, not a memory map, so written rows do not stay resident), so a 3D
volume is processed a block of inlines at a time in bounded memory and then written with the
input's geometry and headers by :func:`geodesk.core.segy.write.write_like`. The block runs
(:func:`map_blocks`, :func:`velocities_unet`) compute each block with
:func:`geodesk.ml.run.blocks.run_block`, here or on a Dask cluster (:mod:`geodesk.ml.run.cluster`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.survey import Survey, SurveyError


class TraceFile:
    """A zero-filled float32 (n_traces, n_samples) array in a file: ``store[idx] = rows`` writes
    rows at trace indices, ``store[i:j]`` reads a run of rows back."""

    def __init__(self, path: Path, n_traces: int, n_samples: int) -> None:
        self.shape = (max(n_traces, 1), max(n_samples, 1))
        self.dtype = np.dtype(np.float32)
        self._row = self.shape[1] * self.dtype.itemsize
        self._fh = open(path, "w+b")  # noqa: SIM115 - closed by close()
        self._fh.truncate(self.shape[0] * self._row)  # sparse: unwritten rows read as zeros

    def __len__(self) -> int:
        return self.shape[0]

    def __setitem__(self, idx: Any, rows: np.ndarray) -> None:
        idx = np.atleast_1d(np.asarray(idx, dtype=np.int64))
        rows = np.asarray(rows, dtype=self.dtype).reshape(len(idx), self.shape[1])
        if idx.size and (idx.min() < 0 or idx.max() >= self.shape[0]):
            raise IndexError(f"trace index outside 0..{self.shape[0] - 1}")
        order = np.argsort(idx, kind="stable")
        idx, rows = idx[order], rows[order]
        breaks = np.flatnonzero(np.diff(idx) != 1) + 1  # runs of consecutive traces
        for a, b in zip(np.r_[0, breaks], np.r_[breaks, idx.size]):
            if b > a:
                self._pwrite(np.ascontiguousarray(rows[a:b]).tobytes(), int(idx[a]) * self._row)

    def _pwrite(self, data: bytes, offset: int) -> None:
        view = memoryview(data)
        while view:  # pwrite may write less than asked for (very large runs)
            n = os.pwrite(self._fh.fileno(), view, offset)
            view, offset = view[n:], offset + n

    def __getitem__(self, sl: slice) -> np.ndarray:
        start, stop, step = sl.indices(self.shape[0])
        if step != 1:
            raise IndexError("a TraceFile reads runs of consecutive traces only")
        n = max(stop - start, 0)
        buf = os.pread(self._fh.fileno(), n * self._row, start * self._row)
        return np.frombuffer(buf, dtype=self.dtype).reshape(n, self.shape[1]).copy()

    def close(self) -> None:
        self._fh.close()


@contextlib.contextmanager
def trace_store(n_traces: int, n_samples: int) -> Iterator[TraceFile]:
    """A zero-filled float32 (n_traces, n_samples) :class:`TraceFile`, deleted on exit."""
    with tempfile.TemporaryDirectory(prefix="geodesk-ml-") as tmp:
        store = TraceFile(Path(tmp) / "out.f32", n_traces, n_samples)
        try:
            yield store
        finally:
            store.close()


def _write_like(survey: Survey, store: TraceFile, out_path: str | os.PathLike) -> Path:
    from geodesk.core.segy.write import write_like

    # derived values (probabilities in [0, 1], denoised amplitudes) are written as IEEE
    # floats whatever the input's format: an int16 input would round them away
    return write_like(survey.path, out_path,
                      (store[i:i + 1024] for i in range(0, survey.n_traces, 1024)), format=5)


def _store_rows(store: TraceFile, idx: np.ndarray, values: np.ndarray) -> None:
    idx = np.asarray(idx, dtype=np.int64)
    ok = idx >= 0  # missing traces of an irregular 3D grid are not in the file
    store[idx[ok]] = np.asarray(values, dtype=np.float32)[ok]


def _jobs(survey: Survey, model, grouping: str, op: str, *, runner, block: int | None,
          halo: int = 0, every: int = 1, op_kw: dict | None = None,
          min_block: int = 1) -> list:
    """The :class:`~geodesk.ml.run.blocks.BlockJob` list of a survey-wide run."""
    from geodesk.ml.run.blocks import (
        BlockJob,
        ModelRef,
        default_block_size,
        plan_blocks,
        section_view,
        survey_spec,
    )

    if not isinstance(model, ModelRef):
        if getattr(runner, "client", None) is not None:
            raise ValueError("a Dask run needs the model as a file (ModelRef), not an object")
        model = None  # the loaded model is passed to the local runner directly
    spec = survey_spec(survey)
    with section_view(survey, grouping, every) as view:
        n = len(view)
    size = block or default_block_size(n * every, survey.n_traces, survey.n_samples)
    if runner.threads > 1:  # enough blocks to keep every worker thread busy
        size = min(size, max(-(-n // (2 * runner.threads)), 1))
    if block is None:  # a wide halo (orientation averaging) is read for blocks at least this big
        size = max(size, int(min_block))
    return [BlockJob(spec["path"], spec["open_kw"], grouping, model, op, b, every=every,
                     gather_key=spec["gather_key"], op_kw=dict(op_kw or {}))
            for b in plan_blocks(n, size, halo)]


def _loaded(model):
    from geodesk.ml.run.blocks import ModelRef

    return model.load() if isinstance(model, ModelRef) else model


def model_param(model, name: str, default: Any = None) -> Any:
    """Hyper-parameter ``name`` of the loaded model or, for a
    :class:`~geodesk.ml.run.blocks.ModelRef`, of its file (the class default where the file
    does not record it)."""
    from geodesk.ml.run.blocks import ModelRef

    if isinstance(model, ModelRef):
        import inspect

        from geodesk.ml.base import read_model_file
        from geodesk.ml.registry import get_model_class

        meta, _ = read_model_file(model.path, meta_only=True)
        klass = get_model_class(meta["model"])
        params = klass._upgrade_params(dict(meta.get("params", {})),
                                       int(meta.get("version", 0)))
        if name not in params:
            p = inspect.signature(klass.__init__).parameters.get(name)
            return default if p is None or p.default is inspect.Parameter.empty else p.default
        return params[name]
    return getattr(model, name, default)


def model_context(model) -> int:
    """Neighbouring sections each side a model reads (``context`` of a 2.5D denoiser; 0 for a
    2D model), from the loaded model or, for a :class:`~geodesk.ml.run.blocks.ModelRef`, its file."""
    return int(model_param(model, "context", 0) or 0)


def map_blocks(survey: Survey, model, out_path: str | os.PathLike, ctx: JobContext, *,
               runner=None, prestack: bool = False, block: int | None = None, halo: int = 0,
               op: str | Callable = "sections", label: str = "",
               single_pass: bool = False) -> Path:
    """``model.predict`` of every inline / the 2D line / every gather (``prestack``), written
    as SEG-Y like the input (headers and geometry copied), in blocks of ``block`` sections (default:
    about 64 MB of samples) read with ``halo`` neighbours; a denoiser that averages orientations
    runs a 3D volume along inlines and crosslines (``single_pass``: inlines only, about half the
    time), run by ``runner`` (here by default,
    or a :class:`geodesk.ml.run.cluster.DaskRunner`, which needs ``model`` as a
    :class:`~geodesk.ml.run.blocks.ModelRef`); the output does not depend on the runner."""
    from geodesk.ml.run.cluster import LocalRunner

    runner = runner or LocalRunner()
    op_kw = {}
    context = model_context(model) if survey.kind == "post3d" and op == "sections" else 0
    min_block = 1
    if context:  # a 2.5D model reads its neighbouring inlines: the halo brings them
        halo, op_kw = max(halo, context), {"context": context}
        if not single_pass and model_param(model, "average_orientations", False):
            from geodesk.ml.tasks.denoise_orient import ORIENT_HALO

            op, halo, op_kw, min_block = "slabs", max(halo, ORIENT_HALO), {}, 2 * ORIENT_HALO
    jobs = _jobs(survey, model, "gathers" if prestack else "sections", op, runner=runner,
                 block=block, halo=halo, op_kw=op_kw, min_block=min_block)
    local = None if getattr(runner, "client", None) is not None else _loaded(model)
    with trace_store(survey.n_traces, survey.n_samples) as store:
        def write(res) -> None:
            for idx, values in zip(res.trace_index, res.values):
                _store_rows(store, idx, values)

        runner.run(jobs, write, ctx, survey=survey, model=local, label=label)
        ctx.progress(1.0, f"{label}: writing")
        return _write_like(survey, store, out_path)


def velocities_unet(survey: Survey, model, ctx: JobContext, *, runner=None, every: int = 1,
                    min_fold: int = 6, knot_ms: float = 100.0, refine: bool = True,
                    block: int | None = None, demultiple: bool = False
                    ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Stacking velocities ``{cdp: (t_ms, vrms)}`` by a velocity model on every ``every``-th
    CMP (shot-sorted files are sorted by CDP), as
    the window makes them (:func:`geodesk.ml.run.results.model_velocity_function`, ``refine``,
    ``knot_ms``, ``demultiple``); CMPs with fewer than ``min_fold`` live traces are left out.
    Blocks of CMPs run here or on a Dask cluster (``runner``), like :func:`map_blocks`."""
    from geodesk.ml.run.cluster import LocalRunner

    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    if survey.kind != "prestack":
        raise SurveyError(f"{survey.name} is a {survey.kind} file: velocity picking needs "
                          "pre-stack CMP gathers")
    runner = runner or LocalRunner()
    jobs = _jobs(survey, model, "cmps", "velocities", runner=runner, block=block, every=every,
                 op_kw={"min_fold": min_fold, "knot_ms": knot_ms, "refine": refine,
                        "demultiple": demultiple})
    local = None if getattr(runner, "client", None) is not None else _loaded(model)
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def collect(res) -> None:
        for cdp, picks in zip(res.keys, res.values):
            if picks is not None and len(picks[0]):
                out[cdp] = picks
                ctx.publish({cdp: picks})

    runner.run(jobs, collect, ctx, survey=survey, model=local, label="velocities")
    ctx.progress(1.0, f"{len(out)} CMPs picked")
    return out
