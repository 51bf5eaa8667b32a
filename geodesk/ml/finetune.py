"""Fine-tuning a first-break model on the interpreter's labels (corrected, drawn, confirmed).

Always from the BASE weights (the shipped or chosen file, never the last fine-tuned version:
repeated fine-tunes would drift), on all labels plus synthetic gathers (a ``synthetic_fraction``
of the batches, so the model keeps what it learnt on them). Sparse labels are normal: traces
without a label are masked out of the loss (``Prepared.mask``). Every fifth labelled trace of
up to three labelled gathers is held back (``holdout_by="traces"``; every gather trains, and
each also in mirror image); agreement with the interpreter there (within 2 samples) selects
the best step, stops early, and chooses the picking options of the new version (whether the
tuned network's own picks or the classical picker's stand, ``classical``).
A NaN or exploding loss stops with :class:`FineTuneDiverged` and a cancel raises
:class:`~geodesk.core.jobs.Cancelled`: in both cases nothing is written, the previous model file
stays what the workstation uses. Labels are times in ms: a gather of another sample interval
is resampled by the model itself (``work_dt_ms``).
"""

from __future__ import annotations

import copy
import datetime
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.section import Section


class FineTuneDiverged(RuntimeError):
    """The loss became NaN or exploded: nothing was written, the previous model stays."""


class FineTuneRefused(ValueError):
    """Labels that cannot be trained on (none, outside the records, another task): one line."""


@dataclass
class FineTuneSettings:
    """How long and how a fine-tune runs; the defaults took 20-80 s (median 41-66 s) on one
    torch thread of the shared 2-core machine for 1 to 8 labelled 48-trace shots."""

    # lr, synthetic share and patience chosen on the held-back labels of geostack shots
    # 13-35 only (never on the shots the fine-tune bench scores)
    steps: int = 300
    lr: float = 1e-3
    synthetic_fraction: float = 0.1  # share of batches drawn from synthetic gathers
    n_synthetic: int = 6  # synthetic draws generated once per run
    synthetic_size: int = 96
    holdout: float = 0.2  # share of labels held back for validation
    # first breaks: "traces" holds back every fifth labelled trace of at most ``held_gathers``
    # gathers (every gather still trains; a whole held-back shot of 48 labels chose step 20 of
    # 300 in 4 of 9 geostack splits: noise), "gathers" holds back whole gathers (three or more)
    holdout_by: str = "traces"
    held_gathers: int = 3
    mirror: bool = True  # also train on each labelled gather with its traces in reverse order
    eval_every: int = 25  # steps between evaluations on the held-back labels
    patience: int = 5  # evaluations without improvement before stopping
    divergence_factor: float = 50.0  # recent mean loss this many times the first = diverged
    seed: int = 0
    threads: int | None = 1  # torch CPU threads (beside the GUI)


@dataclass
class LabelledGather:
    """One shot gather and its label times (ms, NaN where the trace is not a label)."""

    key: int
    gather: Section
    times: np.ndarray

    @property
    def n_labels(self) -> int:
        return int(np.isfinite(self.times).sum())


@dataclass
class FineTuneResult:
    """The fine-tuned model (already saved to ``path``) and what its provenance says."""

    model: Any
    path: Path
    n_labels: int
    agreement: dict[str, Any]
    base_agreement: dict[str, Any]
    stopped: str
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


# -- labels ---------------------------------------------------------------------------------
def interpretation_label_times(interp: Any, n_traces: int) -> np.ndarray:
    """Per file trace: the first-break label in force of a survey's picks
    (:func:`geodesk.core.labels.first_break_times`: corrected, drawn by hand or confirmed;
    deleted and superseded labels and machine picks left out), NaN where unlabelled."""
    from geodesk.core.labels import LabelSet, first_break_times

    try:
        return first_break_times(LabelSet.from_interpretation(interp), int(n_traces))
    except ValueError as exc:  # labels beyond the survey's traces: it changed since
        raise FineTuneRefused(str(exc).splitlines()[0]) from None


def csv_label_times(path: str | os.PathLike, survey: Any) -> np.ndarray:
    """Per file trace of ``survey``: the times of a first-break CSV (``ffid,channel[,trace,
    offset],time_ms``; empty time = unlabelled), matched on (ffid, channel)."""
    from geodesk.core.exchange.csv_io import firstbreak_rows_to_traces, read_firstbreak_csv

    hb = survey.header_bytes
    rows = read_firstbreak_csv(path, short_ok=True)
    idx = firstbreak_rows_to_traces(path, rows, survey.header_values(hb.ffid),
                                    survey.header_values(hb.channel))
    out = np.full(survey.n_traces, np.nan, dtype=np.float32)
    out[idx] = rows.time_ms
    return out


