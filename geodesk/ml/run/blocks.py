"""Survey-wide model runs in blocks: ranges of sections (inlines, gathers, CMPs) with a halo.

A :class:`BlockJob` is plain data (file path and how to open it, the model file, the block's
section range): :func:`run_block` opens the file itself, loads the model from its file (once per
worker thread), reads the block plus ``halo`` sections on each side and returns the outputs of
the block's own sections. The same function runs here, block after block (memory bounded by a
block), or on a Dask cluster (:mod:`geodesk.ml.run.cluster`); the caller writes the results.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.section import Section
from geodesk.core.survey import Survey, SurveyError

#: How a survey is cut into sections: inlines (or the 2D line), gathers as sorted in the file
#: (post-stack files give their inlines), or CMP gathers (shot-sorted files sorted by CDP).
GROUPINGS = ("sections", "gathers", "cmps")

#: Samples per block by default (float32: 64 MB of input), so memory does not grow with the file.
BLOCK_SAMPLES = 1 << 24


@dataclass(frozen=True)
class Block:
    """Sections ``lo..hi-1`` are computed; ``read_lo..read_hi-1`` (with the halo) are read."""

    lo: int
    hi: int
    read_lo: int
    read_hi: int


def plan_blocks(n: int, size: int, halo: int = 0) -> list[Block]:
    """``n`` sections cut into blocks of ``size`` with ``halo`` extra sections read each side."""
    if size < 1 or halo < 0:
        raise ValueError(f"block size must be >= 1 and halo >= 0, got {size} and {halo}")
    return [Block(lo, min(lo + size, n), max(lo - halo, 0), min(lo + size + halo, n))
            for lo in range(0, n, size)]


def default_block_size(n_sections: int, traces: int, samples: int,
                       budget: int = BLOCK_SAMPLES) -> int:
    """Sections per block so that a block holds about ``budget`` samples (at least one)."""
    per = max(traces // max(n_sections, 1), 1) * max(samples, 1)
    return int(min(max(budget // per, 1), max(n_sections, 1)))


@dataclass(frozen=True)
class ModelRef:
    """A model as a worker receives it: its file (``path``), task and device; no torch objects."""

    path: str
    task: str
    device: str = "auto"

    def load(self):
        """The model, loaded once per thread and file version (a worker runs many blocks)."""
        st = os.stat(self.path)
        key = (self.path, st.st_mtime_ns, st.st_size, self.task, self.device)
        cache = _LOADED.__dict__.setdefault("models", {})
        if key not in cache:
            from geodesk.ml.registry import load_model

            cache.clear()  # one model per worker thread is enough
            cache[key] = load_model(self.path, task=self.task, device=self.device)
        return cache[key]


_LOADED = threading.local()


@dataclass(frozen=True)
class BlockJob:
    """One block of a survey-wide run, as plain data that pickles to another process."""

    path: str  # absolute path of the survey file (workers must see the same path)
    open_kw: dict[str, Any]  # geodesk.core.segy.reader.open_kwargs of the client's survey
    grouping: str  # one of GROUPINGS
    model: ModelRef | None  # None: the caller passes the loaded model to run_block
    op: str | Callable  # name in OPS, or a module-level function (picklable)
    block: Block
    every: int = 1  # every N-th section (CMPs for velocity analysis)
    gather_key: str | None = None  # regroup pre-stack data by this key first
    op_kw: dict[str, Any] = field(default_factory=dict)


@dataclass
class BlockResult:
    """Outputs of a block's sections: position, key, name, file trace indices and values."""

    block: Block
    index: list[int]  # position of each section in the view (0..n-1)
    keys: list[int]  # its inline number / gather key (CDP for CMPs; 0 for a 2D line)
    names: list[str]
    trace_index: list[np.ndarray]
    values: list[Any]  # per section: an array, or None where the op skipped it


def survey_spec(survey: Survey) -> dict[str, Any]:
    """Where and how a worker opens ``survey`` again: path, open arguments, gather key."""
    from geodesk.core.segy.reader import open_kwargs

    if not Path(str(getattr(survey, "path", ""))).is_file():
        raise SurveyError(f"{survey.name} is not backed by a file; it cannot be cut into blocks")
    return {"path": os.path.abspath(survey.path), "open_kw": open_kwargs(survey),
            "gather_key": getattr(survey, "gather_key", None)}


class SectionView:
    """The sections of a survey in ``grouping`` order: ``len(view)``, ``view.section(k)``."""

    def __init__(self, survey: Survey, grouping: str, every: int = 1) -> None:
        if grouping not in GROUPINGS:
            raise ValueError(f"unknown grouping {grouping!r}; choose one of {GROUPINGS}")
        self.survey, self.grouping = survey, grouping
        if survey.kind == "post3d":
            self.keys, self.what = np.asarray(survey.inlines), "inline"
        elif survey.kind == "post2d":
            self.keys, self.what = np.zeros(1, dtype=int), "line"
        elif grouping == "sections":
            raise SurveyError(f"{survey.name} is a pre-stack file; this model needs post-stack "
                              "data")
        else:
            self.keys, self.what = np.asarray(survey.gather_keys), str(survey.gather_key)
        if survey.kind != "prestack" and grouping == "cmps":
            raise SurveyError(f"{survey.name} is a {survey.kind} file: velocity work needs "
                              "pre-stack CMP gathers")
        self.keys = self.keys[::max(int(every), 1)]

    def __len__(self) -> int:
        return int(self.keys.size)

    def name(self, k: int) -> str:
        return "line" if self.what == "line" else f"{self.what} {self.keys[k]}"

    def section(self, k: int) -> Section:
        key = int(self.keys[k])
        if self.what == "inline":
            return self.survey.inline(key)
        if self.what == "line":
            return self.survey.line()
        return self.survey.gather(key)


