"""Fine-tuning the velocity model on the interpreter's knots (corrected or drawn functions).

A labelled CMP's target is its Vrms function (linear between the knots) on the semblance
panel's times; only the work times from the first to the last knot count in the loss (the
rest is masked out). Knots are in ms and m/s, so a gather of another sample interval is fine;
a CDP the survey does not hold, or knots outside its record, are refused
(:class:`~geodesk.ml.finetune.FineTuneRefused`). Agreement with the interpreter: the share of
held-back knots the model's picks (as the workstation makes them,
:func:`~geodesk.ml.run.results.model_velocity_function`) meet within 2 %. The loop, the
hold-back (whole CMPs; none under three) and the writing are those of
:mod:`geodesk.ml.finetune`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.section import Section
from geodesk.ml.finetune import (
    FineTuneRefused,
    FineTuneResult,
    FineTuneSettings,
    TaskTuning,
    finetune_items,
    split_whole,
)


def velocity_settings() -> FineTuneSettings:
    """Defaults for velocities (not tuned on data yet)."""
    return FineTuneSettings(steps=150, lr=5e-4, eval_every=25, patience=4, n_synthetic=4,
                            synthetic_size=128, synthetic_fraction=0.2)


@dataclass
class LabelledCmp:
    """One CMP gather and the interpreter's knots there."""

    cdp: int
    gather: Section
    times_ms: np.ndarray
    vrms: np.ndarray

    @property
    def n_labels(self) -> int:
        return int(self.times_ms.size)


def labelled_cmps(survey: Any, knots: dict[int, tuple[np.ndarray, np.ndarray]],
                  ctx: JobContext | None = None) -> list[LabelledCmp]:
    """The CMP gathers of ``survey`` holding the knots ``{cdp: (t_ms, vrms)}``."""
    from geodesk.core.processing.nmo import cmp_view

    ctx = ctx or JobContext()
    out = []
    with cmp_view(survey) as cmps:
        have = set(np.asarray(cmps.gather_keys).tolist())
        for n, (cdp, (t, v)) in enumerate(sorted(knots.items())):
            ctx.progress(n / max(len(knots), 1), f"reading CDP {cdp}")
            if int(cdp) not in have:
                raise FineTuneRefused(f"velocity labels at CDP {cdp}, which {survey.name} does "
                                      "not hold: the survey changed since the labels were made; "
                                      "relink the right file or delete the labels")
            t, v = np.asarray(t, dtype=float), np.asarray(v, dtype=float)
            if t.size == 0:
                continue
            g = cmps.gather(int(cdp))
            axis = np.asarray(g.axis1.values, dtype=float)
            if t.min() < axis[0] or t.max() > axis[-1]:
                raise FineTuneRefused(f"CDP {cdp}: knots outside the record ({axis[0]:g} to "
                                      f"{axis[-1]:g} ms)")
            if not (np.isfinite(v).all() and (v > 0).all()):
                raise FineTuneRefused(f"CDP {cdp}: velocities must be positive numbers")
            order = np.argsort(t)
            out.append(LabelledCmp(int(cdp), g, t[order], v[order]))
    return out


def interpretation_velocity_labels(interp: Any) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """``{cdp: (t, vrms)}`` of the velocity labels in force of one survey's picks (the latest
    velocity object's function where two hold the same CDP)."""
    from geodesk.core.labels import LabelSet

    return {c.cdp: (c.times_ms, c.vrms_mps)
            for c in LabelSet.from_interpretation(interp).for_training("velocities")}


def prepare_labelled(model: Any, c: LabelledCmp) -> Any:
    """The network-layout example of a labelled CMP, the loss masked to the knots' span."""
    from geodesk.ml.tasks.velocities import panel_for_gather

    panel = panel_for_gather(c.gather, vmin=float(model.vmin), vmax=float(model.vmax))
    y = np.interp(np.asarray(panel.times_ms, dtype=float), c.times_ms, c.vrms)
    prep = model._prepare(panel, y)
    wt = np.asarray(prep.meta["wt"], dtype=float)
    pad = 0.5 * float(model.work_dt_ms) if c.n_labels > 1 else 2.0 * float(model.work_dt_ms)
    keep = (wt >= c.times_ms[0] - pad) & (wt <= c.times_ms[-1] + pad)
    prep.mask = (prep.mask * keep[None, :]).astype(np.float32)
    return prep


def velocity_agreement(model: Any, items: list[LabelledCmp], ctx: JobContext | None = None
                       ) -> dict[str, Any]:
    """Share of knots the model's picks meet within 2 % and the median relative error (a
    CMP where the model picks nothing counts as misses)."""
    from geodesk.ml.run.results import model_velocity_function

    if not items:
        return {"labels": 0, "within_2pct": None, "median_rel_error": None}
    errs = []
    for c in items:
        if ctx is not None:
            ctx.check_cancel()
        t, v = model_velocity_function(model, c.gather)
        if np.asarray(t).size == 0:
            errs.append(np.full(c.n_labels, np.inf))
            continue
        errs.append(np.abs(np.interp(c.times_ms, t, v) - c.vrms) / c.vrms)
    e = np.concatenate(errs)
    return {"labels": int(e.size), "within_2pct": round(float((e <= 0.02).mean()), 4),
            "median_rel_error": round(float(np.median(e)), 4)}


def _rank(a: dict[str, Any]) -> tuple[float, float]:
    med = a.get("median_rel_error")
    return (a.get("within_2pct") or 0.0, -(med if med is not None else np.inf))


def split_cmps(items: list[LabelledCmp], fraction: float, seed: int = 0
               ) -> tuple[list[LabelledCmp], list[LabelledCmp]]:
    """(training, held-back) whole CMPs; nothing is held back under three labelled CMPs."""
    return split_whole(items, fraction, seed) if len(items) >= 3 else (list(items), [])


VELOCITIES = TaskTuning("velocities", split_cmps, prepare_labelled, velocity_agreement, _rank,
                        "within_2pct", "cmps",
                        "no velocity labels (corrected or hand-picked knots) to train on")


def finetune_velocities(base: str | os.PathLike, items: list[LabelledCmp],
                        out: str | os.PathLike, **kw: Any) -> FineTuneResult:
    """Fine-tune the velocity model file ``base`` on labelled CMPs into ``out``
    (:func:`~geodesk.ml.finetune.finetune_items`; ``settings`` default
    :func:`velocity_settings`)."""
    kw["settings"] = kw.get("settings") or velocity_settings()
    return finetune_items(VELOCITIES, base, items, out, **kw)