def labelled_gathers(survey: Any, times: np.ndarray,
                     ctx: JobContext | None = None) -> list[LabelledGather]:
    """The shot gathers of ``survey`` that hold at least one label of ``times`` (per file
    trace); labels outside a gather's record are refused (:class:`FineTuneRefused`)."""
    ctx = ctx or JobContext()
    times = np.asarray(times, dtype=np.float32)
    if times.shape != (survey.n_traces,):
        raise FineTuneRefused(f"{times.size} label times for a survey of {survey.n_traces} traces")
    shots = survey if survey.gather_key == "ffid" else survey.regroup("ffid")
    ffid = survey.header_values(survey.header_bytes.ffid)
    wanted = sorted({int(f) for f in np.unique(ffid[np.isfinite(times)])})
    out = []
    try:
        for n, key in enumerate(wanted):
            ctx.progress(n / max(len(wanted), 1), f"reading labelled shot {key}")
            g = shots.gather(key)
            idx = np.asarray(g.trace_index, dtype=np.int64)
            t = np.where(idx >= 0, times[np.clip(idx, 0, None)], np.nan).astype(np.float32)
            axis = np.asarray(g.axis1.values, dtype=float)
            late = np.isfinite(t) & ((t < axis[0]) | (t > axis[-1]))
            if late.any():
                raise FineTuneRefused(f"shot {key}: {int(late.sum())} label(s) outside the "
                                      f"record ({axis[0]:g} to {axis[-1]:g} ms)")
            out.append(LabelledGather(key, g, t))
    finally:
        if shots is not survey:
            shots.close()
    return out


def split_whole(items: list, fraction: float, seed: int = 0) -> tuple[list, list]:
    """(training, held-back) whole items: ``fraction`` of them held back, at least one, never
    all (none when ``fraction`` is 0 or there are fewer than two)."""
    if fraction <= 0 or len(items) < 2:
        return list(items), []
    rng = np.random.default_rng(seed)
    n_held = min(max(round(fraction * len(items)), 1), len(items) - 1)
    held = set(rng.choice(len(items), n_held, replace=False).tolist())
    return ([x for k, x in enumerate(items) if k not in held],
            [x for k, x in enumerate(items) if k in held])


def split_holdout(gathers: list[LabelledGather], fraction: float, seed: int = 0, *,
                  by: str = "gathers", max_gathers: int = 3
                  ) -> tuple[list[LabelledGather], list[LabelledGather]]:
    """(training, held-back) labels. ``by="gathers"``: whole gathers (at least one of three or
    more), or every fifth labelled trace of each gather when there are fewer than three.
    ``by="traces"``: every fifth labelled trace of at most ``max_gathers`` gathers spread over
    the list (the evaluation decodes each of them), the other gathers whole in training."""
    if fraction <= 0 or not gathers:
        return list(gathers), []
    if by not in ("gathers", "traces"):
        raise ValueError(f"holdout by {by!r}: 'gathers' or 'traces'")
    if by == "gathers" and len(gathers) >= 3:
        return split_whole(gathers, fraction, seed)
    n_held = len(gathers) if by == "gathers" else min(max(int(max_gathers), 1), len(gathers))
    chosen = set(np.linspace(0, len(gathers) - 1, n_held).round().astype(int).tolist())
    train, test = [], []
    for k, g in enumerate(gathers):
        if k not in chosen:
            train.append(g)
            continue
        lab = np.flatnonzero(np.isfinite(g.times))
        hold = np.zeros(g.times.shape, dtype=bool)
        hold[lab[2::5]] = True
        train.append(LabelledGather(g.key, g.gather, np.where(hold, np.nan, g.times)))
        test.append(LabelledGather(g.key, g.gather, np.where(hold, g.times, np.nan)))
    return train, [g for g in test if g.n_labels]


def mirrored(prep: Any) -> Any:
    """A prepared gather with its traces in reverse order (a shot seen from the other end of
    the spread: the picker averages both views, ``flip_average``, so both are trained)."""
    from geodesk.ml.base import Prepared

    meta = {k: (v[::-1].copy() if isinstance(v, np.ndarray) and v.ndim >= 1
                and v.shape[0] == prep.mask.shape[0] else v) for k, v in prep.meta.items()}
    target = None if prep.target is None else np.ascontiguousarray(prep.target[:, ::-1])
    return Prepared(np.ascontiguousarray(prep.inp[:, ::-1]), target,
                    np.ascontiguousarray(prep.mask[::-1]), meta)


