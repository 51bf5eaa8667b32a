"""Self-supervised adaptation of the denoiser to a user's own survey (no clean data).

Two methods, both trained on the survey's own noisy sections only:

- ``noise-transfer`` (the default): the starting network's estimate of each section's noise
  (what it would remove) is moved to another place of the survey and added onto the starting
  network's output there; the network is fine-tuned to take that transferred noise off again.
  It learns the survey's own noise (bursts, spikes, its band) while its input looks like what it
  sees at inference, a non-blind noisy section.
- ``blind-spot`` (Noise2Void family): random samples are hidden (replaced by samples of
  neighbouring traces) and the network learns to predict each from what surrounds it. Measured
  on the evaluation family's validation seeds it makes the shipped denoiser worse at every
  learning rate tried: the objective teaches a network that sees the centre sample at inference
  to distrust it (its held-out blind-spot loss falls while the true error rises).

Every method holds back the last quarter of each section's traces: the adaptation loss there,
checked ``checks`` times, picks the weights kept (the starting ones included), an early
stopping rule that needs no truth. ``anchor`` pulls the weights toward the starting ones (L2-SP).
``leakage_band`` (off by default) gives an adapted model of a post-stack survey a weaker
leakage retrieval (:mod:`geodesk.core.processing.leakage`), e.g. (0.5, 0.7) instead of the
shipped 0.25-0.35. On the evaluation family's validation volumes at 0 dB (noise transfer, 400
steps) the bare adapted network's output was 0.97 dB better than with the starting band (six
volumes), the 0.5-0.7 band within 0.07 dB of it (the three it was run on), and the real
validation stack (RIV6) stayed incoherent (0.14); but on the real lines the scored bench reads
the removed part became coherent (Penobscot 0.32, Gundih 0.23, Volve 0.33 after adaptation,
target < 0.2: signal removed), so the default keeps the starting band. Gathers never take it
(on the real Viking shots: 0.30 against 0.17).
Masking fits the 2.5D input: a hidden sample is hidden in every one of the 2c + 1 sections the
network reads, along ``blind_half`` samples above and below it on its trace. Zero-filled or
muted regions and dead traces are never used. Qt-free; a job (progress, cancel through
:class:`JobContext`).
"""

from __future__ import annotations

import copy
import datetime
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.processing.denoise_checks import constant_regions
from geodesk.core.survey import Survey, SurveyError
from geodesk.ml.data.tiling import pad_to

#: How each method trains (recorded in the model's provenance).
METHODS = {
    "noise-transfer": "self-supervised fine-tuning on the survey's own noisy sections: the "
                      "starting model's noise estimate moved elsewhere and taken off again; "
                      "no clean data",
    "blind-spot": "blind-spot self-supervised fine-tuning (Noise2Void family) on the survey's "
                  "own noisy sections; no clean data",
}


#: Survey kinds whose adapted model takes ``AdaptSettings.leakage_band`` when one is set.
#: Pre-stack gathers keep the starting model's band: on the real validation shots (Viking FFID 5)
#: the weaker band left coherent removal (0.30 against 0.17).
LEAKAGE_BAND_KINDS = ("post2d", "post3d")


@dataclass
class AdaptSettings:
    """Hyper-parameters of one adaptation run (defaults chosen on the evaluation family's
    validation seeds and two real files no scored bench reads,
    ``bench/bench_denoise_adapt_validation.py``: 400 steps kept +0.13 dB over 200 on the six
    validation volumes, checked every 20 steps as before; ``leakage_band`` off, see the module
    docstring)."""

    method: str = "noise-transfer"  # or "blind-spot"
    steps: int = 400
    lr: float = 1e-4
    lr_schedule: str = "constant"  # or "cosine": down to zero at the last step
    anchor: float = 0.0  # weight of the pull toward the starting weights (L2-SP)
    batch_size: int = 8
    patch: tuple[int, int] = (64, 64)
    mask_fraction: float = 0.015  # blind-spot: share of a patch's samples that are loss centres
    blind_half: int = 2  # blind-spot: samples hidden above and below each centre on its trace
    checks: int = 20  # held-out checks over the run; the best weights seen are kept
    max_sections: int = 24
    orientations: str = "both"  # a 3D survey's inlines and crosslines, or "inline" only
    # the adapted model's leakage-retrieval coherence band (low, high) on a post-stack survey
    # (LEAKAGE_BAND_KINDS) when adapted weights are kept; None (default) keeps the starting one
    leakage_band: tuple[float, float] | None = None
    max_bytes: int = 256 * 2**20  # the sections kept for training, all together
    seed: int = 0


