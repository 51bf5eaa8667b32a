"""Apply task models to whole surveys (jobs shared by the CLI and the GUI).

Outputs are collected per file trace in a disk-backed array (``numpy.memmap`` in a temporary
folder), so a 3D volume is processed inline by inline in bounded memory and then written with
the input's geometry and headers by :func:`geodesk.core.segy_write.write_like`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.section import Section
from geodesk.core.survey import Survey, SurveyError


@contextlib.contextmanager
def trace_store(n_traces: int, n_samples: int) -> Iterator[np.ndarray]:
    """A zero-filled float32 (n_traces, n_samples) array on disk, deleted on exit."""
    with tempfile.TemporaryDirectory(prefix="geodesk-ml-") as tmp:
        store = np.lib.format.open_memmap(Path(tmp) / "out.npy", mode="w+", dtype=np.float32,
                                          shape=(max(n_traces, 1), max(n_samples, 1)))
        try:
            yield store
        finally:
            store.flush()
            del store


def _sections(survey: Survey, by_gather: bool) -> Iterator[tuple[Section, str]]:
    if survey.kind == "post3d":
        for il in survey.inlines:
            yield survey.inline(int(il)), f"inline {il}"
    elif survey.kind == "post2d":
        yield survey.line(), "line"
    elif by_gather:
        for key in survey.gather_keys:
            yield survey.gather(int(key)), f"{survey.gather_key} {key}"
    else:
        raise SurveyError(f"{survey.name} is a pre-stack file; this model needs post-stack data")


def count_sections(survey: Survey) -> int:
    """Number of sections :func:`map_sections` visits."""
    return {"post3d": lambda: len(survey.inlines), "post2d": lambda: 1,
            "prestack": lambda: len(survey.gather_keys)}[survey.kind]()


def map_sections(survey: Survey, fn: Callable[[Section, JobContext], np.ndarray],
                 out_path: str | os.PathLike, ctx: JobContext, *,
                 prestack: bool = False, label: str = "") -> Path:
    """Write ``fn(section)`` (same shape as the section) for every inline / the line / every
    gather of ``survey`` into a SEG-Y like the input (headers and geometry copied)."""
    n = count_sections(survey)
    with trace_store(survey.n_traces, survey.n_samples) as store:
        for k, (sec, name) in enumerate(_sections(survey, prestack)):
            sub = _Scaled(ctx, k, n, f"{label} {name} ({k + 1} of {n})")
            res = np.asarray(fn(sec, sub), dtype=np.float32)
            idx = np.asarray(sec.trace_index, dtype=np.int64)
            ok = idx >= 0
            store[idx[ok]] = res[ok]
        ctx.progress(1.0, f"{label}: writing")
        from geodesk.core.segy_write import write_like

        # derived values (probabilities in [0, 1], denoised amplitudes) are written as IEEE
        # floats whatever the input's format: an int16 input would round them away
        return write_like(survey.path, out_path,
                          (store[i:i + 1024] for i in range(0, survey.n_traces, 1024)), format=5)


class _Scaled(JobContext):
    """Progress of section ``k`` of ``n`` mapped into the parent's [0, 1] with a label."""

    def __init__(self, parent: JobContext, k: int, n: int, text: str) -> None:
        super().__init__()
        self.parent, self.k, self.n, self.label = parent, k, n, text

    def progress(self, fraction: float, text: str = "") -> None:
        self.parent.progress((self.k + fraction) / self.n, self.label)

    def check_cancel(self) -> None:
        self.parent.check_cancel()


def first_breaks_unet(survey: Survey, model, ctx: JobContext) -> np.ndarray:
    """First-break times (ms, NaN unpicked) per file trace, picked shot by shot by ``model``."""
    if survey.kind != "prestack":
        raise SurveyError(f"first breaks are picked on pre-stack gathers, not {survey.kind}")
    shots = survey if survey.gather_key == "ffid" else survey.regroup("ffid")
    times = np.full(survey.n_traces, np.nan, dtype=np.float32)
    keys = np.asarray(shots.gather_keys)
    try:
        for k, key in enumerate(keys):
            sub = _Scaled(ctx, k, len(keys), f"shot {key} ({k + 1} of {len(keys)})")
            g = shots.gather(int(key))
            idx = np.asarray(g.trace_index, dtype=np.int64)
            times[idx] = model.predict(g, ctx=sub)
    finally:
        if shots is not survey:
            shots.close()
    ctx.progress(1.0, "first breaks picked")
    return times