def agreement(model: Any, gathers: list[LabelledGather], ctx: JobContext | None = None
              ) -> dict[str, Any]:
    """How the model's picks (as the workstation makes them) agree with the labels: share
    within 2 samples, within 2 ms, median |error| (ms); misses count. A sample is the
    gather's dt or the model's ``work_dt_ms`` where that is coarser (the network picks on
    that grid: 2 samples of a 0.25 ms record are finer than it resolves)."""
    from geodesk.ml.run.results import firstbreak_picks

    errs, tol = [], []
    for g in gathers:
        if ctx is not None:
            ctx.check_cancel()
        ok = np.isfinite(g.times)
        t, _ = firstbreak_picks(model, g.gather)
        e = np.abs(np.asarray(t, dtype=float)[ok] - g.times[ok])
        errs.append(np.where(np.isfinite(e), e, np.inf))
        axis = np.asarray(g.gather.axis1.values, dtype=float)
        step = max(float(axis[1] - axis[0]), float(getattr(model, "work_dt_ms", 0.0)))
        tol.append(np.full(int(ok.sum()), 2.0 * step))
    if not errs:
        return {"labels": 0, "within_2_samples": None, "within_2ms": None,
                "median_abs_error_ms": None}
    e, tl = np.concatenate(errs), np.concatenate(tol)
    return {"labels": int(e.size), "within_2_samples": round(float((e <= tl).mean()), 4),
            "within_2ms": round(float((e <= 2.0).mean()), 4),
            "median_abs_error_ms": round(float(np.median(e)), 3) if e.size else None}


def choose_options(model: Any, held: list, options: dict[str, tuple], score: Any, rank: Any,
                   ctx: JobContext | None = None) -> dict[str, Any]:
    """Set each of the model's picking ``options`` (parameter -> candidate values; those the
    model lacks are skipped) to the value whose ``score`` on the ``held`` labels ranks best;
    ties keep the model's own value. Returns {parameter: {value: score, ..., "chosen": v}}."""
    out: dict[str, Any] = {}
    for name, values in options.items():
        if not held or not hasattr(model, name):
            continue
        own = getattr(model, name)
        tried: dict[str, Any] = {}
        best_v, best = own, None
        for v in (own, *[v for v in values if v != own]):
            setattr(model, name, v)
            sc = score(model, held, ctx)
            tried[str(v)] = sc
            if best is None or rank(sc) > rank(best):
                best_v, best = v, sc
        setattr(model, name, best_v)
        out[name] = {**tried, "chosen": best_v}
    return out


def _rank(a: dict[str, Any]) -> tuple[float, float]:
    """Larger is better: agreement first, then a smaller median error."""
    med = a.get("median_abs_error_ms")
    return (a.get("within_2_samples") or 0.0, -(med if med is not None else np.inf))


# -- the fine-tune ----------------------------------------------------------------------------
def next_version_path(project_folder: str | os.PathLike, task: str = "firstbreaks") -> Path:
    """``NAME.geodesk/models/<task>-vN.pt`` with N one above every version there (never an
    existing file); the folder is made on first use (saves leave it alone: they only
    replace ``gen-*`` folders and the pointer)."""
    import re

    folder = Path(project_folder) / "models"
    folder.mkdir(exist_ok=True)
    pattern = re.compile(rf"{re.escape(task)}-v(\d+)\.pt")
    used = [int(m.group(1)) for p in folder.iterdir() if (m := pattern.fullmatch(p.name))]
    return folder / f"{task}-v{max(used, default=0) + 1}.pt"


def base_weights(path: str | os.PathLike) -> Path:
    """The base file of a model file: a fine-tuned version names the file it was tuned from
    (when that file is still there); any other file is its own base."""
    from geodesk.ml.base import read_model_file

    p = Path(path)
    meta, _ = read_model_file(p, meta_only=True)
    ft = (meta.get("provenance") or {}).get("fine_tune") or {}
    base = ft.get("base_path")
    if base and Path(base).is_file():
        return Path(base)
    return p