@dataclass
class Example:
    """One section in network layout: input (C, traces, samples), where it holds data and, for
    noise transfer, the starting network's noise estimate of its centre (traces, samples)."""

    inp: np.ndarray
    valid: np.ndarray
    noise: np.ndarray | None = None


def _section_keys(survey: Survey, max_sections: int, orientations: str = "both"
                  ) -> list[tuple[str, float]]:
    from geodesk.core.derived import positions

    if orientations not in ("both", "inline"):
        raise ValueError(f"unknown orientations {orientations!r}; choose both or inline")
    modes = {"post3d": ("inline", "crossline")[:2 if orientations == "both" else 1],
             "post2d": ("line",), "prestack": ("gather",)}.get(survey.kind)
    if modes is None:
        raise SurveyError(f"{survey.name}: cannot adapt a denoiser to a {survey.kind} file")
    keys = []
    for mode in modes:
        vals = positions(survey, mode)
        take = np.unique(np.linspace(0, len(vals) - 1, min(len(vals), max_sections)).round())
        keys += [(mode, float(vals[int(i)])) for i in take]
    return keys


def _crop(ex: Example, max_area: int, rng: np.random.Generator) -> Example:
    """``ex`` cut to at most ``max_area`` samples (traces first), where it holds most data."""
    h, w = ex.valid.shape
    ch = min(h, max(64, max_area // max(w, 1)))
    cw = min(w, max(64, max_area // ch))
    if (ch, cw) == (h, w):
        return ex
    starts = [(int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1)))
              for _ in range(4)]
    r, c = max(starts, key=lambda rc: ex.valid[rc[0]:rc[0] + ch, rc[1]:rc[1] + cw].sum())
    return Example(ex.inp[:, r:r + ch, c:c + cw].copy(), ex.valid[r:r + ch, c:c + cw].copy())


def survey_examples(survey: Survey, model: Any, max_sections: int = 24,
                    ctx: JobContext | None = None, max_bytes: int = 256 * 2**20,
                    seed: int = 0, orientations: str = "both") -> list[Example]:
    """Up to ``max_sections`` sections of each kind (inlines and crosslines, or with
    ``orientations="inline"`` inlines only; the 2D line, or gathers), evenly spread, with their neighbours for a 2.5D model, prepared as the model
    prepares them for inference (each scaled by its own RMS), then cut so that all together
    hold at most ``max_bytes``."""
    from geodesk.core.derived import model_input, read_section

    ctx = ctx or JobContext()
    out = []
    keys = _section_keys(survey, max_sections, orientations)
    max_area = max_bytes // (4 * (2 * int(model.context) + 1) * len(keys))
    rng = np.random.default_rng([int(seed), 53])
    for k, (mode, value) in enumerate(keys):
        ctx.progress(0.1 * k / len(keys), f"reading {mode} {value:g}")
        sec = read_section(survey, mode, value)
        x = model_input(survey, mode, sec, value, int(model.context))
        prep = model._prepare(x)
        valid = prep.mask.astype(bool) & ~constant_regions(prep.meta["data"])
        if valid.sum() >= 16:
            out.append(_crop(Example(prep.inp, valid), max_area, rng))
    if not out:
        raise SurveyError(f"{survey.name}: no live data to adapt the denoiser to")
    return out


def split_traces(examples: list[Example], share: float = 0.25
                 ) -> tuple[list[Example], list[Example]]:
    """(training, held-out) parts of every example: its last ``share`` of traces held out (at
    least one trace each side), so a single 2D line has a held-out part too."""
    train, held = [], []
    for ex in examples:
        h = ex.valid.shape[0]
        cut = min(max(round(h * (1 - share)), 1), h - 1) if h > 1 else h
        for part, sl in ((train, slice(0, cut)), (held, slice(cut, h))):
            if sl.stop > sl.start:
                part.append(Example(ex.inp[:, sl], ex.valid[sl],
                                    None if ex.noise is None else ex.noise[sl]))
    return train, held or train


def with_noise_estimates(examples: list[Example], model: Any) -> list[Example]:
    """``examples`` with ``model``'s noise estimate of each centre section: what it removes
    there as it runs (with its leakage retrieval, the coherent part of what the network takes
    is signal and stays), zero where the section holds no data."""
    import torch

    from geodesk.core.processing.leakage import retrieve_leakage

    net, c = model.net_, int(model.context)
    net.eval()
    out = []
    with torch.no_grad():
        for ex in examples:
            x = torch.from_numpy(np.ascontiguousarray(ex.inp)[None]).to(model.device_)
            centre = ex.inp[c]
            kept = centre - net(x)[0, 0].cpu().numpy()
            if getattr(model, "leakage", False):
                kept = retrieve_leakage(centre, kept, model.leakage_settings())
            out.append(Example(ex.inp, ex.valid,
                               np.where(ex.valid, centre - kept, 0).astype(np.float32)))
    return out


def _patch(ex: Example, size: tuple[int, int], rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(input, valid, noise estimate or None) of a random ``size`` patch, zero-padded."""
    ph, pw = size
    h, w = ex.valid.shape
    r = int(rng.integers(0, max(h - ph, 0) + 1))
    c = int(rng.integers(0, max(w - pw, 0) + 1))
    inp = pad_to(ex.inp[:, r:r + ph, c:c + pw], (ph, pw))
    valid = np.zeros((ph, pw), dtype=bool)
    v = ex.valid[r:r + ph, c:c + pw]
    valid[:v.shape[0], :v.shape[1]] = v
    noise = None if ex.noise is None else pad_to(ex.noise[None, r:r + ph, c:c + pw],
                                                  (ph, pw))[0]
    return inp, valid, noise


def blind_spot(inp: np.ndarray, valid: np.ndarray, rng: np.random.Generator, *,
               fraction: float, half: int) -> tuple[np.ndarray, np.ndarray]:
    """(masked copy of ``inp`` (C, H, W), loss centres (H, W)): centres drawn among ``valid``
    samples; each centre and ``half`` samples above and below it along its trace take, in every
    channel, the value of a random sample of a neighbouring trace (1-2 traces away, ±2 samples)."""
    _, h, w = inp.shape
    centres = valid & (rng.random((h, w)) < fraction)
    ti, si = np.nonzero(centres)
    rows, cols = [], []
    for d in range(-int(half), int(half) + 1):
        rows.append(ti)
        cols.append(si + d)
    rows, cols = np.concatenate(rows), np.clip(np.concatenate(cols), 0, w - 1)
    shift = rng.choice([-2, -1, 1, 2], size=rows.size)
    src_r = rows + shift
    src_r = np.where((src_r < 0) | (src_r >= h), rows - shift, src_r).clip(0, h - 1)
    src_c = np.clip(cols + rng.integers(-2, 3, size=cols.size), 0, w - 1)
    masked = inp.copy()
    masked[:, rows, cols] = inp[:, src_r, src_c]
    return masked, centres


def transfer_noise(inp: np.ndarray, valid: np.ndarray, noise: np.ndarray, donor: np.ndarray,
                   context: int) -> tuple[np.ndarray, np.ndarray]:
    """(input, target) of one noise-transfer example: the centre section's estimated noise
    swapped for ``donor`` (noise estimated elsewhere in the survey) where it holds data; the
    target is the centre without its noise (what the starting network makes of it)."""
    clean = inp[context] - noise
    out = inp.copy()
    out[context] = np.where(valid, clean + donor, inp[context])
    return out, clean


def _batch(examples: list[Example], s: AdaptSettings, rng: np.random.Generator, context: int):
    """(network input, target of the centre, loss weights) for one step of ``s.method``."""
    inps, targets, weights = [], [], []
    for _ in range(int(s.batch_size)):
        inp, valid, noise = _patch(examples[int(rng.integers(len(examples)))], tuple(s.patch),
                                   rng)
        if s.method == "blind-spot":
            net_in, w = blind_spot(inp, valid, rng, fraction=s.mask_fraction, half=s.blind_half)
            target = inp[context]
        else:
            donor = _patch(examples[int(rng.integers(len(examples)))], tuple(s.patch), rng)[2]
            if rng.random() < 0.5:
                donor = donor[::-1]  # traces reversed: more distinct donors
            net_in, target = transfer_noise(inp, valid, noise, donor, context)
            w = valid
        inps.append(net_in)
        targets.append(target)
        weights.append(w)
    return (np.stack(inps).astype(np.float32), np.stack(targets).astype(np.float32),
            np.stack(weights).astype(np.float32))


def _loss(net, context: int, batch, device):
    """Mean squared error of the denoised centre section against the target where weighted
    (blind spot: the hidden noisy samples; noise transfer: the centre without its noise)."""
    import torch

    inp, target, weights = (torch.from_numpy(np.ascontiguousarray(a)).to(device) for a in batch)
    err = (inp[:, context] - net(inp)[:, 0] - target) ** 2 * weights
    return err.sum() / weights.sum().clamp_min(1.0)


def check_adapt_output(out: str | os.PathLike, *, survey_path: str | os.PathLike,
                       source: str | os.PathLike | None) -> Path:
    """The adapted model's path, refusing the survey, the model it starts from and the folder
    of shipped weights (an adapted file there would become everyone's default denoiser)."""
    from geodesk.ml.registry import models_dir
    from geodesk.ml.training import check_output_path

    p = check_output_path(out)
    target = p.resolve()
    if target == Path(survey_path).resolve():
        raise ValueError(f"{p} is the survey itself; give another file for the model")
    if source is not None and target == Path(source).resolve():
        raise ValueError(f"{p} is the model being adapted; write the adapted one elsewhere")
    shipped = models_dir().resolve()
    if target.parent == shipped:
        raise ValueError(f"{p} is in the shipped models folder {shipped}; write the adapted "
                         "model elsewhere")
    return p


def adapt_denoiser(survey: Survey, model: Any, ctx: JobContext | None = None, *,
                   settings: AdaptSettings | None = None, out: str | os.PathLike | None = None,
                   source: str | os.PathLike | None = None, command: str = "",
                   on_check: Callable[[int, Any], None] | None = None) -> Any:
    """A copy of the denoising ``model`` fine-tuned on ``survey``'s own sections (``settings``'
    method), with the weights of the held-out check that scored best (the starting ones count);
    written atomically to ``out`` when given (never over the survey, ``source``, the file the
    model came from, or the shipped weights). ``model`` itself is left unchanged.
    ``on_check(step, adapted)`` is called at every check (step 0 too), e.g. to score it."""
    import torch

    ctx = ctx or JobContext()
    s = settings or AdaptSettings()
    if int(s.steps) < 1:
        raise ValueError("adaptation needs at least one step")
    if s.lr_schedule not in ("constant", "cosine"):
        raise ValueError(f"unknown learning-rate schedule {s.lr_schedule!r}")
    if s.method not in METHODS:
        raise ValueError(f"unknown adaptation method {s.method!r}; choose one of "
                         f"{', '.join(METHODS)}")
    if getattr(model, "task", None) != "denoise":
        raise ValueError(f"only a denoising model can be adapted, not {model!r}")
    if s.leakage_band is not None and not 0 <= float(s.leakage_band[0]) < float(
            s.leakage_band[1]):
        raise ValueError(f"leakage band must be 0 <= low < high, got {s.leakage_band}")
    path = None if out is None else check_adapt_output(out, survey_path=survey.path,
                                                       source=source)
    t0 = time.monotonic()
    examples = survey_examples(survey, model, s.max_sections, ctx, s.max_bytes, s.seed,
                               s.orientations)
    new = copy.deepcopy(model)
    new.weight_id_ = None  # adapted weights are not the file's
    net, device, c = new.net_, new.device_, int(new.context)
    if s.method == "noise-transfer":
        examples = with_noise_estimates(examples, new)
    train, held = split_traces(examples)
    start = [p.detach().clone() for p in net.parameters()]
    optimizer = torch.optim.Adam(net.parameters(), lr=float(s.lr))
    rng = np.random.default_rng(np.random.SeedSequence([int(s.seed), 31]))
    check = [_batch(held, s, np.random.default_rng([int(s.seed), 97, k]), c) for k in range(6)]

    def held_out_loss(step: int) -> float:
        net.eval()
        with torch.no_grad():
            loss = float(np.mean([float(_loss(net, c, b, device)) for b in check]))
        if on_check is not None:
            on_check(step, new)
        return loss

    before = held_out_loss(0)
    best = (before, 0, copy.deepcopy(net.state_dict()))
    losses: list[float] = []
    history = list(getattr(new, "history_", []))
    every = max(int(s.steps) // max(int(s.checks), 1), 1)
    for k in range(int(s.steps)):
        ctx.progress(0.1 + 0.9 * k / int(s.steps), f"adapting to {survey.name}: step "
                     f"{k + 1}/{s.steps}" + (f", loss {losses[-1]:.3g}" if losses else ""))
        net.train()
        optimizer.zero_grad()
        loss = _loss(net, c, _batch(train, s, rng, c), device)
        losses.append(float(loss.detach()))
        if s.anchor:
            loss = loss + float(s.anchor) * sum(((p - p0) ** 2).sum()
                                                for p, p0 in zip(net.parameters(), start))
        loss.backward()
        optimizer.step()
        if s.lr_schedule == "cosine":
            for group in optimizer.param_groups:
                group["lr"] = 0.5 * float(s.lr) * (1 + np.cos(np.pi * (k + 1) / int(s.steps)))
        if (k + 1) % every == 0 or k + 1 == int(s.steps):
            held_loss = held_out_loss(k + 1)
            history.append({"adapt_step": k + 1, "loss": float(np.mean(losses[-every:])),
                            "held_out_loss": held_loss})
            if held_loss < best[0]:
                best = (held_loss, k + 1, copy.deepcopy(net.state_dict()))
    net.load_state_dict(best[2])
    net.eval()
    if s.leakage_band is not None and best[1] > 0 and survey.kind in LEAKAGE_BAND_KINDS:
        new.leakage_low, new.leakage_high = (float(b) for b in s.leakage_band)
    new.history_ = history
    new.n_steps_ = int(getattr(model, "n_steps_", 0)) + best[1]
    new.provenance_ = _provenance(model, survey, s, len(examples), before, best[0], best[1],
                                  source, command, time.monotonic() - t0, new)
    if path is not None:
        ctx.progress(1.0, f"writing {path.name}")
        new.save(path)
    ctx.progress(1.0, f"adapted: held-out loss {before:.3g} -> {best[0]:.3g} (step {best[1]})")
    return new


def _provenance(parent: Any, survey: Survey, s: AdaptSettings, n_sections: int, before: float,
                after: float, kept_step: int, source: Any, command: str, seconds: float,
                new: Any) -> dict[str, Any]:
    import torch

    prev = dict(getattr(parent, "provenance_", {}) or {})
    prev = {k: prev[k] for k in ("command", "date", "validation", "self_supervised", "survey")
            if k in prev}
    if source is not None:
        prev["path"] = str(Path(source).resolve())
    return {
        "command": command,
        "self_supervised": METHODS[s.method],
        "survey": str(Path(survey.path).resolve()),
        "survey_kind": survey.kind,
        "sections": n_sections,
        "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(s).items()},
        "held_out_loss_before": round(before, 5),
        "held_out_loss_after": round(after, 5),
        "kept_step": int(kept_step),
        "total_steps": int(new.n_steps_),
        "train_seconds": round(seconds, 1),
        "device": str(new.device_),
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "fine_tuned_from": prev or None,
    }