@contextlib.contextmanager
def section_view(survey: Survey, grouping: str, every: int = 1) -> Iterator[SectionView]:
    """A :class:`SectionView`; for ``cmps`` a shot-sorted file is regrouped (own handle)."""
    if grouping == "cmps" and survey.kind == "prestack":
        from geodesk.core.processing.nmo import cmp_view

        with cmp_view(survey) as cmps:
            yield SectionView(cmps, grouping, every)
    else:
        yield SectionView(survey, grouping, every)


@contextlib.contextmanager
def _open(job: BlockJob) -> Iterator[Survey]:
    from geodesk.core.segy.reader import open_survey

    own = open_survey(job.path, **job.open_kw)
    try:
        if job.gather_key is not None and getattr(own, "gather_key", None) != job.gather_key:
            grouped = own.regroup(job.gather_key)
            own.close()
            own = grouped
        yield own
    finally:
        own.close()


def run_block(job: BlockJob, *, survey: Survey | None = None, model: Any = None,
              ctx: JobContext | None = None) -> BlockResult:
    """Compute one block: open the file (unless ``survey`` is given), load the model (unless
    given), read the block with its halo and apply the op; returns the block's own outputs."""
    b = job.block
    opened = contextlib.nullcontext(survey) if survey is not None else _open(job)
    with opened as s, section_view(s, job.grouping, job.every) as view:
        if model is None and job.model is None:
            raise ValueError("run_block needs a model: none given and none in the job")
        net = model if model is not None else job.model.load()
        sections = [view.section(k) for k in range(b.read_lo, b.read_hi)]
        op = OPS[job.op] if isinstance(job.op, str) else job.op
        core = slice(b.lo - b.read_lo, b.hi - b.read_lo)
        values = op(net, sections, core, ctx or JobContext(), **job.op_kw)
        index = list(range(b.lo, b.hi))
        return BlockResult(b, index, [int(view.keys[k]) for k in index],
                           [view.name(k) for k in index],
                           [_trace_index(sec) for sec in sections[core]], list(values))


def _trace_index(sec: Section) -> np.ndarray:
    idx = sec.trace_index
    return np.asarray(idx if idx is not None else np.arange(sec.shape[0]), dtype=np.int64)


# -- ops: (model, sections incl. halo, core slice, ctx, **kw) -> one output per core section ---
def predict_sections(model, sections: list[Section], core: slice,
                     ctx: JobContext, *, context: int = 0) -> list[np.ndarray]:
    """``model.predict`` of each core section. With ``context`` = c > 0 (a 2.5D model such as
    the denoiser) each section goes with its c neighbours each side as a (2c + 1, traces,
    samples) stack: the halo must be at least c; at the survey's ends they are mirrored."""
    from geodesk.core.derived import neighbour_indices

    rows = range(len(sections))[core]
    out = []
    for k, i in enumerate(rows):
        sub = PartContext(ctx, k, len(rows))
        if context:
            x = np.stack([np.asarray(sections[j].data, dtype=np.float32)
                          for j in neighbour_indices(i, len(sections), int(context))])
        else:
            x = sections[i]
        out.append(np.asarray(model.predict(x, ctx=sub), dtype=np.float32))
    return out


def predict_slabs(model, sections: list[Section], core: slice,
                  ctx: JobContext) -> list[np.ndarray]:
    """The denoised core inlines of a 3D block: the block with its halo stacked as a slab and
    denoised along inlines and along crosslines, averaged
    (:func:`geodesk.ml.tasks.denoise_orient.denoise_slab`; the halo should be ORIENT_HALO)."""
    from geodesk.ml.tasks.denoise_orient import denoise_slab

    slab = np.stack([np.asarray(sec.data, dtype=np.float32) for sec in sections])
    return list(denoise_slab(model, slab, core, ctx))


def predict_velocities(model, sections: list[Section], core: slice, ctx: JobContext, *,
                       min_fold: int = 6, knot_ms: float = 100.0, refine: bool = True,
                       demultiple: bool = False) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """Velocity picks ``(t_ms, vrms)`` of each CMP gather by a velocity model, as the window
    makes them (:func:`geodesk.ml.run.results.model_velocity_function`: the semblance peaks next to
    the trend, where the semblance shows reflections); None for a CMP with fewer than
    ``min_fold`` live traces."""
    from geodesk.core.processing.velpick import live_count
    from geodesk.ml.run.results import model_velocity_function

    out: list[tuple[np.ndarray, np.ndarray] | None] = []
    for sec in sections[core]:
        ctx.check_cancel()
        if live_count(sec.data) < max(2, int(min_fold)):
            out.append(None)
            continue
        t, v = model_velocity_function(model, sec, refine=refine, max_gap_ms=knot_ms,
                                       demultiple=demultiple)
        out.append((np.asarray(t, dtype=float), np.asarray(v, dtype=float)))
    return out


OPS: dict[str, Callable] = {"sections": predict_sections, "slabs": predict_slabs,
                            "velocities": predict_velocities}