def _synthetic(model: Any, settings: FineTuneSettings, ctx: JobContext) -> list:
    """Prepared synthetic examples of the model's task (drawn once per run)."""
    from geodesk.ml.data.datasets import examples, training_seed

    preps = []
    for k in range(int(settings.n_synthetic)):
        ctx.progress(0.02 * k / max(settings.n_synthetic, 1), f"synthetic {model.task}")
        X, y = examples(model.task, training_seed(settings.seed + 7919, k),
                        size=int(settings.synthetic_size))
        preps += [model._prepare(a, b) for a, b in zip(X, y)]
    return preps


#: Divergence compares the mean of the last few losses with that of the first few, never
#: below LOSS_FLOOR: one patch's loss varies by orders of magnitude with what it holds (a
#: fault-free crop costs ~1e-3, one across a fault ~0.3), which alone is no divergence.
DIVERGENCE_WINDOW = 5
LOSS_FLOOR = 0.1


@dataclass
class TuneOutcome:
    """What :func:`tune` ended with: the best held-back agreement (its weights are in the
    model), the base's, the step it came from, why it stopped and the evaluations."""

    best: dict[str, Any]
    base: dict[str, Any]
    best_step: int
    stopped: str
    history: list[dict[str, float]]


def focus(prep: Any, patch: tuple[int, int], margin: int = 8) -> Any:
    """``prep`` cut to the box around its labelled (mask > 0) part, at least ``patch`` large:
    random training crops of a sparsely labelled section then always hold labels."""
    from geodesk.ml.base import Prepared

    rows, cols = np.nonzero(prep.mask > 0)
    if rows.size == 0:
        return prep
    h, w = prep.mask.shape
    box = []
    for lo, hi, size, n in ((rows.min(), rows.max(), patch[0], h),
                            (cols.min(), cols.max(), patch[1], w)):
        lo, hi = max(int(lo) - margin, 0), min(int(hi) + margin + 1, n)
        grow = max(int(size) - (hi - lo), 0)
        lo = max(lo - grow // 2, 0)
        hi = min(max(hi, lo + int(size)), n)
        lo = max(min(lo, hi - int(size)), 0)
        box.append(slice(lo, hi))
    sl = tuple(box)
    return Prepared(prep.inp[(slice(None), *sl)], None if prep.target is None else
                    prep.target[(slice(None), *sl)], prep.mask[sl], prep.meta)


def tune(model: Any, labelled: list, held: list, score: Any, rank: Any, synthetic: list,
         s: FineTuneSettings, ctx: JobContext, what: str = "agreement") -> TuneOutcome:
    """Optimiser steps on ``labelled`` (Prepared examples, masked) and a ``synthetic_fraction``
    of ``synthetic`` ones; every ``eval_every`` steps ``score(model, held, ctx)`` (a dict) is
    ranked by ``rank`` (larger is better), the best weights are kept and a run of ``patience``
    evaluations without improvement stops. NaN or exploding loss (the mean of the last
    :data:`DIVERGENCE_WINDOW` losses ``divergence_factor`` times that of the first, at least
    :data:`LOSS_FLOOR`): :class:`FineTuneDiverged`."""
    import torch

    base_score = score(model, held, ctx)
    best, best_state, best_step = base_score, copy.deepcopy(model.net_.state_dict()), 0
    history: list[dict[str, float]] = []
    first_losses: list[float] = []
    recent: list[float] = []
    stale, stopped = 0, f"{s.steps} steps"
    losses: list[float] = []
    step = 0
    for step in range(1, int(s.steps) + 1):
        shown = best.get(what)
        ctx.progress(0.05 + 0.9 * (step - 1) / s.steps,
                     f"fine-tuning step {step}/{s.steps}"
                     + (f", held-back {what.replace('_', ' ')} {shown:.0%}"
                        if shown is not None else ""))
        use_synth = bool(synthetic) and model.rng_.random() < float(s.synthetic_fraction)
        loss = model._step(synthetic if use_synth or not labelled else labelled)
        if not np.isfinite(loss):
            raise FineTuneDiverged(f"fine-tune diverged: the loss became {loss} at step {step}; "
                                   "nothing was written, the previous model stays")
        recent.append(loss)
        del recent[:-DIVERGENCE_WINDOW]
        if len(first_losses) < DIVERGENCE_WINDOW:
            first_losses.append(loss)
        elif (now := float(np.mean(recent))) > s.divergence_factor * max(
                float(np.mean(first_losses)), LOSS_FLOOR):
            raise FineTuneDiverged(f"fine-tune diverged: the loss rose to {now:.3g} at step "
                                   f"{step} (it started near {np.mean(first_losses):.3g}); "
                                   "nothing was written, the previous model stays")
        losses.append(loss)
        if held and (step % int(s.eval_every) == 0 or step == s.steps):
            sc = score(model, held, ctx)
            history.append({"step": step, "loss": float(np.mean(losses)),
                            **{k: v for k, v in sc.items()
                               if isinstance(v, (int, float)) and v is not None}})
            losses = []
            if rank(sc) > rank(best):
                best, best_step, stale = sc, step, 0
                best_state = copy.deepcopy(model.net_.state_dict())
            else:
                stale += 1
                if stale >= s.patience:
                    stopped = f"early stop at step {step} (best at step {best_step})"
                    break
    if held:
        model.net_.load_state_dict(best_state)
    else:
        best_step, best = step, {k: (0 if k == "labels" else None) for k in base_score}
    if not all(torch.isfinite(v).all() for v in model.net_.state_dict().values()
               if v.is_floating_point()):
        raise FineTuneDiverged("fine-tune diverged: the weights hold NaN; nothing was written, "
                               "the previous model stays")
    return TuneOutcome(best, base_score, best_step, stopped, history)


def start_model(base: str | os.PathLike, task: str, s: FineTuneSettings) -> Any:
    """The base model file loaded on the CPU, seeded, with the fine-tune's learning rate."""
    import torch

    from geodesk.ml.registry import load_model

    if s.steps < 1:
        raise FineTuneRefused("a fine-tune needs at least one step")
    if s.threads:
        torch.set_num_threads(int(s.threads))
    model = load_model(base, task=task, device="cpu")
    torch.manual_seed(int(s.seed))
    model.rng_ = np.random.default_rng(int(s.seed))
    for group in model.optimizer_.param_groups:
        group["lr"] = float(s.lr)
    return model


def write_version(model: Any, base: str | os.PathLike, out: str | os.PathLike,
                  outcome: TuneOutcome, s: FineTuneSettings, *, base_id: str | None,
                  base_prov: dict[str, Any], n_labels: int, details: dict[str, Any],
                  command: str, seconds: float, ctx: JobContext) -> Path:
    """Record the fine-tune in the model's provenance and save it to ``out`` (atomic; a cancel
    before this point writes nothing); the model's weight id becomes the new file's."""
    from geodesk.ml.registry import weight_id

    ctx.progress(0.97, "writing the new model version")
    best = outcome.best
    model.provenance_ = {
        **{k: base_prov[k] for k in ("generator", "generator_version") if k in base_prov},
        "validation": {f"held_back_{k}": v for k, v in best.items()
                       if k != "labels" and v is not None},
        "base_validation": base_prov.get("validation"),
        "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "total_steps": int(base_prov.get("total_steps", 0) or 0),
        "fine_tune": {
            "base_weights": base_id,
            "base_path": str(Path(base).resolve()),
            "labels": int(n_labels),
            **details,
            "held_back_agreement": best,
            "base_held_back_agreement": outcome.base,
            "best_step": outcome.best_step,
            "stopped": outcome.stopped,
            "steps": int(s.steps),
            "lr": float(s.lr),
            "synthetic_fraction": float(s.synthetic_fraction),
            "seed": int(s.seed),
            "seconds": round(seconds, 1),
            "history": outcome.history,
        },
    }
    ctx.check_cancel()
    path = model.save(out)
    model.weight_id_ = weight_id(path, model.name, model.version)
    ctx.progress(1.0, "fine-tuned")
    return path


@dataclass(frozen=True)
class TaskTuning:
    """What differs between the tasks' fine-tunes: how labelled items are split, turned into
    masked examples and scored (``score`` ranked by ``rank``, ``what`` its headline key),
    what an item is called in the provenance, and the message when there are no labels."""

    task: str
    split: Any
    prepare: Any
    score: Any
    rank: Any
    what: str
    items: str
    no_labels: str
    augment: Any = None  # (examples, settings) -> the examples trained on
    split_options: Any = None  # settings -> further keywords of ``split``
    #: picking parameters of the tuned model chosen on the held-back items (choose_options)
    options: dict[str, tuple] = field(default_factory=dict)
    #: picking parameters set while the steps are scored (the network's own output, so the
    #: step kept is the one whose network learned most, not the one a fallback picker hides)
    while_tuning: dict[str, Any] = field(default_factory=dict)


def finetune_items(tuning: TaskTuning, base: str | os.PathLike, items: list,
                   out: str | os.PathLike, *, survey_name: str = "",
                   settings: FineTuneSettings | None = None, command: str = "",
                   ctx: JobContext | None = None) -> FineTuneResult:
    """Fine-tune the model file ``base`` of ``tuning.task`` on labelled ``items`` and synthetic
    examples, keep the best step on the held-back items and write it to ``out`` (atomic; only
    when the run completes: a cancel or a divergence writes nothing)."""
    ctx = ctx or JobContext()
    s = settings or FineTuneSettings()
    n_labels = sum(x.n_labels for x in items)
    if s.steps >= 1 and n_labels == 0:
        raise FineTuneRefused(tuning.no_labels)
    t_start = time.monotonic()
    ctx.progress(0.0, "loading the base model")
    model = start_model(base, tuning.task, s)
    base_id, base_prov = model.weight_id_, dict(getattr(model, "provenance_", {}) or {})
    train, held = tuning.split(items, s.holdout, s.seed,
                               **(tuning.split_options(s) if tuning.split_options else {}))
    labelled = [tuning.prepare(model, x) for x in train if x.n_labels]
    if tuning.augment is not None:
        labelled = tuning.augment(labelled, s)
    synthetic = _synthetic(model, s, ctx) if s.synthetic_fraction > 0 else []
    own = {k: getattr(model, k) for k in tuning.while_tuning if hasattr(model, k)}
    for k in own:
        setattr(model, k, tuning.while_tuning[k])
    try:
        outcome = tune(model, labelled, held, tuning.score, tuning.rank, synthetic, s, ctx,
                       tuning.what)
    finally:
        for k, v in own.items():
            setattr(model, k, v)
    chosen = choose_options(model, held, tuning.options, tuning.score, tuning.rank, ctx)
    if chosen:  # the held-back agreement of the options kept
        outcome.best = next(v[str(v["chosen"])] for v in reversed(chosen.values()))
    seconds = time.monotonic() - t_start
    whole = {id(x) for x in items}
    details = {"survey": survey_name, f"labelled_{tuning.items}": len(items),
               f"held_back_{tuning.items}": [_key(x) for x in held if id(x) in whole],
               "held_back_labels": int(sum(x.n_labels for x in held))}
    if chosen:
        details["options"] = chosen
    path = write_version(model, base, out, outcome, s, base_id=base_id, base_prov=base_prov,
                         n_labels=n_labels, details=details, command=command,
                         seconds=seconds, ctx=ctx)
    return FineTuneResult(model, path, n_labels, outcome.best, outcome.base, outcome.stopped,
                          seconds, outcome.history)


def _key(item: Any) -> Any:
    """A JSON-able name of a labelled item (shot FFID, CDP, section kind and number)."""
    for name in ("key", "cdp"):
        if hasattr(item, name):
            k = getattr(item, name)
            return list(k) if isinstance(k, tuple) else k
    return None


def _fb_split_options(s: FineTuneSettings) -> dict[str, Any]:
    return {"by": s.holdout_by, "max_gathers": s.held_gathers}


def _fb_augment(preps: list, s: FineTuneSettings) -> list:
    return preps + [mirrored(p) for p in preps] if s.mirror else preps


FIRST_BREAKS = TaskTuning("firstbreaks", split_holdout,
                          lambda model, g: model._prepare(g.gather, g.times), agreement, _rank,
                          "within_2_samples", "gathers",
                          "no first-break labels (manual or corrected picks) to train on",
                          _fb_augment, _fb_split_options,
                          # the picker may replace the network's picks by the classical
                          # picker's (``classical``): after a fine-tune the held-back labels
                          # say whether the tuned network's own picks agree better
                          {"classical": ("earlier", "none")},
                          # steps are scored on the network's own picks: scored through
                          # the combined picker, the classical picks hid what the network
                          # learned and step 0 (no training) was kept in 5 of 18 small splits
                          {"classical": "none"})


def finetune_firstbreaks(base: str | os.PathLike, gathers: list[LabelledGather],
                         out: str | os.PathLike, **kw: Any) -> FineTuneResult:
    """Fine-tune the first-break model file ``base`` on labelled ``gathers`` into ``out``
    (:func:`finetune_items`; keywords ``survey_name``, ``settings``, ``command``, ``ctx``)."""
    return finetune_items(FIRST_BREAKS, base, gathers, out, **kw)
